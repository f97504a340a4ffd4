#!/bin/bash
# renrakucho-admin mail deliver: a failing sendmail command leaves the
# message queued for a later attempt (backoff); header injection refused.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"

conf=${ADMIN##*--conf }
sed 's|^sendmail *=.*|sendmail = /bin/false|' "$conf" > "$TEST_TMP/false.conf"
BAD=${ADMIN%% --conf *}" --conf $TEST_TMP/false.conf"

# Whatever is due now goes first, so the test's rows are the only ones due.
$ADMIN mail deliver > /dev/null
TAG=mailtest-$(date +%s)$$
id=$(psql_owner "INSERT INTO renrakucho.mail_outbox (to_addr, subject, body)
    VALUES ('$TAG@example.jp', 'テスト $TAG', 'body') RETURNING id" | head -n 1)
out=$($BAD mail deliver --limit 5)
like "$out" 'failed 1' 'bad: failing sendmail reported'
is "$(psql_owner "SELECT attempts || '|' || (sent_at IS NULL) || '|' || (next_attempt_at > now()) || '|' || (last_error IS NOT NULL) FROM renrakucho.mail_outbox WHERE id = $id")" \
    '1|true|true|true' 'bad: attempt counted, not sent, retried later'
out=$($ADMIN mail deliver)
ok 'not due yet: not retried at once' test -z "$(grep -l "^To: $TAG@" "$MAIL_DIR"/*.eml 2>/dev/null)"
psql_owner "UPDATE renrakucho.mail_outbox SET next_attempt_at = now() WHERE id = $id" > /dev/null
out=$($ADMIN mail deliver)
like "$out" 'sent 1' 'delivered when due again'
ok 'the message reached the mail folder' test -n "$(grep -l "^To: $TAG@" "$MAIL_DIR"/*.eml)"

# Ten failures: given up, never due again.
psql_owner "UPDATE renrakucho.mail_outbox SET sent_at = NULL, attempts = 9, next_attempt_at = now() WHERE id = $id" > /dev/null
out=$($BAD mail deliver)
like "$out" 'gave up 1' 'bad: the tenth failure gives up'
is "$(psql_owner "SELECT last_error FROM renrakucho.mail_outbox WHERE id = $id")" 'gave up' 'bad: marked gave up'

# A subject with a line break is refused, not sent.
id2=$(psql_owner "INSERT INTO renrakucho.mail_outbox (to_addr, subject, body)
    VALUES ('$TAG-2@example.jp', E'x\\nBcc: victim@example.jp', 'body') RETURNING id" | head -n 1)
$ADMIN mail deliver > /dev/null 2>&1
is "$(psql_owner "SELECT (sent_at IS NULL) || '|' || last_error FROM renrakucho.mail_outbox WHERE id = $id2")" \
    'true|refused: control character in a header' 'bad: header injection refused'
ok 'bad: nothing with the injected header was sent' test -z "$(grep -l 'victim@' "$MAIL_DIR"/*.eml 2>/dev/null)"
psql_owner "UPDATE renrakucho.mail_outbox SET next_attempt_at = 'infinity' WHERE id = $id2" > /dev/null
done_testing
