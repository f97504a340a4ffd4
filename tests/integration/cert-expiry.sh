#!/bin/bash
# Certificates that expire: `renrakucho-admin cert expiry-notice` (the
# daily timer, as the jobs' role) mails the account that issued each live
# certificate and its facility's representative address 30 and 7 days
# before its expiry, each notice once however often it runs (a
# certificate first seen within 7 days gets only the 7-day one); not a
# revoked or expired certificate, one of a deleted account, or one 31
# days out; a placeholder address's mail goes to the representative
# address once.  Every run is one audit event with its counts.  /home
# shows a banner linking to the replacement in My Profile when the
# certificate the device presents expires within 30 days: the banner
# reads device_cert.not_after, so the test moves that date in the
# database for the certificate nginx is shown (the signer's certificate
# itself stays valid for a year).  Runs with demo.env sourced.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"

U=$(date +%s%N | tail -c 9)
q() { psql_owner "$1"; }
SUBJ="$(subject '端末の証明書の有効期限のお知らせ')"

# A facility of its own, so that its representative address counts only
# this test's mails.
REP="exp-rep$U@example.jp"
F=$($ADMIN facility add --name "期限試験事業所$U" --municipality-code 32203 \
    --municipality 島根県出雲市 --email "$REP" | tail -n 1)
[ -n "$F" ] || bail 'facility add'
LOGIN="exp$U"
PW=$(new_password Expiry)
printf '%s\n' "$PW" | $ADMIN account add --own-password --facility "$F" --login "$LOGIN" \
    --name "期限 試験$U" --email "$LOGIN@example.jp" > /dev/null || bail 'account add'
ME_ID=$(account_id "$LOGIN")
printf '%s\n' "$(new_password Expiry)" | $ADMIN account add --facility "$F" --login "exq$U" \
    --name "転送 試験$U" --placeholder > /dev/null || bail 'account add --placeholder'
PH_ID=$(account_id "exq$U")
printf '%s\n' "$(new_password Expiry)" | $ADMIN account add --facility "$F" --login "exd$U" \
    --name "退職 試験$U" --email "exd$U@example.jp" > /dev/null || bail 'account add (to delete)'
GONE_ID=$(account_id "exd$U")
[ -n "$ME_ID" ] && [ -n "$PH_ID" ] && [ -n "$GONE_ID" ] || bail 'the accounts'

# cert SERIAL ACCOUNT_ID NOT_AFTER [REVOKED_AT]: a certificate of the
# facility issued by the account, as My Profile records one.
cert() {
	q "INSERT INTO renrakucho.device_cert (serial, sha256, facility_id, issued_by, label,
	    not_after, revoked_at) VALUES ('$1', encode(sha256('$1'::bytea), 'hex'), $F, $2,
	    '端末$1', $3, ${4:-NULL})" > /dev/null || bail "cert $1"
}
T0=$(q "SELECT now()")
mails() {	# mails TO: notices queued to TO since the test began
	q "SELECT count(*) FROM renrakucho.mail_outbox WHERE to_addr = '$1'
	    AND subject = '$SUBJ' AND created_at >= '$T0'"
}
notices() {	# notices: the facility's notice rows, "SERIAL:DAYS:MAILS" by serial
	q "SELECT coalesce(string_agg(n.serial || ':' || n.days || ':' || n.mails, ' '
	    ORDER BY n.serial, n.days DESC), '') FROM renrakucho.cert_expiry_notice n
	    JOIN renrakucho.device_cert d ON d.serial = n.serial WHERE d.facility_id = $F"
}
events() { q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'cli.cert.expiry_notice'"; }
last_event() {
	q "SELECT concat_ws('|', login LIKE 'cli:_%', object_type, coalesce(object_id, '-'),
	    coalesce(account_id::text, '-'), outcome, detail) FROM renrakucho.audit_event
	    WHERE action = 'cli.cert.expiry_notice' ORDER BY id DESC LIMIT 1"
}
# run NAME EXPECTED: one run prints EXPECTED, exit 0, and writes one
# event with it as the detail.
run() {
	local before out rc
	before=$(events)
	out=$($ADMIN cert expiry-notice 2>&1)
	rc=$?
	is "$rc:$out" "0:$2" "$1: prints '$2'"
	is "$(events)" "$((before + 1))" "$1: one audit event"
	is "$(last_event)" "t|device_cert|-|-|success|$2" "$1: by cli:<user>, on device_cert, its counts as the detail"
}

# What is due elsewhere in the test database goes first, so that the
# counts below are this test's alone.
out=$($ADMIN cert expiry-notice 2>&1)
like "$?:$out" '^0:[0-9]+ at 30 days, [0-9]+ at 7 days, [0-9]+ mails queued$' \
    'cert expiry-notice runs (as the jobs'"'"' role) and prints its counts'

# --- 30 days ----------------------------------------------------------------
A=E1$U
cert "$A" "$ME_ID" "now() + interval '30 days'"
cert "E2$U" "$ME_ID" "now() + interval '20 days'" 'now()'		# revoked
cert "E3$U" "$ME_ID" "now() + interval '31 days'"			# outside
cert "E4$U" "$ME_ID" "now() - interval '1 day'"			# expired
run '30 days' '1 at 30 days, 0 at 7 days, 2 mails queued'
is "$(mails "$LOGIN@example.jp")" 1 '30 days: the holder is mailed once'
is "$(mails "$REP")" 1 "30 days: the facility's representative address once"
is "$(notices)" "$A:30:2" '30 days: recorded for that certificate alone (not the revoked, expired or 31-day one)'
DAY=$(q "SELECT to_char(not_after AT TIME ZONE 'Asia/Tokyo', 'YYYY\"年\"FMMM\"月\"FMDD\"日\"')
    FROM renrakucho.device_cert WHERE serial = '$A'")
body=$(q "SELECT body FROM renrakucho.mail_outbox WHERE to_addr = '$LOGIN@example.jp'
    AND subject = '$SUBJ' AND created_at >= '$T0'")
like "$body" "端末の証明書「端末$A」の有効期限は $DAY です（あと30日以内）" \
    '30 days: the mail names the device, the day and the notice'
like "$body" '「この端末の証明書を置き換える」' '30 days: and how to replace it'
like "$body" 'https://[^ ]*/login' '30 days: with the link to log in'
body=$(q "SELECT body FROM renrakucho.mail_outbox WHERE to_addr = '$REP'
    AND subject = '$SUBJ' AND created_at >= '$T0'")
like "$body" "発行した人：期限 試験$U、ログインID：$LOGIN" \
    "30 days: the representative's mail names the person"
run 'rerun' '0 at 30 days, 0 at 7 days, 0 mails queued'
is "$(( $(mails "$LOGIN@example.jp") + $(mails "$REP") ))" 2 'rerun: nothing sent twice'

# --- 7 days -----------------------------------------------------------------
q "UPDATE renrakucho.device_cert SET not_after = now() + interval '6 days' WHERE serial = '$A'" > /dev/null
run '6 days' '0 at 30 days, 1 at 7 days, 2 mails queued'
is "$(mails "$LOGIN@example.jp"):$(mails "$REP")" 2:2 '6 days: the holder and the representative address once more'
like "$(q "SELECT body FROM renrakucho.mail_outbox WHERE to_addr = '$LOGIN@example.jp'
    AND subject = '$SUBJ' AND created_at >= '$T0' ORDER BY id DESC LIMIT 1")" '（あと7日以内）' \
    '6 days: the 7-day notice'
run '6 days, rerun' '0 at 30 days, 0 at 7 days, 0 mails queued'
is "$(mails "$LOGIN@example.jp"):$(mails "$REP")" 2:2 '6 days, rerun: nothing sent twice'

# A certificate first seen within 7 days: the 7-day notice alone, then
# nothing (no 30-day notice after it).
B=E5$U
cert "$B" "$ME_ID" "now() + interval '5 days'"
run 'first seen at 5 days' '0 at 30 days, 1 at 7 days, 2 mails queued'
run 'first seen at 5 days, rerun' '0 at 30 days, 0 at 7 days, 0 mails queued'
is "$(notices)" "$A:30:2 $A:7:2 $B:7:2" 'the notices recorded: 30 and 7 days for one, 7 days alone for the other'

# --- a placeholder address, a deleted account --------------------------------
rep0=$(mails "$REP")
cert "E6$U" "$PH_ID" "now() + interval '20 days'"
cert "E7$U" "$GONE_ID" "now() + interval '20 days'"
q "UPDATE renrakucho.account SET deleted_at = now() WHERE id = $GONE_ID" > /dev/null
run 'placeholder and deleted account' '1 at 30 days, 0 at 7 days, 1 mails queued'
is "$(mails "$REP")" "$((rep0 + 1))" "placeholder: one mail, to the representative address"
like "$(q "SELECT body FROM renrakucho.mail_outbox WHERE to_addr = '$REP' AND subject = '$SUBJ'
    AND created_at >= '$T0' ORDER BY id DESC LIMIT 1")" "転送 試験$U 様宛てのお知らせです" \
    'placeholder: saying whom it is for'
is "$(mails "exd$U@example.jp")" 0 "deleted account: no notice"
is "$(q "SELECT count(*) FROM renrakucho.cert_expiry_notice WHERE serial = 'E7$U'")" 0 \
    'deleted account: none recorded'

# --- the jobs' role ---------------------------------------------------------
if [ -n "${JOBS_DSN:-}" ]; then
	out=$(psql "$JOBS_DSN" -X -q -tA -c 'SELECT count(*) FROM cert_expiry_notice' 2>&1)
	like "$out" 'permission denied' "the jobs' role does not read the notices table itself"
	out=$(psql "$JOBS_DSN" -X -q -tA -c "SELECT * FROM cert_expiry_notify('javascript:x', '電子連絡帳')" 2>&1)
	like "$out" 'the login URL must be an http' 'cert_expiry_notify refuses a link that is not http(s)'
	out=$(psql "$JOBS_DSN" -X -q -tA -c "SELECT * FROM cert_expiry_notify('https://x.example/login', E'a\\nb')" 2>&1)
	like "$out" 'the service name must be one line' 'cert_expiry_notify refuses a service name with a line break'
else
	skip "the jobs' role does not read the notices table itself" 'no JOBS_DSN'
	skip 'cert_expiry_notify refuses a link that is not http(s)' 'no JOBS_DSN'
	skip 'cert_expiry_notify refuses a service name with a line break' 'no JOBS_DSN'
fi

# --- the banner on /home ---------------------------------------------------------
# A device certificate nginx accepts (signed by the signer, a year long);
# its expiry as the database records it is what the banner reads.
$ADMIN cert issue --login "$LOGIN" --label "banner $LOGIN" --p12 "$TEST_TMP/me.p12" \
    --pem "$TEST_TMP/me.pem" > /dev/null || bail 'cert issue'
ME_LOGIN=$LOGIN ME_PASSWORD=$PW ME_PEM=$TEST_TMP/me.pem
SER=$(openssl x509 -in "$ME_PEM" -noout -serial | sed 's/serial=//')
ORIG=$(q "SELECT not_after FROM renrakucho.device_cert WHERE serial = '$SER'")
[ -n "$ORIG" ] || bail "no device_cert row for $SER"
expire_in() { q "UPDATE renrakucho.device_cert SET not_after = now() + interval '$1' WHERE serial = '$SER'" > /dev/null; }
day() { q "SELECT to_char(not_after AT TIME ZONE 'Asia/Tokyo', 'YYYY\"年\"FMMM\"月\"FMDD\"日\"') FROM renrakucho.device_cert WHERE serial = '$SER'"; }
banner() { tr -d '\n' < "$HTTP_BODY" | grep -o '<p class="notice notice-warn" role="status">この端末の証明書は[^<]*' ; }
login_ok ME
http_get ME /home
is "$HTTP_STATUS" 200 'home: 200'
is "$(banner)" '' 'home: no banner for a certificate valid for a year'
expire_in '31 days'
http_get ME /home
is "$(banner)" '' 'home: no banner at 31 days'
expire_in '30 days'
http_get ME /home
is "$(banner)" "<p class=\"notice notice-warn\" role=\"status\">この端末の証明書は $(day) に期限が切れます。期限が切れるとこの端末からはログインできなくなるため、" \
    'home: at 30 days the banner names the day, as a status message'
like "$(tr -d '\n' < "$HTTP_BODY")" '<a href="/profile\?replace=1#devices">マイプロファイルで証明書を置き換えてください</a>' \
    'home: it links to the replacement in My Profile'
expire_in '6 days'
http_get ME /home
like "$(banner)" "この端末の証明書は $(day) に期限が切れます" 'home: at 6 days too'
http_get ME '/profile?replace=1'
is "$HTTP_STATUS" 200 'the link opens My Profile'
like "$(grep -o '<input[^>]*name="replace"[^>]*>' "$HTTP_BODY")" 'checked' \
    'with "この端末の証明書を置き換える" ticked'
http_get ME /profile
unlike "$(grep -o '<input[^>]*name="replace"[^>]*>' "$HTTP_BODY")" 'checked' \
    'My Profile without it leaves the box alone'
login_ok STAFF1
http_get STAFF1 /home
is "$(banner)" '' "home: not on another device whose certificate is not expiring"
q "UPDATE renrakucho.device_cert SET not_after = '$ORIG' WHERE serial = '$SER'" > /dev/null
http_get ME /home
is "$(banner)" '' 'home: gone once the expiry is a year away again'

# Nothing of this test is left due for a later run.
q "UPDATE renrakucho.device_cert SET revoked_at = now(), revoke_reason = 'cert-expiry test'
    WHERE facility_id = $F AND revoked_at IS NULL AND serial <> '$SER'" > /dev/null

done_testing
