#!/bin/bash
# A member edits the registration (/patients/{id}/edit): each field
# changes with one history row keeping the value before it, who, when and
# why; name or kana only with a reason (kana_key recomputed); the limits
# of registration (the limit accepted, one more refused); a kana taken by
# another registered person refused; an unchanged form writes nothing;
# non-members and a form without its CSRF token refused with nothing
# written; the history page; the audit events, counted exactly.
. "$(dirname "$0")/team-home.sh"

U=$(date +%s%N | tail -c 9)
q() { psql_owner "$1"; }
S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")
BIRTH=19$((20 + RANDOM % 60))-0$((1 + RANDOM % 9))-1$((RANDOM % 9))
KANA=$(rand_kana)
P=$(make_patient "編集 太郎$U" "$KANA" "$BIRTH" male "${MUNI_NAME}今市町1番地" "$S1")
T=$(make_team "$P" "$S1")
ok 'a patient whose team has STAFF1 as its only member' test -n "$T"

# The form's fields, as the edit page would send them (E_* are changed
# by the tests; post_edit sends them all).
E_NAME="編集 太郎$U" E_KANA=$KANA E_ADDRESS="${MUNI_NAME}今市町1番地"
E_PHONE='' E_CARE='' E_DISEASES='' E_EMERGENCY='' E_NOTES='' E_REASON=''
post_edit() {	# post_edit WHO [CURL-ARGS...]
	local who=$1
	shift
	http_post "$who" "/patients/$P/edit" --data-urlencode "csrf=$SCSRF" \
	    --data-urlencode "name=$E_NAME" --data-urlencode "kana=$E_KANA" \
	    --data-urlencode "address=$E_ADDRESS" \
	    --data-urlencode "phone=$E_PHONE" \
	    --data-urlencode "care_level=$E_CARE" \
	    --data-urlencode "diseases=$E_DISEASES" \
	    --data-urlencode "emergency=$E_EMERGENCY" \
	    --data-urlencode "notes=$E_NOTES" \
	    --data-urlencode "reason=$E_REASON" "$@"
}
changes() { q "SELECT count(*) FROM renrakucho.patient_change WHERE patient_id = $P"; }
ev() {	# ev ACTION OUTCOME: events of ACTION on the patient
	q "SELECT count(*) FROM renrakucho.audit_event WHERE action = '$1' AND object_id = '$P' AND outcome = '$2'"
}
row() { q "SELECT name, kana, address, phone, care_level, main_diseases, emergency_contact, notes FROM renrakucho.patient WHERE id = $P"; }
# The last n history rows, oldest first: field|old|new|account|reason.
last() {
	q "SELECT string_agg(concat_ws('|', field, old_value, new_value, changed_by, reason), ' / ' ORDER BY id) FROM (SELECT * FROM renrakucho.patient_change WHERE patient_id = $P ORDER BY id DESC LIMIT $1) c"
}
# refused NAME: nothing of the patient or its history changed, no
# patient.edit event, since the snapshot below was taken.
snap() { SNAP="$(row)#$(changes)#$(ev patient.edit success)#$(ev patient.edit failure)"; }
unchanged() {
	is "$(row)#$(changes)#$(ev patient.edit success)#$(ev patient.edit failure)" "$SNAP" "$1: nothing written"
}

# --- the form --------------------------------------------------------------
login_home STAFF1
v0=$(ev patient.view success)
http_get STAFF1 "/patients/$P"
like "$(cat "$HTTP_BODY")" "href=\"/patients/$P/edit\"" 'the patient page links to the edit page'
like "$(cat "$HTTP_BODY")" "href=\"/patients/$P/history\"" 'the patient page links to the history'
http_get STAFF1 "/patients/$P/edit"
is "$HTTP_STATUS" 200 'the edit form opens for a member'
body=$(cat "$HTTP_BODY")
like "$body" '<h1 id="page-title">登録内容の変更</h1>' 'its title'
like "$body" "name=\"name\" id=\"name\" value=\"編集 太郎$U\"" 'the name is filled in'
like "$body" "name=\"address\" id=\"address\" value=\"${MUNI_NAME}今市町1番地\"" 'the address is filled in'
like "$(header Cache-Control)" 'no-store' 'no-store'
is "$(ev patient.view success)" $((v0 + 2)) 'the patient page and the form: two patient.view events'
is "$(q "SELECT detail FROM renrakucho.audit_event WHERE action = 'patient.view' AND object_id = '$P' ORDER BY id DESC LIMIT 1")" 'edit form' \
    'the form is a patient.view with detail "edit form"'

# --- each field, with its history row ---------------------------------------
snap
e0=$(ev patient.edit success)
E_ADDRESS="${MUNI_NAME}塩冶町2-3" E_PHONE='0853-21-0000'
post_edit STAFF1
is "$HTTP_STATUS" 303 'address and phone: saved'
is "$HTTP_LOCATION" "/patients/$P?n=edited" 'back to the patient page with a notice'
is "$(changes)" 2 'two history rows'
is "$(last 2)" "address|${MUNI_NAME}今市町1番地|${MUNI_NAME}塩冶町2-3|$S1| / phone||0853-21-0000|$S1|" \
    'each keeps the value before, the new one and who (no reason given)'
is "$(ev patient.edit success)" $((e0 + 1)) 'one patient.edit event'
is "$(q "SELECT detail || '|' || patient_id || '|' || account_id FROM renrakucho.audit_event WHERE action = 'patient.edit' AND object_id = '$P' ORDER BY id DESC LIMIT 1")" "address, phone|$P|$S1" \
    'its detail names the fields, not their values'
is "$(q "SELECT count(*) FROM renrakucho.patient_change c WHERE patient_id = $P AND changed_at BETWEEN now() - interval '5 minutes' AND now()")" 2 \
    'with the time of the change'
http_get STAFF1 "/patients/$P?n=edited"
like "$(cat "$HTTP_BODY")" '登録内容を変更しました。' 'the patient page says so'
like "$(cat "$HTTP_BODY")" "${MUNI_NAME}塩冶町2-3" 'and shows the new address'

E_CARE='要介護3' E_DISEASES=$'高血圧症\r\n糖尿病' E_EMERGENCY='長女 出雲 花子 090-0000-0000' E_NOTES='朝は9時以降に訪問'
post_edit STAFF1
is "$HTTP_STATUS" 303 'care level, diseases, emergency contact, notes: saved'
is "$(changes)" 6 'four history rows more'
is "$(last 4)" "care_level||要介護3|$S1| / main_diseases||高血圧症
糖尿病|$S1| / emergency_contact||長女 出雲 花子 090-0000-0000|$S1| / notes||朝は9時以降に訪問|$S1|" \
    'each field its row (the textarea CRLF stored as LF)'
is "$(row)" "編集 太郎$U|$KANA|${MUNI_NAME}塩冶町2-3|0853-21-0000|要介護3|高血圧症
糖尿病|長女 出雲 花子 090-0000-0000|朝は9時以降に訪問" 'the patient row holds the new values'

# A value emptied again: the old value kept, the new one empty.
E_PHONE=''
post_edit STAFF1
is "$(last 1)" "phone|0853-21-0000||$S1|" 'an emptied field keeps what it held'
E_PHONE='0853-21-0000'
post_edit STAFF1
E_CARE='要介護2'
post_edit STAFF1
is "$(last 1)" "care_level|要介護3|要介護2|$S1|" 'a second change keeps the first one'

# --- name and kana: only with a reason ---------------------------------------
snap
E_NAME="改姓 一郎$U"
post_edit STAFF1
is "$HTTP_STATUS" 422 'a new name without a reason is refused'
like "$(cat "$HTTP_BODY")" '<p class="field-error" id="reason-error">氏名またはフリガナを変更するときは、変更の理由を入力してください。</p>' \
    'with its message under the reason'
like "$(cat "$HTTP_BODY")" "value=\"改姓 一郎$U\"" 'what was typed is shown again'
unchanged 'name without a reason'
E_NAME="編集 太郎$U" E_KANA="ア$KANA"
post_edit STAFF1
is "$HTTP_STATUS" 422 'a new kana without a reason is refused'
like "$(cat "$HTTP_BODY")" '氏名またはフリガナを変更するときは、変更の理由を入力してください。' 'with the same message'
unchanged 'kana without a reason'
E_KANA='yamada'
post_edit STAFF1
like "$(cat "$HTTP_BODY")" 'フリガナはひらがなかカタカナで入力してください。' 'a kana that is not kana: the message of registration'
unchanged 'kana not kana'

E_NAME="改姓 一郎$U" E_KANA="いずも　$KANA" E_REASON='婚姻による改姓'
post_edit STAFF1
is "$HTTP_STATUS" 303 'name and kana with a reason: saved'
is "$(last 2)" "name|編集 太郎$U|改姓 一郎$U|$S1|婚姻による改姓 / kana|$KANA|いずも　$KANA|$S1|婚姻による改姓" \
    'two rows with the reason'
is "$(q "SELECT kana_key = renrakucho.kana_key('いずも　$KANA') AND kana_key = 'イズモ' || renrakucho.kana_key('$KANA') FROM renrakucho.patient WHERE id = $P")" t \
    'kana_key recomputed as registration computes it'
is "$(q "SELECT detail FROM renrakucho.audit_event WHERE action = 'patient.edit' AND object_id = '$P' ORDER BY id DESC LIMIT 1")" 'name, kana' \
    'the event names name and kana'
E_REASON=''

# --- unchanged -------------------------------------------------------------
snap
post_edit STAFF1
is "$HTTP_STATUS" 303 'an unchanged form'
is "$HTTP_LOCATION" "/patients/$P?n=unchanged" 'goes back with its notice'
unchanged 'an unchanged form'
http_get STAFF1 "/patients/$P?n=unchanged"
like "$(cat "$HTTP_BODY")" '変更された項目がなかったため、何も保存していません。' 'the page says nothing was saved'
# A reason alone changes nothing either.
E_REASON='念のため'
post_edit STAFF1
is "$HTTP_LOCATION" "/patients/$P?n=unchanged" 'a reason alone is no change'
unchanged 'a reason alone'
E_REASON=''

# --- the limits of registration ----------------------------------------------
rep() { printf "%${2}s" '' | sed "s/ /$1/g"; }
# limit KEY VAR N: N characters accepted, N+1 refused with 長すぎます。
limit() {
	local key=$1 var=$2 n=$3 keep=${!2} extra=()
	[ "$key" = name ] && E_REASON='上限の確認'
	printf -v "$var" '%s' "$(rep あ "$n")"
	snap
	printf -v "$var" '%s' "$(rep あ $((n + 1)))"
	post_edit STAFF1
	is "$HTTP_STATUS" 422 "$key: $((n + 1)) characters refused"
	like "$(cat "$HTTP_BODY")" "<p class=\"field-error\" id=\"$key-error\">長すぎます。</p>" "$key: 長すぎます。 under the field"
	unchanged "$key over the limit"
	printf -v "$var" '%s' "$(rep あ "$n")"
	post_edit STAFF1
	is "$HTTP_STATUS" 303 "$key: $n characters accepted"
	is "$(q "SELECT char_length(new_value) FROM renrakucho.patient_change WHERE patient_id = $P ORDER BY id DESC LIMIT 1")" "$n" \
	    "$key: its history row holds all $n"
	printf -v "$var" '%s' "$keep"
	post_edit STAFF1
	E_REASON=''
}
limit name E_NAME 100
limit address E_ADDRESS 300
limit phone E_PHONE 30
limit emergency E_EMERGENCY 300
limit diseases E_DISEASES 1000
limit notes E_NOTES 4000
# The reason: 200 characters with a change, 201 refused.
snap
E_NAME="改名 太郎$U" E_REASON=$(rep あ 201)
post_edit STAFF1
is "$HTTP_STATUS" 422 'reason: 201 characters refused'
like "$(cat "$HTTP_BODY")" '<p class="field-error" id="reason-error">長すぎます。</p>' 'reason: 長すぎます。'
unchanged 'reason over the limit'
E_REASON=$(rep あ 200)
post_edit STAFF1
is "$HTTP_STATUS" 303 'reason: 200 characters accepted'
is "$(q "SELECT char_length(reason) FROM renrakucho.patient_change WHERE patient_id = $P ORDER BY id DESC LIMIT 1")" 200 'reason: all 200 kept'
E_REASON='戻す' E_NAME="改姓 一郎$U"
post_edit STAFF1
E_REASON=''
snap
E_CARE='要介護9'
post_edit STAFF1
is "$HTTP_STATUS" 422 'a care level not in the list is refused'
like "$(cat "$HTTP_BODY")" '要介護度を選び直してください。' 'with the message of registration'
unchanged 'care level not in the list'
E_CARE='要介護2' E_ADDRESS=''
post_edit STAFF1
is "$HTTP_STATUS" 422 'an empty address is refused'
like "$(cat "$HTTP_BODY")" '住所を入力してください。' 'with the message of registration'
unchanged 'empty address'
E_ADDRESS="${MUNI_NAME}塩冶町2-3"

# --- a kana taken by another registered person ---------------------------
OTHER=$(rand_kana)
P3=$(make_patient "別人 花子$U" "$OTHER" "$BIRTH" male "${MUNI_NAME}大津町" "$S2")
ok 'another person, same birth date and sex' test -n "$P3"
snap
E_KANA=$(printf '%s' "$OTHER" | sed 's/^\(.\)/\1 /') E_REASON='誤記の訂正'
post_edit STAFF1
is "$HTTP_STATUS" 409 'a kana that is another registered person'"'"'s is refused'
like "$(cat "$HTTP_BODY")" '<p class="field-error" id="kana-error">同じフリガナ・生年月日・性別の方がすでに登録されているため、このフリガナには変更できません。同じ方を二重に登録していないか、登録済みの方の支援チームにご確認ください。何も変更していません。</p>' \
    'with its message under the kana'
is "$(row)#$(changes)#$(ev patient.edit success)" "${SNAP%#*}" 'collision: nothing written'
is "$(ev patient.edit failure)" $((${SNAP##*#} + 1)) 'collision: one patient.edit failure event'
is "$(q "SELECT detail FROM renrakucho.audit_event WHERE action = 'patient.edit' AND object_id = '$P' AND outcome = 'failure' ORDER BY id DESC LIMIT 1")" 'identity in use' \
    'its detail'
unlike "$(cat "$HTTP_BODY")" "別人 花子|/patients/$P3\"" 'the other patient is not named'
E_KANA="いずも　$KANA" E_REASON=''

# --- the history -------------------------------------------------------------
h0=$(ev patient.history success)
http_get STAFF1 "/patients/$P/history"
is "$HTTP_STATUS" 200 'the history opens for a member'
body=$(cat "$HTTP_BODY")
like "$body" '<h1 id="page-title">登録内容の変更履歴</h1>' 'its title'
like "$body" "変更履歴（$(changes) 件）" 'every row is listed'
like "$body" "<td data-label=\"変更前\" class=\"history-value\">編集 太郎$U</td>" 'the old name'
like "$body" "<td data-label=\"変更前\" class=\"history-value\">${MUNI_NAME}今市町1番地</td>" 'the old address'
like "$body" '<td data-label="理由">婚姻による改姓</td>' 'the reason'
like "$body" '<td data-label="変更した人">斐川 次郎（出雲中央クリニック）</td>' 'who changed it, and their facility'
like "$body" '<td data-label="項目">緊急連絡先</td>' 'the field in Japanese'
like "$body" '（空欄）' 'an empty value is shown as such'
like "$(header Cache-Control)" 'no-store' 'no-store'
is "$(ev patient.history success)" $((h0 + 1)) 'the history view is one patient.history event'
is "$(q "SELECT patient_id FROM renrakucho.audit_event WHERE action = 'patient.history' AND object_id = '$P' ORDER BY id DESC LIMIT 1")" "$P" \
    'with the patient'

# --- refusals: a non-member, no CSRF token ------------------------------------
login_home STAFF2
snap
vd=$(ev patient.view denied) ed=$(ev patient.edit denied) hd=$(ev patient.history denied)
http_get STAFF2 "/patients/$P/edit"
is "$HTTP_STATUS" 404 'a non-member: the edit form is refused as the patient page is'
like "$(cat "$HTTP_BODY")" 'ページが見つかりません' 'with the same page'
unlike "$(cat "$HTTP_BODY")" "改姓 一郎$U|塩冶町" 'nothing of the patient'
E_NOTES='乗っ取り'
post_edit STAFF2
is "$HTTP_STATUS" 404 'a non-member'"'"'s change is refused'
unchanged 'a non-member'"'"'s change'
http_get STAFF2 "/patients/$P/history"
is "$HTTP_STATUS" 404 'a non-member: the history is refused'
unlike "$(cat "$HTTP_BODY")" "編集 太郎$U" 'nothing of the history'
is "$(ev patient.view denied)/$(ev patient.edit denied)/$(ev patient.history denied)" \
    "$((vd + 1))/$((ed + 1))/$((hd + 1))" 'one denied event each (patient.view, patient.edit, patient.history)'
is "$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action IN ('patient.view', 'patient.edit', 'patient.history') AND object_id = '$P' AND outcome = 'denied' AND patient_id IS NOT NULL")" 0 \
    'a denied event carries no patient_id'

login_home STAFF1
snap
c0=$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'csrf' AND account_id = $S1")
http_post STAFF1 "/patients/$P/edit" --data-urlencode "name=$E_NAME" \
    --data-urlencode "kana=$E_KANA" --data-urlencode "address=$E_ADDRESS" \
    --data-urlencode "notes=乗っ取り"
is "$HTTP_STATUS" 403 'a change without its CSRF token is refused'
unchanged 'no CSRF token'
is "$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'csrf' AND account_id = $S1")" $((c0 + 1)) \
    'one csrf denied event'

# --- append-only, and the columns the app may change ------------------------
n=$(changes)
like "$(psql_app "UPDATE renrakucho.patient_change SET new_value = 'x' WHERE patient_id = $P" 2>&1)" 'permission denied' \
    'the app cannot change a history row'
like "$(psql_app "DELETE FROM renrakucho.patient_change WHERE patient_id = $P" 2>&1)" 'permission denied' \
    'the app cannot delete a history row'
like "$(psql_app "UPDATE renrakucho.patient SET birth_date = '2000-01-01' WHERE id = $P" 2>&1)" 'permission denied' \
    'the app cannot change the birth date'
like "$(psql_app "UPDATE renrakucho.patient SET municipality_code = '00000' WHERE id = $P" 2>&1)" 'permission denied' \
    'the app cannot change the municipality'
is "$(changes)" "$n" 'the history is as it was'
done_testing
