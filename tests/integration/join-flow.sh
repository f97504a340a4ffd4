#!/bin/bash
# Join requests: request, approve, reject and ask again, withdraw, two
# approvals at once, mail without the patient's name, and the team keeps
# a 担当者.
. "$(dirname "$0")/team-home.sh"

# A patient of STAFF1's with STAFF2 and OUTSIDE outside the team.
login_home STAFF1
KANA=$(rand_kana)
BIRTH=1941-02-03
NAME="加入 試験$RANDOM"
register STAFF1 "$KANA" "$BIRTH" male "$NAME"
ok 'a patient for the join tests' test -n "$PID"
TID=$(psql_owner "SELECT id FROM renrakucho.team WHERE patient_id = ${PID:-0}")
S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")
mails_before=$(psql_owner "SELECT count(*) FROM renrakucho.mail_outbox")

ask() {	# ask WHO [MESSAGE]
	http_post "$1" "/teams/$TID/join-requests" --data-urlencode "csrf=$SCSRF" \
	    --data-urlencode "kana=$KANA" --data-urlencode "birth=$BIRTH" \
	    --data-urlencode sex=male --data-urlencode "message=${2:-よろしくお願いします}"
}
req_id() {	# req_id ACCOUNT_ID: the latest request
	psql_owner "SELECT max(id) FROM renrakucho.join_request WHERE team_id = $TID AND account_id = $1"
}

login_home STAFF2
http_post STAFF2 "/teams/$TID/join-requests" --data-urlencode "csrf=$SCSRF" \
    --data-urlencode "kana=ア" --data-urlencode "birth=$BIRTH" --data-urlencode sex=male
is "$HTTP_STATUS" 404 'bad: a request without knowing the person -> 404'
ask STAFF2 "$(printf 'あ%.0s' $(seq 501))"
is "$HTTP_STATUS" 422 'bad: a message over 500 characters'
ask STAFF2
is "$HTTP_STATUS" 303 'STAFF2 asks to join'
ask STAFF2
is "$HTTP_STATUS" 409 'bad: a second pending request is refused'
http_get STAFF2 "/teams/$TID/join-requests"
like "$(cat "$HTTP_BODY")" '承認待ち' 'the requester sees their pending request'
http_get STAFF2 "/patients/$PID"
is "$HTTP_STATUS" 404 'not yet a member: 404'

login_home STAFF1
http_get STAFF1 /home
like "$(cat "$HTTP_BODY")" "<td>1</td>" '/home shows the pending count'
http_get STAFF1 "/teams/$TID/join-requests"
like "$(cat "$HTTP_BODY")" 'よろしくお願いします' 'members see the pending request'
R=$(req_id "$S2")
http_post STAFF1 "/teams/$TID/join-requests/$R/reject"
is "$HTTP_STATUS" 403 'bad: a decision without the CSRF token -> 403'
http_post STAFF1 "/teams/$TID/join-requests/$R/reject" --data-urlencode "csrf=$SCSRF"
is "$HTTP_STATUS" 303 'STAFF1 rejects'
http_post STAFF1 "/teams/$TID/join-requests/$R/approve" --data-urlencode "csrf=$SCSRF"
is "$HTTP_STATUS" 409 'bad: approving a decided request is refused'

login_home STAFF2
http_get STAFF2 "/teams/$TID/join-requests"
like "$(cat "$HTTP_BODY")" '却下されました' 'the requester sees the rejection'
ask STAFF2 'もう一度'
is "$HTTP_STATUS" 303 'asking again after a rejection'
R=$(req_id "$S2")
http_post STAFF2 "/teams/$TID/join-requests/$R/withdraw" --data-urlencode "csrf=$SCSRF"
is "$HTTP_STATUS" 303 'the requester withdraws'
login_home STAFF1
http_post STAFF1 "/teams/$TID/join-requests/$R/approve" --data-urlencode "csrf=$SCSRF"
is "$HTTP_STATUS" 409 'bad: approving a withdrawn request is refused'

# FACILITY_ADMIN joins first, so two members can approve STAFF2 at once.
login_home FACILITY_ADMIN
ask FACILITY_ADMIN
FA=$(account_id "$FACILITY_ADMIN_LOGIN")
login_home STAFF1
http_post STAFF1 "/teams/$TID/join-requests/$(req_id "$FA")/approve" --data-urlencode "csrf=$SCSRF"
is "$(psql_owner "SELECT role FROM renrakucho.team_member WHERE team_id = $TID AND account_id = $FA")" member 'FACILITY_ADMIN approved'
C1=$SCSRF
login_home FACILITY_ADMIN
C2=$SCSRF
login_home STAFF2
ask STAFF2 '三度目'
R=$(req_id "$S2")
(http_post STAFF1 "/teams/$TID/join-requests/$R/approve" --data-urlencode "csrf=$C1"; echo "$HTTP_STATUS" > "$TEST_TMP/a1") &
(http_post FACILITY_ADMIN "/teams/$TID/join-requests/$R/approve" --data-urlencode "csrf=$C2"; echo "$HTTP_STATUS" > "$TEST_TMP/a2") &
wait
is "$(sort "$TEST_TMP/a1" "$TEST_TMP/a2" | tr '\n' ' ')" '303 409 ' 'two approvals at once: one wins, one is told'
is "$(psql_owner "SELECT count(*) FROM renrakucho.team_member WHERE team_id = $TID AND account_id = $S2")" 1 'one membership'
is "$(psql_owner "SELECT state || ' ' || (decided_by IS NOT NULL) FROM renrakucho.join_request WHERE id = $R")" 'approved true' 'one decision'

http_get STAFF2 "/patients/$PID"
is "$HTTP_STATUS" 200 'STAFF2 now sees the patient'
like "$(cat "$HTTP_BODY")" "$NAME" 'the patient page names the patient for a member'

# Mail: waiting requests to members, outcomes to the requester; no name.
n=$(psql_owner "SELECT count(*) FROM renrakucho.mail_outbox WHERE id > 0 AND created_at > now() - interval '10 minutes' AND account_id IN ($S1, $S2)")
ok 'mail queued to members and the requester' test "$n" -ge 4
n=$(psql_owner "SELECT count(*) FROM renrakucho.mail_outbox WHERE body LIKE '%$NAME%' OR subject LIKE '%$NAME%' OR body LIKE '%$KANA%'")
is "$n" 0 'no mail names the patient'
like "$(psql_owner "SELECT body FROM renrakucho.mail_outbox WHERE account_id = $S2 ORDER BY id DESC LIMIT 1")" "${APP_URL}/login" 'the mail links to the login page'

# Leads: the last one cannot leave; after making another, they can.
login_home STAFF1
http_post STAFF1 "/patients/$PID/leave" --data-urlencode "csrf=$SCSRF"
is "$HTTP_STATUS" 409 'bad: the last 担当者 cannot leave'
login_home STAFF2
http_post STAFF2 "/patients/$PID/members/$S1/lead" --data-urlencode "csrf=$SCSRF"
is "$HTTP_STATUS" 403 'bad: a member cannot make leads'
login_home STAFF1
http_post STAFF1 "/patients/$PID/members/$S2/lead" --data-urlencode "csrf=$SCSRF"
is "$HTTP_STATUS" 303 'the lead makes STAFF2 a 担当者'
http_post STAFF1 "/patients/$PID/leave" --data-urlencode "csrf=$SCSRF"
is "$HTTP_STATUS" 303 'now STAFF1 may leave'
http_get STAFF1 "/patients/$PID"
is "$HTTP_STATUS" 404 'and no longer sees the patient'
is "$(psql_owner "SELECT count(*) FROM renrakucho.team_member WHERE team_id = $TID AND role = 'lead'")" 1 'the team keeps one 担当者'
done_testing
