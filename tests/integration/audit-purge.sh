#!/bin/bash
# The purges as configured: pickup purge deletes failed pickup attempts
# older than pickup_failure_keep_days (30) and no newer one; mail purge
# empties the bodies of sent mail older than mail_body_keep_days (0:
# right after delivery), keeping address, subject and times, and never
# touches mail not sent; both as the jobs' role, each run one event with
# the counts.  Runs with demo.env sourced.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"
conf=${ADMIN##*--conf }
BIN=${ADMIN%% --conf *}
TO=purge-$$@example.jp
trap 'psql_owner "DELETE FROM renrakucho.mail_outbox WHERE to_addr = '"'$TO'"'" > /dev/null; rm -rf "$TEST_TMP"' EXIT
q() { psql_owner "$@"; }
last_detail() { q "SELECT detail FROM renrakucho.audit_event WHERE action = '$1' ORDER BY id DESC LIMIT 1"; }
events() { q "SELECT count(*) FROM renrakucho.audit_event WHERE action = '$1'"; }

# --- pickup_failure -----------------------------------------------------------
ADDR=198.51.100.$(( $$ % 250 + 1 ))
fails() { q "SELECT count(*) FROM renrakucho.pickup_failure WHERE remote_addr = '$ADDR'"; }
for age in '31 days' '45 days' '400 days' '29 days' '1 hour'; do
	q "INSERT INTO renrakucho.pickup_failure (remote_addr, at) VALUES ('$ADDR', now() - interval '$age')" > /dev/null
done
is "$(fails)" 5 'five failures from one address: 31, 45 and 400 days, 29 days and an hour old'
old=$(q "SELECT count(*) FROM renrakucho.pickup_failure WHERE at < now() - interval '30 days'")
total=$(q "SELECT count(*) FROM renrakucho.pickup_failure")
e0=$(events cli.pickup.purge)
out=$($ADMIN pickup purge 2>&1)
like "$?:$out" '^0:[0-9]+$' 'pickup purge: exit 0, prints the bundles purged'
is "$(fails)" 2 'the three older than 30 days are gone, the two newer stay'
is "$(q "SELECT count(*) FROM renrakucho.pickup_failure")" "$((total - old))" 'exactly the old ones, of every address'
is "$(events cli.pickup.purge)" $((e0 + 1)) 'one event'
is "$(last_detail cli.pickup.purge)" "$out bundles deleted, $old failures deleted" 'it counts bundles and failures'
sed 's/^pickup_failure_keep_days *=.*/pickup_failure_keep_days = 1/' "$conf" > "$TEST_TMP/fail1.conf"
$BIN --conf "$TEST_TMP/fail1.conf" pickup purge > /dev/null 2>&1
is "$(fails)" 1 'pickup_failure_keep_days = 1: the 29-day-old one goes, the hour-old one stays'
sed 's/^pickup_failure_keep_days *=.*/pickup_failure_keep_days = x/' "$conf" > "$TEST_TMP/failx.conf"
out=$($BIN --conf "$TEST_TMP/failx.conf" pickup purge 2>&1)
is "$?" 1 'a malformed pickup_failure_keep_days fails'
is "$(fails)" 1 'and deletes nothing'

# --- mail bodies ---------------------------------------------------------------
mk() {	# mk SENT_AT: a mail to $TO; prints its id
	q "INSERT INTO renrakucho.mail_outbox (to_addr, subject, body, sent_at, created_at)
	    VALUES ('$TO', 'purge $$', 'body $$', $1, now() - interval '4 days') RETURNING id"
}
sent3=$(mk "now() - interval '3 days'")
sent1h=$(mk "now() - interval '1 hour'")
waiting=$(mk NULL)
state() { q "SELECT string_agg(concat_ws(':', id, coalesce(body, 'NULL'), subject, sent_at IS NOT NULL), ',' ORDER BY id) FROM renrakucho.mail_outbox WHERE to_addr = '$TO'"; }
bodies() { q "SELECT count(*) FROM renrakucho.mail_outbox WHERE sent_at IS NOT NULL AND body IS NOT NULL AND sent_at <= now() - interval '$1'"; }
deleted() { q "SELECT count(*) FROM renrakucho.mail_outbox WHERE (sent_at IS NOT NULL AND sent_at < now() - interval '90 days') OR (sent_at IS NULL AND next_attempt_at = 'infinity' AND created_at < now() - interval '90 days')"; }

sed 's/^mail_body_keep_days *=.*/mail_body_keep_days = 2/' "$conf" > "$TEST_TMP/body2.conf"
n=$(bodies '2 days')
dn=$(deleted)
e0=$(events cli.mail.purge)
out=$($BIN --conf "$TEST_TMP/body2.conf" mail purge 2>&1)
is "$?:$out" "0:$dn" 'mail purge (mail_body_keep_days = 2): exit 0, prints the mails deleted'
is "$(state)" "$sent3:NULL:purge $$:t,$sent1h:body $$:purge $$:t,$waiting:body $$:purge $$:f" \
    'the body of the mail sent 3 days ago is emptied; subject and time stay; the newer and the unsent keep theirs'
is "$(events cli.mail.purge)" $((e0 + 1)) 'one event'
is "$(last_detail cli.mail.purge)" "$dn mails deleted, $n bodies emptied" 'it counts mails deleted and bodies emptied'
n=$(bodies '0 days')
out=$($ADMIN mail purge 2>&1)
is "$?" 0 'mail purge with the default (0 days)'
is "$(state)" "$sent3:NULL:purge $$:t,$sent1h:NULL:purge $$:t,$waiting:body $$:purge $$:f" \
    'every sent body is emptied; the unsent mail keeps its body'
is "$(last_detail cli.mail.purge)" "$dn mails deleted, $n bodies emptied" 'with the count of bodies'
is "$($ADMIN mail purge 2>&1 >/dev/null; last_detail cli.mail.purge)" "$dn mails deleted, 0 bodies emptied" \
    'a second run empties none'

done_testing
