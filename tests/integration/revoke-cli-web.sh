#!/bin/bash
# One writer per table: a certificate revoked in the operator's menu and
# one revoked with renrakucho-admin store the same columns, end their
# sessions the same way and leave the same audit event; a facility name
# of 201 characters is refused by the menu and by the CLI with the same
# message, and neither stores anything.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"

U=$(date +%s%N | tail -c 9)
q() { psql_owner "$1"; }
LOGIN="rv$U"
PW=$(new_password Revoke)
printf '%s\n' "$PW" | $ADMIN account add --own-password --facility "$INSIDE_FACILITY_ID" \
    --login "$LOGIN" --name '失効 試験' --email "$LOGIN@example.jp" > /dev/null ||
    bail 'account add'
for d in W C; do
	$ADMIN cert issue --login "$LOGIN" --label "dev $d $U" \
	    --p12 "$TEST_TMP/rv$d.p12" --pem "$TEST_TMP/rv$d.pem" > /dev/null ||
	    bail "cert issue $d"
	printf -v "${d}_LOGIN" '%s' "$LOGIN"
	printf -v "${d}_PASSWORD" '%s' "$PW"
	printf -v "${d}_PEM" '%s' "$TEST_TMP/rv$d.pem"
done
WSER=$(openssl x509 -in "$TEST_TMP/rvW.pem" -noout -serial | sed 's/serial=//')
CSER=$(openssl x509 -in "$TEST_TMP/rvC.pem" -noout -serial | sed 's/serial=//')
login W
is "$HTTP_STATUS" 303 'the device revoked on the web has a session'
login C
is "$HTTP_STATUS" 303 'the device revoked with the CLI has a session'

# --- revoked on the web, and with the CLI ---------------------------------
login_ok OPERATOR
OP=$(account_id "$OPERATOR_LOGIN")
tok=$(csrf_of OPERATOR /operator/certificates)
http_post OPERATOR /operator/certificates/revoke --data-urlencode "csrf=$tok" \
    --data-urlencode "serial=$WSER"
is "$HTTP_STATUS" 303 'revoked in the operator menu'
http_get W /home
is "$HTTP_STATUS" 403 'the device revoked on the web is refused at once'
$ADMIN cert revoke --serial "$CSER" --reason "lost $U" > "$TEST_TMP/rv.out" 2>&1
is "$?" 0 'revoked with renrakucho-admin'

row() {	# row SERIAL: what a revocation stores
	q "SELECT (d.revoked_at IS NOT NULL) || '|' || coalesce(d.revoked_by::text, '-')
	    || '|' || d.revoke_reason || '|' || (SELECT string_agg(DISTINCT
	    coalesce(s.end_reason, 'live'), ',') FROM renrakucho.session s
	    WHERE s.cert_serial = d.serial)
	    FROM renrakucho.device_cert d WHERE d.serial = '$1'"
}
is "$(row "$WSER")" "true|$OP|operator.device.revoke|certificate revoked" \
    'web: revoked, by the operator, with the reason, its session ended'
is "$(row "$CSER")" "true|-|lost $U|certificate revoked" \
    'CLI: revoked, by no account, with the reason, its session ended'
event() {	# event ACTION SERIAL: the audit event of a revocation
	q "SELECT count(*) || '|' || min(object_type) || '|' || min(detail)
	    FROM renrakucho.audit_event WHERE action = '$1' AND object_id = '$2'
	    AND outcome = 'success'"
}
is "$(event operator.device.revoke "$WSER")" '1|device_cert|1 sessions ended' \
    'web: one audit event naming the certificate and the sessions ended'
is "$(event cli.cert.revoke "$CSER")" '1|device_cert|1 sessions ended' \
    'CLI: the same audit event'

# --- the facility name's limit ---------------------------------------------
NFAC=$(q "SELECT count(*) FROM renrakucho.facility")
name201=$(printf '事%.0s' $(seq 201))
MSG='事業所名を200文字までの1行で入力してください。'
tok=$(csrf_of OPERATOR /operator/facilities/new)
http_post OPERATOR /operator/facilities/new --data-urlencode "csrf=$tok" \
    --data-urlencode "fac_name=$name201" --data-urlencode 'municipality_name=島根県出雲市' \
    --data-urlencode 'municipality_code=32203' --data-urlencode "fac_email=f$U@example.jp"
is "$HTTP_STATUS" 422 'bad: the menu refuses a 201-character facility name'
like "$(cat "$HTTP_BODY")" "$MSG" 'with its message'
$ADMIN facility add --name "$name201" --municipality-code 32203 \
    --municipality 島根県出雲市 --email "f$U@example.jp" > "$TEST_TMP/fa.out" \
    2> "$TEST_TMP/fa.err"
is "$?" 2 'bad: renrakucho-admin facility add refuses it too'
like "$(cat "$TEST_TMP/fa.err")" "--name: $MSG" 'with the same message'
is "$(q "SELECT count(*) FROM renrakucho.facility")" "$NFAC" 'nothing stored'

done_testing
