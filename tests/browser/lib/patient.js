'use strict';
// The forms of /patients/new, shared by the flows that register a
// patient and that look one up: the required data (step 1), consent.
async function fillRequired(t, page, p, kana = p.kana) {
	await page.fill('#name', p.name);
	await page.fill('#kana', kana);
	await page.check('#birth_mode_seireki');
	await page.fill('#birth', p.birth);
	await page.check(`#sex_${p.sex}`);
	await page.fill('#address', t.env('MUNICIPALITY_NAME') + '今市町1-2-3');
}

// The consent step (/patients/new, step 2): signed by the patient, on
// the city's form, the explainer given, the document attached.
async function fillConsent(t, page, explainer) {
	await page.fill('#consent_date', new Date().toISOString().slice(0, 10));
	await page.check('#signer_patient');
	await page.fill('#explainer', explainer);
	await page.fill('#explainer_facility', '出雲中央クリニック');
	await page.check('#form_kind_city');
	await page.setInputFiles('#doc', t.pdf('同意書.pdf'));
}

module.exports = { fillRequired, fillConsent };
