'use strict';
// The person in charge (STAFF1) sees 既読 1/1 under their own message
// (STAFF2 has read it) and who read it, then opens the read receipts:
// each member's viewing status of each message.
const { assert } = require('../lib/browser');

module.exports = {
	title: 'the person in charge opens the read receipts (STAFF1)',
	async run(t) {
		const p = t.need('patient');
		t.need('messagesPosted');
		const page = await t.page('STAFF1');
		await t.login(page, 'STAFF1');
		await t.goto(page, `/teams/${p.team}/messages`);
		const mine = page.locator('article.message .message-receipt');
		assert.ok(await mine.count() >= 1, 'my own message shows its 既読');
		const receipt = mine.first();
		assert.equal((await receipt.locator('summary').textContent()).trim(),
		    '既読 1/1', 'read by the one other member');
		await receipt.locator('summary').click();
		assert.match(await receipt.locator('ul').textContent(), /大社 三枝/,
		    'who read it, once opened');
		await t.shot(page, 'timeline-own-receipt');
		await t.submit(page, `main a[href="/teams/${p.team}/receipts"]`);
		assert.match(await page.textContent('h1'), /閲覧履歴/);
		const members = page.locator('#members-heading ~ .table-wrap tbody tr');
		assert.equal(await members.count(), 2, 'both members are listed');
		assert.ok(await page.locator('article.card').count() >= 2,
		    'each message has its status');
		await t.shot(page, 'receipts');
	},
};
