'use strict';
// My Profile: STAFF1 issues a certificate for another device with the
// current password and gets the pickup number (the password goes by
// mail; the new device picks it up on the portal).
const { assert } = require('../lib/browser');

module.exports = {
	title: 'My Profile issues a device certificate (STAFF1)',
	async run(t) {
		const page = await t.page('STAFF1');
		await t.login(page, 'STAFF1');
		await t.submit(page, 'nav a[href="/profile"]');
		assert.equal(await page.textContent('h1'), 'マイプロファイル');
		await t.shot(page, 'profile');
		await page.fill('#label', `訪問用タブレット ${Date.now().toString(36)}`);
		await page.fill('#cert-password', t.env('STAFF1_PASSWORD'));
		await t.submit(page, 'form[action="/profile/certificates"] button[type=submit]');
		assert.equal(await page.textContent('h1'), '証明書を発行しました');
		assert.match(await page.textContent('.pickup-no'), /\S{4,}/,
		    'a pickup number is shown');
		await t.shot(page, 'issued');
	},
};
