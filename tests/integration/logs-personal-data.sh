#!/bin/bash
# No personal data in any log.  A registration of a patient already being
# registered fails on the unique index patient_identity, whose DETAIL
# ("Key (kana_key, birth_date, sex)=(...)") holds the person's kana,
# birth date and sex: the CGI logs the SQLSTATE, constraint and primary
# message only, PostgreSQL (log_error_verbosity = terse) no DETAIL, and
# neither the nginx logs, the CGIs' log (fcgiwrap's standard error, the
# journal under the package's unit) nor PostgreSQL's holds the kana or
# the birth date.  The app's access log names the client certificate's
# serial and the path without its query string.  Then a staff
# registration whose e-mail address another session takes first fails
# on account_email_live (DETAIL "Key (lower(email))=(...)"): the
# administrator gets the Japanese duplicate-address page (409), and the
# address is in no file of the stack's log directory, not once.
. "$(dirname "$0")/team-home.sh"

L=${STACK_LOG_DIR:?}
LOGS="nginx-error.log nginx-access.log renrakucho-app-access.log fcgiwrap.log
postgresql/postgresql.log pgbouncer.log"
declare -A SIZE
for f in $LOGS; do
	SIZE[$f]=$(stat -c %s "$L/$f" 2>/dev/null || echo 0)
done
# since FILE: what FILE gained since the start of this test.
since() {
	tail -c +"$(( ${SIZE[$1]} + 1 ))" "$L/$1" 2>/dev/null
}

# lit VALUE: VALUE as an SQL expression that does not spell it out.
# The test's own statements run as the owner (postgres), whose every
# statement pgaudit writes to the server's log: a literal there would be
# the test's leak, not the application's.
lit() { printf "convert_from(decode('%s', 'base64'), 'UTF8')" "$(printf '%s' "$1" | base64 -w0)"; }
KANA=$(rand_kana)
BIRTH=19$((20 + RANDOM % 60))-0$((1 + RANDOM % 9))-1$((RANDOM % 9))
S2=$(account_id "$STAFF2_LOGIN")
login_home STAFF1

# The same person inserted by another session (STAFF2 its lead) that has
# not committed yet: the CGI's lookup does not see it, its INSERT waits
# on the unique index, and fails with 23505 once the other session
# commits.
{
	# (pgaudit logs the superuser's statements as typed, by design:
	# this fixture's session turns it off for itself.)
	printf '%s\n' "SET pgaudit.log = 'none';" "BEGIN;" \
	    "WITH p AS (INSERT INTO renrakucho.patient (name, kana, kana_key, birth_date,
	      sex, address, municipality_code, registered_by)
	      SELECT '記録 試験', $(lit "$KANA"), renrakucho.kana_key($(lit "$KANA")), $(lit "$BIRTH")::date, 'female',
	      '${MUNI_NAME}今市町1番地', '$MUNI_CODE', $S2 RETURNING id),
	    c AS (INSERT INTO renrakucho.consent (patient_id, obtained_by, obtained_on,
	      signer, explainer_name, explainer_facility, form_kind, doc_type, doc_name,
	      doc_size, doc_sha256, doc) SELECT id, $S2, current_date, 'patient',
	      '斐川 次郎', '出雲中央クリニック', 'city', 'application/pdf', 'c.pdf', 5,
	      repeat('0', 64), '\\x255044462d' FROM p),
	    t AS (INSERT INTO renrakucho.team (patient_id) SELECT id FROM p RETURNING id)
	    INSERT INTO renrakucho.team_member (team_id, account_id, role)
	      SELECT id, $S2, 'lead' FROM t;" \
	    "SELECT pg_sleep(2.5);" "COMMIT;"
} | PGAPPNAME=rk-logs-test psql "$OWNER_DSN" -X -q -v ON_ERROR_STOP=1 > "$TEST_TMP/other.out" 2>&1 &
other=$!
for _ in $(seq 50); do
	[ "$(psql_owner "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'rk-logs-test' AND wait_event = 'PgSleep'")" = 1 ] && break
	sleep 0.1
done
step2 STAFF1 "$KANA" "$BIRTH" female '記録 試験' "$PDF"
wait "$other"
is "$?" 0 'the other session registered the person and committed'
is "$HTTP_STATUS" 200 'the registration that lost the race is answered'
like "$(cat "$HTTP_BODY")" 'すでに同意を得て登録されていて' 'it gets the join offer'
n=$(psql_owner "SELECT count(*) FROM renrakucho.patient WHERE kana_key = renrakucho.kana_key($(lit "$KANA")) AND birth_date = $(lit "$BIRTH")::date")
is "$n" 1 'one patient'

# PostgreSQL's logging collector writes a moment later.
for _ in $(seq 50); do
	since postgresql/postgresql.log | grep -q 'patient_identity' && break
	sleep 0.1
done
cgi=$(since fcgiwrap.log)
like "$cgi" '^renrakucho\[patient\]: database: 23505 constraint patient_identity: duplicate key value violates unique constraint "patient_identity"$' \
    "the CGI's log has the event: SQLSTATE, constraint, primary message"
pg=$(since postgresql/postgresql.log)
like "$pg" 'ERROR:  duplicate key value violates unique constraint "patient_identity"' \
    "PostgreSQL's log has the event"
unlike "$pg" 'DETAIL:' "PostgreSQL's log has no DETAIL"

kana_key=$(psql_owner "SELECT renrakucho.kana_key($(lit "$KANA"))")
for f in $LOGS; do
	# Without pgaudit's lines of this test's own psql (the superuser's
	# statements are logged as typed, by design: README, "pgaudit"); the
	# app never logs in as postgres.
	got=$(since "$f" | grep -v '^[-0-9: .]*UTC \[[0-9]*\] postgres@renrakucho LOG:  AUDIT: SESSION,')
	unlike "$got" "$KANA|$kana_key" "$f: no kana"
	unlike "$got" "$BIRTH" "$f: no birth date"
done

# The access log: who by certificate serial, the path without the query.
serial=$(openssl x509 -in "$STAFF1_PEM" -noout -serial | sed 's/^serial=//')
http_get STAFF1 "/home?kana=$KANA"
is "$HTTP_STATUS" 200 '/home with a query string'
sleep 0.2
acc=$(since renrakucho-app-access.log)
like "$acc" "\"POST /patients/new/consent HTTP/1\\.1\" 200 .* serial=$serial " \
    "the app's access log names the registration with STAFF1's certificate serial"
like "$acc" "\"GET /home HTTP/1\\.1\" 200 .* serial=$serial " \
    "the app's access log has the path of /home?kana=..."
unlike "$acc" 'kana=' "the app's access log has no query string"
# --- a duplicate e-mail address, through the facility administrator's page
# The same address taken by another session that has not committed yet:
# the CGI's check does not see it, its INSERT waits on the unique index
# account_email_live and fails with 23505, whose DETAIL would read
# "Key (lower(email))=(<the address>) already exists.".  The other
# session's statement carries the address through lit.
EMAIL=logs-dup-$(date +%s%N | tail -c 9)@example.jp
for f in $LOGS; do
	SIZE[$f]=$(stat -c %s "$L/$f" 2>/dev/null || echo 0)
done
login FACILITY_ADMIN
is "$HTTP_STATUS" 303 'the facility administrator logs in'
tok=$(csrf_of FACILITY_ADMIN /facility/staff/new)
{
	printf '%s\n' "BEGIN;" \
	    "INSERT INTO renrakucho.account (facility_id, login, name, kana, profession,
	      email, password_hash) SELECT facility_id, 'logs-first-$$', '先着 太郎', kana,
	      profession, $(lit "$EMAIL"), password_hash
	      FROM renrakucho.account WHERE login = '$STAFF2_LOGIN';" \
	    "SELECT pg_sleep(2.5);" "COMMIT;"
} | PGAPPNAME=rk-logs-test-mail psql "$OWNER_DSN" -X -q -v ON_ERROR_STOP=1 > "$TEST_TMP/other2.out" 2>&1 &
other=$!
for _ in $(seq 50); do
	[ "$(psql_owner "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'rk-logs-test-mail' AND wait_event = 'PgSleep'")" = 1 ] && break
	sleep 0.1
done
http_post FACILITY_ADMIN /facility/staff/new --data-urlencode "csrf=$tok" \
    --data-urlencode "login=logs-second-$$" --data-urlencode 'name=後着 花子' \
    --data-urlencode 'kana=コウチャク ハナコ' --data-urlencode 'profession=看護師' \
    --data-urlencode "email=$EMAIL" --data-urlencode "password=Logs-Pw-$$-x" \
    --data-urlencode "password2=Logs-Pw-$$-x"
wait "$other"
is "$?" 0 'the other session registered the address and committed'
is "$HTTP_STATUS" 409 'the registration that lost the race: 409'
like "$(cat "$HTTP_BODY")" 'このメールアドレスは既に使われています' 'the user sees the Japanese duplicate-address message'
like "$(cat "$HTTP_BODY")" 'id="email"[^>]*aria-invalid="true"' 'on the e-mail field'
is "$(psql_owner "SELECT count(*) FROM renrakucho.account WHERE lower(email) = lower($(lit "$EMAIL"))")" 1 'one account holds the address'
is "$(account_id "logs-second-$$")" '' 'the second registration stored nothing'

for _ in $(seq 50); do
	since postgresql/postgresql.log | grep -q 'account_email_live' && break
	sleep 0.1
done
sleep 0.3
like "$(since fcgiwrap.log)" 'renrakucho\[[a-z-]+\]: database: 23505 constraint account_email_live: duplicate key value violates unique constraint "account_email_live"' \
    "the CGI's log has the event: SQLSTATE, constraint, primary message"
pg=$(since postgresql/postgresql.log)
like "$pg" 'ERROR:  duplicate key value violates unique constraint "account_email_live"' \
    "PostgreSQL's log has the event"
unlike "$pg" 'DETAIL:' "PostgreSQL's log has no DETAIL"
# Every file of the stack's log directory, whole: the address 0 times.
alllogs() { find "$L" -type f -exec cat {} + 2>/dev/null; }
ok "the search reads the logs: this 23505's lines of the CGI and of PostgreSQL are found" \
    test "$(alllogs | grep -c -F 'account_email_live')" -ge 2
is "$(alllogs | grep -c -i -F "$EMAIL")" 0 \
    'the address is in no log file of the stack (nginx, CGIs, PostgreSQL, pgbouncer, jobs)'
done_testing
