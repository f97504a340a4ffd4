'use strict';
// STAFF2 registers someone else with the same kana, birth date and sex as
// the patient of flow 10: the lookup finds a registered person, STAFF2
// confirms that this is someone else at another address, and registers
// them with their own consent document and team.
const { assert } = require('../lib/browser');
const { fillRequired, fillConsent } = require('../lib/patient');

module.exports = {
	title: 'someone else with the same kana, birth date and sex (STAFF2)',
	async run(t) {
		const p = t.need('patient');
		const page = await t.page('STAFF2');
		await t.login(page, 'STAFF2');
		await t.goto(page, '/patients/new');
		await fillRequired(t, page, { ...p, name: 'ブラウザ 花子（別人）' });
		await page.fill('#address', t.env('MUNICIPALITY_NAME') + '大社町9-9-9');
		await t.submit(page, 'main form button[type=submit]');
		assert.match(await page.textContent('main'), /別の方を登録する場合/,
		    'the offer to register someone else');
		assert.doesNotMatch(await page.textContent('main'), /今市町1-2-3/,
		    "the registered person's address is not shown");
		await t.shot(page, 'someone-else');

		await page.check('#distinct');
		await t.submit(page, 'form[action="/patients/new"] button[type=submit]');
		assert.match(await page.textContent('h1'), /同意/, 'consent step');
		await fillConsent(t, page, '大社 三郎');
		await t.submit(page, 'main form button[type=submit]');
		const m = page.url().match(/\/patients\/(\d+)/);
		assert.ok(m, `on the new patient's page (at ${page.url()})`);
		assert.notEqual(m[1], p.id, 'a patient other than the first');
		assert.match(await page.textContent('main'), /大社町9-9-9/,
		    'with the address typed');
		await t.shot(page, 'registered');
	},
};
