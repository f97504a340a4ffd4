'use strict';
// A wrong password: an error summary, the login ID kept, no session.
const { assert } = require('../lib/browser');

module.exports = {
	title: 'wrong password (STAFF1)',
	async run(t) {
		const page = await t.page('STAFF1');
		await t.login(page, 'STAFF1', 'wrong-' + t.env('STAFF1_PASSWORD'),
		    { status: 403 });
		assert.match(page.url(), /\/login/, 'still on the login page');
		const summary = page.locator('.error-summary[role=alert]');
		assert.equal(await summary.count(), 1, 'error summary shown');
		assert.match(await summary.textContent(), /\S/, 'summary says why');
		assert.equal(await page.inputValue('#login'), t.env('STAFF1_LOGIN'),
		    'login ID kept');
		assert.equal(await page.inputValue('#password'), '',
		    'password not echoed');
		await t.shot(page, 'error');
		await page.goto(t.url('/home'));
		assert.match(page.url(), /\/login/, 'no session after a wrong password');
		// A successful login resets the failure count for later flows.
		await t.login(page, 'STAFF1');
		assert.match(page.url(), /\/home$/);
	},
};
