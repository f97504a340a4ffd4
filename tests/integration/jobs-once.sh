#!/bin/bash
# --once (lib/cli/adm_once.c, schema/023_job_run.sql): every web node
# runs the package's timers, and a job whose work is once per period
# claims (job, period) in job_run in the transaction of its work.  The
# audit report of a day with something in it, run twice with --mail
# --once, queues exactly one mail, and the second run says which node
# ran it; two runs started together queue one; a run that waits on
# another's claim does the work when that one rolls back and skips it
# when it commits; a failed run (no recipient) leaves no claim; cert
# expiry-notice and session purge --once skip their second run of the
# day or hour; without --once they run as before; verbs every node must
# run (mail deliver, audit seal) refuse --once, and two nodes sealing at
# once both succeed.  The app's role cannot see job_run,
# the jobs' role may only claim.  Runs with demo.env sourced.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"
[ -n "${JOBS_DSN:-}" ] || bail "no JOBS_DSN: source demo.env"
conf=${ADMIN##*--conf }
BIN=${ADMIN%% --conf *}
q() { psql_owner "$1"; }
NODE=$(hostname)
U=$(date +%s%N | tail -c 9)

# Days far in the past no other test reports, each with one lookup
# outside working hours (so the report lists something and --mail mails).
BASE=$((400 + RANDOM % 3000))
day() { q "SELECT ((now() AT TIME ZONE 'Asia/Tokyo')::date - $BASE - $1)::text"; }
lookup() {
	q "INSERT INTO renrakucho.audit_event (at, login, action, object_type, outcome, detail)
	    VALUES ((DATE '$1' + TIME '03:00')::timestamp AT TIME ZONE 'Asia/Tokyo',
	    'once$U', 'patient.lookup', 'patient', 'success', 'not found')" > /dev/null ||
	    bail "lookup on $1"
}
outbox() { q "SELECT count(*) FROM renrakucho.mail_outbox WHERE subject LIKE '%アクセス監査レポート $1'"; }
claims() { q "SELECT count(*) FROM renrakucho.job_run WHERE job = '$1' AND period = '$2'"; }
claim() { q "SELECT node FROM renrakucho.job_run WHERE job = '$1' AND period = '$2'"; }
claim_at() {
	q "SELECT to_char(at AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD HH24:MI:SS\"+09\"')
	    FROM renrakucho.job_run WHERE job = '$1' AND period = '$2'"
}
reports() { q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'cli.audit.report' AND detail LIKE 'day $1:%'"; }
report() {
	printf 'renrakucho audit report, %s (Japan time)\n\nRegistration lookups outside working hours (07:00-20:00):\n  03:00  once%s: not found' "$1" "$U"
}

# --- the tables' grants -------------------------------------------------
like "$(psql_app 'SELECT count(*) FROM renrakucho.job_run' 2>&1)" 'permission denied for table job_run' \
    "bad: the app's role cannot read job_run"
like "$(psql_app "INSERT INTO renrakucho.job_run (job, period, node) VALUES ('session purge', 'x$U', 'app')" 2>&1)" \
    'permission denied for table job_run' "bad: the app's role cannot claim"
like "$(_psql "$JOBS_DSN" "DELETE FROM renrakucho.job_run WHERE period = 'x'" 2>&1)" \
    'permission denied for table job_run' "bad: the jobs' role cannot delete a claim"
like "$(_psql "$JOBS_DSN" "UPDATE renrakucho.job_run SET node = 'x' WHERE period = 'x'" 2>&1)" \
    'permission denied for table job_run' "bad: the jobs' role cannot change a claim"

# --- a failed run leaves no claim ----------------------------------------
D1=$(day 1)
lookup "$D1"
sed -e 's/^audit_report_to *=.*/audit_report_to =/' \
    -e 's/^secretariat_email *=.*/secretariat_email =/' "$conf" > "$TEST_TMP/norcpt.conf"
n0=$(outbox "$D1")
out=$($BIN --conf "$TEST_TMP/norcpt.conf" audit report --day "$D1" --mail --once 2>&1 > /dev/null)
is "$?:$out" '1:renrakucho-admin audit report: --mail: no recipient (audit_report_to and secretariat_email are empty)' \
    'bad: a run that cannot mail fails'
is "$(claims 'audit report' "$D1")" 0 'and leaves no claim of the day'
is "$(outbox "$D1")" "$n0" 'and queues nothing'

# --- twice: one mail ----------------------------------------------------
r0=$(reports "$D1")
out=$($ADMIN audit report --day "$D1" --mail --once 2> /dev/null)
is "$?:$out" "0:$(report "$D1")" 'the first run reports the day'
is "$(outbox "$D1")" $((n0 + 1)) 'and queues one mail'
is "$(claims 'audit report' "$D1")" 1 'job_run has one claim of the day'
is "$(claim 'audit report' "$D1")" "$NODE" 'by this node (its host name)'
is "$(reports "$D1")" $((r0 + 1)) 'the run is audited'
out=$($ADMIN audit report --day "$D1" --mail --once 2>&1)
is "$?:$out" "0:audit report: already run for $D1 by node $NODE at $(claim_at 'audit report' "$D1")" \
    'the second run says who ran the day, and exits 0'
is "$(outbox "$D1")" $((n0 + 1)) 'and queues no second mail'
is "$(reports "$D1")" $((r0 + 1)) 'nor writes an audit event'
is "$(claims 'audit report' "$D1")" 1 'job_run still has one claim'
out=$($ADMIN audit report --day "$D1" 2> /dev/null)
is "$?:$out" "0:$(report "$D1")" 'without --once the report runs as before'
is "$(outbox "$D1")" $((n0 + 1)) '(without --mail: no mail)'

# --- two at once: one mail ----------------------------------------------
D2=$(day 2)
lookup "$D2"
n0=$(outbox "$D2")
$ADMIN audit report --day "$D2" --mail --once > "$TEST_TMP/a.out" 2> /dev/null &
pa=$!
$ADMIN audit report --day "$D2" --mail --once > "$TEST_TMP/b.out" 2> /dev/null &
pb=$!
wait $pa; ra=$?
wait $pb; rb=$?
is "$ra:$rb" 0:0 'two runs started together both exit 0'
is "$(outbox "$D2")" $((n0 + 1)) 'exactly one mail is queued'
is "$(cat "$TEST_TMP/a.out" "$TEST_TMP/b.out" | grep -c '^audit report: already run for ')" 1 \
    'one of them says the day was already run'
is "$(cat "$TEST_TMP/a.out" "$TEST_TMP/b.out" | grep -c '^renrakucho audit report, ')" 1 \
    'the other reports it'
is "$(claims 'audit report' "$D2")" 1 'job_run has one claim of the day'

# --- waiting on another node's claim --------------------------------------
# behind N END: the report of a new day (day N) run with --once while
# another node holds the day's claim for 3 s, then ENDs its transaction;
# sets DAY, N0 (the day's mails before), RC, OUT and SECS (its wait).
behind() {
	local ph t0
	DAY=$(day "$1")
	lookup "$DAY"
	N0=$(outbox "$DAY")
	q "BEGIN; INSERT INTO renrakucho.job_run (job, period, node)
	    VALUES ('audit report', '$DAY', 'web-other'); SELECT pg_sleep(3); $2" > /dev/null &
	ph=$!
	sleep 1
	t0=$(date +%s)
	OUT=$($ADMIN audit report --day "$DAY" --mail --once 2> /dev/null)
	RC=$?
	SECS=$(($(date +%s) - t0))
	wait $ph
}
behind 3 ROLLBACK
is "$RC:$OUT" "0:$(report "$DAY")" 'a run waiting on a claim that rolls back does the work'
ok 'it waited for the other transaction' test "$SECS" -ge 1
is "$(outbox "$DAY")" $((N0 + 1)) 'and queues the mail'
is "$(claim 'audit report' "$DAY")" "$NODE" 'the claim is its own'
behind 4 COMMIT
like "$RC:$OUT" "^0:audit report: already run for $DAY by node web-other at [0-9-]+ [0-9:]+\+09\$" \
    'a run waiting on a claim that commits skips the day, naming the other node'
ok 'it waited for the other transaction' test "$SECS" -ge 1
is "$(outbox "$DAY")" "$N0" 'and queues nothing'

# --- cert expiry-notice: a Japan-time day ---------------------------------
TODAY=$(q "SELECT to_char(now() AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD')")
q "DELETE FROM renrakucho.job_run WHERE job = 'cert expiry-notice'" > /dev/null
e0=$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'cli.cert.expiry_notice'")
out=$($ADMIN cert expiry-notice --once 2>&1)
like "$?:$out" '^0:[0-9]+ at 30 days, [0-9]+ at 7 days, [0-9]+ mails queued$' \
    'cert expiry-notice --once runs (as the jobs'"'"' role) and prints its counts'
is "$(claim 'cert expiry-notice' "$TODAY")" "$NODE" "its claim is today's (Japan time), this node's"
out=$($ADMIN cert expiry-notice --once 2>&1)
is "$?:$out" "0:cert expiry-notice: already run for $TODAY by node $NODE at $(claim_at 'cert expiry-notice' "$TODAY")" \
    'the second run of the day says so'
is "$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'cli.cert.expiry_notice'")" $((e0 + 1)) \
    'one audit event for the two runs'
out=$($ADMIN cert expiry-notice 2>&1)
like "$?:$out" '^0:[0-9]+ at 30 days, ' 'without --once it runs as before'

# --- session purge: a Japan-time hour -------------------------------------
# Not across the hour's end.
[ "$(q "SELECT extract(minute FROM now())::int")" -lt 59 ] || sleep 61
HOUR=$(q "SELECT to_char(now() AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD HH24:00')")
q "DELETE FROM renrakucho.job_run WHERE job = 'session purge'" > /dev/null
out=$($ADMIN session purge --once 2>&1)
like "$?:$out" '^0:[0-9]+$' 'session purge --once prints its count'
out=$($ADMIN session purge --once 2>&1)
is "$?:$out" "0:session purge: already run for $HOUR by node $NODE at $(claim_at 'session purge' "$HOUR")" \
    'the second run of the hour says so'
out=$($ADMIN session purge 2>&1)
like "$?:$out" '^0:[0-9]+$' 'without --once it runs as before'
for v in 'pickup purge' 'mail purge' 'audit partitions'; do
	q "DELETE FROM renrakucho.job_run WHERE job = '$v'" > /dev/null
	$ADMIN $v --once > /dev/null 2>&1
	out=$($ADMIN $v --once 2>&1)
	is "$?:$out" "0:$v: already run for $HOUR by node $NODE at $(claim_at "$v" "$HOUR")" \
	    "$v --once: the second run of the hour says so"
done

# --- audit seal: on every node, into its own file ------------------------
# Two nodes' timers at once, each with its seal_file: both seal, neither
# fails on the other's seal of the same head.
for n in 1 2; do
	sed "s|^seal_file *=.*|seal_file = $TEST_TMP/seals$n|" "$conf" > "$TEST_TMP/node$n.conf"
done
$BIN --conf "$TEST_TMP/node1.conf" audit seal > /dev/null 2> "$TEST_TMP/seal1.err" &
p1=$!
$BIN --conf "$TEST_TMP/node2.conf" audit seal > /dev/null 2> "$TEST_TMP/seal2.err" &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
is "$r1:$r2:$(cat "$TEST_TMP/seal1.err" "$TEST_TMP/seal2.err")" '0:0:' \
    'two nodes sealing at once both exit 0, silent'
is "$(wc -l < "$TEST_TMP/seals1"):$(wc -l < "$TEST_TMP/seals2")" 1:1 'each node'"'"'s seal_file has its seal'

# --- what every node runs refuses --once ----------------------------------
out=$($ADMIN mail deliver --once 2>&1)
is "$?" 2 'bad: mail deliver --once is a usage error (every node delivers)'
like "$out" "unrecognized option '--once'" 'and says so'
out=$($ADMIN audit seal --once 2>&1)
is "$?" 2 'bad: audit seal --once is a usage error (every node seals)'

done_testing
