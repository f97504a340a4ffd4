'use strict';
// A device whose certificate expires within 30 days: /home shows a
// status banner with the day, whose link opens My Profile with
// "この端末の証明書を置き換える" ticked.  The banner reads the expiry the
// database records (device_cert.not_after), so the flow moves STAFF1's
// for the time of the flow and puts it back.
const { execFileSync } = require('node:child_process');
const { assert } = require('../lib/browser');

function sql(t, q) {
	return execFileSync('psql', [t.env('OWNER_DSN'), '-X', '-q', '-tA',
	    '-v', 'ON_ERROR_STOP=1', '-c', q], { encoding: 'utf8' }).trim();
}

module.exports = {
	title: 'home screen: the certificate expiry banner (STAFF1)',
	async run(t) {
		const page = await t.page('STAFF1');
		await t.login(page, 'STAFF1');
		const serial = sql(t, 'SELECT s.cert_serial FROM renrakucho.session s' +
		    ' JOIN renrakucho.account a ON a.id = s.account_id' +
		    ` WHERE a.login = '${t.env('STAFF1_LOGIN')}'` +
		    ' ORDER BY s.id DESC LIMIT 1');
		assert.match(serial, /^[0-9A-F]+$/, 'the session\'s certificate');
		assert.equal(await page.locator('main p.notice-warn[role=status]').count(), 0,
		    'no banner while the certificate is far from its expiry');
		const was = sql(t, 'SELECT not_after FROM renrakucho.device_cert' +
		    ` WHERE serial = '${serial}'`);
		try {
			const day = sql(t, 'UPDATE renrakucho.device_cert SET not_after' +
			    ` = now() + interval '12 days' WHERE serial = '${serial}'` +
			    ' RETURNING to_char(not_after AT TIME ZONE \'Asia/Tokyo\',' +
			    ' \'YYYY"年"FMMM"月"FMDD"日"\')');
			await t.goto(page, '/home');
			const banner = page.getByRole('status');
			assert.match(await banner.textContent(),
			    new RegExp(`この端末の証明書は ${day} に期限が切れます`),
			    'the banner names the day');
			await t.shot(page, 'banner');
			await t.submit(page, 'main p.notice-warn a');
			assert.match(page.url(), /\/profile\?replace=1#devices$/,
			    'the link opens My Profile');
			assert.equal(await page.isChecked('#replace'), true,
			    'with the replacement ticked');
			await t.shot(page, 'profile-replace');
		} finally {
			sql(t, `UPDATE renrakucho.device_cert SET not_after = '${was}'` +
			    ` WHERE serial = '${serial}'`);
		}
	},
};
