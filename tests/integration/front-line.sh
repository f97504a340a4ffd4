#!/bin/bash
# The front line (lib/app.c) checks every POST by its page's rule before a
# handler runs, whatever the page needs: the session's CSRF token on the
# pages with a session (plain, team, patient pages alike), the pre-login
# token on /login, the portal's origin on the certificate pickup; and
# team membership is one check (team_membership) for the team pages, the
# timeline's view statement, the join requests and the patient pages.
# What an attacker and an auditor see: the refusal, one event each, and
# nothing changed.
. "$(dirname "$0")/../lib.sh"

S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")
PID=$(make_patient "前線 確認$RANDOM" "ゼンセン カクニン" "1941-05-$(printf %02d $((RANDOM % 28 + 1)))" female "${MUNICIPALITY_NAME}今市町" "$S1")
TID=$(make_team "$PID" "$S1")
events() {	# events ACTION OUTCOME [DETAIL]: events of STAFF2's or no account
	psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = '$1' AND outcome = '$2'${3:+ AND detail = '$3'}"
}

login_ok STAFF1
login_ok STAFF2

# --- CSRF on every kind of page with a session -----------------------------
http_get STAFF1 "/teams/$TID/messages"
tok=$(input_value client_token)
msgs() { psql_owner "SELECT count(*) FROM renrakucho.message WHERE team_id = $TID"; }
m0=$(msgs)
bad=$(printf 'x%.0s' {1..43})
for case in "APP_TEAM (message post)|/teams/$TID/messages" \
    "APP_SESSION (patient page)|/patients/$PID/leave" \
    "APP_SESSION (profile)|/profile/notify" \
    "APP_TEAM (join request)|/teams/$TID/join-requests" \
    "APP_SESSION (logout)|/logout"; do
	name=${case%%|*} path=${case#*|}
	before=$(events csrf denied "$path")
	if [ "$path" = "/teams/$TID/messages" ]; then
		http_post STAFF1 "$path" --form-string "csrf=$bad" \
		    --form-string "client_token=$tok" --form-string "body=偽の投稿"
	else
		http_post STAFF1 "$path" --data-urlencode "csrf=$bad" \
		    --data-urlencode "kana=ゼンセン カクニン"
	fi
	is "$HTTP_STATUS" 403 "$name: a wrong CSRF token is refused (403)"
	like "$(cat "$HTTP_BODY")" '操作を受け付けられません' "$name: with the front line's page"
	is "$(events csrf denied "$path")" $((before + 1)) "$name: one csrf denied event naming $path"
done
before=$(events csrf denied "/teams/$TID/messages")
http_post STAFF1 "/teams/$TID/messages" --form-string "client_token=$tok" \
    --form-string "body=偽の投稿"
is "$HTTP_STATUS" 403 'no CSRF token at all: refused too'
is "$(events csrf denied "/teams/$TID/messages")" $((before + 1)) 'with its event'
is "$(msgs)" "$m0" 'no message stored by any of them'
is "$(psql_owner "SELECT count(*) FROM renrakucho.team_member WHERE team_id = $TID AND account_id = $S1")" 1 'STAFF1 still in the team'
http_get STAFF1 /home
is "$HTTP_STATUS" 200 'and still logged in (the refused logout ended nothing)'

# --- the login page: its own pre-session token -----------------------------
before=$(events login denied 'csrf token missing or wrong')
forget_cookies STAFF2
http_get STAFF2 /login
http_post STAFF2 /login --data-urlencode "login=$STAFF2_LOGIN" \
    --data-urlencode "password=$STAFF2_PASSWORD" --data-urlencode "csrf=$(printf 'y%.0s' {1..43})"
is "$HTTP_STATUS" 403 'login: a token other than the cookie is refused (403)'
like "$(cat "$HTTP_BODY")" '画面の有効期限が切れました' 'login: the form again, saying why'
like "$(input_value login)" "^$STAFF2_LOGIN\$" 'login: with the ID typed'
is "$(events login denied 'csrf token missing or wrong')" $((before + 1)) 'login: one denied event'
unlike "$(cat "$HTTP_HEADERS")" 'Set-Cookie: __Host-rk=' 'login: no session cookie set'
login_ok STAFF2

# --- the portal's pickup: its origin ---------------------------------------
before=$(events pickup denied 'foreign origin')
_http NONE POST "$PORTAL_URL/certificate-pickup" --data-urlencode "pickup_no=1" \
    --data-urlencode "pickup_password=x" -H 'Origin: https://evil.example'
is "$HTTP_STATUS" 403 'pickup: a POST from a foreign origin is refused (403)'
like "$(cat "$HTTP_BODY")" 'このページからは受け付けられません' 'pickup: with its own page'
is "$(events pickup denied 'foreign origin')" $((before + 1)) 'pickup: one denied event'

# --- one membership check: a non-member everywhere -------------------------
tl=$(audit_n message.view "$TID" denied)
http_get STAFF2 "/teams/$TID/messages"
is "$HTTP_STATUS" 404 'timeline (view statement): a non-member gets 404'
unlike "$(cat "$HTTP_BODY")" '前線 確認' 'without the patient'
is "$(audit_n message.view "$TID" denied)" $((tl + 1)) 'one message.view denied event'
rc=$(audit_n receipts.view "$TID" denied)
http_get STAFF2 "/teams/$TID/receipts"
is "$HTTP_STATUS" 404 'receipts (APP_TEAM): 404'
is "$(audit_n receipts.view "$TID" denied)" $((rc + 1)) 'one receipts.view denied event'
pv=$(audit_n patient.view "$PID" denied)
http_get STAFF2 "/patients/$PID"
is "$HTTP_STATUS" 404 'patient page (team of the patient): 404'
unlike "$(cat "$HTTP_BODY")" '前線 確認' 'without the patient'
is "$(audit_n patient.view "$PID" denied)" $((pv + 1)) 'one patient.view denied event'
jl=$(audit_n join.list "$TID" denied)
http_get STAFF2 "/teams/$TID/join-requests"
is "$HTTP_STATUS" 404 'join requests, no request of mine: 404'
is "$(audit_n join.list "$TID" denied)" $((jl + 1)) 'one join.list denied event'
RID=$(psql_owner "INSERT INTO renrakucho.join_request (team_id, account_id, message) VALUES ($TID, $S2, '') RETURNING id")
ja=$(audit_n join.approve "$TID" denied)
http_post STAFF2 "/teams/$TID/join-requests/$RID/approve" \
    --form-string "csrf=$(csrf_of STAFF2 /home)"
is "$HTTP_STATUS" 404 'a non-member cannot approve (their own) request: 404'
is "$(audit_n join.approve "$TID" denied)" $((ja + 1)) 'one join.approve denied event'
is "$(psql_owner "SELECT state FROM renrakucho.join_request WHERE id = $RID")" pending 'the request still pending'

# --- and the same checks let a member through ------------------------------
http_post STAFF1 "/teams/$TID/join-requests/$RID/approve" \
    --form-string "csrf=$(csrf_of STAFF1 /home)"
is "$HTTP_STATUS" 303 'the lead approves it'
http_get STAFF2 "/teams/$TID/messages"
is "$HTTP_STATUS" 200 'now a member: the timeline'
like "$(cat "$HTTP_BODY")" '前線 確認' 'with the patient'
http_get STAFF2 "/patients/$PID"
is "$HTTP_STATUS" 200 'and the patient page'
like "$(cat "$HTTP_BODY")" 'メンバー' 'which lists the members'
http_get STAFF2 "/teams/$TID/join-requests"
is "$HTTP_STATUS" 200 'and the join requests as a member'
done_testing
