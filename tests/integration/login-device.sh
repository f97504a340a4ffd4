#!/bin/bash
# /login and the device certificate: a device of another facility is
# refused before any password is checked, with the message of a wrong
# password, and counts nothing against the account; parallel wrong
# guesses lock an account at exactly 10; a device certificate's
# failures are limited too (20 in 15 minutes, every login ID alike).
. "$(dirname "$0")/../lib.sh"

[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"
TAG=$(date +%s)$$
# new_account WHO FACILITY: a staff account with its own certificate;
# sets WHO_LOGIN, WHO_PASSWORD, WHO_PEM, WHO_ID, WHO_SERIAL.
new_account() {
	local who=$1 login="ld-$1-$TAG" pw=$(new_password Ld)
	printf '%s\n' "$pw" | $ADMIN account add --own-password --facility "$2" --login "$login" \
	    --name "試験 $1" --email "$login@example.jp" > /dev/null || bail "account add $login"
	new_cert "$who" "$login"
	printf -v "${who}_LOGIN" '%s' "$login"
	printf -v "${who}_PASSWORD" '%s' "$pw"
	printf -v "${who}_ID" '%s' "$(account_id "$login")"
}
new_cert() {	# new_cert WHO LOGIN: one more certificate of LOGIN as WHO_PEM
	$ADMIN cert issue --login "$2" --label "dev $1" --p12 "$TEST_TMP/$1.p12" \
	    --pem "$TEST_TMP/$1.pem" > /dev/null || bail "cert issue $2"
	printf -v "${1}_PEM" '%s' "$TEST_TMP/$1.pem"
	printf -v "${1}_SERIAL" '%s' "$(openssl x509 -in "$TEST_TMP/$1.pem" -noout -serial | sed 's/serial=//')"
}
login_at() {	# login_at ADDR WHO [PASSWORD] (nginx limits per address)
	local who=$2 l=${2}_LOGIN p=${2}_PASSWORD
	forget_cookies "$who"
	http_get "$who" /login --interface "$1"
	http_post "$who" /login --interface "$1" --data-urlencode "login=${!l}" \
	    --data-urlencode "password=${3:-${!p}}" \
	    --data-urlencode "csrf=$(input_value csrf)"
}
q() { psql_owner "$@"; }
ev() {	# ev LOGIN OUTCOME DETAIL [ACCOUNT_ID]
	q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'login' AND login = '$1' AND outcome = '$2' AND detail = '$3'${4:+ AND account_id = $4}"
}
# The page without its per-request token, to compare two refusals.
page() { sed 's/value="[A-Za-z0-9_-]\{43\}"/value=""/g' "$HTTP_BODY"; }

new_account ME "$INSIDE_FACILITY_ID"
new_account THEIRS "$OUTSIDE_FACILITY_ID"

# --- a device of another facility -------------------------------------------
# X: my login ID and password typed on the other facility's device.
X_LOGIN=$ME_LOGIN X_PASSWORD=$ME_PASSWORD X_PEM=$THEIRS_PEM
den=$(ev "$ME_LOGIN" denied 'certificate of another facility' "$ME_ID")
login_at 127.0.0.31 X 'wrong-password-1'
is "$HTTP_STATUS" 403 'another facility: a wrong password is refused'
wrong_page=$(page)
login_at 127.0.0.31 X
is "$HTTP_STATUS" 403 'another facility: the right password is refused'
is "$(page)" "$wrong_page" 'the right and the wrong password get the same page'
like "$(cat "$HTTP_BODY")" 'IDまたはパスワードが違います' 'the message of a wrong password'
unlike "$(cat "$HTTP_BODY")" '証明書では' 'not a word about the certificate'
is "$(ev "$ME_LOGIN" denied 'certificate of another facility' "$ME_ID")" $((den + 2)) \
    'each is one denied event (certificate of another facility) naming the account'
is "$(ev "$ME_LOGIN" failure 'wrong password')" 0 'no password was checked: no wrong-password event'
for i in 3 4 5 6 7 8 9 10 11 12; do login_at 127.0.0.31 X "wrong-password-$i"; done
is "$(q "SELECT count(*) FROM renrakucho.login_failure WHERE account_id = $ME_ID")|$(q "SELECT locked_until IS NULL FROM renrakucho.account WHERE id = $ME_ID")" '0|t' \
    '12 tries from another facility count nothing against the account, lock nothing'
is "$(q "SELECT count(*) FROM renrakucho.login_failure WHERE cert_serial = '$THEIRS_SERIAL' AND account_id IS NULL")" 12 \
    'they count for the device'
login_at 127.0.0.31 ME
is "$HTTP_STATUS" 303 'from my own device I log in'
q "DELETE FROM renrakucho.login_failure WHERE cert_serial = '$THEIRS_SERIAL'" > /dev/null

# --- parallel wrong guesses lock at exactly the limit ------------------------
new_account PAR "$INSIDE_FACILITY_ID"
N=16
for i in $(seq $N); do
	curl -sS --max-time 30 --cacert "$CA_CERT" --cert "$PAR_PEM" \
	    -c "$TEST_TMP/par-$i.jar" -o "$TEST_TMP/par-$i.form" "$APP_URL/login"
	grep -o '<input[^>]*name="csrf"[^>]*>' "$TEST_TMP/par-$i.form" |
	    sed -n 's/.*value="\([^"]*\)".*/\1/p' > "$TEST_TMP/par-$i.csrf"
done
# From two addresses: nginx allows one address 10 connections at once.
for i in $(seq $N); do
	curl -sS --max-time 60 --cacert "$CA_CERT" --cert "$PAR_PEM" \
	    --interface "127.0.0.$((32 + i % 2 * 2))" -b "$TEST_TMP/par-$i.jar" \
	    -o /dev/null -w '%{http_code}\n' \
	    --data-urlencode "login=$PAR_LOGIN" \
	    --data-urlencode "password=parallel-wrong-$i" \
	    --data-urlencode "csrf=$(cat "$TEST_TMP/par-$i.csrf")" \
	    "$APP_URL/login" > "$TEST_TMP/par-$i.status" &
done
wait
is "$(cat "$TEST_TMP"/par-*.status | sort | uniq -c | tr -s ' ' | sed 's/^ //')" "$N 403" \
    "$N parallel wrong passwords: all refused (403)"
is "$(ev "$PAR_LOGIN" failure 'wrong password')" 9 'exactly 9 checked and wrong'
is "$(ev "$PAR_LOGIN" failure 'wrong password; account locked')" 1 'exactly one, the 10th, locks'
is "$(ev "$PAR_LOGIN" denied 'account locked')" $((N - 10)) "the other $((N - 10)) refused as locked, no password checked"
is "$(q "SELECT count(*) FROM renrakucho.login_failure WHERE account_id = $PAR_ID")" 10 '10 failures counted, not more'
is "$(q "SELECT locked_until > now() FROM renrakucho.account WHERE id = $PAR_ID")" t 'the account is locked'

# --- the device's own limit: 20 failures in 15 minutes ------------------------
new_account DEV "$INSIDE_FACILITY_ID"
for i in $(seq 20); do
	# shellcheck disable=SC2034
	NOBODY_LOGIN="ld-nobody-$i-$TAG" NOBODY_PEM=$DEV_PEM NOBODY_PASSWORD=x
	login_at 127.0.0.33 NOBODY
done
is "$HTTP_STATUS" 403 'the 20th failure from the device: an ordinary refusal'
is "$(q "SELECT count(*) FROM renrakucho.login_failure WHERE cert_serial = '$DEV_SERIAL'")" 20 '20 failures of the device counted'
th=$(ev "$DEV_LOGIN" denied 'device throttled' "$DEV_ID")
login_at 127.0.0.33 DEV
is "$HTTP_STATUS" 429 'the 21st attempt from the device, the right password: 429'
like "$(cat "$HTTP_BODY")" 'この端末からのログインの失敗が続いたため' 'the page says why'
is "$(ev "$DEV_LOGIN" denied 'device throttled' "$DEV_ID")" $((th + 1)) 'one denied event (device throttled)'
is "$(q "SELECT count(*) FROM renrakucho.login_failure WHERE account_id = $DEV_ID")" 0 'nothing counted against the account'
new_cert DEV2 "$DEV_LOGIN"
DEV2_LOGIN=$DEV_LOGIN DEV2_PASSWORD=$DEV_PASSWORD
login_at 127.0.0.33 DEV2
is "$HTTP_STATUS" 303 'the same account from another device logs in'
# The oldest failure 15 minutes and a second old: 19 left in the window.
q "UPDATE renrakucho.login_failure SET at = now() - interval '15 minutes 1 second' WHERE id = (SELECT min(id) FROM renrakucho.login_failure WHERE cert_serial = '$DEV_SERIAL')" > /dev/null
login_at 127.0.0.33 DEV
is "$HTTP_STATUS" 303 'with 19 failures in the last 15 minutes the device logs in again'
q "DELETE FROM renrakucho.login_failure WHERE cert_serial = '$DEV_SERIAL'" > /dev/null
done_testing
