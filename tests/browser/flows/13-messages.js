'use strict';
// Both post messages, STAFF1's with an attachment (the upload shows its
// progress bar); STAFF2 presses 👍 under STAFF1's message, and STAFF1
// sees who pressed it.
const { assert, shared } = require('../lib/browser');

const SUBMIT = 'main form.js-upload-progress button[type=submit]';

// The file inputs are folded in <details>: open it as a user would.
async function attach(page, file) {
	const box = page.locator('main details.attachments');
	if (await box.getAttribute('open') === null)
		await box.locator('summary').click();
	await page.setInputFiles('#file1', file);
}

async function post(t, page, body, file) {
	await page.fill('#body', body);
	if (file)
		await attach(page, file);
	await t.submit(page, SUBMIT);
	return shown(page, body);
}

async function shown(page, body) {
	const msg = page.locator('article.message', { hasText: body });
	assert.equal(await msg.count(), 1, `the message "${body}" is shown`);
	return msg;
}

module.exports = {
	title: 'both post messages, one with an attachment, and 👍 (STAFF1, STAFF2)',
	async run(t) {
		const p = t.need('patient');
		const stamp = Date.now();
		const one = await t.page('STAFF1');
		await t.login(one, 'STAFF1');
		await t.goto(one, `/teams/${p.team}/messages`);
		await t.shot(one, 'timeline');
		// The upload is held until the progress bar has been seen.
		const first = `本日訪問しました。血圧 142/88。写真を添付します。（${stamp}）`;
		await one.fill('#body', first);
		await attach(one, t.png('創部の写真.png'));
		let release;
		const held = new Promise((r) => { release = r; });
		const url = t.url(`/teams/${p.team}/messages`);
		await one.route(url, async (route) => {
			if (route.request().method() === 'POST')
				await held;
			await route.continue();
		});
		await one.click(SUBMIT);
		await one.waitForSelector('form .upload-progress progress');
		await t.shot(one, 'uploading');
		const done = one.waitForNavigation();
		release();
		await done;
		await one.unroute(url);
		const m1 = await shown(one, first);
		assert.match(await m1.textContent(), /創部の写真\.png/,
		    'the attachment is listed');
		// Japan time in a Japanese format: the hour as the clock in Tokyo.
		const hour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo',
		    hour: '2-digit', hourCycle: 'h23' }).format(new Date());
		assert.match(await m1.locator('.message-meta').textContent(),
		    /\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/, 'time in a Japanese format');
		assert.match(await m1.locator('.message-meta').textContent(),
		    new RegExp(`日 (${hour}|${String((+hour + 23) % 24).padStart(2, '0')}):`),
		    'time in Japan time');
		await t.shot(one, 'posted-with-attachment');

		const two = await t.page('STAFF2');
		await t.login(two, 'STAFF2');
		await t.goto(two, `/teams/${p.team}/messages`);
		const like = two.locator('article.message', { hasText: first })
		    .locator('form[action$="/like"] button');
		assert.equal(await like.getAttribute('aria-pressed'), 'false');
		await Promise.all([two.waitForNavigation(), like.click()]);
		const liked = two.locator('article.message', { hasText: first })
		    .locator('form[action$="/like"] button');
		assert.equal(await liked.getAttribute('aria-pressed'), 'true',
		    '👍 is pressed');
		assert.match(await liked.textContent(), /👍\s*1/);
		await post(t, two, `ケアプランを更新しました。（${stamp}）`);
		await t.shot(two, 'liked-and-replied');

		await t.goto(one, `/teams/${p.team}/messages`);
		assert.match(await one.locator('article.message', { hasText: first })
		    .textContent(), /👍 した人/, 'the writer sees who pressed 👍');
		await t.shot(one, 'writer-sees-like');
		shared.messagesPosted = true;
	},
};
