#!/bin/bash
# Audit, exactly: each audited act of the web pages writes one event, with
# the right actor, object, patient and outcome.  For each: the number of
# events of the action rises by exactly one, and so does the number of
# those with the expected who, what and outcome.
. "$(dirname "$0")/team-home.sh"

S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")
KANA=$(rand_kana)
BIRTH=1938-07-09
PID=$(make_patient "監査 精密$RANDOM" "$KANA" "$BIRTH" female "${MUNI_NAME}今市町2番地" "$S1") ||
    bail 'make_patient'
TID=$(make_team "$PID" "$S1") || bail 'make_team'

q() { psql_owner "$1"; }
# audited ACTION OUTCOME ACTOR OBJECT_TYPE OBJECT_ID PATIENT_ID NAME -- COMMAND...
# (ACTOR a login ID; an empty field expects NULL; OBJECT_ID * any)
audited() {
	local action=$1 outcome=$2 actor=$3 otype=$4 oid=$5 pid=$6 name=$7 \
	    all one all0 one0
	shift 8
	all="SELECT count(*) FROM renrakucho.audit_event WHERE action = '$action'"
	one="$all AND outcome = '$outcome'
	    AND account_id IS NOT DISTINCT FROM (SELECT id FROM renrakucho.account
	        WHERE login = nullif('$actor', '') AND deleted_at IS NULL)
	    AND login IS NOT DISTINCT FROM nullif('$actor', '')
	    AND object_type IS NOT DISTINCT FROM nullif('$otype', '')
	    AND ('$oid' = '*' OR object_id IS NOT DISTINCT FROM nullif('$oid', ''))
	    AND patient_id IS NOT DISTINCT FROM nullif('$pid', '')::bigint"
	all0=$(q "$all")
	one0=$(q "$one")
	"$@"
	is "$(($(q "$all") - all0)) $(($(q "$one") - one0))" '1 1' \
	    "$name: one $action event, $outcome, by ${actor:-nobody} on ${otype:-nothing} ${oid}"
}

login_home STAFF1
C1=$SCSRF
login_home STAFF2
C2=$SCSRF

# --- CSRF refusal -------------------------------------------------------------
audited csrf denied "$STAFF1_LOGIN" '' '' '' 'a form without its CSRF token' -- \
    http_post STAFF1 "/teams/$TID/messages" --form-string 'body=トークンなし'
is "$HTTP_STATUS" 403 'refused with 403'

# --- the consent document -----------------------------------------------------
audited consent.download success "$STAFF1_LOGIN" patient "$PID" "$PID" \
    'a member downloads the consent document' -- \
    http_get STAFF1 "/patients/$PID/consent-document"
is "$HTTP_STATUS" 200 'the document is served'
audited consent.download denied "$STAFF2_LOGIN" patient "$PID" '' \
    'a non-member asks for it' -- \
    http_get STAFF2 "/patients/$PID/consent-document"
is "$HTTP_STATUS" 404 'refused as if it did not exist'

# --- join requests --------------------------------------------------------------
ask() {
	http_post STAFF2 "/teams/$TID/join-requests" --data-urlencode "csrf=$C2" \
	    --data-urlencode "kana=$KANA" --data-urlencode "birth=$BIRTH" \
	    --data-urlencode sex=female --data-urlencode 'message=お願いします'
}
req() { q "SELECT max(id) FROM renrakucho.join_request WHERE team_id = $TID AND account_id = $S2"; }
audited join.request success "$STAFF2_LOGIN" team "$TID" "$PID" 'STAFF2 asks to join' -- ask
is "$HTTP_STATUS" 303 'asked'
R=$(req)
audited join.list success "$STAFF1_LOGIN" team "$TID" "$PID" 'a member opens the requests' -- \
    http_get STAFF1 "/teams/$TID/join-requests"
audited join.reject success "$STAFF1_LOGIN" join_request "$R" "$PID" 'a member rejects it' -- \
    http_post STAFF1 "/teams/$TID/join-requests/$R/reject" --data-urlencode "csrf=$C1"
is "$HTTP_STATUS" 303 'rejected'
ask
R=$(req)
audited join.withdraw success "$STAFF2_LOGIN" join_request "$R" "$PID" 'the requester withdraws' -- \
    http_post STAFF2 "/teams/$TID/join-requests/$R/withdraw" --data-urlencode "csrf=$C2"
is "$HTTP_STATUS" 303 'withdrawn'
audited join.approve denied "$STAFF2_LOGIN" team "$TID" '' 'a non-member cannot approve' -- \
    http_post STAFF2 "/teams/$TID/join-requests/$R/approve" --data-urlencode "csrf=$C2"
ask
R=$(req)
audited join.approve success "$STAFF1_LOGIN" join_request "$R" "$PID" 'a member approves' -- \
    http_post STAFF1 "/teams/$TID/join-requests/$R/approve" --data-urlencode "csrf=$C1"
is "$HTTP_STATUS" 303 'approved'
is "$(q "SELECT role FROM renrakucho.team_member WHERE team_id = $TID AND account_id = $S2")" member \
    'STAFF2 is a member'

# --- person in charge, leaving ----------------------------------------------------
audited team.lead success "$STAFF1_LOGIN" account "$S2" "$PID" 'the lead makes STAFF2 a lead' -- \
    http_post STAFF1 "/patients/$PID/members/$S2/lead" --data-urlencode "csrf=$C1"
is "$HTTP_STATUS" 303 'made lead'
audited team.member success "$STAFF2_LOGIN" account "$S1" "$PID" 'STAFF2 makes STAFF1 a plain member' -- \
    http_post STAFF2 "/patients/$PID/members/$S1/member" --data-urlencode "csrf=$C2"
is "$HTTP_STATUS" 303 'made a member'
audited team.member denied "$STAFF2_LOGIN" account "$S2" "$PID" 'the last lead cannot step down' -- \
    http_post STAFF2 "/patients/$PID/members/$S2/member" --data-urlencode "csrf=$C2"
audited team.leave denied "$STAFF2_LOGIN" patient "$PID" "$PID" 'the last lead cannot leave' -- \
    http_post STAFF2 "/patients/$PID/leave" --data-urlencode "csrf=$C2"
audited team.leave success "$STAFF1_LOGIN" patient "$PID" "$PID" 'a member leaves' -- \
    http_post STAFF1 "/patients/$PID/leave" --data-urlencode "csrf=$C1"
is "$HTTP_STATUS" 303 'left'
audited patient.view denied "$STAFF1_LOGIN" patient "$PID" '' 'who left is refused the patient' -- \
    http_get STAFF1 "/patients/$PID"

# --- messages -------------------------------------------------------------------
http_get STAFF2 "/teams/$TID/messages"
tok=$(input_value client_token)
audited message.post success "$STAFF2_LOGIN" message '*' "$PID" 'a message posted' -- \
    http_post STAFF2 "/teams/$TID/messages" --form-string "csrf=$C2" \
    --form-string "client_token=$tok" --form-string 'body=監査の確認です'
M=$(q "SELECT max(id) FROM renrakucho.message WHERE team_id = $TID")
is "$(q "SELECT object_id FROM renrakucho.audit_event WHERE action = 'message.post'
    ORDER BY id DESC LIMIT 1")" "$M" 'the event names the new message'
audited message.like success "$STAFF2_LOGIN" message "$M" "$PID" '👍' -- \
    http_post STAFF2 "/teams/$TID/messages/$M/like" --data-urlencode "csrf=$C2"
audited message.unlike success "$STAFF2_LOGIN" message "$M" "$PID" '👍 taken back' -- \
    http_post STAFF2 "/teams/$TID/messages/$M/like" --data-urlencode "csrf=$C2"
audited message.withdraw success "$STAFF2_LOGIN" message "$M" "$PID" 'a message withdrawn' -- \
    http_post STAFF2 "/teams/$TID/messages/$M/withdraw" --data-urlencode "csrf=$C2"

# --- My Profile -------------------------------------------------------------------
audited profile.notify success "$STAFF2_LOGIN" account "$S2" '' 'mail notices turned off' -- \
    http_post STAFF2 /profile/notify --data-urlencode "csrf=$C2" --data-urlencode notify=0
audited profile.notify success "$STAFF2_LOGIN" account "$S2" '' 'and on again' -- \
    http_post STAFF2 /profile/notify --data-urlencode "csrf=$C2" --data-urlencode notify=1
audited profile.password failure "$STAFF2_LOGIN" account "$S2" '' 'a wrong current password' -- \
    http_post STAFF2 /profile/password --data-urlencode "csrf=$C2" \
    --data-urlencode 'current_password=not-the-password-at-all' \
    --data-urlencode 'new_password=Another-long-pass-7391' --data-urlencode 'new_password2=Another-long-pass-7391'

# --- revocations on the web ---------------------------------------------------------
# devcert LABEL: a certificate for STAFF2 from the CLI; prints its serial.
devcert() {
	rm -f "$TEST_TMP/d.p12" "$TEST_TMP/d.pem"
	$ADMIN cert issue --login "$STAFF2_LOGIN" --label "$1 $RANDOM" --p12 "$TEST_TMP/d.p12" \
	    --pem "$TEST_TMP/d.pem" > /dev/null || bail "cert issue $1"
	openssl x509 -in "$TEST_TMP/d.pem" -noout -serial | sed 's/^serial=//'
}
login_ok FACILITY_ADMIN
login_ok OPERATOR
SER=$(devcert '施設で失効')
tok=$(csrf_of FACILITY_ADMIN /facility/devices)
audited facility.device.revoke success "$FACILITY_ADMIN_LOGIN" device_cert "$SER" '' \
    'a facility administrator revokes a device' -- \
    http_post FACILITY_ADMIN /facility/devices/revoke --data-urlencode "csrf=$tok" \
    --data-urlencode "serial=$SER"
is "$HTTP_STATUS $HTTP_LOCATION" '303 /facility/devices?n=revoked' 'revoked by the facility administrator'
SER=$(devcert '事務局で失効')
tok=$(csrf_of OPERATOR /operator/certificates)
audited operator.device.revoke success "$OPERATOR_LOGIN" device_cert "$SER" '' \
    'the operator revokes a device' -- \
    http_post OPERATOR /operator/certificates/revoke --data-urlencode "csrf=$tok" \
    --data-urlencode "serial=$SER"
is "$HTTP_STATUS $HTTP_LOCATION" '303 /operator/certificates?n=revoked' 'revoked by the operator'

# --- logout ---------------------------------------------------------------------------
SID=$(q "SELECT max(id) FROM renrakucho.session WHERE account_id = $S2 AND ended_at IS NULL")
audited logout success "$STAFF2_LOGIN" session "$SID" '' 'logout' -- \
    http_post STAFF2 /logout --data-urlencode "csrf=$C2"
is "$HTTP_STATUS" 303 'logged out'
done_testing
