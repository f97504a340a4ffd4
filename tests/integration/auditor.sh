#!/bin/bash
# An auditor with a role of their own (renrakucho-admin auditor add):
# "who saw this patient's record, and was it allowed?" through the
# auditor functions (by id and by kana + birth date), N views giving N
# events and a non-member's attempts shown as refused; no direct read
# of patient names or message text; every call in the audit trail and,
# through pgaudit, in the server's log.
. "$(dirname "$0")/team-home.sh"

PGLOG=${STACK_LOG_DIR:?}/postgresql/postgresql.log
S1=$(account_id "$STAFF1_LOGIN")
KANA=$(rand_kana)
BIRTH=1931-05-$((10 + RANDOM % 18))
PID=$(make_patient '監査 太郎' "$KANA" "$BIRTH" male "${MUNI_NAME}今市町2番地" "$S1")
TID=$(make_team "$PID" "$S1")
ok 'a patient whose team has STAFF1 alone' test -n "$PID" -a -n "$TID"
FROM=$(psql_owner "SELECT now() - interval '1 second'")

# --- N views by a member, two attempts by a non-member ----------------------
N=3
login_home STAFF1
for i in $(seq "$N"); do
	http_get STAFF1 "/patients/$PID"
	is "$HTTP_STATUS" 200 "STAFF1 (a member) opens the patient page ($i of $N)"
done
login_home STAFF2
http_get STAFF2 "/patients/$PID"
is "$HTTP_STATUS" 404 'STAFF2 (not a member): the patient page is 404'
http_get STAFF2 "/teams/$TID/messages"
is "$HTTP_STATUS" 404 'STAFF2: the team timeline is 404'
UNTIL=$(psql_owner "SELECT now() + interval '1 minute'")

# --- an auditor's own role --------------------------------------------------
NAME=aud_t$$
PW=$(openssl rand -hex 16)
out=$(printf '%s\n' "$PW" | $ADMIN auditor add "$NAME" 2>&1)
is "$?:$out" "0:$NAME" 'auditor add NAME (password on stdin) prints the name'
is "$(audit_n cli.auditor.add "$NAME")" 1 'auditor add is audited (cli.auditor.add)'
out=$(printf '%s\n' "$PW" | $ADMIN auditor add "$NAME" 2>&1)
is "$?:$out" "1:renrakucho-admin auditor add: role $NAME already exists" 'the same name again is refused'
out=$($ADMIN auditor add renrakucho_x --generate 2>&1)
is "$?:$out" '2:renrakucho-admin auditor add: NAME: renrakucho_x is reserved' 'a renrakucho_ name is refused'
out=$($ADMIN auditor add 9ab --generate 2>&1)
is "$?" 2 'a name not starting with a letter is refused'
out=$($ADMIN auditor list 2>&1)
ok 'auditor list: the role, LOGIN, pgaudit.log = all' grep -qx "$NAME	yes	all" <<< "$out"

# Straight to PostgreSQL (not pgbouncer), with the password (SCRAM).
AUD="$OWNER_DSN user=$NAME password=$PW"
psql_aud() { _psql "$AUD" "$@"; }
is "$(psql_aud "SELECT session_user")" "$NAME" 'the auditor logs in with its own role and password'
out=$(_psql "$OWNER_DSN user=$NAME password=wrong$PW" "SELECT 1" 2>&1)
like "$out" "password authentication failed for user \"$NAME\"" 'a wrong password is refused (scram-sha-256)'

# --- no direct read of names or message text --------------------------------
out=$(psql_aud "SELECT name FROM renrakucho.patient LIMIT 1" 2>&1)
is "$out" 'ERROR:  permission denied for table patient' 'SELECT patient.name: permission denied'
out=$(psql_aud "SELECT kana FROM renrakucho.patient LIMIT 1" 2>&1)
is "$out" 'ERROR:  permission denied for table patient' 'SELECT patient.kana: permission denied'
out=$(psql_aud "SELECT body FROM renrakucho.message LIMIT 1" 2>&1)
is "$out" 'ERROR:  permission denied for table message' 'SELECT message.body: permission denied'
out=$(psql_aud "SELECT renrakucho.auditor_note('x')" 2>&1)
like "$out" '^ERROR:  permission denied for function auditor_note' 'the internal functions are not the auditor'"'"'s'

# --- the answers ------------------------------------------------------------
calls() { psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'auditor.query' AND login = 'db:$NAME'"; }
before=$(calls)
ARGS="$PID, '$FROM', '$UNTIL'"
rows=$(psql_aud "SELECT count(*) FILTER (WHERE action = 'patient.view' AND outcome = 'allowed' AND account_login = '$STAFF1_LOGIN' AND account_name IS NOT NULL AND facility_name IS NOT NULL AND cert_serial IS NOT NULL AND device_label IS NOT NULL), count(*) FILTER (WHERE outcome = 'refused' AND account_login = '$STAFF2_LOGIN'), count(*) FILTER (WHERE action = 'patient.view' AND outcome = 'refused'), count(*) FILTER (WHERE action = 'message.view' AND outcome = 'refused' AND object_type = 'team' AND object_id = '$TID' AND patient_id = $PID) FROM renrakucho.auditor_patient_events($ARGS)")
is "$rows" "$N|2|1|1" "auditor_patient_events: $N allowed views by STAFF1 (login, name, facility, device), STAFF2's two attempts refused (the patient page, the team's timeline)"
is "$(calls)" $((before + 1)) 'the call is one audit event (auditor.query, db:NAME)'
detail=$(psql_owner "SELECT object_type || '|' || detail FROM renrakucho.audit_event WHERE action = 'auditor.query' AND login = 'db:$NAME' ORDER BY id DESC LIMIT 1")
like "$detail" "^audit_event\|auditor_patient_events\($PID, " 'its detail: the function and its arguments'

by_id=$(psql_aud "SELECT string_agg(id || ':' || outcome, ',' ORDER BY id) FROM renrakucho.auditor_patient_events($ARGS)")
by_kana=$(psql_aud "SELECT string_agg(id || ':' || outcome, ',' ORDER BY id) FROM renrakucho.auditor_patient_events_by_kana('$KANA', '$BIRTH', '$FROM', '$UNTIL')")
ok 'by id: some events' test -n "$by_id"
is "$by_kana" "$by_id" 'by kana + birth date: the same events'
is "$(calls)" $((before + 3)) 'each call is one audit event'
n=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'auditor.query' AND (detail LIKE '%$KANA%' OR detail LIKE '%$BIRTH%')")
is "$n" 0 'no auditor.query detail holds the kana or the birth date'

rows=$(psql_aud "SELECT count(*) FROM renrakucho.auditor_refused('$FROM', '$UNTIL') WHERE account_login = '$STAFF2_LOGIN' AND patient_id = $PID")
is "$rows" 2 'auditor_refused: the two attempts'
rows=$(psql_aud "SELECT count(*) FILTER (WHERE action = 'patient.view' AND patient_id = $PID) FROM renrakucho.auditor_account_events('$STAFF1_LOGIN', '$FROM', '$UNTIL')")
is "$rows" "$N" 'auditor_account_events: STAFF1 viewed the patient N times'
rows=$(psql_aud "SELECT count(*) FROM renrakucho.auditor_lookups(current_date)")
ok 'auditor_lookups answers' test -n "$rows"
rows=$(psql_aud "SELECT count(*) FROM renrakucho.auditor_new_devices('$FROM', '$UNTIL')")
ok 'auditor_new_devices answers' test -n "$rows"
is "$(calls)" $((before + 7)) 'seven calls, seven audit events'
# The shared role (through pgbouncer) may call them too.
rows=$(psql_auditor "SELECT count(*) FROM renrakucho.auditor_patient_events($ARGS) WHERE action = 'patient.view' AND outcome = 'allowed'")
is "$rows" "$N" 'renrakucho_auditor (through pgbouncer) gets the same answer'

# --- the auditor proves the trail alone: audit verify with its own role -------
# A copy of the seals and seal.pub is all it needs besides its login: no
# configuration file, no owner's connection.
CONF=${ADMIN##*--conf }
BIN=${ADMIN%% --conf *}
cp "$(sed -n 's/^tls_dir *= *//p' "$CONF")/seal.pub" "$TEST_TMP/seal.pub"
SEALF=$(sed -n 's/^seal_file *= *//p' "$CONF")
if [ -s "$SEALF" ]; then cp "$SEALF" "$TEST_TMP/seals"; else : > "$TEST_TMP/seals"; fi
v0=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'auditor.verify' AND login = 'db:$NAME'")
live=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event")
out=$(cd / && env -i "${SAN_ENV[@]}" PATH="$PATH" "$BIN" audit verify --db "$AUD" --seals "$TEST_TMP/seals" \
    --pub "$TEST_TMP/seal.pub" 2>&1)
is "$?" 0 'audit verify --db with the auditor'"'"'s own role: exit 0'
like "$out" "^audit chain intact: $live events checked \\(seq " 'it checked every event there is'
is "$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'auditor.verify' AND login = 'db:$NAME' AND outcome = 'success'")" \
    $((v0 + 1)) 'its verdict is in the trail once, under the auditor'"'"'s name (auditor.verify)'
out=$(psql_aud "SELECT renrakucho.auditor_verified('denied', 'x')" 2>&1)
like "$out" 'auditor_verified: outcome success or failure, not denied' 'auditor_verified takes only a verify'"'"'s outcomes'
out=$(env -i "${SAN_ENV[@]}" PATH="$PATH" "$BIN" audit verify --db "$AUD" --pub "$TEST_TMP/seal.pub" --archive x.jsonl 2>&1)
is "$?" 2 '--db with --archive is a usage error'

# --- pgaudit: the auditor's statements in the server's log ------------------
sleep 1
n=$(grep -c "$NAME@renrakucho .*AUDIT: SESSION,[0-9]*,[0-9]*,READ,SELECT,.*auditor_patient_events($PID, '" "$PGLOG")
ok "pgaudit logged the auditor's calls (AUDIT: SESSION ... by $NAME)" test "$n" -ge 2
n=$(grep -c "$NAME@renrakucho STATEMENT:  SELECT name FROM renrakucho.patient" "$PGLOG")
is "$n" 1 'the refused SELECT of patient names is in the log too (its ERROR and STATEMENT)'
n=$(grep -c "AUDIT: SESSION,[0-9]*,[0-9]*,ROLE,CREATE ROLE,,,\"CREATE ROLE \"\"$NAME\"\" LOGIN IN ROLE renrakucho_auditor PASSWORD <REDACTED>\"" "$PGLOG")
is "$n" 1 'pgaudit logged the CREATE ROLE of auditor add (role class, for everyone), its password redacted'

tag="pgaudit-owner-$$"
psql_owner "SELECT '$tag'" > /dev/null
sleep 1
n=$(grep -c "postgres@renrakucho .*AUDIT: SESSION,[0-9]*,[0-9]*,READ,SELECT,,,SELECT '$tag',<not logged>" "$PGLOG")
is "$n" 1 'a statement of the owner'"'"'s login (db_owner_dsn: postgres) is logged once by pgaudit'

# --- remove -----------------------------------------------------------------
out=$($ADMIN auditor remove "$NAME" 2>&1)
is "$?:$out" "0:$NAME removed" 'auditor remove NAME'
is "$(audit_n cli.auditor.remove "$NAME")" 1 'auditor remove is audited (cli.auditor.remove)'
out=$(psql_aud "SELECT 1" 2>&1)
like "$out" 'password authentication failed|role .* does not exist' 'the removed role can no longer log in'
out=$($ADMIN auditor remove renrakucho_app 2>&1)
is "$?" 2 'auditor remove refuses a renrakucho_ role'
out=$($ADMIN auditor remove "$NAME" 2>&1)
is "$?:$out" "1:renrakucho-admin auditor remove: $NAME is not an auditor's role" 'removing it again fails'
done_testing
