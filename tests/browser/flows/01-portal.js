'use strict';
// The public portal (no client certificate): top, login help, certificate
// pickup help, the consent forms and the printable consent form; the top and the login help show the
// secretariat's contact details; no configuration placeholder (@NAME@) is
// left unfilled.  Every page is visited before the content is judged, so
// a failure still leaves all the screenshots.
const { assert } = require('../lib/browser');

const PAGES = [
	{ path: '/', step: 'top', h1: /電子連絡帳 ポータルサイト/, contact: true },
	{ path: '/login-help/', step: 'login-help', h1: /ログインできない場合/, contact: true },
	{ path: '/certificate/', step: 'certificate', h1: /証明書の取得/ },
	{ path: '/consent-forms/', step: 'consent-forms', h1: /同意書・説明書/ },
	{ path: '/consent-forms/doui.html', step: 'consent-form', h1: /同意書/ },
];

module.exports = {
	title: 'portal pages (no certificate)',
	async run(t) {
		const page = await t.page('NONE');
		const portal = t.env('PORTAL_URL').replace(/\/$/, '');
		const problems = [];
		for (const p of PAGES) {
			await t.goto(page, portal + p.path);
			await t.shot(page, p.step);
			if (!p.h1.test(await page.textContent('h1')))
				problems.push(`${p.path}: heading is not ${p.h1}`);
			const left = (await page.content()).match(/@[A-Z_]+@/g);
			if (left)
				problems.push(`${p.path}: unfilled ${[...new Set(left)].join(' ')}`);
			if (!p.contact)
				continue;
			const c = page.locator('.portal-contact');
			if (await c.count() !== 1) {
				problems.push(`${p.path}: no secretariat contact section`);
				continue;
			}
			const text = await c.textContent();
			if (await c.locator('a[href^="tel:"]').count() === 0)
				problems.push(`${p.path}: no secretariat phone link`);
			if (await c.locator('a[href^="mailto:"]').count() === 0)
				problems.push(`${p.path}: no secretariat e-mail link`);
			if (!/FAX[\s\S]*\d/.test(text))
				problems.push(`${p.path}: no secretariat fax number`);
		}
		assert.deepEqual(problems, [], 'portal content');
	},
};
