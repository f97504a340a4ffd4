#!/bin/bash
# Registration in two steps with a PDF: rows, document SHA-256, audit,
# the patient page, the download, 和暦 = 西暦, and escaping.
. "$(dirname "$0")/team-home.sh"

login_home STAFF1
http_get STAFF1 /patients/new
is "$HTTP_STATUS" 200 'step 1 form opens'
like "$(cat "$HTTP_BODY")" 'name="muni_code" id="muni_code" value="'"$MUNI_CODE"'"' 'the service area is prefilled'

KANA=$(rand_kana)
NAME='<script>alert(1)</script>出雲 花'
step1 STAFF1 "$KANA" 1935-03-04 female "$NAME"
is "$HTTP_STATUS" 200 'step 1: not registered -> step 2'
like "$(cat "$HTTP_BODY")" '昭和10年3月4日 \(1935年3月4日\)' 'step 2 shows the birth date in both calendars'
like "$(cat "$HTTP_BODY")" '&lt;script&gt;alert\(1\)' 'the name comes back escaped'
unlike "$(cat "$HTTP_BODY")" '<script>alert' 'no raw script tag'
like "$(cat "$HTTP_BODY")" 'enctype="multipart/form-data"' 'step 2 is a multipart form'

step2 STAFF1 "$KANA" 1935-03-04 female "$NAME" "$PDF"
is "$HTTP_STATUS" 303 'step 2: registered, redirect'
PID=$(printf '%s' "$HTTP_LOCATION" | sed -n 's|^/patients/\([0-9]*\)?n=created$|\1|p')
ok 'redirect to the new patient page' test -n "$PID"

row=$(psql_owner "SELECT p.kana_key = renrakucho.kana_key('$KANA'), c.doc_type, c.doc_size, c.doc_sha256, encode(sha256(c.doc), 'hex'), m.role FROM renrakucho.patient p JOIN renrakucho.consent c ON c.patient_id = p.id JOIN renrakucho.team t ON t.patient_id = p.id JOIN renrakucho.team_member m ON m.team_id = t.id WHERE p.id = $PID")
want_sha=$(sha256sum "$PDF" | cut -d' ' -f1)
is "$row" "t|application/pdf|$(stat -c %s "$PDF")|$want_sha|$want_sha|lead" 'patient, consent (sniffed type, size, SHA-256), team, me as lead'
n=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'patient.create' AND patient_id = $PID AND outcome = 'success'")
is "$n" 1 'registration is an audit event'
n=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'patient.lookup' AND detail = 'not found' AND login = '$STAFF1_LOGIN' AND at > now() - interval '5 minutes'")
ok 'the lookup is an audit event (not found)' test "$n" -ge 1
n=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'patient.lookup' AND detail LIKE '%出雲%'")
is "$n" 0 'lookup audit details never name a patient'

http_get STAFF1 "/patients/$PID?n=created"
is "$HTTP_STATUS" 200 'patient page for the lead'
body=$(cat "$HTTP_BODY")
like "$body" '&lt;script&gt;alert\(1\)&lt;/script&gt;出雲 花' 'patient name escaped on the patient page'
like "$body" '昭和10年3月4日 \(1935年3月4日\)' 'patient page: 和暦 and 西暦'
like "$body" "/patients/$PID/consent-document" 'link to the consent document'
like "$body" '/teams/[0-9]+/messages' 'link to the team messages'
like "$body" '担当者' 'team members with roles'
n=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'patient.view' AND patient_id = $PID AND outcome = 'success'")
is "$n" 1 'the view is an audit event'

http_get STAFF1 "/patients/$PID/consent-document"
is "$HTTP_STATUS" 200 'consent document download'
ok 'the document comes back byte for byte' cmp -s "$HTTP_BODY" "$PDF"
like "$(header Content-Disposition)" '^attachment' 'Content-Disposition: attachment'
is "$(header Content-Type)" application/pdf 'stored type'
is "$(header X-Content-Type-Options)" nosniff 'nosniff'
like "$(header Cache-Control)" 'no-store' 'no-store'

# 和暦 for the same person: found, and I am a member.
http_post STAFF1 /patients/new --data-urlencode "csrf=$SCSRF" \
    --data-urlencode "name=x" --data-urlencode "kana=$KANA" \
    --data-urlencode birth_mode=wareki --data-urlencode era=showa \
    --data-urlencode era_year=10 --data-urlencode birth_month=3 \
    --data-urlencode birth_day=4 --data-urlencode sex=female \
    --data-urlencode "muni_code=$MUNI_CODE" --data-urlencode "muni_name=$MUNI_NAME" \
    --data-urlencode "address=${MUNI_NAME}1"
is "$HTTP_STATUS" 200 '和暦 lookup answers'
like "$(cat "$HTTP_BODY")" "href=\"/patients/$PID\"" '昭和10年3月4日 finds the 1935-03-04 registration (member: link to the page)'

http_get STAFF1 /home
like "$(cat "$HTTP_BODY")" "href=\"/patients/$PID\"" '/home lists the new team'
done_testing
