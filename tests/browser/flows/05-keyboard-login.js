'use strict';
// Keyboard only: the first Tab reaches the skip link, the login form is
// reached and submitted with Tab, typing and Enter, and the focused field
// shows a visible focus indicator.
const { assert } = require('../lib/browser');

// Tabs until SELECTOR has the focus (at most MAX presses).
async function tabTo(page, selector, max = 15) {
	for (let i = 0; i < max; i++) {
		await page.keyboard.press('Tab');
		if (await page.evaluate((s) => document.activeElement?.matches(s), selector))
			return;
	}
	throw new Error(`${selector} not reached with ${max} Tab presses`);
}

module.exports = {
	title: 'log in with the keyboard only (STAFF2)',
	async run(t) {
		const page = await t.page('STAFF2');
		await t.goto(page, '/login');
		await page.keyboard.press('Tab');
		assert.equal(await page.evaluate(() => document.activeElement.textContent),
		    '本文へ移動', 'the first Tab reaches the skip link');
		await tabTo(page, '#login');
		await page.keyboard.type(t.env('STAFF2_LOGIN'));
		await tabTo(page, '#password', 3);
		const outline = await page.evaluate(() => {
			const s = getComputedStyle(document.activeElement);
			return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 ||
			    s.boxShadow !== 'none';
		});
		assert.ok(outline, 'the focused field has a visible focus indicator');
		await t.shot(page, 'focus-on-password');
		await page.keyboard.type(t.env('STAFF2_PASSWORD'));
		await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
		assert.match(page.url(), /\/home$/, 'Enter submits the form');
	},
};
