#!/bin/bash
# The jobs' role, renrakucho_jobs (schema/002_jobs.sql): what the timers
# and `check` need, and nothing more.  It reads no patient, account,
# team, message or audit row, no session token or pickup password; it
# writes the audit trail only through jobs_audit(), and only the jobs'
# own events; the routine verbs log in with db_jobs_dsn; mail purge
# deletes exactly the sent and given-up mail past its retention, with
# its audit event.  Runs with demo.env sourced (JOBS_DSN: pgbouncer's
# socket, which root reaches as the jobs' OS user does).
. "$(dirname "$0")/../lib.sh"
[ -n "${JOBS_DSN:-}" ] || bail "no JOBS_DSN: source demo.env"
psql_jobs() { _psql "$JOBS_DSN" "$@"; }
# denied SQL NAME: the statement fails with "permission denied".
denied() {
	local out
	if out=$(psql_jobs "$1" 2>&1); then
		fail "$2" "it succeeded: $out"
	else
		like "$out" 'permission denied' "$2"
	fi
}

is "$(psql_jobs 'SELECT current_user')" renrakucho_jobs 'JOBS_DSN logs in as renrakucho_jobs'

# --- what it may not read ----------------------------------------------
denied 'SELECT count(*) FROM patient' 'no patient row'
denied 'SELECT name FROM patient LIMIT 1' 'no patient name'
denied 'SELECT count(*) FROM consent' 'no consent'
denied 'SELECT name FROM account LIMIT 1' 'no account'
denied 'SELECT count(*) FROM team' 'no team'
denied 'SELECT count(*) FROM team_member' 'no team member'
denied 'SELECT body FROM message LIMIT 1' 'no message'
denied 'SELECT count(*) FROM message_attachment' 'no attachment'
denied 'SELECT count(*) FROM audit_event' 'no audit row'
denied 'SELECT count(*) FROM audit_log' 'no audit view'
denied 'SELECT token_hash FROM session LIMIT 1' 'no session token'
denied 'SELECT csrf FROM session LIMIT 1' 'no CSRF token'
denied 'SELECT password_hash FROM pickup LIMIT 1' 'no pickup password hash'
denied 'SELECT number FROM pickup LIMIT 1' 'no pickup number'
denied 'SELECT account_id FROM mail_outbox LIMIT 1' 'no account of a mail'
denied 'SELECT sha256 FROM device_cert LIMIT 1' 'no certificate fingerprint'

# --- what it may not write ----------------------------------------------
denied "INSERT INTO audit_event (action, outcome) VALUES ('login', 'success')" \
    'no INSERT into audit_event'
denied "SELECT page_audit(NULL, 'cli:x', NULL, NULL, 'login', NULL, NULL, NULL, 'success', NULL)" \
    'no audit event through page_audit'
denied "INSERT INTO mail_outbox (to_addr, subject, body) VALUES ('a@example.jp', 's', 'b')" \
    'no mail queued'
denied 'DELETE FROM patient' 'no patient deleted'
denied 'DELETE FROM device_cert' 'no certificate deleted'
denied "UPDATE account SET is_operator = true" 'no account changed'
denied "UPDATE device_cert SET not_after = now()" 'no certificate validity changed'
denied "UPDATE mail_outbox SET to_addr = 'x@example.jp'" 'no mail readdressed'
denied "UPDATE mail_outbox SET body = 'x'" 'no mail body changed'
denied 'DELETE FROM schema_migration' 'no migration record deleted'
denied 'SELECT remote_addr FROM pickup_failure LIMIT 1' 'no address of a failed pickup'
denied "SELECT audit_partition_create('2000-01-01')" 'no partition of its choosing'
denied "SELECT audit_partition_archive('2000-01-01', 'f', 'x', 0, NULL, NULL, '{}')" 'no archive (no partition dropped)'

# --- the audit trail through jobs_audit() only --------------------------
n_login() { psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE login = '$1'"; }
WHO=cli:jobs-role-$$
refused() {	# refused LOGIN ACTION DETAIL NAME
	local out
	if out=$(psql_jobs "SELECT jobs_audit('$1', '$2', '$3')" 2>&1); then
		fail "$4" "it succeeded"
	else
		like "$out" 'jobs_audit: ' "$4"
	fi
}
refused "$WHO" login '1 sent' 'jobs_audit refuses an event not of the jobs (login)'
refused "$WHO" patient.view '1 sent' 'jobs_audit refuses patient.view'
refused "$WHO" cli.account.add '1 sent' 'jobs_audit refuses another CLI verb'
refused staff1 cli.mail.deliver '1 sent' 'jobs_audit refuses a login not cli:'
refused "$WHO" cli.mail.deliver 'patient 山田太郎' 'jobs_audit refuses a detail beyond counts'
is "$(n_login "$WHO")" 0 'the refused calls wrote nothing'
psql_jobs "SELECT jobs_audit('$WHO', 'cli.mail.purge', '3 mails deleted')" > /dev/null
is "$(n_login "$WHO")" 1 'jobs_audit writes one event of the jobs'
is "$(psql_owner "SELECT concat_ws('|', action, object_type, coalesce(account_id::text, '-'),
    coalesce(cert_serial, '-'), coalesce(patient_id::text, '-'), coalesce(object_id, '-'),
    outcome, detail) FROM renrakucho.audit_event WHERE login = '$WHO'")" \
    'cli.mail.purge|mail_outbox|-|-|-|-|success|3 mails deleted' \
    'as itself: no account, device, patient or object, a success'

# --- the routine verbs use db_jobs_dsn -----------------------------------
conf=${ADMIN##*--conf }
BIN=${ADMIN%% --conf *}
like "$(grep '^db_jobs_dsn' "$conf")" 'user=renrakucho_jobs' 'the stack configures db_jobs_dsn'
sed "s|^db_jobs_dsn *=.*|db_jobs_dsn = host=$TEST_TMP/nowhere dbname=renrakucho user=renrakucho_jobs|" \
    "$conf" > "$TEST_TMP/bad.conf"
for v in 'mail deliver' 'mail purge' 'session purge' 'pickup purge' 'crl update' 'audit partitions'; do
	# shellcheck disable=SC2086
	if $BIN --conf "$TEST_TMP/bad.conf" $v > /dev/null 2>&1; then
		fail "$v connects with db_jobs_dsn"
	else
		pass "$v connects with db_jobs_dsn"
	fi
done
for v in 'session purge' 'pickup purge' 'audit partitions'; do
	# shellcheck disable=SC2086
	out=$($ADMIN $v 2>&1)
	like "$?:$out" '^0:[0-9]+$' "$v works as the jobs' role (prints its count)"
done
# crl update as the jobs' role: the signer signs, the event is the jobs'.
n0=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'cli.crl.update' AND login LIKE 'cli:%'")
out=$($ADMIN crl update 2>&1)
like "$?:$out" '^0:wrote .*: [0-9]+ revoked serials?, next update ' "crl update works as the jobs' role"
is "$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'cli.crl.update' AND login LIKE 'cli:%'")" \
    $((n0 + 1)) 'crl update writes one event, through jobs_audit'
is "$(psql_owner "SELECT object_type FROM renrakucho.audit_event WHERE action = 'cli.crl.update' ORDER BY id DESC LIMIT 1")" \
    device_cert 'its object type is device_cert'

# --- pickup purge as the jobs' role: an expired bundle ---------------------
# A certificate parked behind a pickup that expired, with a session on
# it: the purge drops the bundle, revokes the certificate and ends the
# session, all within the role's grants.
SER=$(printf 'FEED%012X' "$$")
fac=$(psql_owner "SELECT facility_id FROM renrakucho.account WHERE id = $(account_id "$STAFF1_LOGIN")")
psql_owner "INSERT INTO renrakucho.device_cert (serial, sha256, facility_id, label, not_after)
    VALUES ('$SER', encode(sha256('$SER'::bytea), 'hex'), $fac, 'jobs-role', now() + interval '1 year')" > /dev/null
psql_owner "INSERT INTO renrakucho.pickup (number, password_hash, serial, facility_id, p12, created_at, expires_at)
    VALUES (lpad('$$', 12, '9'), 'x', '$SER', $fac, '\\x00', now() - interval '4 days', now() - interval '1 day')" > /dev/null
psql_owner "INSERT INTO renrakucho.session (token_hash, csrf, account_id, cert_serial)
    VALUES (encode(sha256('jobs-role-$$'::bytea), 'hex'), 'x', $(account_id "$STAFF1_LOGIN"), '$SER')" > /dev/null
out=$($ADMIN pickup purge 2>&1)
like "$out" '^[1-9][0-9]*$' 'pickup purge as the jobs role purges the expired bundle'
is "$(psql_owner "SELECT concat_ws('|', p12 IS NULL, (SELECT revoke_reason FROM renrakucho.device_cert WHERE serial = '$SER'),
    (SELECT end_reason FROM renrakucho.session WHERE cert_serial = '$SER'))
    FROM renrakucho.pickup WHERE serial = '$SER'")" 't|pickup expired|certificate revoked' \
    'the bundle is gone, the certificate revoked, its session ended'

# --- mail purge -----------------------------------------------------------
mk() {	# mk SENT_AT NEXT_ATTEMPT_AT CREATED_AT: a row; prints its id
	psql_owner "INSERT INTO renrakucho.mail_outbox (to_addr, subject, body,
	    sent_at, next_attempt_at, created_at, last_error)
	    VALUES ('purge-$$@example.jp', 'purge', 'b', $1, $2, $3,
	    CASE WHEN $2 = 'infinity' THEN 'gave up' END) RETURNING id"
}
old_sent=$(mk "now() - interval '3 days'" 'now()' "now() - interval '3 days'")
new_sent=$(mk "now() - interval '1 hour'" 'now()' "now() - interval '3 days'")
old_gaveup=$(mk NULL "'infinity'" "now() - interval '3 days'")
new_gaveup=$(mk NULL "'infinity'" "now() - interval '1 hour'")
old_waiting=$(mk NULL "now() + interval '1 hour'" "now() - interval '3 days'")
purged() { psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'cli.mail.purge' AND detail LIKE '2 mails deleted, % bodies emptied'"; }
before=$(purged)
out=$($ADMIN mail purge --days 2 2>&1)
is "$out" 2 'mail purge --days 2 deletes two mails'
left() { psql_owner "SELECT string_agg(id::text, ',' ORDER BY id) FROM renrakucho.mail_outbox WHERE to_addr = 'purge-$$@example.jp'"; }
is "$(left)" "$new_sent,$new_gaveup,$old_waiting" \
    'the old sent and given-up ones; not the recent ones, nor mail still being tried'
is "$(purged)" "$((before + 1))" 'mail purge is audited (2 mails deleted)'
is "$($ADMIN mail purge 2>&1)" 0 'the default retention (90 days) deletes none of them'
is "$(left)" "$new_sent,$new_gaveup,$old_waiting" 'they stay'
out=$($ADMIN mail purge --days 0 2>&1)
is "$?" 2 'mail purge --days 0 is a usage error'
psql_owner "DELETE FROM renrakucho.mail_outbox WHERE to_addr = 'purge-$$@example.jp'" > /dev/null

done_testing
