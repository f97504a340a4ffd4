'use strict';
// The facility administrator's registration form (/facility/staff/new),
// filled with a forwarding placeholder instead of an e-mail address and
// posted; shared by the flows that register a staff member.
async function registerStaff(t, page, { login, name, kana, password }) {
	await page.fill('#login', login);
	await page.fill('#name', name);
	await page.fill('#kana', kana);
	await page.selectOption('#profession', { index: 1 });
	await page.check('#placeholder');
	await page.fill('#password', password);
	await page.fill('#password2', password);
	await t.submit(page, 'main form button[type=submit].btn-primary');
}

module.exports = { registerStaff };
