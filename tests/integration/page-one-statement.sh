#!/bin/bash
# /home and the timeline check the session, write their audit event and
# read their rows in one statement (their view statements, run by the
# front line, lib/app.c); the read receipts check the session first.
# What a user or an auditor must see of all three: no page without its
# event, nothing half-written when the event cannot be written, and the
# front line's answers for a session that is gone or a cookie from
# another device.
. "$(dirname "$0")/../lib.sh"

S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")
PID=$(make_patient "一括 確認$RANDOM" "イッカツ カクニン" "1938-04-$(printf %02d $((RANDOM % 28 + 1)))" male "${MUNICIPALITY_NAME}今市町" "$S1")
TID=$(make_team "$PID" "$S1" "$S2")

login_ok STAFF1
login_ok STAFF2
for i in 1 2; do
	http_get STAFF1 "/teams/$TID/messages"
	http_post STAFF1 "/teams/$TID/messages" --form-string "csrf=$(input_value csrf)" \
	    --form-string "client_token=$(input_value client_token)" \
	    --form-string "body=一括の確認 $i"
	is "$HTTP_STATUS" 303 "STAFF1 posts message $i"
done
unread() { psql_owner "SELECT unread FROM renrakucho.team_member WHERE team_id = $TID AND account_id = $S2"; }
views() { psql_owner "SELECT count(*) FROM renrakucho.message_view v JOIN renrakucho.message m ON m.id = v.message_id WHERE m.team_id = $TID AND v.account_id = $S2"; }
events() { psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE account_id = $S2 AND action = '$1'"; }
seen_sql="SELECT round(extract(epoch FROM now() - last_seen_at)) FROM renrakucho.session WHERE account_id = $S2 AND ended_at IS NULL"
is "$(unread)" 2 'STAFF2 has two unread messages'

# --- the event cannot be written: no page, nothing else either ------------
psql_owner "UPDATE renrakucho.session SET last_seen_at = now() - interval '20 minutes' WHERE account_id = $S2 AND ended_at IS NULL" > /dev/null
# Events are written only through page_audit() (010_grants.sql): taking
# its EXECUTE from the app makes every event impossible.
psql_owner "REVOKE EXECUTE ON FUNCTION renrakucho.page_audit(bigint, text, text, inet, text, text, text, bigint, text, text) FROM renrakucho_app" > /dev/null
tl_before=$(events message.view) home_before=$(events home.view)
http_get STAFF2 "/teams/$TID/messages"
is "$HTTP_STATUS" 500 'no audit event possible: the timeline is refused (500)'
like "$(cat "$HTTP_BODY")" 'ただいま利用できません' 'with a Japanese error page'
unlike "$(cat "$HTTP_BODY")" '一括の確認' 'showing none of the messages'
is "$(views)" 0 'and no first view recorded'
is "$(unread)" 2 'the unread count unchanged'
like "$(psql_owner "$seen_sql")" '^1[12][0-9][0-9]$' 'nor the session touched: it rolled back with the page'
http_get STAFF2 /home
is "$HTTP_STATUS" 500 'the same for /home'
unlike "$(cat "$HTTP_BODY")" "一括 確認" 'which lists no team'
http_get STAFF2 "/teams/$TID/receipts"
is "$HTTP_STATUS" 500 'and for the read receipts'
psql_owner "GRANT EXECUTE ON FUNCTION renrakucho.page_audit(bigint, text, text, inet, text, text, text, bigint, text, text) TO renrakucho_app" > /dev/null

http_get STAFF2 "/teams/$TID/messages"
is "$HTTP_STATUS" 200 'the event writable again: the timeline shows'
like "$(cat "$HTTP_BODY")" '一括の確認 2' 'with the messages'
is "$(views)" 2 'their first views recorded'
is "$(unread)" 0 'nothing unread'
is "$(events message.view)" $((tl_before + 1)) 'one message.view event, for the page shown'
like "$(psql_owner "$seen_sql")" '^[0-2]$' 'the session touched with it'
http_get STAFF2 /home
is "$HTTP_STATUS" 200 '/home shows'
is "$(events home.view)" $((home_before + 1)) 'one home.view event'
n=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE account_id = $S2 AND action = 'home.view' AND login = '$STAFF2_LOGIN' AND cert_serial IS NOT NULL AND remote_addr IS NOT NULL AND outcome = 'success'")
ok 'the event names the login, certificate and address' test "$n" -ge 1

# --- a member who is not the person in charge: own status -----------------
http_get STAFF2 "/teams/$TID/receipts"
is "$HTTP_STATUS" 200 'receipts for a member'
like "$(cat "$HTTP_BODY")" 'あなたの閲覧状況' 'their own status'
n=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE account_id = $S2 AND action = 'receipts.view' AND object_id = '$TID' AND patient_id = $PID AND detail = 'own status'")
is "$n" 1 'receipts.view event with the patient and "own status"'

# --- a crafted address ----------------------------------------------------
for p in "/teams/$TID/messages?before=abc" "/teams/$TID/messages?before=-5" \
    "/teams/$TID/receipts?before=1x"; do
	http_get STAFF2 "$p"
	is "$HTTP_STATUS" 400 "a page number that is no number: 400 on $p"
	like "$(cat "$HTTP_BODY")" 'ページの指定が正しくありません' 'with a Japanese page saying so'
done
http_get STAFF2 "/teams/$TID/messages?before=99999999999"
is "$HTTP_STATUS" 200 'a well-formed one shows its page'

# --- the front line's answers --------------------------------------------
cp "$TEST_TMP/cookies-STAFF2" "$TEST_TMP/cookies-STAFF1"
for p in /home "/teams/$TID/messages" "/teams/$TID/receipts"; do
	http_get STAFF1 "$p"
	is "$HTTP_STATUS" 403 "STAFF2's cookie on STAFF1's device: 403 on $p"
done
n=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'session' AND outcome = 'denied' AND at > now() - interval '1 minute'")
ok 'each an audit event' test "$n" -ge 3
login_ok STAFF1
psql_owner "UPDATE renrakucho.session SET last_seen_at = now() - interval '31 minutes' WHERE account_id = $S2 AND ended_at IS NULL" > /dev/null
for p in /home "/teams/$TID/messages" "/teams/$TID/receipts"; do
	http_get STAFF2 "$p"
	is "$HTTP_STATUS $HTTP_LOCATION" '303 /login?n=expired' "an idle session: to the login on $p"
done
forget_cookies STAFF2
http_get STAFF2 "/teams/$TID/messages"
is "$HTTP_STATUS $HTTP_LOCATION" '303 /login' 'no cookie at all: to the login'
done_testing
