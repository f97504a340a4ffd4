'use strict';
// A staff member forgot their password: the facility administrator
// registers one (so that no demo account's password changes), issues a
// temporary password from the staff page, sees it once; reloading the
// result page shows no password again.
const { assert } = require('../lib/browser');
const { registerStaff } = require('../lib/staff');

module.exports = {
	title: 'a facility administrator issues a temporary password (FACILITY_ADMIN)',
	async run(t) {
		const stamp = Date.now().toString(36);
		const login = `browser-pw-${stamp}`;
		const page = await t.page('FACILITY_ADMIN');
		await t.login(page, 'FACILITY_ADMIN');
		await t.goto(page, '/facility/staff/new');
		await registerStaff(t, page, { login, name: `忘却 ${stamp}`,
		    kana: 'ぼうきゃく', password: `Rk-${stamp}-Pw9!` });
		assert.equal(await page.locator('.error-summary').count(), 0,
		    'no error');

		// The staff page (the redirect's target) offers the reset.
		await t.submit(page, 'main a[href$="/password"]');
		assert.match(await page.textContent('h1'), /仮パスワードの発行/);
		await t.shot(page, 'password-confirm');
		await t.submit(page, 'main form button[type=submit].btn-primary');
		assert.match(await page.textContent('h1'), /仮パスワードを発行しました/);
		const temp = (await page.textContent('#temp-password')).trim();
		assert.match(temp, /^[2-9A-HJ-NP-Za-hjkmnp-z]{16}$/,
		    'a temporary password of 16 readable characters');
		await t.shot(page, 'password-issued');

		// A reload posts the form again: nothing is reset or shown.
		t.expectStatus(await page.reload(), 409, 'the reloaded result');
		assert.equal(await page.locator('#temp-password').count(), 0,
		    'no password after a reload');
		assert.ok(!(await page.content()).includes(temp),
		    'the password issued is not on the page');
		await t.shot(page, 'password-reloaded');
	},
};
