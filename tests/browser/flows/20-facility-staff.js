'use strict';
// The facility administrator registers a staff member (with a forwarding
// placeholder instead of an e-mail address) and finds them in the list.
const { assert } = require('../lib/browser');
const { registerStaff } = require('../lib/staff');

module.exports = {
	title: 'a facility administrator registers a staff member (FACILITY_ADMIN)',
	async run(t) {
		const stamp = Date.now().toString(36);
		const login = `browser-${stamp}`;
		const name = `出雲 ${stamp}`;
		const page = await t.page('FACILITY_ADMIN');
		await t.login(page, 'FACILITY_ADMIN');
		await t.submit(page, 'nav a[href="/facility"]');
		assert.match(await page.textContent('h1'), /施設管理/);
		await t.shot(page, 'staff-list');
		await t.submit(page, 'main a[href="/facility/staff/new"]');
		await t.shot(page, 'new-staff-form');

		await registerStaff(t, page, { login, name, kana: 'いずも たろう',
		    password: `Rk-${stamp}-Pw9!` });
		assert.equal(await page.locator('.error-summary').count(), 0,
		    'no error');
		await t.goto(page, '/facility');
		assert.equal(await page.locator('td', { hasText: login }).count(), 1,
		    'the new staff member is listed');
		await t.shot(page, 'staff-registered');
	},
};
