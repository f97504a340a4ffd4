'use strict';
// The home screen's マニュアル tab opens the user manual; its chapter on
// logging in opens from the table of contents (the chapter is what the
// screenshot shows: the contents page is a list of links).
const { assert } = require('../lib/browser');

module.exports = {
	title: 'home screen and the マニュアル tab (STAFF1)',
	async run(t) {
		const page = await t.page('STAFF1');
		await t.login(page, 'STAFF1');
		assert.match(page.url(), /\/home$/, 'logged in');
		// In the top navigation (and again in the footer); its "?" badge
		// is aria-hidden, so the link's name is just マニュアル.
		const tab = page.locator('nav.site-nav a.tab-manual');
		assert.equal(await tab.count(), 1, 'a マニュアル tab in the navigation');
		assert.equal(await page.locator('footer a.tab-manual').count(), 1,
		    'and one in the footer');
		assert.equal(await page.getByRole('navigation', { name: 'メインメニュー' })
		    .getByRole('link', { name: 'マニュアル', exact: true }).count(), 1,
		    'the tab is named マニュアル');
		await t.submit(page, 'nav.site-nav a.tab-manual');
		assert.match(page.url(), /\/manual\/$/, 'the manual opens');
		assert.match(await page.textContent('h1'), /マニュアル/);
		await t.submit(page, 'main a[href="login.html"]');
		assert.match(await page.textContent('h1'), /ログイン/);
		await t.shot(page, 'manual-login');
	},
};
