'use strict';
// STAFF1 registers a patient of their own, opens the list of consents
// from the patient page, adds a newer consent signed by a proxy (first
// without the proxy's name: the error next to the field), sees it as the
// consent on the patient page and first in the list (the refused form
// seen without JavaScript), then, as the
// 担当者, records the withdrawal (the dialog accepted): the patient page
// and the timeline say the consent was withdrawn, with no post form.
const { assert } = require('../lib/browser');
const { fillRequired, fillConsent } = require('../lib/patient');

module.exports = {
	title: 'consents over time: a newer consent, then the withdrawal (STAFF1)',
	async run(t) {
		const n = Math.floor(Date.now() / 1000);
		const p = {
			name: 'ブラウザ 同意子',
			kana: 'ブラウザ ドウイコ',
			birth: new Date(Date.UTC(1926, 0, 1) + (n % 3000) * 86400000)
			    .toISOString().slice(0, 10),
			sex: 'female',
		};
		const page = await t.page('STAFF1');
		await t.login(page, 'STAFF1');
		await t.goto(page, '/patients/new');
		await fillRequired(t, page, p);
		await t.submit(page, 'main form button[type=submit]');
		await fillConsent(t, page, '斐川 次郎');
		await t.submit(page, 'main form button[type=submit]');
		const m = page.url().match(/\/patients\/(\d+)/);
		assert.ok(m, `on the patient page (at ${page.url()})`);
		const pid = m[1];

		await t.submit(page, `main a[href="/patients/${pid}/consent"]`);
		assert.equal(await page.textContent('h1'), '同意書の一覧');
		assert.equal(await page.locator('main section.card').count(), 1,
		    'one consent');
		assert.match(await page.textContent('main section.card h2'),
		    /（現在の同意）/);
		await t.shot(page, 'consent-list');

		// The refused form, without JavaScript: the upload form is
		// otherwise sent by script, and its 422 is no navigation.
		const plain = await t.page('STAFF1', { js: false });
		await t.login(plain, 'STAFF1');
		await t.goto(plain, `/patients/${pid}/consent/new`);
		await fillConsent(t, plain, '出雲 花子');
		await plain.check('#signer_proxy');
		await plain.fill('#proxy_rel', '長女');
		await t.submit(plain, 'main form button[type=submit]', { status: 422 });
		assert.equal((await plain.textContent('#proxy_name-error')).trim(),
		    '代理人の氏名を入力してください。');
		assert.equal(await plain.locator('.error-summary').count(), 1,
		    'the error summary');
		await t.shot(plain, 'consent-new-error');

		await t.submit(page, `main a[href="/patients/${pid}/consent/new"]`);
		assert.equal(await page.textContent('h1'), '新しい同意書の登録');
		await t.shot(page, 'consent-new');
		await fillConsent(t, page, '出雲 花子');
		await page.check('#signer_proxy');
		await page.fill('#proxy_name', '山田 花子');
		await page.fill('#proxy_rel', '長女');
		await page.setInputFiles('#doc', t.pdf('更新した同意書.pdf'));
		await t.submit(page, 'main form button[type=submit]');
		assert.ok(page.url().endsWith(`/patients/${pid}?n=consent`),
		    `back on the patient page (at ${page.url()})`);
		assert.match(await page.textContent('main'),
		    /代理人 山田 花子（長女）/, 'the newer consent is the one shown');
		assert.match(await page.textContent('main'), /同意書の一覧（2 件）/);

		await t.submit(page, `main a[href="/patients/${pid}/consent"]`);
		assert.equal(await page.locator('main section.card').count(), 2,
		    'two consents');
		assert.match(await page.textContent('main section.card >> nth=0'),
		    /（現在の同意）[\s\S]*代理人 山田 花子（長女）/,
		    'the newer first, in force');
		await t.shot(page, 'consent-list-two');

		await t.submit(page, `main a[href="/patients/${pid}/consent/withdraw"]`);
		assert.equal(await page.textContent('h1'), '同意の撤回');
		await t.shot(page, 'withdraw-form');
		await page.check('#signer_patient');
		await page.setInputFiles('#doc', t.png('撤回書.png'));
		page.once('dialog', (d) => d.accept());
		await t.submit(page, 'main form button[type=submit]');
		assert.ok(page.url().endsWith(`/patients/${pid}?n=withdrawn`),
		    `back on the patient page (at ${page.url()})`);
		assert.match(await page.textContent('main'),
		    /同意が撤回されました（\d{4}年\d{1,2}月\d{1,2}日、本人の申し出。記録した人：/,
		    'the banner says when and who');
		assert.equal(await page.locator(`a[href="/patients/${pid}/close"],`
		    + ` a[href="/patients/${pid}/edit"]`).count(), 0,
		    'no end of support or edit any more');
		await t.shot(page, 'withdrawn-patient');

		const team = await page.getAttribute('a[href$="/messages"]', 'href');
		await t.goto(page, team);
		assert.equal(await page.locator(`form[action="${team}"]`).count(), 0,
		    'no post form on the timeline');
		assert.match(await page.textContent('main'), /同意が撤回されました/);
		await t.shot(page, 'withdrawn-timeline');

		await t.goto(page, `/patients/${pid}/consent`);
		assert.equal(await page.locator(
		    `a[href="/patients/${pid}/consent/withdraw/document"]`).count(), 1,
		    'the scan is listed');
		assert.equal(await page.locator(
		    `a[href="/patients/${pid}/consent/new"]`).count(), 0,
		    'no newer consent offered');
		await t.shot(page, 'withdrawn-list');
	},
};
