'use strict';
// Core flows work without JavaScript: with scripting turned off, STAFF2
// posts a message with an attachment (the upload progress bar is script;
// the form must not need it) and presses 👍.
const { assert } = require('../lib/browser');

module.exports = {
	title: 'post with an attachment and 👍 without JavaScript (STAFF2)',
	async run(t) {
		const p = t.need('patient');
		t.need('messagesPosted');
		const page = await t.page('STAFF2', { js: false });
		await t.login(page, 'STAFF2');
		assert.match(page.url(), /\/home$/, 'logged in without JavaScript');
		await t.goto(page, `/teams/${p.team}/messages`);
		const body = `スクリプトなしで投稿（${Date.now()}）`;
		await page.fill('#body', body);
		// <details> opens without JavaScript too.
		await page.click('main details.attachments > summary');
		await page.setInputFiles('#file1', t.pdf('訪問記録.pdf'));
		await t.submit(page, 'main form.js-upload-progress button[type=submit]');
		const msg = page.locator('article.message', { hasText: body });
		assert.equal(await msg.count(), 1, 'the message is posted');
		assert.match(await msg.textContent(), /訪問記録\.pdf/, 'with its attachment');
		const other = page.locator('article.message').filter({ hasNotText: body })
		    .first().locator('form[action$="/like"] button');
		const before = await other.getAttribute('aria-pressed');
		await Promise.all([page.waitForNavigation(), other.click()]);
		const after = await page.locator('article.message').filter({ hasNotText: body })
		    .first().locator('form[action$="/like"] button').getAttribute('aria-pressed');
		assert.notEqual(after, before, '👍 toggles without JavaScript');
		await t.shot(page, 'posted');
	},
};
