'use strict';
// STAFF1, a member of the team of the patient of flow 10, edits the
// registration: a new name without a reason is refused (the message next
// to the reason field and in the summary, what was typed kept), then
// saved with a reason, a new phone and care level; the patient page says
// so, and the history lists each change with the value before it.
const { assert, shared } = require('../lib/browser');

module.exports = {
	title: 'edit the registration and read its history (STAFF1)',
	async run(t) {
		const p = t.need('patient');
		const page = await t.page('STAFF1');
		await t.login(page, 'STAFF1');
		await t.goto(page, `/patients/${p.id}`);
		await t.submit(page, `main a[href="/patients/${p.id}/edit"]`);
		assert.equal(await page.textContent('h1'), '登録内容の変更');
		assert.equal(await page.inputValue('#name'), p.name,
		    'the form holds the registration');
		await t.shot(page, 'edit-form');

		const name = 'ブラウザ 華子';
		await page.fill('#name', name);
		await t.submit(page, 'main form button[type=submit]', { status: 422 });
		assert.equal(await page.locator('.error-summary').count(), 1,
		    'error summary for a name changed without a reason');
		assert.equal((await page.textContent('#reason-error')).trim(),
		    '氏名またはフリガナを変更するときは、変更の理由を入力してください。');
		assert.equal(await page.getAttribute('#reason', 'aria-invalid'),
		    'true', 'the reason field is marked invalid');
		assert.equal(await page.inputValue('#name'), name, 'name kept');
		await t.shot(page, 'edit-error');

		await page.fill('#reason', '登録時の誤記の訂正');
		await page.fill('#phone', '0853-00-9999');
		await page.selectOption('#care_level', '要介護2');
		await t.submit(page, 'main form button[type=submit]');
		assert.ok(page.url().endsWith(`/patients/${p.id}?n=edited`),
		    `back on the patient page (at ${page.url()})`);
		assert.match(await page.textContent('.notice-ok'), /登録内容を変更しました/);
		assert.match(await page.textContent('main'), /0853-00-9999/,
		    'the new phone is shown');

		await t.submit(page, `main a[href="/patients/${p.id}/history"]`);
		assert.equal(await page.textContent('h1'), '登録内容の変更履歴');
		const rows = page.locator('#history-heading ~ .table-wrap tbody tr');
		assert.ok(await rows.count() >= 3, 'name, phone and care level');
		const nameRow = rows.filter({ hasText: '氏名' }).first();
		assert.match(await nameRow.textContent(), new RegExp(p.name),
		    'the name before the change');
		assert.match(await nameRow.textContent(), /登録時の誤記の訂正/,
		    'and the reason');
		await t.shot(page, 'history');
		shared.patient = { ...p, name };
	},
};
