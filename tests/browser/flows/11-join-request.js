'use strict';
// STAFF2 (second profile, second certificate) enters the same required
// data, learns only that the person is registered, and asks to join.
const { assert, shared } = require('../lib/browser');
const { fillRequired } = require('../lib/patient');

module.exports = {
	title: 'a second user finds the patient and sends a join request (STAFF2)',
	async run(t) {
		const p = t.need('patient');
		const page = await t.page('STAFF2');
		await t.login(page, 'STAFF2');
		await t.goto(page, '/patients/new');
		await fillRequired(t, page, p);
		await t.submit(page, 'main form button[type=submit]');
		const form = page.locator(`form[action="/teams/${p.team}/join-requests"]`);
		assert.equal(await form.count(), 1, 'a join request form for the team');
		assert.doesNotMatch(await page.textContent('main'), /高血圧症/,
		    'nothing about the patient is shown to a non-member');
		await t.shot(page, 'found');

		shared.joinMessage = `訪問看護を担当します（${Date.now()}）`;
		await page.fill('#message', shared.joinMessage);
		await t.submit(page, 'main form button[type=submit]');
		assert.match(page.url(), new RegExp(`/teams/${p.team}/join-requests`));
		assert.match(await page.textContent('main'), /承認|申請/);
		await t.shot(page, 'requested');
		// Not a member yet: the patient page is not found.
		await t.goto(page, `/patients/${p.id}`, { status: 404 });
	},
};
