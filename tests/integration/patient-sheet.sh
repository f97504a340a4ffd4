#!/bin/bash
# The shared information sheet (/patients/{id}/sheet): members write each
# section separately (a POST with CSRF, 2,000 characters at most, the
# 要/不要/未確認 choice for 避難支援), the sheet shows every section's
# text with who saved it and when, each section keeps its history (who,
# when, the text before), a save based on a version someone else
# replaced meanwhile stores nothing and shows both texts; non-members get
# the patient pages' 404 and nothing is written; every view and edit is
# one audit event naming the section, never its text.
. "$(dirname "$0")/team-home.sh"

S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")
OUT=$(account_id "$OUTSIDE_LOGIN")
PID=$(make_patient "共有 確認$RANDOM" "$(rand_kana)" 1936-0$((1 + RANDOM % 9))-1$((RANDOM % 9)) male "${MUNI_NAME}今市町" "$S1")
TID=$(make_team "$PID" "$S1" "$S2")
q() { psql_owner "$1"; }
S1_NAME=$(q "SELECT name FROM renrakucho.account WHERE id = $S1")
S2_NAME=$(q "SELECT name FROM renrakucho.account WHERE id = $S2")
rows() { q "SELECT count(*) FROM renrakucho.sheet_entry WHERE patient_id = $PID${1:+ AND section = '$1'}"; }
current() { q "SELECT body FROM renrakucho.sheet_entry WHERE patient_id = $PID AND section = '$1' ORDER BY version DESC LIMIT 1"; }
events() {	# events ACTION OUTCOME ACTOR_ID [DETAIL]: with patient_id when not denied
	local pid="patient_id = $PID"
	[ "$2" = denied ] && pid="patient_id IS NULL"
	q "SELECT count(*) FROM renrakucho.audit_event WHERE action = '$1' AND object_type = 'patient' AND object_id = '$PID' AND $pid AND outcome = '$2' AND account_id = $3 AND detail IS NOT DISTINCT FROM ${4:-NULL}"
}
all_events() { q "SELECT count(*) FROM renrakucho.audit_event WHERE account_id = $1"; }
body() { cat "$HTTP_BODY"; }
# save WHO SECTION TEXT [CURL-ARGS...]: opens the section's form, posts
# TEXT with the form's csrf and version.
save() {
	local who=$1 s=$2 text=$3
	shift 3
	http_get "$who" "/patients/$PID/sheet/edit?section=$s"
	http_post "$who" /patients/$PID/sheet/edit --data-urlencode "csrf=$(input_value csrf)" \
	    --data-urlencode "section=$s" --data-urlencode "version=$(input_value version)" \
	    --data-urlencode "body=$text" "$@"
}

SECTIONS=(family services history adl medication meals excretion disaster_place evacuation safety)
LABELS=(家族状況 サービス利用状況 疾患・既往歴 '身体状況（ADL）' 服薬状況 食事摂取状況 排せつ状況 災害時の所在 避難支援の要否 安否情報)

# --- the empty sheet -------------------------------------------------------
login_home STAFF1
http_get STAFF1 "/patients/$PID"
like "$(body)" "href=\"/patients/$PID/sheet\"" 'the patient page links to the sheet'
http_get STAFF1 "/teams/$TID/messages"
like "$(body)" "href=\"/patients/$PID/sheet\"" 'the timeline links to the sheet'

n=$(events sheet.view success "$S1")
http_get STAFF1 "/patients/$PID/sheet"
is "$HTTP_STATUS" 200 'a member opens the sheet'
is "$(header Cache-Control)" no-store 'not cached'
like "$(body)" '<h1 id="page-title">共有情報シート</h1>' 'titled 共有情報シート'
for i in "${!SECTIONS[@]}"; do
	like "$(body)" "<h2 id=\"${SECTIONS[$i]}-heading\">${LABELS[$i]}</h2>" "the sheet has ${LABELS[$i]}"
done
is "$(grep -o '<p class="sheet-empty">未記入</p>' "$HTTP_BODY" | wc -l)" 10 'all ten sections 未記入'
is "$(events sheet.view success "$S1")" $((n + 1)) 'the view is one sheet.view event'

# --- a member writes each section -----------------------------------------
for i in "${!SECTIONS[@]}"; do
	s=${SECTIONS[$i]}
	nv=$(events sheet.view success "$S1" "'$s'")
	ne=$(events sheet.edit success "$S1" "'$s'")
	na=$(all_events "$S1")
	extra=()
	[ "$s" = evacuation ] && extra=(--data-urlencode evacuation=need)
	save STAFF1 "$s" "${LABELS[$i]}の記入 一行目
二行目 <b>$s</b>" "${extra[@]}"
	is "$HTTP_STATUS|$HTTP_LOCATION" "303|/patients/$PID/sheet?n=saved#$s" "$s: saved, back to the sheet at the section"
	is "$(rows "$s")" 1 "$s: one row"
	is "$(events sheet.view success "$S1" "'$s'")|$(events sheet.edit success "$S1" "'$s'")" "$((nv + 1))|$((ne + 1))" "$s: the form is one sheet.view, the save one sheet.edit naming the section"
	is "$(all_events "$S1")" $((na + 2)) "$s: and no other event"
done
is "$(q "SELECT evacuation FROM renrakucho.sheet_entry WHERE patient_id = $PID AND section = 'evacuation'")" need 'the evacuation choice is stored'
is "$(q "SELECT count(*) FROM renrakucho.audit_event WHERE patient_id = $PID AND detail LIKE '%記入%'")" 0 'no event holds the text'

http_get STAFF1 "/patients/$PID/sheet?n=saved"
like "$(body)" '保存しました。' 'the sheet says it was saved'
for i in "${!SECTIONS[@]}"; do
	like "$(body)" "<p class=\"sheet-text\">${LABELS[$i]}の記入 一行目\$" "the sheet shows ${SECTIONS[$i]}'s first line"
	like "$(body)" "^二行目 &lt;b&gt;${SECTIONS[$i]}&lt;/b&gt;</p>" "and its second, escaped"
done
unlike "$(body)" '未記入' 'no section left 未記入'
like "$(body)" '避難支援：<strong>要</strong>' 'the evacuation choice shows as 要'
like "$(body)" "<p class=\"sheet-meta\">報告：[0-9]{4}年[0-9]+月[0-9]+日 [0-9]{2}:[0-9]{2}　${S1_NAME}（" '安否情報: when and who reported it'
is "$(grep -c '<p class="sheet-meta">最終更新：' "$HTTP_BODY")" 9 'the other nine: 最終更新 with when and who'

# --- history ---------------------------------------------------------------
login_home STAFF2
save STAFF2 family '長女と二人暮らし'
is "$HTTP_STATUS" 303 'another member (STAFF2) saves family again'
is "$(rows family)|$(current family)" '2|長女と二人暮らし' 'a second row, the latest is STAFF2'"'"'s text'
n=$(events sheet.history success "$S2" "'family'")
http_get STAFF2 "/patients/$PID/sheet/history?section=family"
is "$HTTP_STATUS" 200 'the history of family'
like "$(body)" '<h1 id="page-title">家族状況の変更履歴</h1>' 'titled'
like "$(body)" "第2版（現在の内容）　保存：[0-9]{4}年[0-9]+月[0-9]+日 [0-9]{2}:[0-9]{2}　${S2_NAME}（" 'version 2: when and who (STAFF2)'
like "$(body)" "第1版　保存：[0-9]{4}年[0-9]+月[0-9]+日 [0-9]{2}:[0-9]{2}　${S1_NAME}（" 'version 1: when and who (STAFF1)'
like "$(body)" '家族状況の記入 一行目' 'the previous text is shown'
like "$(body)" '長女と二人暮らし' 'and the current one'
is "$(events sheet.history success "$S2" "'family'")" $((n + 1)) 'the history is one sheet.history event'
http_get STAFF2 "/patients/$PID/sheet"
like "$(body)" '変更履歴（2件）' 'the sheet counts family'"'"'s versions'

# --- the limit ---------------------------------------------------------------
t2000=$(printf 'あ%.0s' $(seq 2000))
n=$(rows adl)
save STAFF2 adl "$t2000"
is "$HTTP_STATUS" 303 '2000 characters: saved'
is "$(q "SELECT char_length(body) FROM renrakucho.sheet_entry WHERE patient_id = $PID AND section = 'adl' ORDER BY version DESC LIMIT 1")|$(rows adl)" "2000|$((n + 1))" 'all 2000 stored, one row more'
nf=$(events sheet.edit failure "$S2" "'adl: invalid input'")
save STAFF2 adl "${t2000}い"
is "$HTTP_STATUS" 422 'bad: 2001 characters -> 422'
like "$(body)" '<p class="field-error" id="body-error">2,000文字以内で入力してください。</p>' 'with its message under the field'
like "$(body)" "${t2000}い</textarea>" 'what was typed is shown again'
is "$(rows adl)" $((n + 1)) 'nothing stored'
is "$(events sheet.edit failure "$S2" "'adl: invalid input'")" $((nf + 1)) 'the refusal is one sheet.edit failure naming the section'

save STAFF2 evacuation '要支援'
is "$HTTP_STATUS" 422 'bad: 避難支援 without a choice -> 422'
like "$(body)" '避難支援の要否を「要」「不要」「未確認」から選んでください。' 'told to choose'
save STAFF2 evacuation '要支援' --data-urlencode evacuation=maybe
is "$HTTP_STATUS" 422 'bad: an unknown choice -> 422'
is "$(rows evacuation)" 1 'nothing stored'
save STAFF2 evacuation '近所の方が支援' --data-urlencode evacuation=noneed
is "$HTTP_STATUS|$(q "SELECT evacuation FROM renrakucho.sheet_entry WHERE patient_id = $PID AND section = 'evacuation' ORDER BY version DESC LIMIT 1")" '303|noneed' '不要 saved'

http_get STAFF2 "/patients/$PID/sheet/edit?section=nope"
is "$HTTP_STATUS" 404 'bad: an unknown section -> 404'
http_post STAFF2 /patients/$PID/sheet/edit --data-urlencode "csrf=$SCSRF" --data-urlencode section=family --data-urlencode body=版なし
is "$HTTP_STATUS|$(rows family)" "422|2" 'bad: no version -> 422, nothing stored'

# --- the conflict -----------------------------------------------------------
login_home STAFF1
http_get STAFF1 "/patients/$PID/sheet/edit?section=medication"
c1=$(input_value csrf)
v1=$(input_value version)
http_get STAFF2 "/patients/$PID/sheet/edit?section=medication"
c2=$(input_value csrf)
v2=$(input_value version)
is "$v1|$v2" '1|1' 'both open medication at version 1'
http_post STAFF1 /patients/$PID/sheet/edit --data-urlencode "csrf=$c1" --data-urlencode section=medication --data-urlencode "version=$v1" --data-urlencode 'body=朝の薬を一包化（STAFF1）'
is "$HTTP_STATUS" 303 'STAFF1 saves first'
n=$(rows medication)
nf=$(events sheet.edit failure "$S2" "'medication: saved by someone else'")
http_post STAFF2 /patients/$PID/sheet/edit --data-urlencode "csrf=$c2" --data-urlencode section=medication --data-urlencode "version=$v2" --data-urlencode 'body=夕の薬の飲み忘れあり（STAFF2）'
is "$HTTP_STATUS" 409 'bad: STAFF2 saves on version 1 too -> 409'
like "$(body)" 'ほかの人が先にこの項目を保存しました。あなたの入力はまだ保存されていません。' 'told in Japanese'
like "$(body)" "いま保存されている内容（[0-9]{4}年[^）]*${S1_NAME}（" 'who saved meanwhile, and when'
like "$(body)" '<p class="sheet-text">朝の薬を一包化（STAFF1）</p>' 'the text saved meanwhile'
like "$(body)" '夕の薬の飲み忘れあり（STAFF2）</textarea>' 'and the one typed, to save again'
is "$(rows medication)|$(current medication)" "$n|朝の薬を一包化（STAFF1）" 'nothing overwritten'
is "$(events sheet.edit failure "$S2" "'medication: saved by someone else'")" $((nf + 1)) 'one sheet.edit failure'
v=$(input_value version)
is "$v" 2 'the form is now based on version 2'
http_post STAFF2 /patients/$PID/sheet/edit --data-urlencode "csrf=$c2" --data-urlencode section=medication --data-urlencode "version=$v" --data-urlencode 'body=夕の薬の飲み忘れあり（STAFF2）'
is "$HTTP_STATUS|$(current medication)" '303|夕の薬の飲み忘れあり（STAFF2）' 'saving again, knowingly, replaces it'

# --- refusals -----------------------------------------------------------------
n=$(rows)
nc=$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'csrf' AND account_id = $S1")
http_post STAFF1 /patients/$PID/sheet/edit --data-urlencode section=family --data-urlencode version=2 --data-urlencode body=偽造
is "$HTTP_STATUS" 403 'bad: without the CSRF token -> 403'
is "$(rows)|$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'csrf' AND account_id = $S1")" "$n|$((nc + 1))" 'nothing stored; one csrf event'

login_home OUTSIDE
for p in "sheet" "sheet/edit?section=family" "sheet/history?section=family"; do
	a=sheet.view
	[ "${p#sheet/history}" != "$p" ] && a=sheet.history
	nd=$(events "$a" denied "$OUT" "'not a team member'")
	http_get OUTSIDE "/patients/$PID/$p"
	is "$HTTP_STATUS" 404 "bad: a non-member: GET /patients/N/$p -> 404"
	like "$(body)" 'お探しのページは見つかりませんでした。' 'the patient pages'"'"' page'
	unlike "$(body)" '長女|記入|STAFF' 'nothing of the sheet'
	is "$(events "$a" denied "$OUT" "'not a team member'")" $((nd + 1)) "one $a denied event"
done
nd=$(events sheet.edit denied "$OUT" "'not a team member'")
http_post OUTSIDE /patients/$PID/sheet/edit --data-urlencode "csrf=$SCSRF" --data-urlencode section=family --data-urlencode version=2 --data-urlencode body=部外者
is "$HTTP_STATUS" 404 'bad: a non-member saves -> 404'
is "$(rows)|$(events sheet.edit denied "$OUT" "'not a team member'")" "$n|$((nd + 1))" 'nothing stored; one sheet.edit denied event'
http_get OUTSIDE "/patients/999999999/sheet"
is "$HTTP_STATUS" 404 'no such patient: the same 404'

# --- the app's role appends only ---------------------------------------------
psql_app "UPDATE renrakucho.sheet_entry SET body = 'x' WHERE patient_id = $PID" > /dev/null 2>&1
isnt "$?" 0 'the app role cannot UPDATE a saved text'
psql_app "DELETE FROM renrakucho.sheet_entry WHERE patient_id = $PID" > /dev/null 2>&1
isnt "$?" 0 'nor DELETE one'
psql_app "INSERT INTO renrakucho.sheet_entry (patient_id, section, version, body, written_by, written_at) VALUES ($PID, 'meals', 9, 'x', $S1, now() - interval '1 year')" > /dev/null 2>&1
isnt "$?" 0 'nor backdate one'
is "$(rows)" "$n" 'all rows kept'

done_testing
