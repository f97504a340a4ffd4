#!/bin/bash
# Unread counts (/home): kept with each membership by triggers, they must
# equal the count from the messages themselves at every step — new
# messages, first views, withdrawals, a member joining later — and across
# everything the tests before this one did.
. "$(dirname "$0")/../lib.sh"

S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")
FA=$(account_id "$FACILITY_ADMIN_LOGIN")
PID=$(make_patient "未読 確認$RANDOM" "ミドク カクニン" 1941-02-03 female "${MUNICIPALITY_NAME}今市町" "$S1")
TID=$(make_team "$PID" "$S1" "$S2")
unread() { psql_owner "SELECT renrakucho.team_unread($TID, $1)"; }
post() {	# post WHO BODY
	http_get "$1" "/teams/$TID/messages"
	http_post "$1" "/teams/$TID/messages" --form-string "csrf=$(input_value csrf)" \
	    --form-string "client_token=$(input_value client_token)" --form-string "body=$2"
}

login_ok STAFF1
login_ok STAFF2
for i in 1 2 3; do post STAFF1 "未読の確認 $i"; done
is "$(unread "$S2")" 3 'three new messages: three unread for the other member'
is "$(unread "$S1")" 0 "the writer's own messages do not count"
http_get STAFF2 /home
like "$(tr -d '\n' < "$HTTP_BODY")" "href=\"/patients/$PID\"" '/home lists the team'

# FACILITY_ADMIN joins now: starts with the whole history unread.
psql_owner "INSERT INTO renrakucho.team_member (team_id, account_id, role) VALUES ($TID, $FA, 'member')" > /dev/null
is "$(unread "$FA")" 3 'a member who joins later starts with every message unread'

http_get STAFF2 "/teams/$TID/messages"
is "$(unread "$S2")" 0 'showing the timeline reads them all'
http_get STAFF2 "/teams/$TID/messages"
is "$(unread "$S2")" 0 'showing it again changes nothing'

post STAFF1 '取り消す予定のメッセージ'
is "$(unread "$S2")" 1 'one more message'
M=$(psql_owner "SELECT max(id) FROM renrakucho.message WHERE team_id = $TID")
http_get STAFF1 "/teams/$TID/messages"
http_post STAFF1 "/teams/$TID/messages/$M/withdraw" --data-urlencode "csrf=$(input_value csrf)"
is "$HTTP_STATUS" 303 'the writer withdraws it'
is "$(unread "$S2")" 0 'a withdrawn message is no longer unread'
is "$(unread "$FA")" 3 'for everyone who had not seen it'

n=$(psql_owner "SELECT count(*) FROM renrakucho.team_member WHERE unread <> renrakucho.team_unread_count(team_id, account_id)")
is "$n" 0 'every counter in the database equals the count from the messages'
done_testing
