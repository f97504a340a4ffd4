#!/bin/bash
# The stack's jobs (what the package's timers run): with STACK_JOBS=1 a
# mail queued in the outbox reaches the mail folder within seconds, with
# nobody typing `mail deliver`; `stop` and STACK_JOBS=0 stop the loop.
# The test stack runs without the jobs, so this restarts it with them and
# leaves it without them.  Runs with demo.env sourced.
. "$(dirname "$0")/../lib.sh"

restart() {	# restart JOBS
	STACK_JOBS=$1 STACK_JOBS_PERIOD=10 bash "$TOP/conf/stack.sh" start "$RUN_DIR" \
	    >> "$TEST_TMP/restart.log" 2>&1 ||
	    diag "$(tail -n 5 "$TEST_TMP/restart.log")"
}
jobs_pid() {
	bash "$TOP/conf/stack.sh" status "$RUN_DIR" 2>/dev/null |
	    sed -n 's/^jobs: running (pid \([0-9]*\))$/\1/p'
}
trap '[ -z "$(jobs_pid)" ] || restart 0; rm -rf "$TEST_TMP"' EXIT

is "$(jobs_pid)" '' 'the test stack runs without the jobs'
restart 1
PID=$(jobs_pid)
ok 'with STACK_JOBS=1 the jobs run' test -n "$PID"

# A mail queued as the CGIs queue one (a row in the outbox).
TAG=jobs-$(date +%s)-$$
id=$(psql_owner "INSERT INTO renrakucho.mail_outbox (to_addr, subject, body)
    VALUES ('$TAG@example.jp', 'jobs test', 'body') RETURNING id")
found=
for _ in $(seq 30); do
	found=$(grep -l "^To: $TAG@example.jp" "$MAIL_DIR"/*.eml 2>/dev/null | head -n 1)
	[ -n "$found" ] && break
	sleep 0.5
done
ok 'the queued mail reaches the mail folder within 15 s' test -n "$found"
is "$(psql_owner "SELECT sent_at IS NOT NULL FROM renrakucho.mail_outbox WHERE id = $id")" t \
    'and is marked sent'
deliveries() { psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'cli.mail.deliver'"; }
# As the package's timers deliver: as the CGIs' user (whose name the
# event carries), which reaches no database socket but pgbouncer's, as
# the jobs' role (db_jobs_dsn).
deliverer() { psql_owner "SELECT login FROM renrakucho.audit_event WHERE action = 'cli.mail.deliver' AND detail LIKE 'sent %' AND at > now() - interval '1 minute' ORDER BY id DESC LIMIT 1"; }
for _ in $(seq 20); do
	[ -n "$(deliverer)" ] && break
	sleep 0.5
done
is "$(deliverer)" cli:renrakucho 'the jobs deliver as the renrakucho user'
is "$(psql_owner "SELECT count(*) FROM pg_roles WHERE rolname = 'renrakucho_jobs' AND rolcanlogin")" 1 \
    'the jobs role exists and may log in'
like "$(grep '^db_jobs_dsn' "${ADMIN##*--conf }")" 'user=renrakucho_jobs' \
    'the stack sets db_jobs_dsn to the jobs role'
ok 'the renrakucho user cannot reach PostgreSQL'"'"'s own socket (only db_jobs_dsn)' \
    bash -c '! runuser -u renrakucho -- test -x "$1/pg/sock"' _ "$RUN_DIR"
n=$(deliveries)

# The CRL and the purges, every STACK_JOBS_PERIOD (10 s here).
before=$(stat -c %Y "$RUN_DIR/ca/crl.pem")
for _ in $(seq 30); do
	[ "$(stat -c %Y "$RUN_DIR/ca/crl.pem")" != "$before" ] && break
	sleep 1
done
isnt "$(stat -c %Y "$RUN_DIR/ca/crl.pem")" "$before" 'the CRL is renewed on its period'
unlike "$(cat "$RUN_DIR/log/jobs.log")" '(deliver|purge) failed' 'the jobs log no failure'
is "$(deliveries)" "$n" 'the runs in between, with nothing to send, wrote no audit event'

restart 0
is "$(jobs_pid)" '' 'STACK_JOBS=0 stops them'
ok 'the loop is gone' bash -c '! kill -0 "$1" 2>/dev/null' _ "$PID"

done_testing
