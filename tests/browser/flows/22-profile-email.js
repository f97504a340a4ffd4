'use strict';
// My Profile: STAFF2 changes the e-mail address with the current password,
// opens the link mailed to the new address and confirms it.
const fs = require('node:fs');
const path = require('node:path');
const { execSync } = require('node:child_process');
const { assert } = require('../lib/browser');

// The confirmation link of the newest captured mail to `to`.
function confirmLink(t, to) {
	execSync(`${t.env('ADMIN')} mail deliver`, { stdio: 'ignore' });
	const dir = t.env('MAIL_DIR');
	let link = null;
	for (const f of fs.readdirSync(dir).sort()) {
		const raw = fs.readFileSync(path.join(dir, f), 'utf8');
		if (!raw.includes(`\nTo: ${to}`) && !raw.startsWith(`To: ${to}`))
			continue;
		const body = raw.split(/\r?\n\r?\n/).slice(1).join('')
		    .replace(/\s+/g, '');
		const m = Buffer.from(body, 'base64').toString('utf8')
		    .match(/https?:\/\/\S+\/profile\/email\/confirm\?t=[A-Za-z0-9_-]+/);
		if (m)
			link = m[0];
	}
	assert.ok(link, `a confirmation link was mailed to ${to}`);
	return link;
}

module.exports = {
	title: 'My Profile changes the e-mail address through the mailed link (STAFF2)',
	async run(t) {
		const to = `browser-${Date.now().toString(36)}@example.jp`;
		const page = await t.page('STAFF2');
		await t.login(page, 'STAFF2');
		await t.goto(page, '/profile');
		await page.fill('#email', to);
		await page.fill('#email-password', t.env('STAFF2_PASSWORD'));
		await t.submit(page, 'form[action="/profile/email"] button[type=submit]');
		assert.match(await page.textContent('.notice'),
		    /確認のメールを送りました/);
		await t.shot(page, 'email-sent');
		const link = confirmLink(t, to);
		await t.goto(page, link.replace(/^https?:\/\/[^/]+/, ''));
		assert.equal(await page.textContent('h1'), 'メールアドレスの確認');
		await t.shot(page, 'email-confirm');
		await t.submit(page, 'form[action="/profile/email/confirm"] button[type=submit]');
		assert.match(await page.textContent('.notice'),
		    /メールアドレスを変更しました/);
		await t.shot(page, 'email-changed');
	},
};
