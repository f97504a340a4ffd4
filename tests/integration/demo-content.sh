#!/bin/bash
# conf/seed-demo.sh (the demo's patients, messages, notice and sheet; run
# by run-demo, not by the test stacks) against a copy of the test
# database (pg_dump of the seeded stack into a database of its own, so
# that no other test sees the content): exactly what it adds, the unread
# counts and read receipts it leaves, the PDF it makes, nothing added by a
# second run, no audit event and no mail, and a database without the
# demo's accounts refused with no row.
. "$(dirname "$0")/../lib.sh"
[ -n "${OWNER_DSN:-}" ] && [ -n "${MUNICIPALITY_CODE:-}" ] || bail "source demo.env"

DB=rk_demo_content_$$
DB2=rk_demo_empty_$$
trap 'psql_owner "DROP DATABASE IF EXISTS $DB WITH (FORCE)" > /dev/null 2>&1;
    psql_owner "DROP DATABASE IF EXISTS $DB2 WITH (FORCE)" > /dev/null 2>&1;
    rm -rf "$TEST_TMP"' EXIT
SEED="$TOP/conf/seed-demo.sh"
DSN=$(db_copy "$DB") ||
    bail "cannot copy the test database: $(tail -n 3 "$TEST_TMP/restore.err")"
DSN2=$(db_copy "$DB2" --schema-only) ||
    bail "cannot copy the test schema: $(tail -n 3 "$TEST_TMP/restore.err")"
q() { _psql "$DSN" "SET search_path = renrakucho; $1"; }

# counts: one line of every count the content touches.
counts() {
	q "SELECT concat_ws(' ',
	    'patients', (SELECT count(*) FROM patient),
	    'consents', (SELECT count(*) FROM consent),
	    'teams', (SELECT count(*) FROM team),
	    'members', (SELECT count(*) FROM team_member),
	    'requests', (SELECT count(*) FROM join_request),
	    'pending', (SELECT count(*) FROM join_request WHERE state = 'pending'),
	    'messages', (SELECT count(*) FROM message),
	    'attachments', (SELECT count(*) FROM message_attachment),
	    'likes', (SELECT count(*) FROM message_like),
	    'views', (SELECT count(*) FROM message_view),
	    'notices_now', (SELECT count(*) FROM notice WHERE withdrawn_at IS NULL
		AND show_from <= now() AND now() < show_until),
	    'portal_now', (SELECT count(*) FROM notice WHERE withdrawn_at IS NULL
		AND on_portal AND show_from <= now() AND now() < show_until),
	    'sheet_rows', (SELECT count(*) FROM sheet_entry),
	    'audit', (SELECT count(*) FROM audit_event),
	    'mail', (SELECT count(*) FROM mail_outbox),
	    'accounts', (SELECT count(*) FROM account),
	    'facilities', (SELECT count(*) FROM facility))"
}
# n KEY LINE: the count KEY of a counts line.
n() { awk -v k="$1" '{ for (i = 1; i < NF; i += 2) if ($i == k) print $(i + 1) }' <<< "$2"; }

live_before=$(psql_owner "SELECT count(*) FROM renrakucho.patient")
before=$(counts)
out=$(bash "$SEED" "$DSN" "$MUNICIPALITY_CODE" "$MUNICIPALITY_NAME" 2> "$TEST_TMP/err")
is "$?" 0 'seed-demo exits 0'
is "$out" 'demo content: added' 'it says it added the content'
is "$(cat "$TEST_TMP/err")" '' 'and writes nothing to stderr'
after=$(counts)

# rises KEY BY NAME: the count KEY rose by exactly BY.
rises() {
	is "$(( $(n "$1" "$after") - $(n "$1" "$before") ))" "$2" "$3"
}
rises patients 3 'three patients more'
rises consents 3 'each with one consent'
rises teams 3 'and one team each'
rises members 8 'eight memberships: three 担当者 and five members'
rises requests 6 'six join requests: the five approved ones and one pending'
rises pending 1 'exactly one pending join request'
rises messages 12 'twelve messages'
rises attachments 1 'one attachment'
rises likes 3 'three 👍'
rises views 21 'twenty-one first views (read receipts)'
rises notices_now 1 'one notice shown now'
rises portal_now 1 'which the portal shows too'
rises sheet_rows 10 'ten sheet saves'
rises audit 0 'no audit event'
rises mail 0 'no mail queued'
rises accounts 0 'no account'
rises facilities 0 'no facility'
is "$(psql_owner "SELECT count(*) FROM renrakucho.patient")" "$live_before" \
    "the test stack's own database is untouched"

# --- what the rows are -------------------------------------------------------
HANA="(SELECT t.id FROM team t JOIN patient p ON p.id = t.patient_id
    WHERE p.kana_key = kana_key('カンド ハナ') AND p.birth_date = '1941-05-12')"
HANA_P="(SELECT id FROM patient WHERE kana_key = kana_key('カンド ハナ')
    AND birth_date = '1941-05-12')"
is "$(q "SELECT string_agg(p.name || ':' || a.login, ',' ORDER BY p.kana_key)
    FROM patient p JOIN team t ON t.patient_id = p.id
    JOIN team_member m ON m.team_id = t.id AND m.role = 'lead'
    JOIN account a ON a.id = m.account_id
    WHERE p.id IN (SELECT id FROM patient ORDER BY id DESC LIMIT 3)")" \
    '塩冶 正男:staff2,神門 ハナ:staff1,高瀬 キヨ:fadmin' \
    'the three patients and their 担当者'
is "$(q "SELECT count(*) FROM patient WHERE municipality_code = '$MUNICIPALITY_CODE'
    AND address LIKE '$MUNICIPALITY_NAME%' AND id IN (SELECT id FROM patient ORDER BY id DESC LIMIT 3)")" 3 \
    'all three live in the service area'
is "$(q "SELECT string_agg(a.login || ':' || m.role || ':' || m.unread, ',' ORDER BY a.login)
    FROM team_member m JOIN account a ON a.id = m.account_id WHERE m.team_id = $HANA")" \
    'fadmin:member:0,outside:member:1,staff1:lead:2' \
    "神門 ハナ's team: its members and their unread counts"
is "$(q "SELECT count(*) FROM team_member m WHERE m.team_id IN (SELECT id FROM team ORDER BY id DESC LIMIT 3)
    AND (m.unread <> team_unread_count(m.team_id, m.account_id)
    OR m.last_viewed_at IS DISTINCT FROM team_last_view(m.team_id, m.account_id))")" 0 \
    'the kept unread counts and last views agree with the history'
is "$(q "SELECT count(*) FROM message WHERE team_id = $HANA")" 12 \
    "the twelve messages are all in 神門 ハナ's team"
is "$(q "SELECT count(DISTINCT a.facility_id) FROM message x JOIN account a ON a.id = x.author_id
    WHERE x.team_id = $HANA")" 2 'written by the staff of two facilities'
is "$(q "SELECT count(*) FROM message x WHERE x.team_id = $HANA AND (x.created_at >= now()
    OR EXISTS (SELECT 1 FROM message y WHERE y.team_id = x.team_id AND y.id > x.id
    AND y.created_at <= x.created_at))")" 0 'in the past, the ids following the times'
is "$(q "SELECT string_agg(x.id - (SELECT min(id) FROM message WHERE team_id = $HANA) + 1
    || ':' || (SELECT count(*) FROM message_view v WHERE v.message_id = x.id), ',' ORDER BY x.id)
    FROM message x WHERE x.team_id = $HANA")" \
    '1:2,2:2,3:2,4:2,5:2,6:2,7:2,8:2,9:2,10:2,11:1,12:0' \
    'read by both other members up to the tenth, by one the eleventh, by none the last'
is "$(q "SELECT count(*) FROM message_view v JOIN message x ON x.id = v.message_id
    WHERE x.team_id = $HANA AND (v.account_id = x.author_id OR v.first_viewed_at <= x.created_at
    OR v.account_id NOT IN (SELECT account_id FROM team_member WHERE team_id = $HANA))")" 0 \
    'every view by a member other than the author, after the post'
is "$(q "SELECT string_agg(a.login, ',' ORDER BY a.login) FROM message_like l
    JOIN account a ON a.id = l.account_id JOIN message x ON x.id = l.message_id
    WHERE x.team_id = $HANA AND l.account_id <> x.author_id
    AND EXISTS (SELECT 1 FROM message_view v WHERE v.message_id = l.message_id
    AND v.account_id = l.account_id AND v.first_viewed_at <= l.at)")" 'fadmin,staff1,staff1' \
    'each 👍 by another member, after reading it'
is "$(q "SELECT a.name || '|' || a.type || '|' || a.n || '|' || (a.size = length(a.data))
    || '|' || (a.sha256 = encode(sha256(a.data), 'hex')) || '|' || (x.team_id = $HANA)
    FROM message_attachment a JOIN message x ON x.id = a.message_id
    ORDER BY a.id DESC LIMIT 1")" '訪問看護報告書.pdf|application/pdf|1|true|true|true' \
    'the attachment: its name, type, size and SHA-256'
q "SELECT encode(data, 'hex') FROM message_attachment ORDER BY id DESC LIMIT 1" |
    xxd -r -p > "$TEST_TMP/report.pdf"
like "$(head -c 8 "$TEST_TMP/report.pdf")" '^%PDF-1\.4$' 'a PDF'
like "$(tail -c 6 "$TEST_TMP/report.pdf")" '%%EOF' 'ending as one'
if command -v pdftotext > /dev/null; then
	like "$(pdftotext "$TEST_TMP/report.pdf" - 2> "$TEST_TMP/pdferr")" '訪問看護報告書' \
	    'a PDF reader reads its title'
	is "$(cat "$TEST_TMP/pdferr")" '' 'without a complaint'
else
	skip 'a PDF reader reads its title' 'no pdftotext'
	skip 'without a complaint' 'no pdftotext'
fi
is "$(q "SELECT a.login || '|' || j.state || '|' || (j.message <> '')
    FROM join_request j JOIN account a ON a.id = j.account_id
    WHERE j.state = 'pending' AND j.team_id = $HANA")" 'staff2|pending|true' \
    "the pending request: STAFF2's, to 神門 ハナ's team, with a message"
is "$(q "SELECT count(*) FROM team_member m JOIN join_request j ON j.team_id = m.team_id
    AND j.account_id = m.account_id AND j.state = 'approved'
    AND j.decided_by = m.approved_by AND j.decided_at = m.joined_at
    WHERE m.role = 'member' AND m.team_id IN (SELECT id FROM team ORDER BY id DESC LIMIT 3)")" 5 \
    'every member joined by an approved request'
is "$(q "SELECT title || '|' || on_portal || '|' || (a.login = 'operator')
    FROM notice n JOIN account a ON a.id = n.created_by ORDER BY n.id DESC LIMIT 1")" \
    '定期メンテナンスのお知らせ|true|true' "the notice: the operator's, also on the portal"
is "$(q "SELECT count(DISTINCT section) FROM sheet_entry WHERE patient_id = $HANA_P")" 9 \
    "神門 ハナ's sheet: nine sections filled"
is "$(q "SELECT string_agg(section || ':' || version, ',' ORDER BY section, version)
    FROM sheet_entry WHERE patient_id = $HANA_P AND (section = 'medication' OR evacuation IS NOT NULL)")" \
    'evacuation:1,medication:1,medication:2' '服薬状況 saved twice, 避難支援 with its choice'
is "$(q "SELECT evacuation FROM sheet_entry WHERE patient_id = $HANA_P AND section = 'evacuation'")" \
    need '避難支援の要否: 要'
is "$(q "SELECT count(*) FROM sheet_entry WHERE section = 'safety' AND patient_id = $HANA_P")" 0 \
    '安否情報 left empty'
is "$(q "SELECT count(*) FROM sheet_entry s WHERE s.patient_id = $HANA_P AND s.written_by NOT IN
    (SELECT account_id FROM team_member WHERE team_id = $HANA)")" 0 'every save by a member'

# The pages' own query: STAFF1's /home lists three demo teams more.
S1=$(q "SELECT id FROM account WHERE login = 'staff1'")
is "$(q "SELECT string_agg(name || ':' || role || ':' || pending || ':' || unread, ',' ORDER BY name)
    FROM home_teams($S1) WHERE id IN (SELECT id FROM patient ORDER BY id DESC LIMIT 3)")" \
    '塩冶 正男:member:0:0,神門 ハナ:lead:1:2,高瀬 キヨ:member:0:0' \
    "STAFF1's /home rows (home_teams): roles, the pending request, unread"

# --- again: nothing more -----------------------------------------------------
out=$(bash "$SEED" "$DSN" "$MUNICIPALITY_CODE" "$MUNICIPALITY_NAME" 2> "$TEST_TMP/err")
is "$?" 0 'a second run exits 0'
is "$out" 'demo content: already there' 'and says the content is there'
is "$(counts)" "$after" 'and adds nothing'

# --- no demo accounts: refused, nothing written ------------------------------
out=$(bash "$SEED" "$DSN2" "$MUNICIPALITY_CODE" "$MUNICIPALITY_NAME" 2> "$TEST_TMP/err")
isnt "$?" 0 'without the accounts of conf/seed.sh it fails'
like "$(cat "$TEST_TMP/err")" 'seed-demo: the accounts of conf/seed\.sh are missing' 'saying why'
is "$(_psql "$DSN2" "SELECT (SELECT count(*) FROM renrakucho.patient) + (SELECT count(*) FROM renrakucho.notice)")" 0 \
    'and writes no row'

# --- usage ------------------------------------------------------------------
bash "$SEED" "$DSN" > /dev/null 2> "$TEST_TMP/err"
is "$?" 2 'missing arguments: exit 2'
like "$(cat "$TEST_TMP/err")" '^usage: ' 'with the usage'

done_testing
