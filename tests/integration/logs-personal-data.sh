#!/bin/bash
# No personal data in any log.  A registration of a patient already being
# registered fails on the unique index patient_identity, whose DETAIL
# ("Key (kana_key, birth_date, sex)=(...)") holds the person's kana,
# birth date and sex: the CGI logs the SQLSTATE, constraint and primary
# message only, PostgreSQL (log_error_verbosity = terse) no DETAIL, and
# neither the nginx logs, the CGIs' log (fcgiwrap's standard error, the
# journal under the package's unit) nor PostgreSQL's holds the kana or
# the birth date.  The app's access log names the client certificate's
# serial and the path without its query string.
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
	      SELECT '記録 試験', '$KANA', renrakucho.kana_key('$KANA'), '$BIRTH', 'female',
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
n=$(psql_owner "SELECT count(*) FROM renrakucho.patient WHERE kana_key = renrakucho.kana_key('$KANA') AND birth_date = '$BIRTH'")
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

kana_key=$(psql_owner "SELECT renrakucho.kana_key('$KANA')")
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
done_testing
