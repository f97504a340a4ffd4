'use strict';
// The required data of /patients/new (step 1), shared by the flows that
// register a patient and that look one up.
async function fillRequired(t, page, p, kana = p.kana) {
	await page.fill('#name', p.name);
	await page.fill('#kana', kana);
	await page.check('#birth_mode_seireki');
	await page.fill('#birth', p.birth);
	await page.check(`#sex_${p.sex}`);
	await page.fill('#address', t.env('MUNICIPALITY_NAME') + '今市町1-2-3');
}

module.exports = { fillRequired };
