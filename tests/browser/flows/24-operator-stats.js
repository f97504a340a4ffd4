'use strict';
// The operator (事務局) opens the usage figures from the operator menu:
// the figures now, two bar charts drawn by the server (SVG, no script;
// named by their title and desc for screen readers), the table of the
// same 24 months, and a chart's CSV downloaded.  A staff member is
// refused.
const { assert } = require('../lib/browser');

module.exports = {
	title: 'the operator reads the usage figures and downloads a CSV (OPERATOR)',
	async run(t) {
		const page = await t.page('OPERATOR');
		await t.login(page, 'OPERATOR');
		await t.goto(page, '/operator');
		await t.submit(page, 'main a[href="/operator/stats"]');
		assert.equal(await page.textContent('h1'), '利用状況');
		for (const id of ['inside', 'outside', 'total', 'suspended',
		    'staff', 'patients'])
			assert.match(await page.textContent(`#stat-${id}`), /^[0-9]+$/,
			    `the figure ${id} is a number`);
		const charts = page.locator('section.chart svg[role="img"]');
		assert.equal(await charts.count(), 2, 'two charts');
		for (const id of ['patients', 'messages']) {
			const svg = page.locator(`#chart-${id} svg`);
			assert.equal(await svg.getAttribute('aria-labelledby'),
			    `${id}-title ${id}-desc`, `the ${id} chart is named`);
			assert.match(await page.textContent(`#${id}-desc`),
			    /24か月の棒グラフ/, `the ${id} chart is described`);
			assert.equal(await svg.locator('rect.chart-bar').count(), 24,
			    `24 bars in the ${id} chart`);
		}
		assert.equal(await page.locator('#stats-months tbody tr').count(),
		    24, 'the table of 24 months');
		await t.shot(page, 'stats');

		// At phone size the chart is as wide as the column, no wider.
		await page.setViewportSize({ width: 390, height: 844 });
		const w = await page.locator('#chart-patients svg').evaluate(
		    (e) => e.getBoundingClientRect().right);
		assert.ok(w <= 390, `the chart fits 390 px (right edge ${w})`);
		await page.setViewportSize({ width: 1366, height: 768 });

		const [dl] = await Promise.all([
			page.waitForEvent('download'),
			page.click('#chart-patients a[href="/operator/stats.csv?kind=patients"]'),
		]);
		assert.equal(dl.suggestedFilename(), 'stats-patients.csv');
		const fs = require('node:fs');
		const csv = fs.readFileSync(await dl.path(), 'utf8');
		const lines = csv.replace(/^\ufeff/, '').split('\r\n');
		assert.equal(lines[0], '"月","新規の患者登録"', 'the CSV header');
		assert.equal(lines.filter((l) => /^"\d{4}-\d{2}","\d+"$/.test(l))
		    .length, 24, '24 months in the CSV');

		const staff = await t.page('STAFF1');
		await t.login(staff, 'STAFF1');
		await t.goto(staff, '/operator/stats', { status: 403 });
		assert.equal(await staff.textContent('h1'),
		    'サービス運用者だけが利用できます');
	},
};
