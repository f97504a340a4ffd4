#!/bin/bash
# The audit trail's hash chain and its seals.  The database numbers and
# hashes every event as it is written (a writer's seq and hash are
# ignored; the app cannot write the head); concurrent writers make one
# gapless chain; `audit verify` says how many events it checked, and
# after each tampering done as the superuser with the triggers held off
# (session_replication_role = replica) -- one event's detail changed,
# one deleted, one inserted in the middle, two swapped, the tail cut
# off (with and without the head), the chain rewritten consistently
# after an event a seal covers -- it exits 1 naming the event's seq.
# `audit seal` has renrakucho-signer sign the head (SEAL refuses a hash
# that is not in the chain), appends the line to seal_file, and plain
# openssl verifies it with seal.pub.  The delta chains the events
# written before it.  Runs with demo.env sourced; the tampering happens
# in copies of the database.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"
[ -n "${OWNER_DSN:-}" ] || bail "no OWNER_DSN: source demo.env"

CONF=${ADMIN##*--conf }
BIN=${ADMIN%% --conf *}
SOCK=$(sed -n 's/^signer_socket *= *//p' "$CONF")
TLS=$(sed -n 's/^tls_dir *= *//p' "$CONF")
SCHEMA=$(sed -n 's/^schema_dir *= *//p' "$CONF")
PUB=$TLS/seal.pub
SEALS=$TEST_TMP/seals
[ -S "$SOCK" ] || bail "no signer socket in $CONF"
[ -s "$PUB" ] || bail "no $PUB: the stack copies seal.pub into tls_dir"

# conf_for DB: the stack's configuration on database DB, with the test's
# own seal file; prints its path.
conf_for() {
	local f=$TEST_TMP/$1.conf dsn
	dsn=$(printf '%s\n' "$OWNER_DSN" | sed "s/dbname=[^ ]*/dbname=$1/")
	sed -e "s|^db_owner_dsn *=.*|db_owner_dsn = $dsn|" \
	    -e "s|^seal_file *=.*|seal_file = $SEALS|" "$CONF" > "$f"
	printf '%s\n' "$f"
}
dsn_of() { printf '%s\n' "$OWNER_DSN" | sed "s/dbname=[^ ]*/dbname=$1/"; }
qdb() { local db=$1; shift; _psql "$(dsn_of "$db")" "$@"; }
MAIN_CONF=$(conf_for renrakucho)
adm() { $BIN --conf "$MAIN_CONF" "$@"; }

DBS="rk_chain_src rk_chain_case rk_chain_old"
dropdbs() {
	local d
	for d in $DBS; do
		psql_owner "DROP DATABASE IF EXISTS $d WITH (FORCE)" > /dev/null
	done
}
trap 'dropdbs; rm -rf "$TEST_TMP"' EXIT
dropdbs

# events N TAG: N events written as the app writes them.
events() {
	local i
	for i in $(seq 1 "$1"); do
		psql_app "SELECT renrakucho.page_audit(NULL, 'chain-test', NULL,
		    '192.0.2.$i', 'test.chain.test', 'team', '$2-$i', NULL, 'success',
		    'test event $i')" > /dev/null || return 1
	done
}
n_events() { psql_owner "SELECT count(*) FROM renrakucho.audit_event"; }
head_seq() { psql_owner "SELECT seq FROM renrakucho.audit_chain_head"; }

# req LINE: LINE sent to the signer as renrakucho; its whole answer.
req() { signer_req "$SOCK" renrakucho "$1"; }

# --- the database numbers and hashes every event ----------------------------
events 3 first || bail "the app cannot write audit events"
n=$(n_events)
is "$(head_seq)" "$n" 'the head is the number of events (the delta chained the old ones)'
is "$(psql_owner "SELECT count(*) FROM renrakucho.audit_event
    WHERE seq IS NULL OR prev_hash IS NULL OR hash IS NULL")" 0 'every event has seq, prev_hash and hash'
is "$(psql_owner "SELECT count(DISTINCT seq) || ' ' || min(seq) || ' ' || max(seq)
    FROM renrakucho.audit_event")" "$n 1 $n" 'seq runs from 1 to the count without gaps'
is "$(psql_owner "SELECT count(*) FROM (SELECT prev_hash = lag(hash, 1,
    '\\x0000000000000000000000000000000000000000000000000000000000000000')
    OVER (ORDER BY seq) AS ok FROM renrakucho.audit_event) l WHERE ok")" "$n" \
    'each prev_hash is the hash of the event before (zeros for the first)'
# The documented content, recomputed here by hand for the newest event.
doc=$(psql_owner "SELECT hash = sha256(prev_hash ||
    convert_to('+' || seq, 'UTF8') || '\\x00'::bytea ||
    convert_to('+' || to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), 'UTF8') || '\\x00'::bytea ||
    convert_to('-', 'UTF8') || '\\x00'::bytea ||
    convert_to('+chain-test', 'UTF8') || '\\x00'::bytea ||
    convert_to('-', 'UTF8') || '\\x00'::bytea ||
    convert_to('+192.0.2.3', 'UTF8') || '\\x00'::bytea ||
    convert_to('+test.chain.test', 'UTF8') || '\\x00'::bytea ||
    convert_to('+team', 'UTF8') || '\\x00'::bytea ||
    convert_to('+first-3', 'UTF8') || '\\x00'::bytea ||
    convert_to('-', 'UTF8') || '\\x00'::bytea ||
    convert_to('+success', 'UTF8') || '\\x00'::bytea ||
    convert_to('+test event 3', 'UTF8'))
    FROM renrakucho.audit_event WHERE seq = $n")
is "$doc" t 'hash = SHA-256(prev_hash || the fields as the README documents them)'

# A writer's own seq and hash are replaced (the owner's INSERT: the app
# has none, 010_grants.sql).
psql_owner "INSERT INTO renrakucho.audit_event (action, outcome, seq, prev_hash, hash)
    VALUES ('test.chain.forged', 'success', 1, '\\x00', '\\x00')" > /dev/null
is "$(psql_owner "SELECT seq || ' ' || length(hash) FROM renrakucho.audit_event
    WHERE action = 'test.chain.forged'")" "$((n + 1)) 32" 'bad: the seq and hash an INSERT gives are replaced'
out=$(psql_app "UPDATE renrakucho.audit_chain_head SET seq = 1" 2>&1)
like "$out" 'permission denied' 'bad: the app cannot write the chain head'
out=$(_psql "$JOBS_DSN" "UPDATE renrakucho.audit_chain_head SET seq = 1" 2>&1)
like "$out" 'permission denied' 'bad: nor can the jobs'' role'
out=$(psql_app "SELECT renrakucho.audit_chain_link()" 2>&1)
like "$out" 'permission denied|trigger' 'bad: the app cannot call the chain function'

# --- concurrent writers: one gapless chain -------------------------------------
n=$(n_events)
for w in 1 2 3 4; do
	( for i in $(seq 1 25); do
		echo "SELECT renrakucho.page_audit(NULL, 'chain-w$w', NULL, NULL,
		    'test.chain.concurrent', NULL, NULL, NULL, 'success', '$i');"
	done | psql "$APP_DSN" -X -q -v ON_ERROR_STOP=1 > /dev/null ) &
done
wait
is "$(n_events)" "$((n + 100))" 'four sessions wrote 100 events at once'
is "$(psql_owner "SELECT count(DISTINCT seq) || ' ' || max(seq) || ' ' || count(*)
    FROM renrakucho.audit_event")" "$((n + 100)) $((n + 100)) $((n + 100))" \
    'and the chain has them once each, without gaps'
is "$(psql_owner "SELECT count(*) FROM (SELECT at < lag(at) OVER (ORDER BY seq)
    OR id < lag(id) OVER (ORDER BY seq) AS bad FROM renrakucho.audit_event) l WHERE bad")" 0 \
    'at and id grow with seq'

# --- verify: the untouched chain -------------------------------------------------
n=$(n_events)
out=$(adm audit verify 2> "$TEST_TMP/err")
is "$?" 0 'audit verify of the untouched chain exits 0'
is "$out" "audit chain intact: $n events checked (seq 1 to $n), 0 seals verified" \
    'and says how many events it checked'
is "$(psql_owner "SELECT outcome || '|' || detail FROM renrakucho.audit_event
    WHERE action = 'cli.audit.verify' ORDER BY seq DESC LIMIT 1")" \
    "success|checked $n events from seq 1, 0 seals" 'verify is audited (cli.audit.verify)'

# --- seal -------------------------------------------------------------------------
ss0=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'signer.seal' AND outcome = 'success'")
cs0=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'cli.audit.seal'")
h=$(head_seq)
hh=$(psql_owner "SELECT encode(hash, 'hex') FROM renrakucho.audit_chain_head")
# syslog: where the machine has no /dev/log (a container), a listener
# of our own takes its place for the one seal.
LOGSOCK=
if [ ! -e /dev/log ]; then
	python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
s.settimeout(20)
with open(sys.argv[1], "ab", buffering=0) as f:
    try:
        while True:
            f.write(s.recv(4096) + b"\n")
    except socket.timeout:
        pass
' "$TEST_TMP/syslog" &
	LOGSOCK=$!
	for _ in $(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done
fi
out=$(adm audit seal 2> "$TEST_TMP/err")
is "$?" 0 'audit seal exits 0'
[ -s "$TEST_TMP/err" ] && diag "$(cat "$TEST_TMP/err")"
if [ -n "$LOGSOCK" ]; then
	sleep 0.5
	kill "$LOGSOCK" 2> /dev/null; wait "$LOGSOCK" 2> /dev/null
	rm -f /dev/log
	# <facility auth (4) * 8 + notice (5)> = <37>
	is "$(grep -c "^<37>.*renrakucho-admin\[[0-9]*\]: audit seal: $out\$" "$TEST_TMP/syslog")" 1 \
	    'and logs it to syslog (auth.notice), once'
else
	skip 'the seal'"'"'s syslog line' '/dev/log is the system'"'"'s, not read here'
fi
like "$out" "^$h $hh [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z [A-Za-z0-9+/]{86}==\$" \
    'it prints the seal: the head seq, its hash, the time, the signature'
is "$(wc -l < "$SEALS")" 1 'and appends it to seal_file'
is "$(cat "$SEALS")" "$out" 'the line it printed'
is "$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'signer.seal' AND outcome = 'success'")" \
    $((ss0 + 1)) 'the signer audits the seal (signer.seal)'
is "$(psql_owner "SELECT object_type || '|' || detail FROM renrakucho.audit_event
    WHERE action = 'cli.audit.seal' ORDER BY seq DESC LIMIT 1")" "audit_event|seq $h hash $hh" \
    'so does audit seal (cli.audit.seal, as the jobs'' role)'
is "$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'cli.audit.seal'")" \
    $((cs0 + 1)) 'once'
S1=$h

# The auditor's check with plain openssl, as the README says.
line=$(tail -n 1 "$SEALS")
printf '%s' "${line% *}" > "$TEST_TMP/seal.msg"
printf '%s' "${line##* }" | base64 -d > "$TEST_TMP/seal.sig"
out=$(openssl pkeyutl -verify -pubin -inkey "$PUB" -rawin -in "$TEST_TMP/seal.msg" \
    -sigfile "$TEST_TMP/seal.sig" 2>&1)
like "$out" 'Signature Verified Successfully' 'openssl pkeyutl -verify checks the seal with seal.pub'
printf '%s' "${line% *}" | sed 's/^[0-9]*/999999/' > "$TEST_TMP/seal.bad"
out=$(openssl pkeyutl -verify -pubin -inkey "$PUB" -rawin -in "$TEST_TMP/seal.bad" \
    -sigfile "$TEST_TMP/seal.sig" 2>&1)
unlike "$out" 'Signature Verified Successfully' 'bad: and refuses it for another seq'
is "$(stat -c '%a %U' "$RUN_DIR/signer/ca/seal.key")" '600 renrakucho-signer' \
    'seal.key is the signer''s alone (0600), beside ca.key'
ok 'the CGIs'' user cannot read the seal key' \
    runuser -u renrakucho -- test ! -r "$RUN_DIR/signer/ca/seal.key"
ok 'it can read the public key' runuser -u renrakucho -- test -r "$PUB"

# SEAL of what is not in the chain is refused and audited.
sd0=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'signer.seal' AND outcome = 'denied'")
is "$(req "SEAL $h $(printf '%064d' 0)")" 'ERR no such chain event' \
    'bad: SEAL of a hash the chain does not hold is refused'
is "$(req "SEAL 99999999 $hh")" 'ERR no such chain event' 'bad: so is SEAL of a seq it does not hold'
is "$(req "SEAL 1 xyz")" 'ERR malformed seal request' 'bad: and a malformed SEAL'
is "$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'signer.seal' AND outcome = 'denied'")" \
    $((sd0 + 2)) 'each refused SEAL of a chain event is audited (denied)'

# More events, a second seal, and events after it.
events 5 second
adm audit seal > /dev/null || fail 'a second seal'
S2=$(tail -n 1 "$SEALS" | cut -d' ' -f1)
events 5 third
n=$(n_events)
out=$(adm audit verify 2> "$TEST_TMP/err")
is "$?" 0 'verify with two seals exits 0'
is "$out" "audit chain intact: $n events checked (seq 1 to $n), 2 seals verified" \
    'and checked both seals'
n=$(n_events)
out=$(adm audit verify --from $((S1 + 1)) 2>&1)
is "$out" "audit chain intact: $((n - S1)) events checked (seq $((S1 + 1)) to $n), 1 seals verified" \
    'verify --from SEQ starts there'

# A forged seal line is refused.
cp "$SEALS" "$TEST_TMP/seals.good"
sed '$s/ [^ ]*$/ '"$(head -n 1 "$SEALS" | cut -d' ' -f4 | sed 's|/|\\/|g')"'/' \
    "$TEST_TMP/seals.good" > "$SEALS"
out=$(adm audit verify 2>&1)
is "$?" 1 'bad: a seal line whose signature does not verify: exit 1'
like "$out" ":2: the seal of seq $S2 does not verify" 'and the line and seq are named'
cp "$TEST_TMP/seals.good" "$SEALS"

# --- tampering, each in a fresh copy of the database ----------------------------
# The source copy: nobody else connects to it, so CREATE DATABASE ...
# TEMPLATE can copy it again for each case.
psql_owner "CREATE DATABASE rk_chain_src" > /dev/null
n=$(n_events)
pg_dump -d "$OWNER_DSN" 2> "$TEST_TMP/dump.err" |
    psql -X -q -d "$(dsn_of rk_chain_src)" > /dev/null 2> "$TEST_TMP/restore.err"
is "$(qdb rk_chain_src "SELECT count(*) FROM renrakucho.audit_event")" "$n" \
    'the copy holds every event'
CASE_CONF=$(conf_for rk_chain_case)
H=$n
K=$((S1 + 2))	# an event between the two seals
ID_K=$(qdb rk_chain_src "SELECT id FROM renrakucho.audit_event WHERE seq = $K")
ID_K1=$(qdb rk_chain_src "SELECT id FROM renrakucho.audit_event WHERE seq = $((K + 1))")
ID_S2=$(qdb rk_chain_src "SELECT id FROM renrakucho.audit_event WHERE seq = $S2")
# The id the copy gives the next event it is given.
ID_NEXT=$(qdb rk_chain_src "SELECT last_value + 1 FROM renrakucho.audit_event_id_seq")
T2=$(sed -n 2p "$SEALS" | cut -d' ' -f3)

# tamper NAME SQL WANT: a fresh copy, SQL run in it as the superuser
# with the triggers held off, then verify must exit 1 saying WANT.
tamper() {
	psql_owner "DROP DATABASE IF EXISTS rk_chain_case" > /dev/null
	psql_owner "CREATE DATABASE rk_chain_case TEMPLATE rk_chain_src" > /dev/null ||
	    { fail "$1: copy"; return; }
	qdb rk_chain_case "SET session_replication_role = replica; $2" > /dev/null ||
	    { fail "$1: the tampering failed"; return; }
	out=$($BIN --conf "$CASE_CONF" audit verify 2>&1)
	is "$?" 1 "$1: verify exits 1"
	is "$out" "renrakucho-admin audit verify: $3" "$1: and names the event"
}

tamper 'one detail changed' \
    "UPDATE renrakucho.audit_event SET detail = 'nothing happened' WHERE seq = $K" \
    "event seq $K (id $ID_K) was changed: its content does not give its hash"
is "$(qdb rk_chain_case "SELECT outcome || '|' || detail FROM renrakucho.audit_event
    WHERE action = 'cli.audit.verify' ORDER BY seq DESC LIMIT 1")" \
    "failure|event seq $K (id $ID_K) was changed: its content does not give its hash" \
    'a failed verify is audited with its finding'
# (the failed verify wrote one event more)
out=$($BIN --conf "$CASE_CONF" audit verify --from $((K + 1)) 2>&1)
is "$out" "audit chain intact: $((H + 1 - K)) events checked (seq $((K + 1)) to $((H + 1))), 1 seals verified" \
    'verify --from past the changed event does not read it'

tamper 'one deleted' \
    "DELETE FROM renrakucho.audit_event WHERE seq = $K" \
    "event seq $K was deleted: the chain goes from seq $((K - 1)) to seq $((K + 1)) (id $ID_K1)"

# An event put in the middle, linked and hashed as the trigger would.
tamper 'one inserted in the middle' \
    "INSERT INTO renrakucho.audit_event (login, action, outcome, detail, seq, prev_hash, hash, at)
     SELECT 'chain-test', 'test.chain.test', 'success', 'inserted later', $K, prev_hash,
       sha256(prev_hash || renrakucho.audit_chain_content($K, at, NULL, 'chain-test', NULL,
       NULL, 'test.chain.test', NULL, NULL, NULL, 'success', 'inserted later')), at
     FROM renrakucho.audit_event WHERE seq = $K" \
    "event seq $K (id $ID_NEXT) was inserted: seq $K is in the chain already"

tamper 'two swapped' \
    "UPDATE renrakucho.audit_event SET seq = CASE seq WHEN $K THEN $((K + 1)) ELSE $K END
     WHERE seq IN ($K, $((K + 1)))" \
    "event seq $K (id $ID_K1) was reordered: it was written after event seq $((K + 1))"

tamper 'the tail cut off' \
    "DELETE FROM renrakucho.audit_event WHERE seq > $((H - 3))" \
    "events seq $((H - 2)) to $H were deleted: the chain's head (audit_chain_head) is seq $H"

tamper 'the tail cut off and the head set back' \
    "DELETE FROM renrakucho.audit_event WHERE seq >= $S2;
     UPDATE renrakucho.audit_chain_head SET (seq, hash) =
       (SELECT seq, hash FROM renrakucho.audit_event WHERE seq = $((S2 - 1)))" \
    "event seq $S2 was deleted: it is sealed ($T2) but the chain ends at seq $((S2 - 1))"

# The whole chain from K on rewritten consistently, head included: only
# the second seal tells.
tamper 'the chain rewritten after a sealed event' \
    "UPDATE renrakucho.audit_event SET detail = 'rewritten' WHERE seq = $K;
     DO \$\$
     DECLARE r record; v_prev bytea; v_hash bytea;
     BEGIN
       SELECT hash INTO v_prev FROM renrakucho.audit_event WHERE seq = $((K - 1));
       FOR r IN SELECT * FROM renrakucho.audit_event WHERE seq >= $K ORDER BY seq LOOP
         v_hash := sha256(v_prev || renrakucho.audit_chain_content(r.seq, r.at,
           r.account_id, r.login, r.cert_serial, r.remote_addr, r.action,
           r.object_type, r.object_id, r.patient_id, r.outcome, r.detail));
         UPDATE renrakucho.audit_event SET prev_hash = v_prev, hash = v_hash
         WHERE id = r.id;
         v_prev := v_hash;
       END LOOP;
       UPDATE renrakucho.audit_chain_head SET hash = v_prev;
     END
     \$\$" \
    "event seq $S2 (id $ID_S2) does not match its seal of $T2: the chain was rewritten after seq $S1 (the last seal that matches) and up to seq $S2"
# Without the seals the rewritten chain would pass: they are what tells.
mv "$SEALS" "$TEST_TMP/seals.keep"
out=$($BIN --conf "$CASE_CONF" audit verify 2>&1)
like "$out" '^audit chain intact' 'without the seal file the rewritten chain passes (the seals are what tells)'
mv "$TEST_TMP/seals.keep" "$SEALS"

# --- the delta chains the events written before it ----------------------------
# A database migrated without 004 and functions/audit_chain.sql, with
# events in it, then migrated with them.
mkdir -p "$TEST_TMP/old/functions"
cp "$SCHEMA"/base.sql "$SCHEMA"/[0-9]*.sql "$TEST_TMP/old/"
cp "$SCHEMA"/functions/*.sql "$TEST_TMP/old/functions/"
rm -f "$TEST_TMP/old/004_audit_chain.sql" "$TEST_TMP/old/functions/audit_chain.sql"
# Deltas after 004 are left out too: they come after it (and so do the
# functions of their tables: auditor.sql reads 005's view, login.sql,
# certs.sql and lookups.sql the tables of 007 to 009, teams.sql the
# columns and tables of 018 to 020).
rm -f "$TEST_TMP/old/functions/auditor.sql" "$TEST_TMP/old/functions/login.sql" \
    "$TEST_TMP/old/functions/certs.sql" "$TEST_TMP/old/functions/lookups.sql" \
    "$TEST_TMP/old/functions/teams.sql"
for f in "$TEST_TMP"/old/[0-9]*.sql; do
	case $(basename "$f") in 00[0-3]_*) ;; *) rm -f "$f" ;; esac
done
psql_owner "CREATE DATABASE rk_chain_old" > /dev/null
OLD_CONF=$(conf_for rk_chain_old)
sed -i "s|^schema_dir *=.*|schema_dir = $TEST_TMP/old|" "$OLD_CONF"
$BIN --conf "$OLD_CONF" migrate > /dev/null 2> "$TEST_TMP/err"
rc=$?
is "$rc" 0 'migrate without the chain'
[ "$rc" = 0 ] || diag "$(head -c 2000 "$TEST_TMP/err")"
for i in 1 2 3 4; do
	qdb rk_chain_old "SELECT renrakucho.page_audit(NULL, 'old', NULL, NULL, 'test.chain.old',
	    NULL, NULL, NULL, 'success', NULL)" > /dev/null
done
is "$(qdb rk_chain_old "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'test.chain.old'")" 4 \
    'four events before the chain'
on=$(qdb rk_chain_old "SELECT count(*) FROM renrakucho.audit_event")
sed -i "s|^schema_dir *=.*|schema_dir = $SCHEMA|" "$OLD_CONF"
$BIN --conf "$OLD_CONF" migrate > /dev/null 2> "$TEST_TMP/err"
is "$?" 0 'migrate with the chain'
[ -s "$TEST_TMP/err" ] && diag "$(cat "$TEST_TMP/err")"
is "$(qdb rk_chain_old "SELECT string_agg(seq::text, ',' ORDER BY id) FROM renrakucho.audit_event
    WHERE seq <= $on")" "$(seq -s, 1 "$on")" 'the old events are chained in id order'
on=$(qdb rk_chain_old "SELECT count(*) FROM renrakucho.audit_event")
rm -f "$SEALS"
out=$($BIN --conf "$OLD_CONF" audit verify 2>&1)
is "$out" "audit chain intact: $on events checked (seq 1 to $on), 0 seals verified" \
    'and verify finds the chain the delta made intact'
qdb rk_chain_old "SELECT renrakucho.page_audit(NULL, 'new', NULL, NULL, 'test.chain.new',
    NULL, NULL, NULL, 'success', NULL)" > /dev/null
out=$($BIN --conf "$OLD_CONF" audit verify 2>&1)
is "$out" "audit chain intact: $((on + 2)) events checked (seq 1 to $((on + 2))), 0 seals verified" \
    'the trigger carries it on (the verify event and a new one)'
done_testing
