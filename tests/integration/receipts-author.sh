#!/bin/bash
# The author's read receipts on the timeline: on each of my own messages
# 既読 n/m, m the team's other live staff members now and n those of them
# who have viewed it, with the names of those who read it; other people's
# messages show none, and a deleted member is not counted.
. "$(dirname "$0")/../lib.sh"

post() {	# post WHO BODY
	http_get "$1" "/teams/$TEAM/messages"
	http_post "$1" "/teams/$TEAM/messages" --form-string "csrf=$(input_value csrf)" \
	    --form-string "client_token=$(input_value client_token)" --form-string "body=$2"
	[ "$HTTP_STATUS" = 303 ] || bail "post by $1 failed ($HTTP_STATUS)"
}
# article ID: message ID's <article> on the page just shown, on one line.
article() {
	tr -d '\n' < "$HTTP_BODY" | grep -o "<article class=\"card message\" id=\"m$1\">.*" |
	    sed 's#</article>.*#</article>#'
}
views() { psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'message.view' AND object_id = '$TEAM' AND account_id = $1 AND outcome = 'success'"; }

S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")
FA=$(account_id "$FACILITY_ADMIN_LOGIN")
U=$(date +%s%N | tail -c 10)
PID=$(make_patient "既読 作成者$U" "キドク サクセイシャ" 1938-04-05 male "島根県出雲市$U" \
    "$S1") || bail 'patient insert'
# A live member who never logs in, and one whose account was deleted.
QUIET=$(psql_owner "INSERT INTO renrakucho.account (facility_id, login, name, password_hash)
    SELECT facility_id, 'rcpq$U', '湖陵 静$U', 'x' FROM renrakucho.account WHERE id = $S1
    RETURNING id") || bail 'account insert'
GONE=$(psql_owner "INSERT INTO renrakucho.account (facility_id, login, name, password_hash)
    SELECT facility_id, 'rcpg$U', '退職 済$U', 'x' FROM renrakucho.account WHERE id = $S1
    RETURNING id") || bail 'account insert'
TEAM=$(make_team "$PID" "$S1" "$S2" "$FA" "$QUIET" "$GONE") || bail 'team insert'
login_ok STAFF1
login_ok STAFF2

# m = 3: STAFF2, FACILITY_ADMIN and QUIET; not the author, not GONE.
psql_owner "UPDATE renrakucho.account SET deleted_at = now() WHERE id = $GONE" > /dev/null ||
    bail 'account delete'
post STAFF1 "作成者の既読の確認$U"
M=$(psql_owner "SELECT max(id) FROM renrakucho.message WHERE team_id = $TEAM")
# A first view the deleted member made before leaving.
psql_owner "INSERT INTO renrakucho.message_view (message_id, account_id) VALUES ($M, $GONE)" \
    > /dev/null || bail 'view insert'

# --- nobody has read it yet ---------------------------------------------------
n=$(views "$S1")
http_get STAFF1 "/teams/$TEAM/messages"
is "$HTTP_STATUS" 200 'author: timeline'
a=$(article "$M")
like "$a" "作成者の既読の確認$U" 'author: the message is on the page'
like "$a" '<summary>既読 0/3</summary>' 'author: 既読 0/3 (three other live members)'
like "$a" 'まだ誰も読んでいません。' 'author: nobody has read it'
unlike "$a" "退職 済$U" 'author: the deleted member is not named'
is "$(views "$S1")" $((n + 1)) 'author: one message.view event for the page, none per message'

# --- another member reads it -----------------------------------------------------
http_get STAFF2 "/teams/$TEAM/messages"
is "$HTTP_STATUS" 200 'member: timeline'
a=$(article "$M")
like "$a" "作成者の既読の確認$U" 'member: sees the message'
unlike "$a" '<summary>既読' "bad non-author: no 既読 on another person's message"
unlike "$(cat "$HTTP_BODY")" 'message-receipt' 'bad non-author: no receipt anywhere on the page'

http_get STAFF1 "/teams/$TEAM/messages"
a=$(article "$M")
like "$a" '<summary>既読 1/3</summary>' 'author: 既読 1/3 after one member viewed'
like "$a" '<li>大社 三枝 <span class="muted">（[0-9]{4}年[0-9]+月[0-9]+日 [0-9]{2}:[0-9]{2}）</span></li>' \
    'author: the reader named, with the time of the first view'
unlike "$a" '今市 花子' 'author: a member who has not read it is not named'
unlike "$a" "湖陵 静$U" 'author: the quiet member is not named'
unlike "$a" 'まだ誰も読んでいません' 'author: no "nobody" line once read'
is "$(grep -o '<li>[^<]*<span class="muted">（[0-9]' <<< "$a" | wc -l)" 1 'author: exactly one reader listed'

# --- a second reader, then a member who leaves the team --------------------------
psql_owner "INSERT INTO renrakucho.message_view (message_id, account_id) VALUES ($M, $QUIET)" \
    > /dev/null || bail 'view insert'
http_get STAFF1 "/teams/$TEAM/messages"
like "$(article "$M")" '<summary>既読 2/3</summary>' 'author: 既読 2/3 after a second member'
like "$(article "$M")" "湖陵 静$U" 'author: the second reader named'
psql_owner "DELETE FROM renrakucho.team_member WHERE team_id = $TEAM AND account_id = $QUIET" \
    > /dev/null || bail 'member delete'
http_get STAFF1 "/teams/$TEAM/messages"
like "$(article "$M")" '<summary>既読 1/2</summary>' 'author: a member who left the team is counted in neither'

# --- the non-author's own message: its own count, the author's none ----------------
post STAFF2 "メンバーからの返信$U"
M2=$(psql_owner "SELECT max(id) FROM renrakucho.message WHERE team_id = $TEAM")
http_get STAFF2 "/teams/$TEAM/messages"
like "$(article "$M2")" '<summary>既読 0/2</summary>' 'second author: 既読 0/2 on their own message'
is "$(grep -o '<summary>既読' "$HTTP_BODY" | wc -l)" 1 'second author: one 既読 on the page, on their own message only'

# --- withdrawn: nothing to read, no count -------------------------------------------
http_get STAFF1 "/teams/$TEAM/messages"
http_post STAFF1 "/teams/$TEAM/messages/$M/withdraw" --data-urlencode "csrf=$(input_value csrf)"
is "$HTTP_STATUS" 303 'author withdraws the message'
http_get STAFF1 "/teams/$TEAM/messages"
like "$(article "$M")" 'このメッセージは取り消されました' 'author: the withdrawn message is on the page'
unlike "$(article "$M")" 'message-receipt' 'author: no 既読 on a withdrawn message'

done_testing
