#!/bin/bash
# Two staff members of different facilities go from "this person is not
# registered" through consent upload, team creation, a join request and
# its approval to both being members who share messages — and a third
# who is not a member learns nothing about the patient.
. "$(dirname "$0")/team-home.sh"

KANA=$(rand_kana)
BIRTH=1938-0$((1 + RANDOM % 9))-2$((RANDOM % 8))
NAME="二施設 患者$RANDOM"
ADDR="${MUNI_NAME}大社町杵築東$RANDOM番地"

login_home STAFF1
step1 STAFF1 "$KANA" "$BIRTH" female "$NAME"
like "$(cat "$HTTP_BODY")" 'まだ登録されていません' 'STAFF1: the person is not registered yet'
ADDR=$ADDR register STAFF1 "$KANA" "$BIRTH" female "$NAME"
ok 'STAFF1 registers the patient with the signed consent document' test -n "$PID"
TID=$(psql_owner "SELECT id FROM renrakucho.team WHERE patient_id = ${PID:-0}")
is "$(psql_owner "SELECT role FROM renrakucho.team_member WHERE team_id = ${TID:-0}")" lead \
    'the team exists with STAFF1 as 担当者'

# OUTSIDE: another facility (outside the city, which is allowed for staff).
login_home OUTSIDE
step1 OUTSIDE "$KANA" "$BIRTH" female '別の 表記'
body=$(cat "$HTTP_BODY")
like "$body" 'すでに同意を得て登録されていて' 'OUTSIDE learns that the person is registered'
unlike "$body" "$NAME|大社町杵築東" 'OUTSIDE learns nothing else'
http_post OUTSIDE "/teams/$TID/join-requests" --data-urlencode "csrf=$SCSRF" \
    --data-urlencode "kana=$KANA" --data-urlencode "birth=$BIRTH" \
    --data-urlencode sex=female --data-urlencode 'message=訪問看護を担当します。'
is "$HTTP_STATUS" 303 'OUTSIDE sends a join request'
http_get OUTSIDE "/patients/$PID"
is "$HTTP_STATUS" 404 'before approval OUTSIDE cannot open the patient'

login_home STAFF1
http_get STAFF1 /home
like "$(cat "$HTTP_BODY")" "href=\"/patients/$PID\"" "STAFF1's home lists the patient"
R=$(psql_owner "SELECT max(id) FROM renrakucho.join_request WHERE team_id = $TID")
http_post STAFF1 "/teams/$TID/join-requests/$R/approve" --data-urlencode "csrf=$SCSRF"
is "$HTTP_STATUS" 303 'STAFF1 approves'

login_home OUTSIDE
http_get OUTSIDE "/patients/$PID"
is "$HTTP_STATUS" 200 'OUTSIDE now opens the patient page'
like "$(cat "$HTTP_BODY")" "$NAME" 'and sees the patient'
http_get OUTSIDE "/teams/$TID/messages"
tok=$(input_value client_token)
http_post OUTSIDE "/teams/$TID/messages" --form-string "csrf=$SCSRF" \
    --form-string "client_token=$tok" --form-string 'body=本日訪問しました。'
is "$HTTP_STATUS" 303 'OUTSIDE posts to the team'
http_get STAFF1 "/teams/$TID/messages"
like "$(cat "$HTTP_BODY")" '本日訪問しました。' 'STAFF1 reads it'

# STAFF2: same facility as STAFF1, but not a member.
login_home STAFF2
for p in "/patients/$PID" "/patients/$PID/consent-document" "/teams/$TID/messages" \
    "/teams/$TID/receipts" "/teams/$TID/join-requests"; do
	http_get STAFF2 "$p"
	is "$HTTP_STATUS" 404 "a non-member gets 404 on $p"
	unlike "$(cat "$HTTP_BODY")" "$NAME|大社町杵築東|本日訪問" "and learns nothing from $p"
done
http_get STAFF2 /home
unlike "$(cat "$HTTP_BODY")" "$NAME" 'nothing on the home page either'
n=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE login = '$STAFF2_LOGIN' AND outcome = 'denied' AND ((object_type = 'patient' AND object_id = '$PID') OR (object_type = 'team' AND object_id = '$TID'))")
ok "the non-member's attempts are audit events" test "$n" -ge 3
done_testing
