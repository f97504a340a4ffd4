'use strict';
// The operator posts a notice (お知らせ) for /home and the portal: first
// without a title (the message next to the field, what was typed kept),
// then whole; STAFF1 finds it on /home and anyone on the portal's
// /notices; the operator withdraws it and it is gone from both.
const { assert } = require('../lib/browser');

// A datetime-local value in Japan time, ms from now.
function jst(ms) {
	return new Date(Date.now() + ms + 9 * 3600000).toISOString().slice(0, 16);
}

module.exports = {
	title: 'the operator posts and withdraws a notice (OPERATOR, STAFF1)',
	async run(t) {
		const title = `メンテナンスのお知らせ ${Date.now().toString(36)}`;
		const body = '12月10日 20時から22時まで、メンテナンスのため利用できません。';
		const form = 'main form[action="/operator/notices"] button[type=submit]';
		const op = await t.page('OPERATOR');
		await t.login(op, 'OPERATOR');
		await t.goto(op, '/operator/notices');
		await op.fill('#body', body);
		await op.fill('#show_from', jst(-5 * 60000));
		await op.fill('#show_until', jst(86400000));
		await op.check('#on_portal');
		await op.evaluate(() => document.querySelector('#title')
		    .removeAttribute('required'));
		await t.submit(op, form, { status: 422 });
		assert.equal((await op.textContent('#title-error')).trim(),
		    'タイトルを100文字までの1行で入力してください。');
		assert.equal(await op.inputValue('#body'), body, 'the text kept');
		await t.shot(op, 'notice-error');

		await op.fill('#title', title);
		await t.submit(op, form);
		assert.match(await op.textContent('main'), new RegExp(title),
		    'listed on /operator/notices');
		await t.shot(op, 'notices');

		const staff = await t.page('STAFF1');
		await t.login(staff, 'STAFF1');
		assert.match(await staff.textContent('main'), new RegExp(title),
		    'on /home');
		await t.shot(staff, 'home-notice');
		const anyone = await t.page('NONE');
		const portal = t.env('PORTAL_URL').replace(/\/$/, '') + '/notices';
		await t.goto(anyone, portal);
		assert.match(await anyone.textContent('main'), new RegExp(title),
		    'on the portal');
		await t.shot(anyone, 'portal-notice');

		op.once('dialog', (d) => d.accept());
		await t.submit(op, `main tr:has-text("${title}") form button[type=submit]`);
		await t.goto(staff, '/home');
		assert.doesNotMatch(await staff.textContent('main'), new RegExp(title),
		    'withdrawn: gone from /home');
		await t.goto(anyone, portal);
		assert.doesNotMatch(await anyone.textContent('main'), new RegExp(title),
		    'and from the portal');
	},
};
