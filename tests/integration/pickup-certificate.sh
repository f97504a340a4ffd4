#!/bin/bash
# A device certificate issued in My Profile: the pickup number on screen,
# the pickup password by mail, the portal pickup (wrong password counted,
# foreign Origin refused, single use), the PKCS#12 logs in over mTLS, and
# revoking it refuses the device at once (before any CRL update).
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"

TAG=$(date +%s)$$
LOGIN="pick-$TAG"
PW=$(new_password Pw)
printf '%s\n' "$PW" | $ADMIN account add --own-password --facility "$INSIDE_FACILITY_ID" --login "$LOGIN" \
    --name '受取 試験' --email "$LOGIN@example.jp" > /dev/null || bail 'account add'
$ADMIN cert issue --login "$LOGIN" --label "first $LOGIN" --p12 "$TEST_TMP/me.p12" \
    --pem "$TEST_TMP/me.pem" > /dev/null || bail 'cert issue'
ME_PEM=$TEST_TMP/me.pem
# The throwaway account logs in on ME's device, and later on NEW's (the
# certificate picked up).
ME_LOGIN=$LOGIN ME_PASSWORD=$PW NEW_LOGIN=$LOGIN NEW_PASSWORD=$PW
ME_ID=$(account_id "$LOGIN")
pickup() {	# pickup NUMBER PASSWORD [CURL-ARGS...]
	local no=$1 pw=$2
	shift 2
	_http NONE POST "$PORTAL_URL/certificate-pickup" --data-urlencode "pickup_no=$no" \
	    --data-urlencode "pickup_password=$pw" "$@"
}

login ME
is "$HTTP_STATUS" 303 'logged in'
http_get ME /profile
CSRF=$(input_value csrf)
http_post ME /profile/certificates --data-urlencode "csrf=$CSRF" --data-urlencode 'label='
is "$HTTP_STATUS" 422 'bad: a label is required'
before=$(psql_owner "SELECT count(*) FROM renrakucho.device_cert WHERE issued_by = $ME_ID")
is "$before" 0 'bad: nothing issued without a label'

http_post ME /profile/certificates --data-urlencode "csrf=$CSRF" --data-urlencode 'label=新しいタブレット' \
    --data-urlencode "current_password=$PW"
is "$HTTP_STATUS" 200 'certificate issued'
NUMBER=$(grep -o '[0-9]\{4\}-[0-9]\{4\}-[0-9]\{4\}' "$HTTP_BODY" | head -n 1)
like "$NUMBER" '^[0-9]{4}-[0-9]{4}-[0-9]{4}$' 'pickup number shown on the page'
PICKUP_ID=$(psql_owner "SELECT max(id) FROM renrakucho.pickup WHERE created_by = $ME_ID")
SERIAL=$(psql_owner "SELECT serial FROM renrakucho.pickup WHERE id = $PICKUP_ID")
is "$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'certificate.issue' AND object_id = '$SERIAL'")" 1 'issue audited'

# --- the mail ----------------------------------------------------------------
$ADMIN mail deliver > /dev/null || fail 'mail deliver failed'
mailfile=$(grep -l "^To: $LOGIN@example.jp" "$MAIL_DIR"/*.eml | tail -n 1)
ok 'a mail to the account' test -n "$mailfile"
text=$(python3 -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(m.get_payload(decode=True).decode())' "$mailfile")
PICKPW=$(printf '%s\n' "$text" | sed -n 's/^証明書取得用パスワード：//p')
like "$PICKPW" '^[2-9A-Za-z]{20}$' 'the mail holds the pickup password'
like "$text" "$PORTAL_URL/certificate/" 'the mail links to the portal pickup page'
unlike "$text" "$NUMBER|患者|生年月日" 'the mail holds neither the number nor patient data'
like "$text" '証明書取得用Noは、発行した画面に表示されています（メールではお送りしません）' 'the mail says the number is on the issuing screen, not mailed'
like "$(grep '^Subject:' "$mailfile")" '=\?UTF-8\?B\?' 'subject RFC 2047 encoded'

# --- the portal --------------------------------------------------------------
pickup "$NUMBER" 'wrong-password'
is "$HTTP_STATUS" 403 'bad: wrong pickup password refused'
like "$(cat "$HTTP_BODY")" '証明書取得用Noまたはパスワードが違います' 'bad: one message for number and password'
is "$(psql_owner "SELECT fails FROM renrakucho.pickup WHERE id = $PICKUP_ID")" 1 'bad: the wrong password is counted'
pickup 0000-0000-0000 "$PICKPW"
is "$HTTP_STATUS" 403 'bad: unknown number refused the same way'
pickup "$NUMBER" "$PICKPW" -H 'Origin: https://evil.example'
is "$HTTP_STATUS" 403 'bad: POST from a foreign origin refused'
is "$(psql_owner "SELECT fetched_at IS NULL FROM renrakucho.pickup WHERE id = $PICKUP_ID")" t 'bad: nothing handed out to a foreign origin'

pickup "$NUMBER" "$PICKPW" -H "Origin: $PORTAL_URL"
is "$HTTP_STATUS" 200 'right number and password: the bundle'
like "$(header Content-Type)" '^application/x-pkcs12' 'served as PKCS#12'
cp "$HTTP_BODY" "$TEST_TMP/new.p12"
ok 'openssl opens the PKCS#12 with the pickup password' \
    openssl pkcs12 -in "$TEST_TMP/new.p12" -passin "pass:$PICKPW" -nodes -out "$TEST_TMP/new.pem"
is "$(psql_owner "SELECT p12 IS NULL AND fetched_at IS NOT NULL FROM renrakucho.pickup WHERE id = $PICKUP_ID")" t 'bundle deleted after the fetch'
pickup "$NUMBER" "$PICKPW"
is "$HTTP_STATUS" 410 'bad: second fetch refused'
n=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'pickup'
    AND outcome = 'success' AND cert_serial = '$SERIAL'")
is "$n" 1 'pickup audited'

# --- the new certificate logs in ----------------------------------------------
NEW_PEM=$TEST_TMP/new.pem
login NEW
is "$HTTP_STATUS" 303 'the picked-up certificate logs in over mTLS'
http_get NEW /home
is "$HTTP_STATUS" 200 'and opens the home page'

# --- revoke -------------------------------------------------------------------
http_post ME "/profile/certificates/$PICKUP_ID/revoke" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS" 303 'revoked the picked-up device'
http_get NEW /home
is "$HTTP_STATUS" 403 'bad: the revoked device is refused at once (before the CRL)'
is "$(psql_owner "SELECT count(*) FROM renrakucho.session WHERE cert_serial = '$SERIAL' AND ended_at IS NULL")" 0 'its sessions ended'
http_post ME "/profile/certificates/$PICKUP_ID/revoke" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS" 409 'bad: revoking twice says so'

# --- direct download: only a replacement of this device's certificate ---------
http_get ME /profile
CSRF=$(input_value csrf)
http_post ME /profile/certificates --data-urlencode "csrf=$CSRF" --data-urlencode 'label=別の端末用' \
    --data-urlencode "current_password=$PW"
is "$HTTP_STATUS" 200 'a certificate for another device'
unlike "$(cat "$HTTP_BODY")" '/download' 'bad: no direct download offered for another device'
P2=$(psql_owner "SELECT max(id) FROM renrakucho.pickup WHERE created_by = $ME_ID")
http_post ME "/profile/pickups/$P2/download" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS" 404 'bad: a new device cannot be downloaded on the issuing device'
is "$(psql_owner "SELECT p12 IS NOT NULL FROM renrakucho.pickup WHERE id = $P2")" t 'bad: its bundle still waits for the portal'
ME_SERIAL=$(openssl x509 -in "$ME_PEM" -noout -serial | sed 's/serial=//')
http_post ME /profile/certificates --data-urlencode "csrf=$CSRF" --data-urlencode 'label=この端末用' \
    --data-urlencode replace=1 --data-urlencode "current_password=$PW"
is "$HTTP_STATUS" 200 'a replacement of the certificate of this device'
like "$(cat "$HTTP_BODY")" 'この端末の証明書を置き換える' 'the replacement offers the direct download'
P3=$(psql_owner "SELECT max(id) FROM renrakucho.pickup WHERE created_by = $ME_ID")
is "$(psql_owner "SELECT replaces FROM renrakucho.pickup WHERE id = $P3")" "$ME_SERIAL" 'the pickup names the certificate it replaces'
http_post ME "/profile/pickups/$P3/download" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS" 200 'direct download on this device'
like "$(header Content-Disposition)" 'attachment' 'as an attachment'
is "$(psql_owner "SELECT (revoked_at IS NOT NULL) || '|' || revoke_reason FROM renrakucho.device_cert WHERE serial = '$ME_SERIAL'")" 'true|replaced' \
    'the replaced certificate is revoked'
http_get ME /home
is "$HTTP_STATUS" 403 'bad: the replaced certificate is refused at once'

done_testing
