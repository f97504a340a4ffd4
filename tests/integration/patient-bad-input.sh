#!/bin/bash
# Refused input: outside the service area, impossible dates, non-kana,
# an HTML file renamed .pdf, an upload over 10 MiB, no CSRF token, and
# non-members changing ids in the URL.
. "$(dirname "$0")/team-home.sh"

login_home STAFF1
KANA=$(rand_kana)
step1 STAFF1 "$KANA" 1940-01-01 male '市外 住民' 32201
is "$HTTP_STATUS" 422 'bad: outside the service area refused'
like "$(cat "$HTTP_BODY")" "${MUNI_NAME}の住民である必要があります" 'bad: the page explains the residents-only rule'
like "$(cat "$HTTP_BODY")" 'value="市外 住民"' 'bad: the other input is kept'
n=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'patient.lookup' AND outcome = 'denied' AND login = '$STAFF1_LOGIN'")
ok 'bad: the refused lookup is audited' test "$n" -ge 1

step1 STAFF1 "$KANA" "$(date -d "+1 year" +%F)" male
is "$HTTP_STATUS" 422 'bad: future birth date'
like "$(cat "$HTTP_BODY")" '未来の日付' 'bad: future birth date explained'
step1 STAFF1 "$KANA" 1935-02-30 male
is "$HTTP_STATUS" 422 'bad: impossible birth date'
step1 STAFF1 'Yamada' 1935-02-03 male
is "$HTTP_STATUS" 422 'bad: non-kana フリガナ'
like "$(cat "$HTTP_BODY")" 'ひらがなかカタカナ' 'bad: non-kana explained'
http_post STAFF1 /patients/new --data-urlencode "csrf=$SCSRF" \
    --data-urlencode "name=x" --data-urlencode "kana=$KANA" \
    --data-urlencode birth_mode=wareki --data-urlencode era=showa \
    --data-urlencode era_year=64 --data-urlencode birth_month=1 \
    --data-urlencode birth_day=8 --data-urlencode sex=male \
    --data-urlencode "muni_code=$MUNI_CODE" --data-urlencode "muni_name=$MUNI_NAME" \
    --data-urlencode "address=${MUNI_NAME}1"
is "$HTTP_STATUS" 422 'bad: 昭和64年1月8日 does not exist'
like "$(cat "$HTTP_BODY")" 'その元号にない日付' 'bad: the era boundary is explained'

printf '<html><script>alert(1)</script></html>' > "$TEST_TMP/evil.pdf"
step2 STAFF1 "$KANA" 1940-01-01 male '偽 文書' "$TEST_TMP/evil.pdf"
is "$HTTP_STATUS" 422 'bad: an HTML file renamed .pdf is refused'
like "$(cat "$HTTP_BODY")" 'PDF・JPEG・PNG' 'bad: the upload rule is explained'
like "$(cat "$HTTP_BODY")" 'value="偽 文書"' 'bad: the other input is kept'
n=$(psql_owner "SELECT count(*) FROM renrakucho.patient WHERE kana_key = renrakucho.kana_key('$KANA')")
is "$n" 0 'bad: nothing stored'

head -c $((10 * 1024 * 1024 + 1)) /dev/zero > "$TEST_TMP/big.pdf"
step2 STAFF1 "$KANA" 1940-01-01 male '大きい' "$TEST_TMP/big.pdf"
like "$HTTP_STATUS" '^(413|422)$' 'bad: 10 MiB + 1 byte refused'
head -c $((12 * 1024 * 1024)) /dev/zero > "$TEST_TMP/huge.pdf"
step2 STAFF1 "$KANA" 1940-01-01 male '大きい' "$TEST_TMP/huge.pdf"
is "$HTTP_STATUS" 413 'bad: a 12 MiB upload gets 413'

http_post STAFF1 /patients/new/consent -H 'Content-Type: multipart/form-data; boundary=XX' \
    --data-binary $'--XX\r\nContent-Disposition: form-data; name="name"\r\n\r\n切れた'
is "$HTTP_STATUS" 400 'bad: a multipart body cut short gets 400'

SAVED=$SCSRF
SCSRF=
step2 STAFF1 "$KANA" 1940-01-01 male 'CSRF' "$PDF"
is "$HTTP_STATUS" 403 'bad: registration without the CSRF token is refused'
SCSRF=$SAVED
n=$(psql_owner "SELECT count(*) FROM renrakucho.patient WHERE kana_key = renrakucho.kana_key('$KANA')")
is "$n" 0 'bad: still nothing stored'

# Non-members: 404 everywhere, whether the id exists or not.
pv0=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'patient.view' AND outcome = 'denied' AND object_id = '$PATIENT_ID' AND login = '$OUTSIDE_LOGIN' AND patient_id IS NULL")
for who in STAFF2 OUTSIDE; do
	login_home $who
	for path in "/patients/$PATIENT_ID" "/patients/$PATIENT_ID/consent-document" \
	    "/teams/$TEAM_ID/join-requests" /patients/999999999 /teams/999999999/join-requests; do
		http_get $who "$path"
		is "$HTTP_STATUS" 404 "bad: $who GET $path -> 404"
		unlike "$(cat "$HTTP_BODY")" 'デモ|太郎' "bad: $who GET $path says nothing of the patient"
	done
	http_post $who "/patients/$PATIENT_ID/leave" --data-urlencode "csrf=$SCSRF"
	is "$HTTP_STATUS" 404 "bad: $who POST leave of another team -> 404"
done
is "$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'patient.view' AND outcome = 'denied' AND object_id = '$PATIENT_ID' AND login = '$OUTSIDE_LOGIN' AND patient_id IS NULL")" \
    $((pv0 + 1)) 'bad: the refused view is exactly one audit event, without patient_id'
done_testing
