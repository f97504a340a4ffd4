#!/bin/bash
# Consent over time (/patients/{id}/consent): the team's members list
# every consent of the patient and download each (consent.download with
# the consent's id); a member adds a newer one (the checks of
# registration's step 2), which becomes the one on the patient page; the
# team's 担当者 records the withdrawal of the consent, after which the
# team is read-only like a closed one (the same triggers): no post,
# join, sheet or registration change, newer consent or end of support.
# Refusals: non-members 404, non-担当者 403 for the withdrawal, bad input
# 422 with its message, CSRF; events counted exactly.
. "$(dirname "$0")/../lib.sh"

q() { psql_owner "$@"; }
body() { cat "$HTTP_BODY"; }
S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")
FA=$(account_id "$FACILITY_ADMIN_LOGIN")
S1_NAME=$(q "SELECT name FROM renrakucho.account WHERE id = $S1")
S2_NAME=$(q "SELECT name FROM renrakucho.account WHERE id = $S2")
U=$(date +%s%N | tail -c 10)
# STAFF1 the 担当者, STAFF2 a member, FACILITY_ADMIN asking to join,
# OUTSIDE nobody to this team.  OTHER: another patient of STAFF1's.
PATIENT=$(make_patient "同意 試験$U" "ドウイ$U" 1931-06-07 female \
    "島根県出雲市今市町$U" "$S1") || bail 'patient insert'
TEAM=$(make_team "$PATIENT" "$S1" "$S2") || bail 'team insert'
OTHER=$(make_patient "別人 試験$U" "ベツジン$U" 1940-01-02 male \
    "島根県出雲市塩冶町$U" "$S1") || bail 'patient insert'
make_team "$OTHER" "$S1" > /dev/null || bail 'team insert'
C1=$(q "SELECT id FROM renrakucho.consent WHERE patient_id = $PATIENT")
OC=$(q "SELECT id FROM renrakucho.consent WHERE patient_id = $OTHER")
q "INSERT INTO renrakucho.join_request (team_id, account_id, message)
    VALUES ($TEAM, $FA, '参加させてください')" > /dev/null
ev() {	# ev ACTION OUTCOME DETAIL LOGIN [OBJECT_TYPE OBJECT_ID]
	q "SELECT count(*) FROM renrakucho.audit_event WHERE action = '$1'
	    AND outcome = '$2' AND detail IS NOT DISTINCT FROM $3
	    AND login = '$4'${5:+ AND object_type = '$5' AND object_id = '$6'}"
}
all() { q "SELECT count(*) FROM renrakucho.audit_event WHERE login = '$1'"; }
consents() { q "SELECT count(*) FROM renrakucho.consent WHERE patient_id = $PATIENT"; }
withdrawn() { q "SELECT count(*) FROM renrakucho.consent_withdrawal WHERE patient_id = $PATIENT"; }
TODAY=$(TZ=Asia/Tokyo date +%F)
TOMORROW=$(TZ=Asia/Tokyo date -d tomorrow +%F)
YESTERDAY=$(TZ=Asia/Tokyo date -d yesterday +%F)
PDF=$TEST_TMP/renewal.pdf
printf '%%PDF-1.4\n%% renewal %s\n%%%%EOF\n' "$U" > "$PDF"
PNG=$TEST_TMP/withdrawal.png
printf '\x89PNG\r\n\x1a\n%s' "$U" > "$PNG"
TXT=$TEST_TMP/consent.txt
printf 'not a document\n' > "$TXT"
BIG=$TEST_TMP/big.pdf
{ printf '%%PDF-1.4\n'; head -c $((10 * 1024 * 1024 - 8)) /dev/zero; } > "$BIG"
EXACT=$TEST_TMP/exact.pdf
{ printf '%%PDF-1.4\n'; head -c $((10 * 1024 * 1024 - 9)) /dev/zero; } > "$EXACT"

login_ok STAFF1
login_ok STAFF2
login_ok OUTSIDE
CSRF1=$(csrf_of STAFF1 /home)
CSRF2=$(csrf_of STAFF2 /home)
CSRFO=$(csrf_of OUTSIDE /home)

# refused "NAME|FIELDS|MESSAGE" COMMAND...: COMMAND with the FIELDS
# (";"-separated, "-F doc=@FILE" a file) answers 422 with MESSAGE.
refused() {
	local name fields msg x kv args=()
	IFS='|' read -r name fields msg <<< "$1"
	shift
	IFS=';' read -r -a kv <<< "$fields"
	for x in "${kv[@]}"; do
		case $x in -F*) args+=(-F "${x#-F }") ;; *) args+=(--form-string "$x") ;; esac
	done
	"$@" "${args[@]}"
	is "$HTTP_STATUS" 422 "$2, $name: 422"
	like "$(body)" "$msg" "$2, $name: the message"
}

# --- non-members: 404, audited, nothing told ------------------------------------
for case in "consent.view|GET|/patients/$PATIENT/consent" \
    "consent.download|GET|/patients/$PATIENT/consent/$C1/document" \
    "consent.download|GET|/patients/$PATIENT/consent/withdraw/document" \
    "consent.add|GET|/patients/$PATIENT/consent/new" \
    "consent.add|POST|/patients/$PATIENT/consent/new" \
    "consent.withdraw|GET|/patients/$PATIENT/consent/withdraw" \
    "consent.withdraw|POST|/patients/$PATIENT/consent/withdraw"; do
	IFS='|' read -r action method path <<< "$case"
	n0=$(ev "$action" denied "'not a team member'" "$OUTSIDE_LOGIN" patient "$PATIENT")
	if [ "$method" = GET ]; then
		http_get OUTSIDE "$path"
	else
		http_post OUTSIDE "$path" --form-string "csrf=$CSRFO" \
		    --form-string "withdrawn_on=$TODAY" --form-string signer=patient
	fi
	is "$HTTP_STATUS" 404 "$method $path by someone outside the team: 404"
	like "$(body)" 'お探しのページは見つかりませんでした。' "$method $path: the 404 page"
	is "$(ev "$action" denied "'not a team member'" "$OUTSIDE_LOGIN" patient "$PATIENT")" \
	    $((n0 + 1)) "$method $path: one denied $action event"
done
is "$(consents)|$(withdrawn)" '1|0' 'nothing written by the outsider'

# --- the list ----------------------------------------------------------------------
v0=$(ev consent.view success NULL "$STAFF2_LOGIN" patient "$PATIENT")
t0=$(all "$STAFF2_LOGIN")
http_get STAFF2 "/patients/$PATIENT/consent"
is "$HTTP_STATUS" 200 'a member lists the consents'
is "$(ev consent.view success NULL "$STAFF2_LOGIN" patient "$PATIENT")|$(all "$STAFF2_LOGIN")" \
    "$((v0 + 1))|$((t0 + 1))" 'one consent.view event, and no other'
like "$(body)" "同意取得日 $(TZ=Asia/Tokyo date +%Y年%-m月%-d日)（現在の同意）" 'the consent, marked as the one in force'
like "$(body)" '<dt>署名した人</dt><dd>本人</dd>' 'its signer'
like "$(body)" '<dt>説明者</dt><dd>斐川 次郎（出雲中央クリニック）</dd>' 'its explainer'
like "$(body)" "<dt>登録した人</dt><dd>$S1_NAME（" 'who uploaded it'
like "$(body)" '<dt>登録日時</dt><dd>[0-9]{4}年' 'and when'
like "$(body)" "href=\"/patients/$PATIENT/consent/$C1/document\">consent.pdf</a>" 'its download link'
like "$(body)" "href=\"/patients/$PATIENT/consent/new\"" 'a member may add a newer one'
unlike "$(body)" "/patients/$PATIENT/consent/withdraw" 'a member is not offered the withdrawal'
http_get STAFF1 "/patients/$PATIENT/consent"
like "$(body)" "href=\"/patients/$PATIENT/consent/withdraw\"" 'the 担当者 is'
http_get STAFF1 "/patients/$PATIENT"
like "$(body)" "href=\"/patients/$PATIENT/consent\">同意書の一覧（1 件）" 'the patient page links to the list'

# --- downloads -----------------------------------------------------------------------
d0=$(ev consent.download success NULL "$STAFF2_LOGIN" consent "$C1")
t0=$(all "$STAFF2_LOGIN")
http_get STAFF2 "/patients/$PATIENT/consent/$C1/document"
is "$HTTP_STATUS|$(header Content-Type)" '200|application/pdf' 'the consent by its id: the PDF'
is "$(od -An -c "$HTTP_BODY" | tr -d ' \n')" '%PDF-' 'its bytes'
is "$(ev consent.download success NULL "$STAFF2_LOGIN" consent "$C1")|$(all "$STAFF2_LOGIN")" \
    "$((d0 + 1))|$((t0 + 1))" 'one consent.download event naming the consent, no other'
is "$(q "SELECT patient_id FROM renrakucho.audit_event WHERE action = 'consent.download' AND login = '$STAFF2_LOGIN' ORDER BY id DESC LIMIT 1")" \
    "$PATIENT" 'with the patient'
n0=$(ev consent.download denied "'no such document'" "$STAFF1_LOGIN" consent "$OC")
http_get STAFF1 "/patients/$PATIENT/consent/$OC/document"
is "$HTTP_STATUS" 404 "another patient's consent under this patient: 404 (even to a member of both)"
is "$(ev consent.download denied "'no such document'" "$STAFF1_LOGIN" consent "$OC")" $((n0 + 1)) \
    'one denied event (no such document)'
http_get STAFF1 "/patients/$PATIENT/consent/withdraw/document"
is "$HTTP_STATUS" 404 'no withdrawal yet: its document is 404'
http_get STAFF2 "/patients/$PATIENT/consent-document"
is "$HTTP_STATUS" 200 'the old route still serves the latest'

# --- a newer consent: bad input, 422, nothing stored -------------------------------------
add() {	# add WHO ARGS...: POST the form with the session's CSRF token
	local who=$1 c
	shift
	[ "$who" = STAFF1 ] && c=$CSRF1 || c=$CSRF2
	http_post "$who" "/patients/$PATIENT/consent/new" --form-string "csrf=$c" "$@"
}
http_get STAFF2 "/patients/$PATIENT/consent/new"
is "$HTTP_STATUS" 200 'a member opens the form for a newer consent'
like "$(body)" "action=\"/patients/$PATIENT/consent/new\"" 'posting to itself'
like "$(body)" "name=\"explainer\" id=\"explainer\" value=\"$S2_NAME\"" 'the explainer defaults to the member'
unlike "$(body)" 'name="care_level"|name="kana"' "without registration's other fields"
OK=(--form-string signer=patient --form-string explainer=説明\ 花子
    --form-string explainer_facility=出雲中央クリニック --form-string form_kind=own)
f0=$(ev consent.add failure "'invalid input'" "$STAFF2_LOGIN" patient "$PATIENT")
for case in "no day|-F doc=@$PDF|同意取得日を入力してください。" \
    "tomorrow|consent_date=$TOMORROW;-F doc=@$PDF|同意取得日が未来の日付です。" \
    "before 2000|consent_date=1999-12-31;-F doc=@$PDF|範囲外の値です。" \
    "no document|consent_date=$YESTERDAY|署名済みの同意書のファイルを選んでください。" \
    "a text file|consent_date=$YESTERDAY;-F doc=@$TXT|同意書は PDF・JPEG・PNG のいずれかのファイルにしてください（ファイルの中身で判定します）。" \
    "10 MiB + 1 byte|consent_date=$YESTERDAY;-F doc=@$BIG|同意書のファイルは10MBまでです。"; do
	refused "$case" add STAFF2 "${OK[@]}"
done
add STAFF2 --form-string "consent_date=$YESTERDAY" --form-string signer=proxy \
    --form-string explainer_facility=出雲中央クリニック -F "doc=@$PDF"
is "$HTTP_STATUS" 422 'a proxy without a name or relationship, no explainer or form: 422'
for msg in 代理人の氏名を入力してください。 代理人の続柄を入力してください。 \
    説明者の氏名を入力してください。 同意書の様式を選んでください。; do
	like "$(body)" "$msg" "the message $msg"
done
is "$(ev consent.add failure "'invalid input'" "$STAFF2_LOGIN" patient "$PATIENT")" $((f0 + 7)) \
    'seven failure events (invalid input)'
http_post STAFF2 "/patients/$PATIENT/consent/new" "${OK[@]}" \
    --form-string "consent_date=$YESTERDAY" -F "doc=@$PDF"
is "$HTTP_STATUS" 403 'without the CSRF token: 403'
is "$(consents)" 1 'nothing stored'

# --- a newer consent: stored, the latest ----------------------------------------------------
s0=$(ev consent.add success "'proxy'" "$STAFF2_LOGIN")
add STAFF2 --form-string "consent_date=$YESTERDAY" --form-string signer=proxy \
    --form-string "proxy_name=山田 花子" --form-string proxy_rel=長女 \
    --form-string explainer=説明\ 花子 --form-string explainer_facility=訪問看護ステーション出雲 \
    --form-string form_kind=own -F "doc=@$EXACT;filename=更新した同意書.pdf"
is "$HTTP_STATUS" 303 'a proxy-signed renewal of exactly 10 MiB: stored'
is "$HTTP_LOCATION" "/patients/$PATIENT?n=consent" 'back to the patient page'
C2=$(q "SELECT max(id) FROM renrakucho.consent WHERE patient_id = $PATIENT")
is "$(consents)" 2 'two consents'
is "$(q "SELECT obtained_by, obtained_on, signer, proxy_name, proxy_relationship, explainer_name, explainer_facility, form_kind, doc_type, doc_name, doc_size, doc_sha256 FROM renrakucho.consent WHERE id = $C2")" \
    "$S2|$YESTERDAY|proxy|山田 花子|長女|説明 花子|訪問看護ステーション出雲|own|application/pdf|更新した同意書.pdf|10485760|$(sha256sum "$EXACT" | cut -d' ' -f1)" \
    'the row: who uploaded it, the day, signer, explainer, form, document'
is "$(ev consent.add success "'proxy'" "$STAFF2_LOGIN" consent "$C2")" 1 'one consent.add event naming the new consent'
is "$(ev consent.add success "'proxy'" "$STAFF2_LOGIN")" $((s0 + 1)) 'and only one'
http_get STAFF1 "/patients/$PATIENT?n=consent"
like "$(body)" '新しい同意書を登録しました。これが現在の同意です。' 'the notice'
like "$(body)" '<dt>署名した人</dt><dd>代理人 山田 花子（長女）</dd>' 'the patient page shows the newer consent'
like "$(body)" '<dt>説明者</dt><dd>説明 花子（訪問看護ステーション出雲）</dd>' 'with its explainer'
like "$(body)" '更新した同意書.pdf</a>' 'and its document'
like "$(body)" '同意書の一覧（2 件）' 'two in the list'
http_get STAFF1 "/patients/$PATIENT/consent-document"
is "$(header Content-Length)" 10485760 'the old route serves the newer document'
http_get STAFF1 "/patients/$PATIENT/consent"
first=$(body | grep -o 'consent/[0-9]*/document' | head -n 1)
is "$first" "consent/$C2/document" 'the list shows the newer one first'
like "$(body)" "同意取得日 $(TZ=Asia/Tokyo date -d yesterday +%Y年%-m月%-d日)（現在の同意）" 'marked as the one in force'
is "$(body | grep -c '（現在の同意）')" 1 'and only it'
d0=$(ev consent.download success NULL "$STAFF1_LOGIN" consent "$C1")
http_get STAFF1 "/patients/$PATIENT/consent/$C1/document"
is "$HTTP_STATUS|$(ev consent.download success NULL "$STAFF1_LOGIN" consent "$C1")" "200|$((d0 + 1))" \
    'the earlier one still downloads, audited with its id'

# --- the withdrawal: who may -------------------------------------------------------------------
wd() {	# wd WHO ARGS...
	local who=$1 c
	shift
	[ "$who" = STAFF1 ] && c=$CSRF1 || c=$CSRF2
	http_post "$who" "/patients/$PATIENT/consent/withdraw" --form-string "csrf=$c" "$@"
}
n0=$(ev consent.withdraw denied "'not a lead'" "$STAFF2_LOGIN" patient "$PATIENT")
http_get STAFF2 "/patients/$PATIENT/consent/withdraw"
is "$HTTP_STATUS" 403 'a member who is not the 担当者: 403'
like "$(body)" '同意の撤回を記録できるのは、この支援チームの担当者だけです。' 'with the reason'
wd STAFF2 --form-string "withdrawn_on=$TODAY" --form-string signer=patient
is "$HTTP_STATUS|$(withdrawn)" '403|0' 'posted by a member: 403, nothing stored'
is "$(ev consent.withdraw denied "'not a lead'" "$STAFF2_LOGIN" patient "$PATIENT")" $((n0 + 2)) \
    'two denied events (not a lead)'
http_get STAFF1 "/patients/$PATIENT/consent/withdraw"
is "$HTTP_STATUS" 200 'the 担当者 opens the form'
like "$(body)" "name=\"withdrawn_on\" id=\"withdrawn_on\" value=\"$TODAY\"" 'the day defaults to today'
like "$(body)" 'data-confirm="同意の撤回を記録しますか？' 'the button asks first'

# --- the withdrawal: bad input ----------------------------------------------------------------
LATEST=$(q "SELECT max(obtained_on) FROM renrakucho.consent WHERE patient_id = $PATIENT")
BEFORE=$(date -d "$LATEST - 1 day" +%F)
f0=$(ev consent.withdraw failure "'invalid input'" "$STAFF1_LOGIN" patient "$PATIENT")
for case in "no day|signer=patient|撤回の申し出があった日を入力してください。" \
    "a day that does not exist|withdrawn_on=2026-02-30;signer=patient|2000年以降の実在する日付" \
    "tomorrow|withdrawn_on=$TOMORROW;signer=patient|撤回の申し出があった日が未来の日付です。" \
    "before the latest consent|withdrawn_on=$BEFORE;signer=patient|撤回の申し出があった日が最新の同意取得日より前です。" \
    "nobody|withdrawn_on=$TODAY|申し出た人を選んでください。" \
    "a proxy without a relationship|withdrawn_on=$TODAY;signer=proxy;proxy_name=山田 花子|代理人の続柄を入力してください。" \
    "a text scan|withdrawn_on=$TODAY;signer=patient;-F doc=@$TXT|撤回の書面は PDF・JPEG・PNG のいずれかのファイルにしてください" \
    "a scan of 10 MiB + 1 byte|withdrawn_on=$TODAY;signer=patient;-F doc=@$BIG|撤回の書面のファイルは10MBまでです。"; do
	refused "$case" wd STAFF1
done
is "$(ev consent.withdraw failure "'invalid input'" "$STAFF1_LOGIN" patient "$PATIENT")" $((f0 + 8)) \
    'eight failure events (invalid input)'
http_post STAFF1 "/patients/$PATIENT/consent/withdraw" --form-string "withdrawn_on=$TODAY" \
    --form-string signer=patient
is "$HTTP_STATUS|$(withdrawn)" '403|0' 'without the CSRF token: 403, nothing stored'

# --- the withdrawal ------------------------------------------------------------------------------
DETAIL='proxy, with a scan; 1 pending join requests rejected'
t0=$(all "$STAFF1_LOGIN")
wd STAFF1 --form-string "withdrawn_on=$TODAY" --form-string signer=proxy \
    --form-string "proxy_name=山田 花子" --form-string proxy_rel=長女 -F "doc=@$PNG;filename=撤回書.png"
is "$HTTP_STATUS" 303 'the 担当者 records the withdrawal reported by a proxy, with a scan'
is "$HTTP_LOCATION" "/patients/$PATIENT?n=withdrawn" 'back to the patient page'
W=$(q "SELECT id FROM renrakucho.consent_withdrawal WHERE patient_id = $PATIENT")
is "$(q "SELECT team_id, withdrawn_on, reporter, proxy_name, proxy_relationship, doc_type, doc_name, doc_size, recorded_by FROM renrakucho.consent_withdrawal WHERE id = $W")" \
    "$TEAM|$TODAY|proxy|山田 花子|長女|image/png|撤回書.png|$(stat -c %s "$PNG")|$S1" 'the row'
is "$(ev consent.withdraw success "'$DETAIL'" "$STAFF1_LOGIN" consent_withdrawal "$W")|$(all "$STAFF1_LOGIN")" \
    "1|$((t0 + 1))" 'one consent.withdraw event (who reported it, the scan, the rejected request), no other'
is "$(q "SELECT state, decided_by FROM renrakucho.join_request WHERE team_id = $TEAM AND account_id = $FA")" \
    "rejected|$S1" 'the pending join request is rejected'
BANNER="同意が撤回されました（$(TZ=Asia/Tokyo date +%Y年%-m月%-d日)、代理人 山田 花子（長女）の申し出。記録した人：$S1_NAME）"
http_get STAFF2 "/patients/$PATIENT?n=withdrawn"
like "$(body)" '同意の撤回を記録しました。' 'the notice'
like "$(body)" "$BANNER" 'every member sees the banner on the patient page'
like "$(body)" '<dt>状態</dt><dd>撤回済み</dd>' 'the consent is shown withdrawn'
unlike "$(body)" "/patients/$PATIENT/edit\"|action=\"/patients/$PATIENT/leave\"" 'no edit or leave any more'
http_get STAFF1 "/patients/$PATIENT"
unlike "$(body)" "/patients/$PATIENT/close\"|/members/$S2/" 'nor end of support or member buttons for the 担当者'
# /home: the team leaves 参加している支援チーム for 終了した支援, the day
# of the withdrawal marked.
http_get STAFF2 /home
unlike "$(body | sed '/id="ended-heading"/,$d')" "href=\"/patients/$PATIENT\"" \
    'no longer among the teams one takes part in on /home'
like "$(body | sed -n '/id="ended-heading"/,$p' | tr -d '\n')" \
    "href=\"/patients/$PATIENT\">同意 試験$U</a></td><td>メンバー</td><td>$(TZ=Asia/Tokyo date +%Y年%-m月%-d日)（同意撤回）</td>" \
    'listed under 終了した支援 with the day of the withdrawal'
http_get STAFF2 "/patients/$PATIENT/consent"
like "$(body)" "$BANNER" 'the banner on the list'
unlike "$(body)" '（現在の同意）' 'no consent is in force any more'
unlike "$(body)" "/consent/new\"|/consent/withdraw\"" 'no newer consent or withdrawal offered'
like "$(body)" "href=\"/patients/$PATIENT/consent/withdraw/document\">撤回書.png</a>" 'the scan linked'
d0=$(ev consent.download success NULL "$STAFF2_LOGIN" consent_withdrawal "$W")
http_get STAFF2 "/patients/$PATIENT/consent/withdraw/document"
is "$HTTP_STATUS|$(header Content-Type)" '200|image/png' 'the scan downloads'
cmp -s "$HTTP_BODY" "$PNG"
is $? 0 'its bytes'
is "$(ev consent.download success NULL "$STAFF2_LOGIN" consent_withdrawal "$W")" $((d0 + 1)) \
    'one consent.download event naming the withdrawal'

# --- read-only ---------------------------------------------------------------------------------------
W_MSG='この患者さんの同意は撤回されたため、記録は閲覧のみできます。'
http_get STAFF2 "/teams/$TEAM/messages"
is "$HTTP_STATUS" 200 'a member still reads the timeline'
like "$(body)" "$BANNER" 'under the banner'
unlike "$(body)" "action=\"/teams/$TEAM/messages\"|/like\"" 'no post form or 👍'
m0=$(q "SELECT count(*) FROM renrakucho.message WHERE team_id = $TEAM")
p0=$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'message.post' AND outcome = 'success' AND login = '$STAFF2_LOGIN'")
http_post STAFF2 "/teams/$TEAM/messages" --form-string "csrf=$CSRF2" \
    --form-string "client_token=late-token-$U" --form-string "body=撤回後の投稿"
is "$HTTP_STATUS" 409 'a post: 409'
like "$(body)" "$W_MSG" 'with the reason'
is "$(q "SELECT count(*) FROM renrakucho.message WHERE team_id = $TEAM")" "$m0" 'no message written'
is "$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'message.post' AND outcome = 'success' AND login = '$STAFF2_LOGIN'")" \
    "$p0" 'no message.post success event'
http_post OUTSIDE "/teams/$TEAM/join-requests" --data-urlencode "csrf=$CSRFO" \
    --data-urlencode "kana=ドウイ$U" --data-urlencode birth=1931-06-07 --data-urlencode sex=female
is "$HTTP_STATUS|$(q "SELECT count(*) FROM renrakucho.join_request WHERE team_id = $TEAM AND account_id = $(account_id "$OUTSIDE_LOGIN")")" \
    '409|0' 'a join request: 409, none stored'
like "$(body)" "$W_MSG" 'with the reason'
sh0=$(q "SELECT count(*) FROM renrakucho.sheet_entry WHERE patient_id = $PATIENT")
http_post STAFF1 "/patients/$PATIENT/sheet/edit" --data-urlencode "csrf=$CSRF1" \
    --data-urlencode section=family --data-urlencode version=0 --data-urlencode "body=長女と同居"
is "$HTTP_STATUS|$(q "SELECT count(*) FROM renrakucho.sheet_entry WHERE patient_id = $PATIENT")" \
    "409|$sh0" 'writing the information sheet: 409, nothing stored'
http_get STAFF2 "/patients/$PATIENT/sheet"
is "$HTTP_STATUS" 200 'the members still read the sheet (nobody can join after the withdrawal)'
http_post STAFF1 "/patients/$PATIENT/edit" --data-urlencode "csrf=$CSRF1" \
    --data-urlencode "name=同意 試験$U" --data-urlencode "kana=ドウイ テスト" \
    --data-urlencode "reason=誤記の訂正" --data-urlencode "address=島根県出雲市今市町$U" \
    --data-urlencode "phone=0853-99-0000"
is "$HTTP_STATUS|$(q "SELECT phone FROM renrakucho.patient WHERE id = $PATIENT")" '409|' \
    'editing the registration: 409, unchanged'
http_post STAFF1 "/patients/$PATIENT/members/$S2/lead" --data-urlencode "csrf=$CSRF1"
is "$HTTP_STATUS|$(q "SELECT role FROM renrakucho.team_member WHERE team_id = $TEAM AND account_id = $S2")" \
    '409|member' 'making a member 担当者: 409, unchanged'
a0=$(ev consent.add denied "'consent_withdrawn'" "$STAFF2_LOGIN" patient "$PATIENT")
http_get STAFF2 "/patients/$PATIENT/consent/new"
is "$HTTP_STATUS" 409 'a newer consent: 409'
like "$(body)" "$W_MSG" 'with the reason'
add STAFF2 "${OK[@]}" --form-string "consent_date=$TODAY" -F "doc=@$PDF"
is "$HTTP_STATUS|$(consents)" '409|2' 'posted: 409, nothing stored'
is "$(ev consent.add denied "'consent_withdrawn'" "$STAFF2_LOGIN" patient "$PATIENT")" $((a0 + 2)) \
    'two denied events (consent_withdrawn)'
a0=$(ev consent.withdraw denied "'consent_withdrawn'" "$STAFF1_LOGIN" patient "$PATIENT")
wd STAFF1 --form-string "withdrawn_on=$TODAY" --form-string signer=patient
is "$HTTP_STATUS|$(withdrawn)" '409|1' 'withdrawing again: 409, one withdrawal'
is "$(ev consent.withdraw denied "'consent_withdrawn'" "$STAFF1_LOGIN" patient "$PATIENT")" $((a0 + 1)) \
    'one denied event (consent_withdrawn)'
c0=$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'team.close' AND outcome = 'denied' AND detail = 'consent withdrawn' AND login = '$STAFF1_LOGIN'")
http_get STAFF1 "/patients/$PATIENT/close"
is "$HTTP_STATUS" 409 'ending the support: 409'
is "$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'team.close' AND outcome = 'denied' AND detail = 'consent withdrawn' AND login = '$STAFF1_LOGIN'")|$(q "SELECT closed_at IS NULL FROM renrakucho.team WHERE id = $TEAM")" \
    "$((c0 + 1))|t" 'one denied event, the team not closed'

# --- the same, straight in the database ----------------------------------------------------------------
out=$(psql_app "INSERT INTO renrakucho.message (team_id, author_id, body, client_token)
    VALUES ($TEAM, $S1, 'x', 'db-token-$U-xx')" 2>&1)
like "$out" "the consent of team $TEAM was withdrawn" 'the app role cannot post either'
out=$(psql_app "INSERT INTO renrakucho.team_member (team_id, account_id, role)
    VALUES ($TEAM, $FA, 'member')" 2>&1)
like "$out" "the consent of team $TEAM was withdrawn" 'nor add a member'
out=$(psql_app "UPDATE renrakucho.team SET closed_at = now(), closed_by = $S1,
    closed_on = current_date, close_reason = 'death' WHERE id = $TEAM" 2>&1)
like "$out" "the consent of team $TEAM was withdrawn" 'nor end the support'
out=$(psql_app "DELETE FROM renrakucho.consent_withdrawal WHERE id = $W" 2>&1)
like "$out" 'permission denied' 'nor undo the withdrawal'
out=$(psql_app "UPDATE renrakucho.consent SET doc_name = 'x.pdf' WHERE id = $C2" 2>&1)
like "$out" 'permission denied' 'nor change a consent'
is "$(q "SELECT renrakucho.team_read_only($TEAM)")" consent_withdrawn 'team_read_only says why'
done_testing
