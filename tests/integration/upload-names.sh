#!/bin/bash
# Uploaded file names over the real stack: a name that hides its
# extension behind a bidirectional override is stored and served without
# it, with the extension of the sniffed content; rows stored before the
# cleaner are cleaned as they are served; images are shown inline,
# everything else downloaded; filename* (RFC 5987) after an ASCII
# fallback; nosniff.
. "$(dirname "$0")/team-home.sh"

RLO=$(printf '\342\200\256')	# U+202E RIGHT-TO-LEFT OVERRIDE
ZWSP=$(printf '\342\200\213')	# U+200B ZERO WIDTH SPACE
KA_NFD=$(printf '\343\201\213\343\202\231')	# か + U+3099 (が decomposed)

timeline() {	# timeline WHO: CSRF and TOKEN from the page
	http_get "$1" "/teams/$TEAM/messages"
	CSRF=$(input_value csrf)
	TOKEN=$(input_value client_token)
}
post() {	# post WHO BODY [CURL-ARGS...]
	local who=$1 body=$2
	shift 2
	timeline "$who"
	http_post "$who" "/teams/$TEAM/messages" --form-string "csrf=$CSRF" \
	    --form-string "client_token=$TOKEN" --form-string "body=$body" "$@"
}
last_id() { psql_owner "SELECT max(id) FROM renrakucho.message WHERE team_id = $TEAM"; }
att() {	# att MESSAGE N: the attachment's id
	psql_owner "SELECT id FROM renrakucho.message_attachment WHERE message_id = $1 AND n = $2"
}

S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")
U=$(date +%s%N | tail -c 10)
PATIENT=$(make_patient "名前 試験$U" "ナマエ$U" 1940-05-06 female \
    "島根県出雲市今市町$U" "$S1") || bail 'patient insert'
TEAM=$(make_team "$PATIENT" "$S1" "$S2") || bail 'no team'
login_ok STAFF1
login_ok STAFF2

printf '%%PDF-1.4\n%%names\n%%%%EOF\n' > "$TEST_TMP/n.pdf"
printf '\211PNG\r\n\032\n\0\0\0\rIHDR' > "$TEST_TMP/n.png"
printf '\377\330\377\340\0\020JFIF' > "$TEST_TMP/n.jpg"

# --- upload: the issue's example and friends --------------------------------
post STAFF1 'ファイル名の試験' \
    -F "file1=@$TEST_TMP/n.pdf;filename=紹介状${RLO}fdp.bat;type=application/pdf" \
    -F "file2=@$TEST_TMP/n.png;filename=写真${ZWSP}.png;type=image/png" \
    -F "file3=@$TEST_TMP/n.jpg;filename=scan.jpg;type=image/jpeg" \
    -F "file4=@$TEST_TMP/n.pdf;filename=${KA_NFD}ん.pdf;type=application/pdf" \
    -F "file5=@$TEST_TMP/n.png;filename=${RLO};type=image/png"
is "$HTTP_STATUS" 303 'five attachments with odd names: posted'
M=$(last_id)
is "$(psql_owner "SELECT string_agg(name, '|' ORDER BY n) FROM renrakucho.message_attachment WHERE message_id = $M")" \
    '紹介状fdp.bat.pdf|写真.png|scan.jpg|がん.pdf|添付ファイル.png' \
    'stored names: override and zero width gone, .pdf appended to .bat, NFC, the default for an empty name'
is "$(psql_owner "SELECT count(*) FROM renrakucho.message_attachment WHERE message_id = $M AND name ~ '[\u200b-\u200f\u202a-\u202e\u2066-\u2069]'")" 0 \
    'no bidirectional control or zero width stored'

A1=$(att "$M" 1)
http_get STAFF2 "/teams/$TEAM/messages/$M/attachments/$A1"
is "$HTTP_STATUS" 200 'PDF: downloaded'
is "$(header Content-Type)" application/pdf 'PDF: sniffed type'
is "$(header Content-Disposition)" \
    "attachment; filename=\"download.pdf\"; filename*=UTF-8''%E7%B4%B9%E4%BB%8B%E7%8A%B6fdp.bat.pdf" \
    'PDF: attachment, ASCII fallback, 紹介状fdp.bat.pdf in filename*'
is "$(header X-Content-Type-Options)" nosniff 'PDF: nosniff'
ok 'PDF: the bytes are the file' cmp -s "$HTTP_BODY" "$TEST_TMP/n.pdf"

A2=$(att "$M" 2)
http_get STAFF2 "/teams/$TEAM/messages/$M/attachments/$A2"
is "$HTTP_STATUS" 200 'PNG: served'
is "$(header Content-Type)" image/png 'PNG: sniffed type'
is "$(header Content-Disposition)" \
    "inline; filename=\"download.png\"; filename*=UTF-8''%E5%86%99%E7%9C%9F.png" \
    'PNG: inline, 写真.png'
is "$(header X-Content-Type-Options)" nosniff 'PNG: nosniff'

A3=$(att "$M" 3)
http_get STAFF2 "/teams/$TEAM/messages/$M/attachments/$A3"
is "$(header Content-Disposition)" \
    "inline; filename=\"scan.jpg\"; filename*=UTF-8''scan.jpg" \
    'JPEG: inline, an ASCII name is its own fallback'

A5=$(att "$M" 5)
http_get STAFF2 "/teams/$TEAM/messages/$M/attachments/$A5"
is "$(header Content-Disposition)" \
    "inline; filename=\"download.png\"; filename*=UTF-8''%E6%B7%BB%E4%BB%98%E3%83%95%E3%82%A1%E3%82%A4%E3%83%AB.png" \
    'a name of an override alone: 添付ファイル.png'

# --- a row stored before the cleaner: cleaned as it is shown and served ----
post STAFF1 '古い行'
M2=$(last_id)
psql_owner "INSERT INTO renrakucho.message_attachment (message_id, n, name,
    type, size, sha256, data) VALUES ($M2, 1, U&'\\5199\\771F\\202Egnp.exe',
    'image/png', 16, repeat('0', 64), '\\x89504e470d0a1a0a0000000d49484452')" \
    > /dev/null || bail 'old row insert'
AO=$(att "$M2" 1)
timeline STAFF2
b=$(cat "$HTTP_BODY")
like "$b" "attachments/$AO\">写真gnp.exe</a>" 'old row: the timeline shows the name without the override'
unlike "$b" "$RLO" 'old row: no override on the timeline'
http_get STAFF2 "/teams/$TEAM/messages/$M2/attachments/$AO"
is "$HTTP_STATUS" 200 'old row: served'
is "$(header Content-Disposition)" \
    "inline; filename=\"download.png\"; filename*=UTF-8''%E5%86%99%E7%9C%9Fgnp.exe.png" \
    'old row: served as 写真gnp.exe.png, inline'

# --- the consent document: upload and download --------------------------------
login_home STAFF1
KANA=$(rand_kana)
DOC="$TEST_TMP/同意${RLO}fdp.exe"
cp "$PDF" "$DOC"
step1 STAFF1 "$KANA" 1936-07-08 male 'ファイル 名'
is "$HTTP_STATUS" 200 'consent: step 1'
step2 STAFF1 "$KANA" 1936-07-08 male 'ファイル 名' "$DOC"
is "$HTTP_STATUS" 303 'consent: registered with a document named 同意<RLO>fdp.exe'
PID=$(printf '%s' "$HTTP_LOCATION" | sed -n 's|^/patients/\([0-9]*\)?n=created$|\1|p')
is "$(psql_owner "SELECT doc_name FROM renrakucho.consent WHERE patient_id = ${PID:-0}")" \
    '同意fdp.exe.pdf' 'consent: stored as 同意fdp.exe.pdf'
http_get STAFF1 "/patients/$PID/consent-document"
is "$HTTP_STATUS" 200 'consent: downloaded'
is "$(header Content-Disposition)" \
    "attachment; filename=\"download.pdf\"; filename*=UTF-8''%E5%90%8C%E6%84%8Ffdp.exe.pdf" \
    'consent: attachment, 同意fdp.exe.pdf'
is "$(header X-Content-Type-Options)" nosniff 'consent: nosniff'

# A consent row stored before the cleaner.
psql_owner "UPDATE renrakucho.consent SET doc_name = U&'\\540C\\610F\\202Efdp.exe' WHERE patient_id = $PID" \
    > /dev/null || bail 'old consent name'
http_get STAFF1 "/patients/$PID"
like "$(cat "$HTTP_BODY")" '同意fdp.exe.pdf' 'old consent row: the patient page shows the cleaned name'
unlike "$(cat "$HTTP_BODY")" "$RLO" 'old consent row: no override on the patient page'
http_get STAFF1 "/patients/$PID/consent-document"
is "$(header Content-Disposition)" \
    "attachment; filename=\"download.pdf\"; filename*=UTF-8''%E5%90%8C%E6%84%8Ffdp.exe.pdf" \
    'old consent row: served as 同意fdp.exe.pdf'

done_testing
