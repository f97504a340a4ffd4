'use strict';
// Log in with the device certificate and ID/password, see the home screen,
// log out, and find the session gone.
const { assert } = require('../lib/browser');

module.exports = {
	title: 'log in and out (STAFF1)',
	async run(t) {
		const page = await t.page('STAFF1');
		await t.goto(page, '/login');
		assert.equal(await page.textContent('h1'), 'ログイン');
		await t.shot(page, 'login-form');
		await t.login(page, 'STAFF1');
		assert.match(page.url(), /\/home$/, 'lands on /home');
		assert.equal(await page.textContent('h1'), 'ホーム');
		await t.shot(page, 'home');
		await t.logout(page);
		assert.match(page.url(), /\/login/, 'back on the login page');
		await t.shot(page, 'logged-out');
		// The session is over: /home leads back to the login page.
		await page.goto(t.url('/home'));
		assert.match(page.url(), /\/login/, '/home after logout asks to log in');
		assert.equal(await page.locator('#password').count(), 1);
	},
};
