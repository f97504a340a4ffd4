#!/bin/bash
# The portal pickup's limits, each at its boundary: 4 wrong passwords and
# the right one still works, the 5th locks the pickup for good (bundle
# dropped, certificate revoked, the right password refused after); 20
# failures from one address within the hour refuse the address (the right
# number and password too), failures older than an hour do not count;
# a pickup made by the app expires 72 hours after it was issued, and an
# expired one is refused (410) and voided.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"

TAG=$(date +%s)$$
LOGIN="plim-$TAG"
PW=$(new_password Plim)
printf '%s\n' "$PW" | $ADMIN account add --own-password --facility "$INSIDE_FACILITY_ID" --login "$LOGIN" \
    --name '受取制限 試験' --email "$LOGIN@example.jp" > /dev/null || bail 'account add'
ADDR=127.0.0.1

# mkpickup NAME: a device certificate of the account and a pending pickup
# of it whose password is $PW (the account's own PBKDF2 hash, the same
# function); prints the pickup's number.
n_pickup=0
mkpickup() {
	local number serial
	n_pickup=$((n_pickup + 1))
	$ADMIN cert issue --login "$LOGIN" --label "制限 $1 $TAG" --p12 "$TEST_TMP/$1.p12" \
	    --pem "$TEST_TMP/$1.pem" > /dev/null || bail "cert issue $1"
	serial=$(openssl x509 -in "$TEST_TMP/$1.pem" -noout -serial | sed 's/^serial=//')
	number=$(printf '%06d%06d' "$((TAG % 1000000))" "$((RANDOM * 10 + n_pickup))" | cut -c1-12)
	psql_owner "INSERT INTO renrakucho.pickup (number, password_hash, serial, facility_id, p12)
	    SELECT '$number', a.password_hash, d.serial, a.facility_id,
	        decode('$(xxd -p "$TEST_TMP/$1.p12" | tr -d '\n')', 'hex')
	    FROM renrakucho.account a, renrakucho.device_cert d
	    WHERE a.login = '$LOGIN' AND lower(d.serial) = lower('$serial')" > /dev/null ||
	    bail "pickup $1"
	echo "$number"
}
pickup() {	# pickup NUMBER PASSWORD
	_http NONE POST "$PORTAL_URL/certificate-pickup" --data-urlencode "pickup_no=$1" \
	    --data-urlencode "pickup_password=$2"
}
col() { psql_owner "SELECT $2 FROM renrakucho.pickup WHERE number = '$1'"; }
reset_addr() { psql_owner "DELETE FROM renrakucho.pickup_failure WHERE remote_addr = '$ADDR'" > /dev/null; }

# --- per pickup: 5 wrong passwords --------------------------------------------
reset_addr
A=$(mkpickup a)
for i in 1 2 3 4; do
	pickup "$A" "wrong-$i"
	[ "$HTTP_STATUS" = 403 ] || fail "wrong password $i: $HTTP_STATUS"
done
is "$(col "$A" "fails || ' ' || (locked_at IS NULL)")" '4 true' '4 wrong passwords: counted, not locked'
pickup "$A" "$PW"
is "$HTTP_STATUS" 200 'after 4 wrong passwords the right one still works'
like "$(header Content-Type)" '^application/x-pkcs12' 'and hands out the bundle'

B=$(mkpickup b)
for i in 1 2 3 4 5; do
	pickup "$B" "wrong-$i"
done
is "$HTTP_STATUS" 403 'the 5th wrong password is answered as a wrong password'
is "$(col "$B" "fails || ' ' || (locked_at IS NOT NULL) || ' ' || (p12 IS NULL)")" '5 true true' \
    'the 5th locks the pickup and drops its bundle'
SERIAL_B=$(col "$B" serial)
is "$(psql_owner "SELECT revoked_at IS NOT NULL FROM renrakucho.device_cert WHERE serial = '$SERIAL_B'")" t \
    'the locked pickup'"'"'s certificate is revoked'
pickup "$B" "$PW"
is "$HTTP_STATUS" 429 'bad: the right password after the lock is refused'
like "$(cat "$HTTP_BODY")" 'パスワードの誤りが続いたため、取得できなくなっています' 'with the lock'"'"'s message'
is "$(col "$B" fails)" 5 'a locked pickup is not tried: its count stays'

# --- per address: 20 failures an hour -----------------------------------------
reset_addr
C=$(mkpickup c)
psql_owner "INSERT INTO renrakucho.pickup_failure (remote_addr, at)
    SELECT '$ADDR', now() - interval '61 minutes' FROM generate_series(1, 40)" > /dev/null
pickup "$C" "$PW"
is "$HTTP_STATUS" 200 '40 failures older than an hour do not count'
reset_addr
C=$(mkpickup c2)
psql_owner "INSERT INTO renrakucho.pickup_failure (remote_addr, at)
    SELECT '$ADDR', now() - interval '58 minutes' FROM generate_series(1, 18)" > /dev/null
pickup 0000-0000-0000 "$PW"
is "$HTTP_STATUS" 403 'the 19th failure of the hour is answered as a wrong number'
pickup "$C" 'wrong'
is "$HTTP_STATUS" 403 'the 20th failure of the hour is still tried'
is "$(psql_owner "SELECT count(*) FROM renrakucho.pickup_failure WHERE remote_addr = '$ADDR'
    AND at > now() - interval '1 hour'")" 20 'twenty failures counted for the address'
pickup "$C" "$PW"
is "$HTTP_STATUS" 429 'bad: with 20 failures in the hour the right number and password are refused'
is "$(col "$C" "fails || ' ' || (p12 IS NOT NULL)")" '1 true' 'the refused attempt did not touch the pickup'
psql_owner "UPDATE renrakucho.pickup_failure SET at = at - interval '3 minutes'
    WHERE remote_addr = '$ADDR'" > /dev/null
pickup "$C" "$PW"
is "$HTTP_STATUS" 200 'once 18 of them are older than an hour, the address may try again'

# --- 72 hours -------------------------------------------------------------------
$ADMIN cert issue --login "$LOGIN" --label "制限 web $TAG" --p12 "$TEST_TMP/me.p12" \
    --pem "$TEST_TMP/me.pem" > /dev/null || bail 'cert issue me'
ME_PEM=$TEST_TMP/me.pem ME_LOGIN=$LOGIN ME_PASSWORD=$PW
login_ok ME
http_post ME /profile/certificates --data-urlencode "csrf=$(csrf_of ME /profile)" \
    --data-urlencode "label=期限 $TAG" --data-urlencode "current_password=$PW"
is "$HTTP_STATUS" 200 'a certificate issued in My Profile'
is "$(psql_owner "SELECT extract(epoch FROM expires_at - created_at)::int FROM renrakucho.pickup
    WHERE created_by = $(account_id "$LOGIN")")" $((72 * 3600)) 'its pickup expires 72 hours after it was issued'
reset_addr
D=$(mkpickup d)
psql_owner "UPDATE renrakucho.pickup SET created_at = now() - interval '71 hours 59 minutes',
    expires_at = now() + interval '1 minute' WHERE number = '$D'" > /dev/null
pickup "$D" "$PW"
is "$HTTP_STATUS" 200 'a minute before it expires the pickup works'
E=$(mkpickup e)
psql_owner "UPDATE renrakucho.pickup SET created_at = now() - interval '72 hours 1 second',
    expires_at = now() - interval '1 second' WHERE number = '$E'" > /dev/null
pickup "$E" "$PW"
is "$HTTP_STATUS" 410 'bad: a second after it expired the pickup is refused'
like "$(cat "$HTTP_BODY")" '証明書の取得期限（発行から72時間）が過ぎたか' 'with the expiry message'
SERIAL_E=$(col "$E" serial)
is "$(col "$E" "p12 IS NULL")" t 'the expired bundle is dropped'
is "$(psql_owner "SELECT revoked_at IS NOT NULL FROM renrakucho.device_cert WHERE serial = '$SERIAL_E'")" t \
    'and its certificate revoked'
reset_addr
done_testing
