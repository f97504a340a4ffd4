'use strict';
// Teams left without a 担当者 (担当者不在): two teams whose only 担当者, Z,
// was deleted before successors were asked for (made here in the
// database) -- one with STAFF2 and FACILITY_ADMIN still in it, one with
// nobody else.  The operator opens 担当者不在の支援チーム from the menu,
// names STAFF2 the 担当者 of the first and ends the support of the second
// (その他 with a note).  STAFF2, now the first team's last 担当者, finds
// the successor select in My Profile's account deletion (not sent), and
// the facility administrator the same on deleting STAFF2 (sent without a
// successor: refused with its message; nothing deleted).
const { execFileSync } = require('node:child_process');
const { assert } = require('../lib/browser');

function sql(t, q) {
	return execFileSync('psql', [t.env('OWNER_DSN'), '-X', '-q', '-tA',
	    '-v', 'ON_ERROR_STOP=1', '-c', q], { encoding: 'utf8' }).trim();
}

module.exports = {
	title: 'the operator looks after teams without a 担当者 (OPERATOR, STAFF2)',
	async run(t) {
		const n = Date.now() % 100000000;
		const id = (login) => sql(t, 'SELECT id FROM renrakucho.account' +
		    ` WHERE login = '${t.env(login)}' AND deleted_at IS NULL`);
		const s2 = id('STAFF2_LOGIN');
		const fa = id('FACILITY_ADMIN_LOGIN');
		const z = sql(t, 'INSERT INTO renrakucho.account (facility_id,' +
		    ' login, name, kana, profession, email, password_hash, is_staff,' +
		    ' deleted_at) SELECT facility_id, \'orphan' + n + '\',' +
		    ' \'退職 太郎\', \'タイショク\', profession,' +
		    ` 'orphan${n}@example.jp', password_hash, true, now()` +
		    ` FROM renrakucho.account WHERE id = ${s2} RETURNING id`);
		const team = (k, members) => {
			const p = sql(t, 'INSERT INTO renrakucho.patient (name, kana,' +
			    ' kana_key, birth_date, sex, address, municipality_code,' +
			    ` registered_by) SELECT '不在 試験${k}', 'フザイ${n}',` +
			    ` renrakucho.kana_key('フザイ${n}'), date '1931-01-0${k}',` +
			    ` sex, address, municipality_code, ${z} FROM` +
			    ` renrakucho.patient WHERE id = ${t.env('PATIENT_ID')}` +
			    ' RETURNING id');
			const tm = sql(t, 'INSERT INTO renrakucho.team (patient_id)' +
			    ` VALUES (${p}) RETURNING id`);
			sql(t, 'INSERT INTO renrakucho.team_member (team_id,' +
			    ` account_id, role) VALUES (${tm}, ${z}, 'lead')` +
			    members.map((m) => `, (${tm}, ${m}, 'member')`).join(''));
			return tm;
		};
		const t1 = team(1, [s2, fa]);
		const t2 = team(2, []);

		const page = await t.page('OPERATOR');
		await t.login(page, 'OPERATOR');
		await t.goto(page, '/operator');
		await t.submit(page, 'main a[href="/operator/teams"]');
		assert.equal(await page.textContent('h1'), '担当者不在の支援チーム');
		for (const tm of [t1, t2])
			assert.match(await page.textContent(`#team-${tm}`),
			    new RegExp(`支援チーム（番号 ${tm}）`), `team ${tm} listed`);
		assert.doesNotMatch(await page.textContent('main'), /不在 試験/,
		    'no patient name');
		await t.shot(page, 'teams');

		await page.selectOption(`#account-${t1}`, s2);
		await t.submit(page,
		    `form[action="/operator/teams/${t1}/lead"] button[type=submit]`);
		assert.match(await page.textContent('main [role=status]'),
		    /担当者を指名しました。/);
		assert.equal(await page.locator(`#team-${t1}`).count(), 0,
		    'the first team is no longer listed');

		await page.fill(`#note-${t2}`, '担当者の退職により終了');
		await t.submit(page,
		    `form[action="/operator/teams/${t2}/close"] button[type=submit]`);
		assert.match(await page.textContent('main [role=status]'),
		    /支援を終了しました。/);
		assert.equal(await page.locator(`#team-${t2}`).count(), 0,
		    'the second team is no longer listed');
		await t.shot(page, 'teams-done');

		const staff = await t.page('STAFF2');
		await t.login(staff, 'STAFF2');
		await t.goto(staff, '/profile');
		const sel = staff.locator('main select[name^="successor"]');
		assert.equal(await sel.count(), 1, 'one successor select');
		assert.match(await staff.textContent('main fieldset'),
		    /不在 試験1/, 'for the first team');
		assert.equal(await sel.locator('option').count(), 2,
		    'FACILITY_ADMIN offered (and the empty choice)');
		await t.shot(staff, 'profile-successor');

		// The facility administrator deleting STAFF2 is asked the same,
		// the team by its number; sent without a successor: 422.
		const admin = await t.page('FACILITY_ADMIN');
		await t.login(admin, 'FACILITY_ADMIN');
		await t.goto(admin, `/facility/staff/${s2}/delete`);
		assert.equal(await admin.textContent(`main label[for^="successor"]`),
		    `支援チーム（番号 ${t1}）`);
		// The select is required: the browser would not send it empty;
		// the server refuses it all the same.
		await admin.evaluate(() => document.querySelectorAll(
		    'select[required]').forEach((e) => e.removeAttribute('required')));
		await t.submit(admin, 'main form button[type=submit]',
		    { status: 422 });
		assert.equal((await admin.textContent('#succ-error')).trim(),
		    '唯一の担当者となっている支援チームがあります。' +
		    '支援チームごとに、後任の担当者を選んでください。');
		await t.shot(admin, 'facility-successor-error');
	},
};
