'use strict';
// STAFF1, person in charge of flow 10's patient, fills a few sections of
// the shared information sheet (共有情報シート) from the patient page,
// opens the sheet and prints it: as a PDF on A4 with the print
// stylesheet, one or two pages, without the buttons and links.
const fs = require('node:fs');
const path = require('node:path');
const { assert } = require('../lib/browser');

const ENTRIES = [
	['family', '長女（出雲市内在住）がキーパーソン。夫と二人暮らし。'],
	['services', '訪問介護（出雲中央ヘルパーステーション）週3回\n通所リハビリ（さくらデイケア）週2回'],
	['medication', '朝食後・夕食後に一包化した薬を服用。夫が管理。'],
	['disaster_place', '自宅1階の寝室。避難先は今市小学校。'],
];

// Pages of a PDF: its /Type /Page objects (not /Pages).
function pdfPages(buf) {
	return (buf.toString('latin1').match(/\/Type\s*\/Page(?!s)\b/g) || []).length;
}

module.exports = {
	title: 'the shared information sheet: edit, view, print on A4 (STAFF1)',
	async run(t) {
		const p = t.need('patient');
		const page = await t.page('STAFF1');
		await t.login(page, 'STAFF1');
		await t.goto(page, `/patients/${p.id}`);
		await t.submit(page, `main a[href="/patients/${p.id}/sheet"]`);
		assert.equal(await page.textContent('h1'), '共有情報シート');
		assert.equal(await page.locator('.sheet-empty').count() >= 6, true,
		    'sections not yet written say 未記入');

		for (const [key, text] of ENTRIES) {
			await t.submit(page, `a[href="/patients/${p.id}/sheet/edit?section=${key}"]`);
			await page.fill('#body', text);
			if (key === ENTRIES[0][0])
				await t.shot(page, 'edit-section');
			await t.submit(page, 'main form button[type=submit]');
			assert.match(page.url(), new RegExp(`/patients/${p.id}/sheet\\?n=saved#${key}$`),
			    `${key}: back on the sheet at the section`);
			assert.equal(await page.locator(`#${key} .sheet-text`).textContent(), text,
			    `${key}: the sheet shows the text, lines kept`);
		}

		await t.submit(page, `a[href="/patients/${p.id}/sheet/edit?section=evacuation"]`);
		await page.check('#evacuation-need');
		await page.fill('#body', '歩行器使用。近所の方と長女が避難を支援。');
		await t.submit(page, 'main form button[type=submit]');
		assert.match(await page.locator('#evacuation .sheet-choice').textContent(), /要/,
		    'the evacuation choice is shown');

		await t.goto(page, `/patients/${p.id}/sheet`);
		assert.match(await page.locator('#safety').textContent(), /未記入/,
		    '安否情報 not yet reported');
		await t.shot(page, 'sheet');

		await t.submit(page, `a[href="/patients/${p.id}/sheet/history?section=family"]`);
		assert.match(await page.textContent('h1'), /家族状況の変更履歴/);
		await t.shot(page, 'history');

		// Printed: A4, one or two pages, nothing to click on it.
		await t.goto(page, `/patients/${p.id}/sheet`);
		await page.emulateMedia({ media: 'print' });
		for (const sel of ['.site-nav', '.sheet-actions', 'main nav', 'main .btn'])
			assert.equal(await page.locator(sel).first().isVisible(), false,
			    `print: ${sel} hidden`);
		const pdf = await page.pdf({ format: 'A4' });
		fs.writeFileSync(path.join(t.dir, 'sheet.pdf'), pdf);
		const n = pdfPages(pdf);
		assert.ok(n >= 1 && n <= 2, `the printed sheet is 1 or 2 A4 pages (${n})`);
		assert.match(pdf.toString('latin1', 0, 8), /^%PDF-/, 'a PDF');
		await page.emulateMedia({ media: 'screen' });
	},
};
