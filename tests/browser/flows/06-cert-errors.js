'use strict';
// The pages a device gets from nginx when its certificate is refused, as
// the login help shows them: none sent (the profile without one) and a
// revoked one (the profile REVOKED, a certificate revoked at once; an
// expired one gets the same page).  Each links to its section of the
// portal's login help, and that section is there.
const { assert } = require('../lib/browser');

const CASES = [
	{ who: 'NONE', step: 'cert-none', h1: '証明書が送信されませんでした',
	  links: ['#no-certificate'] },
	{ who: 'REVOKED', step: 'cert-refused', h1: '証明書を確認できませんでした',
	  links: ['#expired', '#revoked'] },
];

module.exports = {
	title: "the certificate error pages and the login help's sections",
	async run(t) {
		const portal = t.env('PORTAL_URL').replace(/\/$/, '');
		for (const c of CASES) {
			const page = await t.page(c.who);
			await t.goto(page, '/login', { status: 400 });
			assert.equal((await page.textContent('h1')).trim(), c.h1,
			    `${c.who}: the page's heading`);
			await t.shot(page, c.step);
			for (const l of c.links) {
				const href = `${portal}/login-help/${l}`;
				assert.equal(await page.locator(`a[href="${href}"]`).count()
				    > 0, true, `${c.who}: a link to ${href}`);
				const help = await t.page('NONE');
				await t.goto(help, href);
				assert.equal(await help.locator(`section${l}`).count(), 1,
				    `${href}: the section is there`);
				assert.match(await help.textContent(`section${l}`),
				    new RegExp(c.h1), `${href}: it shows the page's heading`);
			}
		}
	},
};
