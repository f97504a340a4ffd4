#!/bin/bash
# Grants (schema/010_grants.sql, functions/grants.sql): the app's role
# writes the audit trail only through page_audit(), which sets "at"
# itself, names a real account as the actor and refuses the events of
# renrakucho-admin, the signer and the auditors; it cannot change
# account.is_operator, is_staff, password_hash or must_change_password, or
# any column of device_cert, or record a certificate the signer did not
# sign, except through the functions of those acts; the web's password
# change, revocation and login still work through them.  Each refusal is
# SQLSTATE 42501 (insufficient_privilege).
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"

U=$(date +%s%N | tail -c 9)
q() { psql_owner "$1"; }
# sqlstate DSN SQL: the statement's SQLSTATE and message ("ok" when it
# succeeded).
sqlstate() {
	local out
	if out=$(psql "$1" -X -q -tA -v ON_ERROR_STOP=1 -v VERBOSITY=verbose \
	    -c "$2" 2>&1); then
		echo ok
	else
		printf '%s\n' "$out" | sed -n 's/^ERROR:  \([0-9A-Z]\{5\}\): \(.*\)$/\1 \2/p' | head -n 1
	fi
}
# refused SQL MESSAGE NAME: as the app's role, 42501 with MESSAGE.
refused() { is "$(sqlstate "$APP_DSN" "$1")" "42501 $2" "$3"; }

LOGIN="gr$U"
PW=$(new_password Grants)
printf '%s\n' "$PW" | $ADMIN account add --own-password --facility "$INSIDE_FACILITY_ID" \
    --login "$LOGIN" --name '権限 試験' --email "$LOGIN@example.jp" > /dev/null ||
    bail 'account add'
for d in ME ME2 DEV; do
	$ADMIN cert issue --login "$LOGIN" --label "dev $d $U" \
	    --p12 "$TEST_TMP/gr$d.p12" --pem "$TEST_TMP/gr$d.pem" > /dev/null ||
	    bail "cert issue $d"
	printf -v "${d}_LOGIN" '%s' "$LOGIN"
	printf -v "${d}_PASSWORD" '%s' "$PW"
	printf -v "${d}_PEM" '%s' "$TEST_TMP/gr$d.pem"
done
ID=$(account_id "$LOGIN")
SER=$(openssl x509 -in "$TEST_TMP/grDEV.pem" -noout -serial | sed 's/serial=//')
is "$(psql_app 'SELECT current_user')" renrakucho_app 'APP_DSN logs in as renrakucho_app'

# --- the audit trail ---------------------------------------------------
N0=$(q 'SELECT count(*) FROM renrakucho.audit_event')
refused "INSERT INTO audit_event (action, outcome) VALUES ('login', 'success')" \
    'permission denied for table audit_event' 'bad: no INSERT into audit_event'
refused "INSERT INTO audit_event (at, account_id, action, outcome) VALUES ('2000-01-01', $ID, 'login', 'success')" \
    'permission denied for table audit_event' 'bad: no event backdated by an INSERT of its own'
PART=$(q "SELECT inhrelid::regclass FROM pg_inherits WHERE inhparent = 'renrakucho.audit_event'::regclass ORDER BY 1 DESC LIMIT 1")
refused "INSERT INTO $PART (action, outcome) VALUES ('login', 'success')" \
    "permission denied for table ${PART#renrakucho.}" "bad: no INSERT into the partition $PART"
refused "SELECT page_audit(99999999999, 'x', NULL, NULL, 'home.view', NULL, NULL, NULL, 'success', NULL)" \
    'page_audit: no account 99999999999' 'bad: page_audit refuses an actor that is no account'
refused "SELECT page_audit(NULL, 'cli:root', NULL, NULL, 'cli.account.add', 'account', '1', NULL, 'success', NULL)" \
    'page_audit: cli.account.add is not an event of the web pages' "bad: page_audit refuses renrakucho-admin's events to the app"
refused "SELECT page_audit(NULL, 'x', NULL, NULL, 'signer.sign', NULL, NULL, NULL, 'success', NULL)" \
    'page_audit: signer.sign is not an event of the web pages' "bad: page_audit refuses the signer's events to the app"
refused "SELECT page_audit(NULL, 'db:x', NULL, NULL, 'auditor.query', NULL, NULL, NULL, 'success', NULL)" \
    'page_audit: auditor.query is not an event of the web pages' "bad: page_audit refuses the auditors' events to the app"
refused "SELECT page_audit(NULL, 'x', NULL, NULL, 'Home view', NULL, NULL, NULL, 'success', NULL)" \
    'page_audit: Home view is not an audit action' 'bad: page_audit refuses an action not of the audit form'
is "$(sqlstate "$AUDITOR_DSN" "SELECT renrakucho.page_audit(NULL, 'db:x', NULL, NULL, 'home.view', NULL, NULL, NULL, 'success', NULL)")" \
    '42501 permission denied for function page_audit' 'bad: the auditor role may not call page_audit'
is "$(q 'SELECT count(*) FROM renrakucho.audit_event')" "$N0" 'none of them wrote an event'

# The function's own event: +1, the app's actor, "at" the server's clock
# between two readings of it, chained.
T0=$(q 'SELECT clock_timestamp()')
is "$(sqlstate "$APP_DSN" "SELECT page_audit($ID, '$LOGIN', NULL, '192.0.2.7', 'profile.notify', 'account', '$ID', NULL, 'success', 'grants $U')")" \
    ok 'page_audit writes an event for the app'
T1=$(q 'SELECT clock_timestamp()')
is "$(q "SELECT count(*) FROM renrakucho.audit_event")" "$((N0 + 1))" 'exactly one event more'
is "$(q "SELECT account_id || '|' || login || '|' || host(remote_addr) || '|' || action || '|' || object_id || '|' || outcome
    || '|' || (at >= '$T0' AND at <= '$T1')
    || '|' || (hash = sha256(prev_hash || renrakucho.audit_chain_content(seq, at, account_id, login, cert_serial,
        remote_addr, action, object_type, object_id, patient_id, outcome, detail)))
    || '|' || (prev_hash = (SELECT e.hash FROM renrakucho.audit_event e WHERE e.seq = a.seq - 1))
    FROM renrakucho.audit_event a WHERE detail = 'grants $U'")" \
    "$ID|$LOGIN|192.0.2.7|profile.notify|$ID|success|true|true|true" \
    'its actor, address and action as given; at set by the server, hashed and chained'

# --- account ---------------------------------------------------------------
H0=$(q "SELECT md5(password_hash) || must_change_password || is_operator || is_staff FROM renrakucho.account WHERE id = $ID")
refused "UPDATE account SET is_operator = true WHERE id = $ID" \
    'permission denied for table account' 'bad: no UPDATE of account.is_operator'
refused "UPDATE account SET password_hash = 'pbkdf2-sha256\$1000\$x\$y' WHERE id = $ID" \
    'permission denied for table account' 'bad: no UPDATE of account.password_hash'
refused "UPDATE account SET must_change_password = false WHERE id = $ID" \
    'permission denied for table account' 'bad: no UPDATE of account.must_change_password'
refused "UPDATE account SET is_staff = false WHERE id = $ID" \
    'permission denied for table account' 'bad: no UPDATE of account.is_staff'
refused "INSERT INTO account (facility_id, login, name, password_hash, is_operator) VALUES ($INSIDE_FACILITY_ID, 'op$U', 'x', 'x', true)" \
    'permission denied for table account' 'bad: no INSERT of an operator account'
is "$(sqlstate "$APP_DSN" "SELECT account_password_set($ID, NULL, 'secret', false, NULL)")" \
    '22023 account_password_set: not a password hash' 'bad: account_password_set refuses what is no PBKDF2 hash'
is "$(q "SELECT md5(password_hash) || must_change_password || is_operator || is_staff FROM renrakucho.account WHERE id = $ID")" \
    "$H0" 'the account is unchanged'
is "$(sqlstate "$APP_DSN" "UPDATE account SET notify = notify WHERE id = $ID")" ok \
    'the columns the pages change are still granted (notify)'

# --- device_cert -----------------------------------------------------------
D0=$(q "SELECT md5(d::text) FROM renrakucho.device_cert d WHERE serial = '$SER'")
refused "UPDATE device_cert SET revoked_at = now() WHERE serial = '$SER'" \
    'permission denied for table device_cert' 'bad: no UPDATE of device_cert.revoked_at'
refused "UPDATE device_cert SET last_used_at = now() WHERE serial = '$SER'" \
    'permission denied for table device_cert' 'bad: no UPDATE of device_cert.last_used_at'
refused "UPDATE device_cert SET facility_id = $OUTSIDE_FACILITY_ID WHERE serial = '$SER'" \
    'permission denied for table device_cert' 'bad: no UPDATE of device_cert.facility_id'
refused "SELECT serial FROM device_cert WHERE serial = '$SER' FOR UPDATE" \
    'permission denied for table device_cert' 'bad: no row lock of its own (device_cert_lock() locks for a revocation)'
refused "INSERT INTO device_cert (serial, sha256, facility_id, label, not_after) VALUES ('ABC$U', repeat('a', 64), $INSIDE_FACILITY_ID, 'x', now() + interval '1 year')" \
    'permission denied for table device_cert' 'bad: no INSERT into device_cert'
refused "SELECT device_cert_record('ABC$U', repeat('a', 64), $INSIDE_FACILITY_ID, NULL, 'x', now() + interval '1 year')" \
    "device_cert_record: ABC$U was not signed so" 'bad: device_cert_record refuses a certificate the signer did not sign'
SHA=$(q "SELECT sha256 FROM renrakucho.device_cert WHERE serial = '$SER'")
refused "SELECT device_cert_record('$SER', '$SHA', $OUTSIDE_FACILITY_ID, NULL, 'dev DEV $U', now() + interval '1 year')" \
    "device_cert_record: $SER was not signed so" 'bad: nor one signed for another facility'
is "$(q "SELECT md5(d::text) FROM renrakucho.device_cert d WHERE serial = '$SER'")" "$D0" \
    'the certificate is unchanged'

# --- the web, through the functions ----------------------------------------
login ME
is "$HTTP_STATUS" 303 'login on a new device (the session trigger keeps its last use)'
is "$(q "SELECT last_used_at IS NOT NULL FROM renrakucho.device_cert WHERE serial = '$(openssl x509 -in "$ME_PEM" -noout -serial | sed 's/serial=//')'")" \
    t "the device's last use is recorded"
login ME2
is "$HTTP_STATUS" 303 'a second session on another device'
E0=$(audit_n profile.password "$ID")
http_get ME /profile
CSRF=$(input_value csrf)
NEWPW=$(new_password GrantsNew)
http_post ME /profile/password --data-urlencode "csrf=$CSRF" \
    --data-urlencode "current_password=$PW" \
    --data-urlencode "new_password=$NEWPW" --data-urlencode "new_password2=$NEWPW"
is "$HTTP_STATUS" 303 'My Profile changes the password'
is "$(audit_n profile.password "$ID")" "$((E0 + 1))" 'one profile.password event'
is "$(q "SELECT count(*) FROM renrakucho.session WHERE account_id = $ID AND end_reason = 'password changed'")" 1 \
    'the other session ended with it'
http_get ME /home
is "$HTTP_STATUS" 200 'the changing session stays'
login ME "$NEWPW"
is "$HTTP_STATUS" 303 'the new password logs in'

login_ok OPERATOR
tok=$(csrf_of OPERATOR /operator/certificates)
R0=$(audit_n operator.device.revoke "$SER")
http_post OPERATOR /operator/certificates/revoke --data-urlencode "csrf=$tok" \
    --data-urlencode "serial=$SER"
is "$HTTP_STATUS" 303 'the operator menu revokes a certificate'
is "$(audit_n operator.device.revoke "$SER")" "$((R0 + 1))" 'one operator.device.revoke event'
is "$(q "SELECT (revoked_at IS NOT NULL) || '|' || revoked_by || '|' || revoke_reason
    FROM renrakucho.device_cert WHERE serial = '$SER'")" \
    "true|$(account_id "$OPERATOR_LOGIN")|operator.device.revoke" 'revoked, by the operator, with the reason'

done_testing
