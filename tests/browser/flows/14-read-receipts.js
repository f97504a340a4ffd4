'use strict';
// The person in charge (STAFF1) opens the read receipts: each member's
// viewing status of each message.
const { assert } = require('../lib/browser');

module.exports = {
	title: 'the person in charge opens the read receipts (STAFF1)',
	async run(t) {
		const p = t.need('patient');
		t.need('messagesPosted');
		const page = await t.page('STAFF1');
		await t.login(page, 'STAFF1');
		await t.goto(page, `/teams/${p.team}/messages`);
		await t.submit(page, `main a[href="/teams/${p.team}/receipts"]`);
		assert.match(await page.textContent('h1'), /閲覧履歴/);
		const members = page.locator('#members-heading ~ .table-wrap tbody tr');
		assert.equal(await members.count(), 2, 'both members are listed');
		assert.ok(await page.locator('article.card').count() >= 2,
		    'each message has its status');
		await t.shot(page, 'receipts');
	},
};
