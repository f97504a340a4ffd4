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
		const tab = page.locator('a.tab-manual');
		assert.equal(await tab.count(), 1, 'one マニュアル tab');
		assert.equal((await tab.textContent()).trim(), 'マニュアル');
		await t.submit(page, 'a.tab-manual');
		assert.match(page.url(), /\/manual\/$/, 'the manual opens');
		assert.match(await page.textContent('h1'), /マニュアル/);
		await t.submit(page, 'main a[href="login.html"]');
		assert.match(await page.textContent('h1'), /ログイン/);
		await t.shot(page, 'manual-login');
	},
};
