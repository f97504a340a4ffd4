#!/bin/bash
# renrakucho-signer: the one holder of the CA key.  PING answers OK; SIGN
# signs only a recorded, unsigned, recent issuance, with its public key,
# and writes the serial back; a SIGN without a row, a second SIGN of the
# same row and an old row are refused with their own ERR text and one
# audit event each; My Profile's issuance goes through it; the CGIs'
# user cannot read the key and nginx's cannot reach the socket; the CRL
# lists a signed certificate left without its device_cert row; and
# `crl update --if-changed` writes (and reloads) only when the revoked
# serials change or nextUpdate nears.  Runs with demo.env sourced.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"

CONF=${ADMIN##*--conf }
SOCK=$(sed -n 's/^signer_socket *= *//p' "$CONF")
KEY=$RUN_DIR/signer/ca/ca.key
[ -S "$SOCK" ] || bail "no signer socket in $CONF"

# req USER LINE: LINE sent to the signer as USER; its whole answer.
req() { signer_req "$SOCK" "$1" "$2"; }
first() { printf '%s\n' "$1" | head -n 1; }
denied() {	# denied: the signer's refused requests so far
	psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'signer.sign' AND outcome = 'denied'"
}
# issuance LABEL PUBFILE: a request recorded as the app role records it;
# prints its id.
issuance() {
	psql_app "INSERT INTO renrakucho.cert_issuance (facility_id, label, public_key, not_after)
	    VALUES ($INSIDE_FACILITY_ID, '$1', '$(cat "$2")', now() + interval '30 days') RETURNING id"
}

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$TEST_TMP/dev.key" 2> /dev/null
openssl pkey -in "$TEST_TMP/dev.key" -pubout -out "$TEST_TMP/dev.pub"

# --- PING, and what is not a request -------------------------------------
is "$(req renrakucho PING)" OK 'PING answers OK'
is "$(req renrakucho 'HELLO')" 'ERR unknown request' 'bad: an unknown request is refused'
is "$(req renrakucho "SIGN $(printf '%0200d' 1)")" 'ERR malformed request' \
    'bad: a request line longer than 128 bytes is refused'
# A client that connects and says nothing is answered after the receive
# timeout (5 s), and the next one is served.
out=$(cd / && timeout 20 runuser -u renrakucho -- python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
t = time.time()
out = s.recv(100).decode()
print("%s|%d" % (out.strip(), time.time() - t))
' "$SOCK")
like "$out" '^ERR malformed request\|[4-9]$' 'bad: a silent client is cut off after the receive timeout'
is "$(req renrakucho PING)" OK 'and the signer serves the next request'

# --- SIGN without a row ----------------------------------------------------
d0=$(denied)
out=$(req renrakucho 'SIGN 999999999')
is "$(first "$out")" 'ERR no such issuance' 'bad: SIGN of no issuance is refused'
is "$(denied)" $((d0 + 1)) 'and audited once'
is "$(psql_owner "SELECT detail || '|' || object_id FROM renrakucho.audit_event WHERE action = 'signer.sign' ORDER BY id DESC LIMIT 1")" \
    'no such issuance|999999999' 'the event names the request and the reason'

# --- SIGN of a recorded issuance, then again ---------------------------------
ID=$(issuance "signer test $$" "$TEST_TMP/dev.pub")
like "$ID" '^[0-9]+$' 'the app role records an issuance'
out=$(req renrakucho "SIGN $ID")
is "$(first "$out")" OK 'SIGN of a recorded issuance answers OK'
printf '%s\n' "$out" | sed 1d > "$TEST_TMP/chain.pem"
openssl x509 -in "$TEST_TMP/chain.pem" -out "$TEST_TMP/dev.crt" 2> /dev/null
ok 'the certificate verifies against the CA' \
    openssl verify -CAfile "$CA_CERT" -purpose sslclient "$TEST_TMP/dev.crt"
is "$(openssl x509 -in "$TEST_TMP/dev.crt" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum)" \
    "$(openssl pkey -pubin -in "$TEST_TMP/dev.pub" -outform DER | sha256sum)" \
    "it is for the recorded public key"
like "$(openssl x509 -in "$TEST_TMP/dev.crt" -noout -subject -nameopt RFC2253,-esc_msb)" \
    "CN=signer test $$,O=出雲中央クリニック" 'subject: the row'"'"'s label and the facility'
SER=$(openssl x509 -in "$TEST_TMP/dev.crt" -noout -serial | sed 's/^serial=//')
SHA=$(openssl x509 -in "$TEST_TMP/dev.crt" -outform DER | sha256sum | cut -d' ' -f1)
is "$(psql_owner "SELECT serial || '|' || sha256 || '|' || (signed_at IS NOT NULL) FROM renrakucho.cert_issuance WHERE id = $ID")" \
    "$SER|$SHA|true" 'the serial and fingerprint are recorded in the row'
d0=$(denied)
out=$(req renrakucho "SIGN $ID")
is "$(first "$out")" 'ERR issuance already signed' 'bad: a second SIGN of the same row is refused'
is "$(denied)" $((d0 + 1)) 'and audited once'
unlike "$out" 'BEGIN CERTIFICATE' 'and no certificate is given'

# --- an old request ----------------------------------------------------------
ID2=$(issuance "signer old $$" "$TEST_TMP/dev.pub")
psql_owner "UPDATE renrakucho.cert_issuance SET requested_at = now() - interval '6 minutes' WHERE id = $ID2" > /dev/null
d0=$(denied)
is "$(first "$(req renrakucho "SIGN $ID2")")" 'ERR issuance too old' 'bad: a request older than 5 minutes is refused'
is "$(denied)" $((d0 + 1)) 'and audited once'
is "$(psql_owner "SELECT signed_at IS NULL FROM renrakucho.cert_issuance WHERE id = $ID2")" t 'it stays unsigned'

# --- the app may not fill in what the signer writes ---------------------------
out=$(psql_app "UPDATE renrakucho.cert_issuance SET signed_at = now() WHERE id = $ID2" 2>&1)
like "$out" 'permission denied' 'bad: the app role cannot mark a request signed'

# --- who reaches what ----------------------------------------------------------
out=$(cd / && runuser -u renrakucho -- cat "$KEY" 2>&1); rc=$?
isnt "$rc" 0 'the CGIs'"'"' user cannot cat the CA key'
unlike "$out" 'PRIVATE KEY' 'and sees nothing of it'
out=$(req www-data PING 2>&1); rc=$?
isnt "$rc" 0 'www-data cannot reach the signer socket'
like "$out" 'Permission denied' 'refused by permissions'
is "$(stat -c '%U:%G %a' "$(dirname "$SOCK")")" 'renrakucho-signer:renrakucho 750' \
    'the socket directory is 0750 renrakucho-signer:renrakucho'
is "$(stat -c '%U %a' "$RUN_DIR/signer/ca")" 'renrakucho-signer 700' 'the CA directory is 0700 renrakucho-signer'
SPID=$(cat "$RUN_DIR/run/signer.pid")
is "$(ps -o user= -p "$SPID" | tr -d ' ')" renrakucho-signer 'the signer runs as renrakucho-signer'

# --- My Profile issues through the signer ---------------------------------------
login STAFF2
is "$HTTP_STATUS" 303 'logged in'
CSRF=$(csrf_of STAFF2 /profile)
http_post STAFF2 /profile/certificates --data-urlencode "csrf=$CSRF" \
    --data-urlencode "label=signer web $$" --data-urlencode "current_password=$STAFF2_PASSWORD"
is "$HTTP_STATUS" 200 'My Profile issues a certificate'
is "$(psql_owner "SELECT count(*) FROM renrakucho.cert_issuance i JOIN renrakucho.device_cert d
    ON d.serial = i.serial AND d.sha256 = i.sha256
    WHERE i.label = 'signer web $$' AND i.account_id = d.issued_by")" 1 \
    'its certificate is the signed issuance of the account'

# --- the CRL ------------------------------------------------------------------------
sed -e "s|^crl_file *=.*|crl_file = $TEST_TMP/crl.pem|" \
    -e "s|^reload_cmd *=.*|reload_cmd = touch $TEST_TMP/reloaded|" "$CONF" > "$TEST_TMP/crl.conf"
CRL="${ADMIN%% --conf *} --conf $TEST_TMP/crl.conf crl update"
crl_serials() { openssl crl -in "$TEST_TMP/crl.pem" -noout -text | sed -n 's/^ *Serial Number: *//p'; }

# The signed certificate above has no device_cert row: once the grace of
# ten minutes has passed, the CRL revokes it.
psql_owner "UPDATE renrakucho.cert_issuance SET signed_at = now() - interval '11 minutes' WHERE id = $ID" > /dev/null
out=$($CRL --if-changed 2>&1)
like "$out" "^wrote $TEST_TMP/crl.pem \\(the file was missing\\)" 'crl update --if-changed writes a missing file, and says why'
ok 'and reloads' test -e "$TEST_TMP/reloaded"
like "$(crl_serials)" "$SER" 'a signed certificate without its device_cert row is in the CRL'
ok 'the CRL verifies against the CA' openssl crl -in "$TEST_TMP/crl.pem" -CAfile "$CA_CERT" -noout

rm -f "$TEST_TMP/reloaded"
sum=$(sha256sum < "$TEST_TMP/crl.pem")
out=$($CRL --if-changed 2>&1)
like "$out" '^unchanged ' 'a second crl update --if-changed says unchanged'
is "$(sha256sum < "$TEST_TMP/crl.pem")" "$sum" 'and does not write the file'
ok 'and does not reload' test ! -e "$TEST_TMP/reloaded"

$ADMIN cert issue --login "$STAFF2_LOGIN" --label "crl revoke $$" --p12 "$TEST_TMP/r.p12" \
    --pem "$TEST_TMP/r.pem" > /dev/null || bail 'cert issue'
RSER=$(openssl x509 -in "$TEST_TMP/r.pem" -noout -serial | sed 's/^serial=//')
out=$($CRL --if-changed 2>&1)
like "$out" '^unchanged ' 'a new live certificate changes nothing'
# Revoked in the database only, as the web menus do.
psql_owner "UPDATE renrakucho.device_cert SET revoked_at = now() WHERE serial = '$RSER'" > /dev/null
out=$($CRL --if-changed 2>&1)
like "$out" '\(the revoked serials changed\)' 'after a revocation --if-changed writes, and says why'
ok 'and reloads' test -e "$TEST_TMP/reloaded"
like "$(crl_serials)" "$RSER" 'the revoked serial is in the CRL'

rm -f "$TEST_TMP/reloaded"
$CRL --days 1 > /dev/null 2>&1
rm -f "$TEST_TMP/reloaded"
out=$($CRL --if-changed 2>&1)
like "$out" 'next update was less than 2 days away' 'a CRL whose nextUpdate is near is renewed'
ok 'and reloads' test -e "$TEST_TMP/reloaded"

done_testing
