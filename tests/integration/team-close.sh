#!/bin/bash
# The end of support (/patients/{id}/close): only the team's 担当者 ends
# it, with a reason and a day; the team becomes a read-only archive (no
# post, 👍, withdrawal, join request or member change, from the pages or
# straight in the database), its pending join requests are rejected, and
# it moves from the members' teams to 終了した支援 on /home.  Reading
# stays.  Every refusal is checked with its page and nothing written.
. "$(dirname "$0")/../lib.sh"

q() { psql_owner "$@"; }
body() { cat "$HTTP_BODY"; }
S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")
FA=$(account_id "$FACILITY_ADMIN_LOGIN")
U=$(date +%s%N | tail -c 10)
# STAFF1 the 担当者, STAFF2 a member, FACILITY_ADMIN asking to join,
# OUTSIDE nobody to this team.
PATIENT=$(make_patient "終了 試験$U" "シュウリョウ$U" 1931-06-07 female \
    "島根県出雲市今市町$U" "$S1") || bail 'patient insert'
TEAM=$(make_team "$PATIENT" "$S1" "$S2") || bail 'team insert'
q "INSERT INTO renrakucho.join_request (team_id, account_id, message)
    VALUES ($TEAM, $FA, '参加させてください')" > /dev/null
M1=$(q "INSERT INTO renrakucho.message (team_id, author_id, body, client_token)
    VALUES ($TEAM, $S2, '終了前のメッセージ$U', 'close-token-$U') RETURNING id" | head -n 1)
ev() {	# ev OUTCOME DETAIL [LOGIN]: team.close events
	q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'team.close'
	    AND outcome = '$1' AND detail = '$2' AND login = '${3:-$STAFF1_LOGIN}'"
}
closed() { q "SELECT closed_at IS NOT NULL FROM renrakucho.team WHERE id = $TEAM"; }
close_form() {	# close_form WHO ARGS...: POST with the session's CSRF token
	local who=$1
	shift
	http_post "$who" "/patients/$PATIENT/close" --data-urlencode "csrf=$(csrf_of "$who" /home)" "$@"
}
TODAY=$(TZ=Asia/Tokyo date +%F)
TOMORROW=$(TZ=Asia/Tokyo date -d tomorrow +%F)
YESTERDAY=$(TZ=Asia/Tokyo date -d yesterday +%F)
NOTE200=$(python3 -c 'print(("本人の希望により終了" * 20)[:200])')
NOTE201=${NOTE200}あ

login_ok STAFF1
login_ok STAFF2
login_ok OUTSIDE

# --- who may ------------------------------------------------------------------
d0=$(ev denied 'not a lead' "$STAFF2_LOGIN")
http_get STAFF2 "/patients/$PATIENT/close"
is "$HTTP_STATUS" 403 'a member who is not the 担当者: 403'
like "$(body)" '支援を終了できるのは、この支援チームの担当者だけです。' 'with the reason'
is "$(ev denied 'not a lead' "$STAFF2_LOGIN")" $((d0 + 1)) 'one denied event (not a lead)'
close_form STAFF2 --data-urlencode close_reason=moved --data-urlencode "closed_on=$TODAY"
is "$HTTP_STATUS|$(closed)" '403|f' 'the form posted by a member: 403, the team still open'

n0=$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'team.close' AND outcome = 'denied' AND detail = 'not a team member' AND login = '$OUTSIDE_LOGIN' AND object_id = '$PATIENT'")
http_get OUTSIDE "/patients/$PATIENT/close"
is "$HTTP_STATUS" 404 'someone outside the team: 404'
is "$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'team.close' AND outcome = 'denied' AND detail = 'not a team member' AND login = '$OUTSIDE_LOGIN' AND object_id = '$PATIENT'")" \
    $((n0 + 1)) 'one denied event (not a team member)'

http_get STAFF1 "/patients/$PATIENT"
like "$(body)" "href=\"/patients/$PATIENT/close\"" 'the 担当者 finds 支援を終了する on the patient page'
http_get STAFF2 "/patients/$PATIENT"
unlike "$(body)" "/patients/$PATIENT/close" 'a member does not'
http_get STAFF1 "/patients/$PATIENT/close"
is "$HTTP_STATUS" 200 'the 担当者 opens the form'
for r in death moved facility other; do
	like "$(body)" "id=\"close_reason_$r\" value=\"$r\"" "reason $r offered"
done
like "$(body)" "name=\"closed_on\" id=\"closed_on\" value=\"$TODAY\"" 'the day defaults to today (Japan time)'

# --- bad input: 422, its message, one failure event, nothing written -----------
f0=$(ev failure 'invalid input')
for case in "no reason|closed_on=$TODAY|終了の理由を選んでください。" \
    "an unknown reason|close_reason=moved_out;closed_on=$TODAY|終了の理由を選んでください。" \
    "その他 without its note|close_reason=other;closed_on=$TODAY|理由が「その他」のときは、その内容を入力してください。" \
    "その他 with 201 characters|close_reason=other;close_note=$NOTE201;closed_on=$TODAY|その他の内容は200文字以内で" \
    "no day|close_reason=death|支援が終了した日を入力してください。" \
    "a day that does not exist|close_reason=death;closed_on=2026-02-30|2000年以降の実在する日付" \
    "tomorrow|close_reason=death;closed_on=$TOMORROW|支援が終了した日が未来の日付です。"; do
	IFS='|' read -r name fields msg <<< "$case"
	args=()
	IFS=';' read -r -a kv <<< "$fields"
	for x in "${kv[@]}"; do args+=(--data-urlencode "$x"); done
	close_form STAFF1 "${args[@]}"
	is "$HTTP_STATUS" 422 "$name: 422"
	like "$(body)" "$msg" "$name: the message"
done
is "$(ev failure 'invalid input')" $((f0 + 7)) 'seven failure events (invalid input)'
is "$(closed)" f 'the team is still open'
http_post STAFF1 "/patients/$PATIENT/close" --data-urlencode close_reason=death \
    --data-urlencode "closed_on=$TODAY"
is "$HTTP_STATUS|$(closed)" '403|f' 'without the CSRF token: 403, still open'

# --- the end of support ---------------------------------------------------------
s0=$(ev success 'other; 1 pending join requests rejected')
close_form STAFF1 --data-urlencode close_reason=other --data-urlencode "close_note=$NOTE200" \
    --data-urlencode "closed_on=$YESTERDAY"
is "$HTTP_STATUS" 303 'その他 with a 200-character note: ended'
is "$HTTP_LOCATION" "/patients/$PATIENT?n=closed" 'back to the patient page'
is "$(q "SELECT closed_by, closed_on, close_reason, close_note = '$NOTE200' FROM renrakucho.team WHERE id = $TEAM")" \
    "$S1|$YESTERDAY|other|t" 'the team row: who, the day, the reason and the note'
is "$(ev success 'other; 1 pending join requests rejected')" $((s0 + 1)) \
    'one success event, naming the reason and the rejected request, not the note'
is "$(q "SELECT state, decided_by FROM renrakucho.join_request WHERE team_id = $TEAM AND account_id = $FA")" \
    "rejected|$S1" 'the pending join request is rejected'

http_get STAFF1 "/patients/$PATIENT?n=closed"
like "$(body)" '支援を終了しました。この支援チームの記録は閲覧のみできます。' 'the notice'
like "$(body)" 'この支援は .* に終了しました（理由：その他：本人の希望により終了' 'the banner with the reason and note'
unlike "$(body)" "action=\"/patients/$PATIENT/leave\"|/patients/$PATIENT/close|/members/$S2/|/patients/$PATIENT/edit" \
    'no leave, end, member or edit buttons any more'

# --- a read-only archive -----------------------------------------------------------
CLOSED_MSG='この支援チームの支援は終了したため、記録は閲覧のみできます。'
http_get STAFF2 "/teams/$TEAM/messages"
is "$HTTP_STATUS" 200 'a member still reads the timeline'
like "$(body)" "終了前のメッセージ$U" 'with its messages'
like "$(body)" 'に終了しました（理由：その他' 'under the banner'
unlike "$(body)" "action=\"/teams/$TEAM/messages\"|/like\"|/withdraw\"" 'no post form, 👍 or withdrawal'
CSRF=$(csrf_of STAFF2 /home)
m0=$(q "SELECT count(*) FROM renrakucho.message WHERE team_id = $TEAM")
http_post STAFF2 "/teams/$TEAM/messages" --form-string "csrf=$CSRF" \
    --form-string "client_token=late-token-$U" --form-string "body=終了後の投稿"
is "$HTTP_STATUS" 409 'a post: 409'
like "$(body)" "$CLOSED_MSG" 'with the reason'
is "$(q "SELECT count(*) FROM renrakucho.message WHERE team_id = $TEAM")" "$m0" 'no message written'
http_post STAFF2 "/teams/$TEAM/messages/$M1/withdraw" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS|$(q "SELECT withdrawn_at IS NULL FROM renrakucho.message WHERE id = $M1")" '409|t' \
    'withdrawing my message: 409, not withdrawn'
CSRF1=$(csrf_of STAFF1 /home)
http_post STAFF1 "/teams/$TEAM/messages/$M1/like" --data-urlencode "csrf=$CSRF1"
is "$HTTP_STATUS|$(q "SELECT count(*) FROM renrakucho.message_like WHERE message_id = $M1")" '409|0' \
    '👍: 409, none stored'
http_post STAFF1 "/patients/$PATIENT/members/$S2/lead" --data-urlencode "csrf=$CSRF1"
is "$HTTP_STATUS|$(q "SELECT role FROM renrakucho.team_member WHERE team_id = $TEAM AND account_id = $S2")" \
    '409|member' 'making a member 担当者: 409, unchanged'
http_post STAFF2 "/patients/$PATIENT/leave" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS|$(q "SELECT count(*) FROM renrakucho.team_member WHERE team_id = $TEAM")" '409|2' \
    'leaving: 409, both still members'
http_post OUTSIDE "/teams/$TEAM/join-requests" --data-urlencode "csrf=$(csrf_of OUTSIDE /home)" \
    --data-urlencode "kana=シュウリョウ$U" --data-urlencode birth=1931-06-07 --data-urlencode sex=female
is "$HTTP_STATUS|$(q "SELECT count(*) FROM renrakucho.join_request WHERE team_id = $TEAM AND account_id = $(account_id "$OUTSIDE_LOGIN")")" \
    '409|0' 'a join request: 409, none stored'
http_post STAFF1 "/patients/$PATIENT/edit" --data-urlencode "csrf=$CSRF1" \
    --data-urlencode "name=終了 試験$U" --data-urlencode "kana=シュウリョウ テスト" \
    --data-urlencode "reason=誤記の訂正" --data-urlencode "address=島根県出雲市今市町$U" \
    --data-urlencode "phone=0853-99-0000"
is "$HTTP_STATUS|$(q "SELECT phone FROM renrakucho.patient WHERE id = $PATIENT")|$(q "SELECT count(*) FROM renrakucho.patient_change WHERE patient_id = $PATIENT")" \
    '409||0' "editing the registration: 409, nothing changed, no history row"
sh0=$(q "SELECT count(*) FROM renrakucho.sheet_entry WHERE patient_id = $PATIENT")
http_post STAFF1 "/patients/$PATIENT/sheet/edit" --data-urlencode "csrf=$CSRF1" \
    --data-urlencode section=family --data-urlencode version=0 --data-urlencode "body=長女と同居"
is "$HTTP_STATUS|$(q "SELECT count(*) FROM renrakucho.sheet_entry WHERE patient_id = $PATIENT")" \
    "409|$sh0" 'writing the information sheet: 409, nothing stored'
a0=$(ev denied 'already closed')
http_get STAFF1 "/patients/$PATIENT/close"
is "$HTTP_STATUS" 409 'ending it again: 409'
is "$(ev denied 'already closed')" $((a0 + 1)) 'one denied event (already closed)'
out=$(psql_app "INSERT INTO renrakucho.message (team_id, author_id, body, client_token)
    VALUES ($TEAM, $S1, 'x', 'db-token-$U-xx')" 2>&1)
like "$out" "team $TEAM is closed" 'straight in the database, the app role cannot post either'
out=$(psql_app "UPDATE renrakucho.team SET closed_at = NULL, closed_by = NULL, closed_on = NULL,
    close_reason = NULL WHERE id = $TEAM" 2>&1)
like "$out" "team $TEAM is closed" 'nor reopen the team'
out=$(psql_app "INSERT INTO renrakucho.sheet_entry (patient_id, section, version, body, written_by)
    VALUES ($PATIENT, 'meals', 1, 'x', $S1)" 2>&1)
like "$out" "team $TEAM is closed" 'nor write the sheet'

# --- /home: 終了した支援 -------------------------------------------------------------
http_get STAFF2 /home
teams=$(body | sed -n '/参加している支援チーム/,/終了した支援/p')
ended=$(body | sed -n '/終了した支援/,$p')
unlike "$teams" "終了 試験$U" "not among STAFF2's teams any more"
like "$ended" "href=\"/patients/$PATIENT\">終了 試験$U</a></td>" 'but under 終了した支援'
like "$ended" "$(TZ=Asia/Tokyo date -d yesterday +%Y年%-m月%-d日)" 'with the day it ended'
http_get STAFF2 "/patients/$PATIENT"
is "$HTTP_STATUS" 200 'the patient page stays open to the members'
done_testing
