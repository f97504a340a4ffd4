#!/bin/bash
# Issuing a device certificate in My Profile is a two-factor act: the
# current password is required (a wrong one is audited as a failure and
# issues nothing), an account has at most cert_max_active (5) live
# certificates, the person and the facility's representative address are
# mailed on every issue and every revocation (My Profile, the facility
# administrator's menu, renrakucho-admin), the device list shows each
# certificate's last use, and a new device cannot be downloaded on the
# issuing device.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"

U=$(date +%s%N | tail -c 9)
q() { psql_owner "$1"; }
LOGIN="ci$U"
PW=$(new_password Issue)
printf '%s\n' "$PW" | $ADMIN account add --own-password --facility "$INSIDE_FACILITY_ID" --login "$LOGIN" \
    --name "発行 試験$U" --email "$LOGIN@example.jp" > /dev/null || bail 'account add'
$ADMIN cert issue --login "$LOGIN" --label "first $LOGIN" --p12 "$TEST_TMP/me.p12" \
    --pem "$TEST_TMP/me.pem" > /dev/null || bail 'cert issue'
ME_LOGIN=$LOGIN ME_PASSWORD=$PW ME_PEM=$TEST_TMP/me.pem
ME_ID=$(account_id "$LOGIN")
REP=$(q "SELECT email FROM renrakucho.facility WHERE id = $INSIDE_FACILITY_ID")
ISSUE_SUBJ="$(subject '端末の証明書の発行のお知らせ')"
REVOKE_SUBJ="$(subject '端末の証明書の失効のお知らせ')"
# mails TO SUBJECT: queued mails to TO with SUBJECT since the test began
mails() { q "SELECT count(*) FROM renrakucho.mail_outbox WHERE to_addr = '$1' AND subject = '$2' AND created_at >= '$T0'"; }
issued() { q "SELECT count(*) FROM renrakucho.device_cert WHERE issued_by = $ME_ID"; }
audit() {	# audit OUTCOME: certificate.issue events of ME
	q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'certificate.issue' AND account_id = $ME_ID AND outcome = '$1'"
}
T0=$(q "SELECT now()")

login_ok ME
CSRF=$(csrf_of ME /profile)
like "$(cat "$HTTP_BODY")" '最終使用' 'the device list has a last-use column'

# --- the password --------------------------------------------------------------
fails=$(audit failure)
http_post ME /profile/certificates --data-urlencode "csrf=$CSRF" --data-urlencode 'label=タブレットA'
is "$HTTP_STATUS" 422 'bad: no current password, no certificate'
like "$(cat "$HTTP_BODY")" '証明書を発行するには、現在のパスワードを入力してください。' 'bad: the page asks for the password'
http_post ME /profile/certificates --data-urlencode "csrf=$CSRF" --data-urlencode 'label=タブレットA' \
    --data-urlencode 'current_password=not-my-password'
is "$HTTP_STATUS" 403 'bad: a wrong current password issues nothing'
like "$(cat "$HTTP_BODY")" '現在のパスワードが違います。' 'bad: the page says the password is wrong'
is "$(audit failure)" "$((fails + 1))" 'bad: the wrong password is one failure event'
is "$(q "SELECT object_id || '|' || detail FROM renrakucho.audit_event WHERE action = 'certificate.issue' AND account_id = $ME_ID AND outcome = 'failure' ORDER BY id DESC LIMIT 1")" \
    "$ME_ID|wrong current password" 'bad: on the account, saying why'
is "$(issued)" 0 'bad: nothing was issued'
is "$(mails "$REP" "$ISSUE_SUBJ")" 0 'bad: nobody was told of an issue'

# --- an issue ---------------------------------------------------------------------
succ=$(audit success)
http_post ME /profile/certificates --data-urlencode "csrf=$CSRF" --data-urlencode 'label=タブレットA' \
    --data-urlencode "current_password=$PW"
is "$HTTP_STATUS" 200 'the right password issues the certificate'
body=$(cat "$HTTP_BODY")
like "$body" '証明書取得用No' 'the pickup number is shown'
unlike "$body" '/download' 'a new device: no direct download on this device'
is "$(issued)" 1 'one certificate issued'
SERIAL=$(q "SELECT serial FROM renrakucho.device_cert WHERE issued_by = $ME_ID")
PICKUP=$(q "SELECT id FROM renrakucho.pickup WHERE serial = '$SERIAL'")
is "$(audit success)" "$((succ + 1))" 'the issue is one success event'
is "$(q "SELECT object_id || '|' || detail FROM renrakucho.audit_event WHERE action = 'certificate.issue' AND account_id = $ME_ID AND outcome = 'success'")" \
    "$SERIAL|pickup $PICKUP" 'on the new certificate, naming its pickup'
is "$(mails "$LOGIN@example.jp" "$(subject '証明書取得用パスワードのお知らせ')")" 1 'the person is mailed (the pickup password)'
is "$(mails "$REP" "$ISSUE_SUBJ")" 1 "the facility's representative address is told"
$ADMIN mail deliver > /dev/null
text=
for f in $(grep -l "^To: $REP" "$MAIL_DIR"/* 2>/dev/null); do
	t=$(python3 -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(m.get_payload(decode=True).decode())' "$f")
	case $t in *"発行 試験$U"*) text=$t ;; esac
done
like "$text" "発行 試験$U（ログインID：$LOGIN）が、マイプロファイルで端末の証明書「タブレットA」を発行しました" \
    'the notice names the person and the device'
unlike "$text" '証明書取得用' 'the notice holds neither the number nor the password'
http_post ME "/profile/pickups/$PICKUP/download" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS" 404 'bad: a new device is not downloaded on the issuing device'

# --- the limit ------------------------------------------------------------------
# Four more live certificates (as if issued), then the sixth is refused.
for i in 1 2 3 4; do
	q "INSERT INTO renrakucho.device_cert (serial, sha256, facility_id, issued_by, label, not_after)
	    VALUES ('C1$U$i', encode(sha256('c1$U$i'::bytea), 'hex'), $INSIDE_FACILITY_ID, $ME_ID,
	    'fill $i', now() + interval '1 year')" > /dev/null
done
q "INSERT INTO renrakucho.device_cert (serial, sha256, facility_id, issued_by, label, not_after, revoked_at)
    VALUES ('C2$U', encode(sha256('c2$U'::bytea), 'hex'), $INSIDE_FACILITY_ID, $ME_ID,
    'revoked one', now() + interval '1 year', now())" > /dev/null
q "INSERT INTO renrakucho.device_cert (serial, sha256, facility_id, issued_by, label, not_after)
    VALUES ('C3$U', encode(sha256('c3$U'::bytea), 'hex'), $INSIDE_FACILITY_ID, $ME_ID,
    'expired one', now() - interval '1 day')" > /dev/null
succ=$(audit success)
http_post ME /profile/certificates --data-urlencode "csrf=$CSRF" --data-urlencode 'label=タブレットF' \
    --data-urlencode "current_password=$PW"
is "$HTTP_STATUS" 409 'bad: a sixth live certificate is refused'
like "$(cat "$HTTP_BODY")" '有効な証明書が上限の5枚に達しているため、これ以上発行できません。' 'bad: the page says the limit'
is "$(issued)" 7 'bad: nothing more issued (5 live, 1 revoked, 1 expired)'
is "$(audit success)" "$succ" 'bad: no issue event'
is "$(q "SELECT count(*) FROM renrakucho.cert_issuance WHERE account_id = $ME_ID")" 1 'bad: the signer was not even asked'

# --- revocations are told ------------------------------------------------------------
# In My Profile: the person and the representative address.
http_post ME "/profile/certificates/$PICKUP/revoke" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS" 303 'revoked in My Profile'
is "$(mails "$LOGIN@example.jp" "$REVOKE_SUBJ")" 1 'the person is told of the revocation'
is "$(mails "$REP" "$REVOKE_SUBJ")" 1 'the representative address is told of the revocation'
http_post ME /profile/certificates --data-urlencode "csrf=$CSRF" --data-urlencode 'label=タブレットF' \
    --data-urlencode "current_password=$PW"
is "$HTTP_STATUS" 200 'a revocation makes room for another'
# By the facility administrator and with renrakucho-admin.
login_ok FACILITY_ADMIN
tok=$(csrf_of FACILITY_ADMIN /facility/devices)
http_post FACILITY_ADMIN /facility/devices/revoke --data-urlencode "csrf=$tok" --data-urlencode "serial=C1${U}1"
is "$HTTP_STATUS" 303 "revoked in the facility administrator's menu"
is "$(mails "$REP" "$REVOKE_SUBJ")" 2 'the representative address is told again'
$ADMIN cert revoke --serial "C1${U}2" --reason "lost $U" > /dev/null 2>&1
is "$?" 0 'revoked with renrakucho-admin'
is "$(mails "$REP" "$REVOKE_SUBJ")" 3 'and once more for the CLI'
is "$(mails "$LOGIN@example.jp" "$REVOKE_SUBJ")" 3 'the person each time'

# --- last use ------------------------------------------------------------------------
ME_SERIAL=$(openssl x509 -in "$ME_PEM" -noout -serial | sed 's/serial=//')
is "$(q "SELECT last_used_at IS NOT NULL FROM renrakucho.device_cert WHERE serial = '$ME_SERIAL'")" t \
    'a login records the last use of its certificate'
is "$(q "SELECT last_used_at IS NULL FROM renrakucho.device_cert WHERE serial = '$SERIAL'")" t \
    'a certificate never used has none'
before=$(q "SELECT last_used_at FROM renrakucho.device_cert WHERE serial = '$ME_SERIAL'")
http_get ME /home
is "$(q "SELECT last_used_at FROM renrakucho.device_cert WHERE serial = '$ME_SERIAL'")" "$before" \
    'a request within the session writes nothing'
sleep 1
login_ok ME
isnt "$(q "SELECT last_used_at FROM renrakucho.device_cert WHERE serial = '$ME_SERIAL'")" "$before" \
    'the next login moves it on'
http_get ME /profile
like "$(tr -d '\n' < "$HTTP_BODY")" 'data-label="最終使用">まだありません<' 'the list shows a device never used'

done_testing
