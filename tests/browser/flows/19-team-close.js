'use strict';
// STAFF1 registers a patient of their own and, as its 担当者, ends the
// support: the form first without a reason (the error next to the field
// and in the summary), then 転出 and the day, confirmed; the patient page
// and the timeline say the team is a read-only archive (no post form),
// and /home lists it under 終了した支援; then the same person registered
// again is a new patient whose page links the archive.
const { assert } = require('../lib/browser');
const { fillRequired, fillConsent } = require('../lib/patient');

module.exports = {
	title: 'the 担当者 ends the support; the team is a read-only archive (STAFF1)',
	async run(t) {
		const n = Math.floor(Date.now() / 1000);
		const p = {
			name: 'ブラウザ 終子',
			kana: 'ブラウザ シュウコ',
			birth: new Date(Date.UTC(1925, 0, 1) + (n % 3000) * 86400000)
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

		await t.submit(page, `main a[href="/patients/${m[1]}/close"]`);
		assert.equal(await page.textContent('h1'), '支援の終了');
		await t.shot(page, 'close-form');
		page.once('dialog', (d) => d.accept());
		await t.submit(page, 'main form button[type=submit]', { status: 422 });
		assert.equal((await page.textContent('#close_reason-error')).trim(),
		    '終了の理由を選んでください。');
		assert.equal(await page.locator('.error-summary').count(), 1,
		    'the error summary');
		await t.shot(page, 'close-error');

		await page.check('#close_reason_moved');
		page.once('dialog', (d) => d.accept());
		await t.submit(page, 'main form button[type=submit]');
		assert.ok(page.url().endsWith(`/patients/${m[1]}?n=closed`),
		    `back on the patient page (at ${page.url()})`);
		assert.match(await page.textContent('main'),
		    /に終了しました（理由：転出/, 'the banner says why');
		assert.equal(await page.locator(`a[href="/patients/${m[1]}/close"]`)
		    .count(), 0, 'no second end');
		await t.shot(page, 'closed-patient');

		const team = await page.getAttribute('a[href$="/messages"]', 'href');
		await t.goto(page, team);
		assert.equal(await page.locator(`form[action="${team}"]`).count(), 0,
		    'no post form on the timeline');
		assert.match(await page.textContent('main'), /記録は閲覧のみできます/);
		await t.shot(page, 'closed-timeline');

		await t.goto(page, '/home');
		assert.match(await page.textContent('#ended-heading'), /終了した支援/);
		assert.equal(await page.locator('div[aria-labelledby="ended-heading"]'
		    + ` a[href="/patients/${m[1]}"]`).count(), 1,
		    'listed under 終了した支援');
		assert.equal(await page.locator('div[aria-labelledby="teams-heading"]'
		    + ` a[href="/patients/${m[1]}"]`).count(), 0,
		    'and not among the teams');
		await t.shot(page, 'home-ended');

		// The same person registered again: a new patient and team,
		// linked to the archive for STAFF1, a member of both.
		await t.goto(page, '/patients/new');
		await fillRequired(t, page, p);
		await t.submit(page, 'main form button[type=submit]');
		assert.match(await page.textContent('main'),
		    /この方の以前の支援は終了しています/, 'the consent step says so');
		await t.shot(page, 'again-consent');
		await fillConsent(t, page, '斐川 次郎');
		await t.submit(page, 'main form button[type=submit]');
		const m2 = page.url().match(/\/patients\/(\d+)/);
		assert.ok(m2 && m2[1] !== m[1], `a new patient (at ${page.url()})`);
		assert.equal(await page.locator(`a[href="/patients/${m[1]}"]`).count(),
		    1, 'the link to the earlier support');
		await t.shot(page, 'again-patient');
	},
};
