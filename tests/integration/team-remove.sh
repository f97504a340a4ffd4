#!/bin/bash
# Joining stays with the team (any member approves), but its 担当者 are
# told of every approval by mail, and a 担当者 removes a member who should
# not be there: a POST with CSRF from the member list, audited; the
# removed member loses the team at their next request; a 担当者 (the one
# removing included) cannot be removed; a plain member cannot remove.
. "$(dirname "$0")/team-home.sh"

S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")
FA=$(account_id "$FACILITY_ADMIN_LOGIN")
OUT=$(account_id "$OUTSIDE_LOGIN")
KANA=$(rand_kana)
BIRTH=1938-0$((1 + RANDOM % 9))-2$((RANDOM % 8))
PID=$(make_patient "外す 確認$RANDOM" "$KANA" "$BIRTH" female "${MUNI_NAME}今市町" "$S1")
TID=$(make_team "$PID" "$S1" "$S2")
q() { psql_owner "$1"; }
mails() {	# mails ACCOUNT_ID: the account's mail about a new member
	q "SELECT count(*) FROM renrakucho.mail_outbox WHERE account_id = $1 AND subject = '$(subject 支援チームに新しいメンバーが加わりました)'"
}
events() {	# events ACTION OBJECT_ID OUTCOME ACTOR_ID [DETAIL]
	q "SELECT count(*) FROM renrakucho.audit_event WHERE action = '$1' AND object_id = '$2' AND outcome = '$3' AND account_id = $4 AND patient_id = $PID AND detail IS NOT DISTINCT FROM ${5:-NULL}"
}
ask() {	# ask WHO
	login_home "$1"
	http_post "$1" "/teams/$TID/join-requests" --data-urlencode "csrf=$SCSRF" \
	    --data-urlencode "kana=$KANA" --data-urlencode "birth=$BIRTH" \
	    --data-urlencode sex=female
}
req_id() { q "SELECT max(id) FROM renrakucho.join_request WHERE team_id = $TID AND account_id = $1"; }

# --- the 担当者 is told of an approval by another member ------------------
ask FACILITY_ADMIN
is "$HTTP_STATUS" 303 'FACILITY_ADMIN asks to join'
m1=$(mails "$S1")
m2=$(mails "$S2")
login_home STAFF2
http_post STAFF2 "/teams/$TID/join-requests/$(req_id "$FA")/approve" --data-urlencode "csrf=$SCSRF"
is "$HTTP_STATUS" 303 'a plain member (STAFF2) approves'
is "$(mails "$S1")" $((m1 + 1)) 'the 担当者 gets one mail about the new member'
is "$(mails "$S2")" "$m2" 'the member who approved gets none of it'
body=$(q "SELECT body FROM renrakucho.mail_outbox WHERE account_id = $S1 ORDER BY id DESC LIMIT 1")
like "$body" '担当者をしている支援チームに、新しいメンバーが加わりました。' 'the mail says what happened'
like "$body" "${APP_URL}/login" 'and links to the login page'
unlike "$body" "$KANA|外す" 'and names no patient'

# The 担当者's own approval: nothing to tell them.
ask OUTSIDE
is "$HTTP_STATUS" 303 'OUTSIDE asks to join'
m1=$(mails "$S1")
login_home STAFF1
http_post STAFF1 "/teams/$TID/join-requests/$(req_id "$OUT")/approve" --data-urlencode "csrf=$SCSRF"
is "$HTTP_STATUS" 303 'the 担当者 approves OUTSIDE'
is "$(mails "$S1")" "$m1" 'no mail to the 担当者 about their own approval'

# --- removing -------------------------------------------------------------
login_home OUTSIDE
OUT_CSRF=$SCSRF
http_get OUTSIDE "/patients/$PID"
is "$HTTP_STATUS" 200 'OUTSIDE, a member, sees the patient'

login_home STAFF1
http_get STAFF1 "/patients/$PID"
like "$(cat "$HTTP_BODY")" "action=\"/patients/$PID/members/$OUT/remove\"" 'the 担当者 sees チームから外す for a member'
unlike "$(cat "$HTTP_BODY")" "members/$S1/remove" 'but not for a 担当者'

login_home STAFF2
http_get STAFF2 "/patients/$PID"
unlike "$(cat "$HTTP_BODY")" '/remove"' 'a plain member is offered no removal'
n=$(events team.remove "$OUT" denied "$S2" "'not a lead'")
http_post STAFF2 "/patients/$PID/members/$OUT/remove" --data-urlencode "csrf=$SCSRF"
is "$HTTP_STATUS" 403 'bad: a plain member cannot remove -> 403'
like "$(cat "$HTTP_BODY")" 'メンバーをチームから外せるのは担当者だけです。' 'and is told why'
is "$(events team.remove "$OUT" denied "$S2" "'not a lead'")" $((n + 1)) 'the refusal is one audit event'

login_home STAFF1
n=$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'csrf' AND account_id = $S1")
http_post STAFF1 "/patients/$PID/members/$OUT/remove"
is "$HTTP_STATUS" 403 'bad: without the CSRF token -> 403'
is "$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'csrf' AND account_id = $S1")" $((n + 1)) 'the forged form is one csrf event'
n=$(events team.remove "$S1" denied "$S1" "'a lead'")
http_post STAFF1 "/patients/$PID/members/$S1/remove" --data-urlencode "csrf=$SCSRF"
is "$HTTP_STATUS" 409 'bad: the 担当者 cannot remove themself -> 409'
like "$(cat "$HTTP_BODY")" '担当者をチームから外すことはできません。' 'and is told why'
is "$(events team.remove "$S1" denied "$S1" "'a lead'")" $((n + 1)) 'the refusal is one audit event'
is "$(q "SELECT role FROM renrakucho.team_member WHERE team_id = $TID AND account_id = $S1")" lead 'still 担当者'

n=$(events team.remove "$OUT" success "$S1")
http_post STAFF1 "/patients/$PID/members/$OUT/remove" --data-urlencode "csrf=$SCSRF"
is "$HTTP_STATUS" 303 'the 担当者 removes OUTSIDE'
is "$HTTP_LOCATION" "/patients/$PID?n=removed" 'back to the patient page'
is "$(events team.remove "$OUT" success "$S1")" $((n + 1)) 'one audit event: actor, member removed, patient'
is "$(q "SELECT count(*) FROM renrakucho.team_member WHERE team_id = $TID AND account_id = $OUT")" 0 'the membership is gone'
http_get STAFF1 "/patients/$PID?n=removed"
like "$(cat "$HTTP_BODY")" 'メンバーを支援チームから外しました。' 'the notice says so'
http_post STAFF1 "/patients/$PID/members/$OUT/remove" --data-urlencode "csrf=$SCSRF"
is "$HTTP_STATUS" 404 'bad: removing a non-member -> 404'

# The removed member's open session loses the team at once.
SCSRF=$OUT_CSRF
http_get OUTSIDE "/patients/$PID"
is "$HTTP_STATUS" 404 'OUTSIDE no longer sees the patient (same session)'
http_get OUTSIDE "/teams/$TID/messages"
is "$HTTP_STATUS" 404 'nor the timeline'
http_post OUTSIDE "/teams/$TID/messages" --data-urlencode "csrf=$OUT_CSRF" --data-urlencode "client_token=rm$RANDOM$RANDOM$RANDOM$RANDOM" --data-urlencode 'body=まだいます'
is "$HTTP_STATUS" 404 'nor can post'
done_testing
