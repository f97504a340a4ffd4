#!/bin/bash
# 担当者 (person in charge): a 担当者 makes a member 担当者 or a 担当者 a
# member again; a team always keeps at least one 担当者; members cannot
# change roles.
. "$(dirname "$0")/team-home.sh"

S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")
PID=$(make_patient "担当 確認$RANDOM" "タントウ カクニン" 1944-04-04 male "${MUNI_NAME}今市町" "$S1")
TID=$(make_team "$PID" "$S1" "$S2")
role() { psql_owner "SELECT role FROM renrakucho.team_member WHERE team_id = $TID AND account_id = $1"; }
set_role() {	# set_role WHO ACCOUNT lead|member
	http_post "$1" "/patients/$PID/members/$2/$3" --data-urlencode "csrf=$SCSRF"
}

login_home STAFF2
set_role STAFF2 "$S1" member
is "$HTTP_STATUS" 403 'bad: a member cannot take the 担当者 role away'
set_role STAFF2 "$S2" lead
is "$HTTP_STATUS" 403 'bad: a member cannot make themself 担当者'

login_home STAFF1
http_get STAFF1 "/patients/$PID"
like "$(cat "$HTTP_BODY")" "members/$S2/lead" 'the 担当者 sees 担当者にする for a member'
set_role STAFF1 "$S1" member
is "$HTTP_STATUS" 409 'bad: the only 担当者 cannot become a member'
like "$(cat "$HTTP_BODY")" '担当者が一人以上必要' 'and is told why'
is "$(role "$S1")" lead 'still 担当者'

set_role STAFF1 "$S2" lead
is "$HTTP_STATUS" 303 'the 担当者 makes STAFF2 担当者'
http_get STAFF1 "/patients/$PID"
like "$(cat "$HTTP_BODY")" "members/$S2/member" 'メンバーに戻す is offered for a 担当者'
set_role STAFF1 "$S2" member
is "$HTTP_STATUS" 303 'and makes STAFF2 a member again'
is "$(role "$S2")" member 'STAFF2 is a member'

set_role STAFF1 "$S2" lead
login_home STAFF2
set_role STAFF2 "$S1" member
is "$HTTP_STATUS" 303 'the new 担当者 makes the first one a member'
is "$(role "$S1")|$(role "$S2")" 'member|lead' 'roles swapped, one 担当者 left'
is "$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'team.member'
    AND object_id = '$S1' AND patient_id = $PID AND outcome = 'success'")" 1 'the change is an audit event'
set_role STAFF2 "$S2" member
is "$HTTP_STATUS" 409 'bad: and that one cannot step down either'
done_testing
