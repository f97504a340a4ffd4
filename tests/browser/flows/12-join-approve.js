'use strict';
// STAFF1, a member of the team, approves STAFF2's join request; STAFF2
// can then open the patient page.
const { assert } = require('../lib/browser');

module.exports = {
	title: 'a team member approves the join request (STAFF1)',
	async run(t) {
		const p = t.need('patient');
		const text = t.need('joinMessage');
		const page = await t.page('STAFF1');
		await t.login(page, 'STAFF1');
		await t.goto(page, `/patients/${p.id}`);
		await t.submit(page, `main a[href="/teams/${p.team}/join-requests"]`);
		const row = page.locator('tr', { hasText: text });
		assert.equal(await row.count(), 1, 'the request is listed');
		await t.shot(page, 'requests');
		await t.submit(page, `tr:has-text("${text}") form[action$="/approve"] button`);
		assert.equal(await page.locator('tr', { hasText: text }).count(), 0,
		    'the request is no longer pending');
		await t.shot(page, 'approved');

		const other = await t.page('STAFF2');
		await t.login(other, 'STAFF2');
		await t.goto(other, `/patients/${p.id}`);
		assert.match(await other.textContent('main'), new RegExp(p.name));
		await t.shot(other, 'member-sees-patient');
	},
};
