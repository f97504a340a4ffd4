'use strict';
// STAFF1 registers a patient: the required data (first with a wrong kana,
// to see the error next to the field and in the summary, input kept),
// then consent with the signed document uploaded; lands on the patient
// page as the team's person in charge.  Leaves the patient for the team
// flows (shared.patient).
const { assert, shared } = require('../lib/browser');
const { fillRequired, fillConsent } = require('../lib/patient');

// A different person on each run, so that a reused stack still has
// nobody with these data: the birth date comes from the clock.
function person() {
	const n = Math.floor(Date.now() / 1000);
	const day = new Date(Date.UTC(1930, 0, 1) + (n % 5000) * 86400000);
	return {
		name: 'ブラウザ 花子',
		kana: 'ブラウザ ハナコ',
		birth: day.toISOString().slice(0, 10),
		sex: 'female',
	};
}

module.exports = {
	title: 'register a patient with a consent document (STAFF1)',
	async run(t) {
		const p = person();
		const page = await t.page('STAFF1');
		await t.login(page, 'STAFF1');
		await t.submit(page, 'nav a[href="/patients/new"]');
		await t.shot(page, 'required-data');

		await fillRequired(t, page, p, 'hanako123');
		await t.submit(page, 'main form button[type=submit]', { status: 422 });
		assert.equal(await page.locator('.error-summary').count(), 1,
		    'error summary for a kana that is not kana');
		assert.equal(await page.getAttribute('#kana', 'aria-invalid'), 'true',
		    'the kana field is marked invalid');
		assert.equal(await page.locator('#kana-error').count(), 1,
		    'an error next to the kana field');
		assert.equal(await page.inputValue('#name'), p.name, 'name kept');
		await t.shot(page, 'required-data-error');

		await page.fill('#kana', p.kana);
		await t.submit(page, 'main form button[type=submit]');
		assert.match(await page.textContent('h1'), /同意/, 'consent step');
		await t.shot(page, 'consent');

		await fillConsent(t, page, '斐川 次郎');
		await page.fill('#diseases', '高血圧症、糖尿病');
		await page.fill('#emergency', '長女 0853-00-1234');
		await t.submit(page, 'main form button[type=submit]');
		const m = page.url().match(/\/patients\/(\d+)/);
		assert.ok(m, `on the patient page (at ${page.url()})`);
		assert.match(await page.textContent('main'), /同意書\.pdf/,
		    'the consent document is listed');
		const team = await page.getAttribute('a[href$="/messages"]', 'href');
		const tm = team && team.match(/\/teams\/(\d+)\/messages/);
		assert.ok(tm, 'link to the team messages');
		await t.shot(page, 'patient');
		shared.patient = { ...p, id: m[1], team: tm[1] };
	},
};
