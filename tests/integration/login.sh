#!/bin/bash
# Login over the real stack: certificates, passwords, lockout, sessions,
# CSRF, escaping, audit rows, and the database going away.
. "$(dirname "$0")/../lib.sh"

# get_csrf WHO: open the login form, leave its token in CSRF.
login_form() {
	http_get "$1" /login
	CSRF=$(input_value csrf)
}
audit_count() {	# audit_count LOGIN OUTCOME
	psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'login' AND login = '$1' AND outcome = '$2'"
}

# --- certificates ---------------------------------------------------------
http_get NONE /login
like "$HTTP_STATUS" '^(400|495|496)$' 'no certificate: nginx refuses'
like "$(cat "$HTTP_BODY")" 'login-help' 'no certificate: the page points to the login help'

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$TEST_TMP/other.key" -out "$TEST_TMP/other.crt" -days 2 \
    -subj '/CN=intruder' -addext extendedKeyUsage=clientAuth 2>/dev/null
cat "$TEST_TMP/other.crt" "$TEST_TMP/other.key" > "$TEST_TMP/other.pem"
OTHER_PEM=$TEST_TMP/other.pem
http_get OTHER /login
like "$HTTP_STATUS" '^(400|495|496)$' 'certificate of another CA: nginx refuses'

# A certificate nginx accepts (our CA, not in the CRL) but the database
# does not know, and one the database knows as revoked.
$ADMIN cert issue --login "$STAFF2_LOGIN" --label 'unknown device' \
    --p12 "$TEST_TMP/unknown.p12" --pem "$TEST_TMP/unknown.pem" > /dev/null
UNKNOWN_SERIAL=$(openssl x509 -in "$TEST_TMP/unknown.pem" -noout -serial | sed 's/serial=//')
psql_owner "DELETE FROM renrakucho.device_cert WHERE serial = '$UNKNOWN_SERIAL'" > /dev/null
UNKNOWN_PEM=$TEST_TMP/unknown.pem
http_get UNKNOWN /login
is "$HTTP_STATUS" 403 'certificate unknown to the database: the CGI refuses'
like "$(cat "$HTTP_BODY")" '証明書' 'unknown certificate: the page says why'

$ADMIN cert issue --login "$STAFF2_LOGIN" --label 'revoked device' \
    --p12 "$TEST_TMP/revoked.p12" --pem "$TEST_TMP/revoked.pem" > /dev/null
REVOKED_SERIAL=$(openssl x509 -in "$TEST_TMP/revoked.pem" -noout -serial | sed 's/serial=//')
psql_owner "UPDATE renrakucho.device_cert SET revoked_at = now() WHERE serial = '$REVOKED_SERIAL'" > /dev/null
REVOKED_PEM=$TEST_TMP/revoked.pem
http_get REVOKED /login
is "$HTTP_STATUS" 403 'certificate revoked in the database (not yet in the CRL): the CGI refuses'
n=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'certificate' AND cert_serial = '$REVOKED_SERIAL' AND outcome = 'denied'")
is "$n" 1 'refused certificate is an audit event'

# Spoofed verification headers count for nothing.
http_get UNKNOWN /login -H 'SSL-Client-Verify: SUCCESS' -H "SSL-Client-Serial: $STAFF1_LOGIN"
is "$HTTP_STATUS" 403 'SSL-Client-* request headers are ignored'

# --- the login form -------------------------------------------------------
login_form STAFF1
is "$HTTP_STATUS" 200 'login form'
like "$(cat "$HTTP_BODY")" '<label[^>]*for="login"' 'login field has a label'
like "$(header Set-Cookie)" '^__Host-rkl=' 'pre-login token cookie set'
like "$(header Content-Security-Policy)" "default-src 'self'" 'CSP header'
is "$(header X-Content-Type-Options)" nosniff 'nosniff header'
is "$(header Cache-Control)" no-store 'no-store header'
like "$(header Content-Security-Policy)" "frame-ancestors 'none'" 'frame-ancestors none'

before=$(audit_count "$STAFF1_LOGIN" failure)
login STAFF1 'wrong password'
is "$HTTP_STATUS" 403 'wrong password refused'
like "$(cat "$HTTP_BODY")" 'IDまたはパスワードが違います' 'wrong password: clear message'
like "$(cat "$HTTP_BODY")" "value=\"$STAFF1_LOGIN\"" 'wrong password: login ID kept in the form'
is "$(audit_count "$STAFF1_LOGIN" failure)" $((before + 1)) 'failed login is an audit event'

http_post STAFF1 /login --data-urlencode "login=$STAFF1_LOGIN" \
    --data-urlencode "password=$STAFF1_PASSWORD" --data-urlencode "csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
is "$HTTP_STATUS" 403 'login POST with a wrong CSRF token: 403'
is "$(header Location)" '' 'login POST with a wrong CSRF token: no session'

login_form STAFF1
http_post STAFF1 /login --data-urlencode 'login=<script>alert(1)</script>' \
    --data-urlencode 'password=x' --data-urlencode "csrf=$CSRF"
body=$(cat "$HTTP_BODY")
unlike "$body" '<script>alert' 'login ID <script> is not echoed raw'
like "$body" '&lt;script&gt;alert\(1\)&lt;/script&gt;' 'login ID <script> echoed escaped'

login_form STAFF1
http_post STAFF1 /login --data-urlencode "login=$STAFF1_LOGIN" \
    --data-urlencode "password=$(printf 'a\x01b')" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS" 422 'control character in the password: refused as input'

http_get STAFF1 /home
is "$HTTP_STATUS" 303 'home without a session: sent to login'
is "$HTTP_LOCATION" /login 'home without a session: to /login'

# --- success --------------------------------------------------------------
before=$(audit_count "$STAFF1_LOGIN" success)
login STAFF1
is "$HTTP_STATUS" 303 'correct password: redirect'
is "$HTTP_LOCATION" /home 'correct password: to /home'
cookie=$(grep -i '^set-cookie: __Host-rk=' "$HTTP_HEADERS" | tr -d '\r')
like "$cookie" '__Host-rk=[A-Za-z0-9_-]{43};' 'session cookie: __Host- prefix, 256-bit token'
like "$cookie" '; Secure' 'session cookie: Secure'
like "$cookie" '; HttpOnly' 'session cookie: HttpOnly'
like "$cookie" '; SameSite=Strict' 'session cookie: SameSite=Strict'
like "$cookie" '; Path=/;' 'session cookie: Path=/'
is "$(audit_count "$STAFF1_LOGIN" success)" $((before + 1)) 'successful login is an audit event'
token=$(printf '%s' "$cookie" | sed 's/.*__Host-rk=\([^;]*\);.*/\1/')
n=$(psql_owner "SELECT count(*) FROM renrakucho.session WHERE token_hash = encode(sha256('$token'), 'hex')")
is "$n" 1 'session stored by the hash of its token'
n=$(psql_owner "SELECT count(*) FROM renrakucho.session WHERE token_hash = '$token'")
is "$n" 0 'the token itself is not stored'

hv0=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'home.view' AND login = '$STAFF1_LOGIN' AND outcome = 'success'")
http_get STAFF1 /home
is "$HTTP_STATUS" 200 'home with the session'
body=$(cat "$HTTP_BODY")
like "$body" 'href="/manual/"' 'home has the マニュアル tab'
like "$body" 'マニュアル' 'マニュアル tab label'
like "$body" 'ログアウト' 'home has the logout button'
is "$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'home.view' AND login = '$STAFF1_LOGIN' AND outcome = 'success'")" \
    $((hv0 + 1)) 'home view is exactly one audit event'

# The session cookie replayed from another device.
cp "$TEST_TMP/cookies-STAFF1" "$TEST_TMP/cookies-STAFF2"
http_get STAFF2 /home
is "$HTTP_STATUS" 403 'session cookie with another device certificate: refused'
rm -f "$TEST_TMP/cookies-STAFF2"

# CSRF on logout.
http_get STAFF1 /home
csrf=$(input_value csrf)
http_post STAFF1 /logout --data-urlencode 'csrf=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
is "$HTTP_STATUS" 403 'logout without the right CSRF token: 403'
http_post STAFF1 /logout
is "$HTTP_STATUS" 403 'logout without any CSRF token: 403'
http_get STAFF1 /logout
is "$HTTP_STATUS" 405 'logout by GET: 405'
http_get STAFF1 /home
is "$HTTP_STATUS" 200 'session survives the refused logouts'

http_post STAFF1 /logout --data-urlencode "csrf=$csrf"
is "$HTTP_STATUS" 303 'logout'
like "$HTTP_LOCATION" '^/login' 'logout: to login'
n=$(psql_owner "SELECT count(*) FROM renrakucho.session WHERE token_hash = encode(sha256('$token'), 'hex') AND ended_at IS NOT NULL")
is "$n" 1 'logout ends the session in the database'
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' '#HttpOnly_127.0.0.1' FALSE / TRUE 0 __Host-rk "$token" > "$TEST_TMP/cookies-STAFF1"
http_get STAFF1 /home
is "$HTTP_STATUS" 303 'the ended session no longer opens home'

# The last request is recorded to the minute: a page older than a minute
# moves last_seen_at to now, a page within the minute leaves it.
login STAFF1
seen_sql="SELECT round(extract(epoch FROM now() - last_seen_at)) FROM renrakucho.session WHERE account_id = (SELECT id FROM renrakucho.account WHERE login = '$STAFF1_LOGIN') AND ended_at IS NULL"
psql_owner "UPDATE renrakucho.session SET last_seen_at = now() - interval '20 minutes' WHERE account_id = (SELECT id FROM renrakucho.account WHERE login = '$STAFF1_LOGIN') AND ended_at IS NULL" > /dev/null
http_get STAFF1 /home
is "$HTTP_STATUS" 200 'a session idle for 20 minutes still opens home'
like "$(psql_owner "$seen_sql")" '^[0-2]$' 'and its last request is recorded as now'
psql_owner "UPDATE renrakucho.session SET last_seen_at = now() - interval '30 seconds' WHERE account_id = (SELECT id FROM renrakucho.account WHERE login = '$STAFF1_LOGIN') AND ended_at IS NULL" > /dev/null
http_get STAFF1 /home
is "$HTTP_STATUS" 200 'a session seen 30 seconds ago opens home'
like "$(psql_owner "$seen_sql")" '^3[0-5]$' 'without a write: last_seen_at stays within the minute'

# Idle timeout: 30 minutes without a request.
psql_owner "UPDATE renrakucho.session SET last_seen_at = now() - interval '31 minutes' WHERE account_id = (SELECT id FROM renrakucho.account WHERE login = '$STAFF1_LOGIN') AND ended_at IS NULL" > /dev/null
http_get STAFF1 /home
is "$HTTP_STATUS" 303 'idle-expired session: redirected'
is "$HTTP_LOCATION" '/login?n=expired' 'idle-expired session: to login with a notice'
http_get STAFF1 "$HTTP_LOCATION"
like "$(cat "$HTTP_BODY")" 'ログアウトしました' 'login page explains the timeout'

# Absolute lifetime: 12 hours even when active.
login STAFF1
psql_owner "UPDATE renrakucho.session SET expires_at = now() - interval '1 second' WHERE account_id = (SELECT id FROM renrakucho.account WHERE login = '$STAFF1_LOGIN') AND ended_at IS NULL" > /dev/null
http_get STAFF1 /home
is "$HTTP_STATUS" 303 'session past its 12-hour lifetime: redirected'

# --- lockout: 10 failures in 15 minutes ----------------------------------
for i in 1 2 3 4 5 6 7 8 9 10; do login STAFF2 "wrong-$i"; done
lk0=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'login' AND login = '$STAFF2_LOGIN' AND outcome = 'denied' AND detail = 'account locked'")
login STAFF2
is "$HTTP_STATUS" 403 'after 10 failures the right password is refused'
like "$(cat "$HTTP_BODY")" 'ロック' 'locked: the page says so'
is "$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'login' AND login = '$STAFF2_LOGIN' AND outcome = 'denied' AND detail = 'account locked'")" \
    $((lk0 + 1)) 'locked login attempt is exactly one audit event (denied, account locked)'
$ADMIN account unlock --login "$STAFF2_LOGIN" > /dev/null
login STAFF2
is "$HTTP_STATUS" 303 'after unlock the right password works'

# --- the audit trail is append-only for the app ---------------------------
out=$(psql_app "UPDATE audit_event SET outcome = 'success' WHERE id = (SELECT max(id) FROM audit_event)" 2>&1)
like "$out" 'denied|ERROR' 'app role cannot UPDATE audit_event'
out=$(psql_app "DELETE FROM audit_event" 2>&1)
like "$out" 'denied|ERROR' 'app role cannot DELETE audit_event'
out=$(psql_app "TRUNCATE audit_event" 2>&1)
like "$out" 'denied|ERROR' 'app role cannot TRUNCATE audit_event'
out=$(psql_owner "UPDATE renrakucho.audit_event SET outcome = 'success' WHERE id = (SELECT max(id) FROM renrakucho.audit_event)" 2>&1)
like "$out" 'append-only' 'even the owner cannot UPDATE audit_event (trigger)'
n=$(psql_auditor "SELECT count(*) FROM audit_log WHERE action = 'login'")
ok 'auditor reads the audit_log view' test "$n" -ge 3
out=$(psql_auditor "INSERT INTO audit_event (action, outcome) VALUES ('x', 'success')" 2>&1)
like "$out" 'denied|read-only|ERROR' 'auditor cannot write'

# --- PostgreSQL stopped: 503, then back ----------------------------------
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
PGDATA_DIR=$RUN_DIR/pg/data
(cd / && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop) > /dev/null
http_get STAFF2 /home
is "$HTTP_STATUS" 503 'PostgreSQL stopped: 503'
like "$(cat "$HTTP_BODY")" 'ただいま利用できません' 'PostgreSQL stopped: a Japanese page'
(cd / && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$RUN_DIR/log/postgresql-start.log" -w start) > /dev/null
ok_after=0
for i in 1 2 3 4 5 6 7 8 9 10; do
	http_get STAFF2 /home
	[ "$HTTP_STATUS" = 200 ] && { ok_after=1; break; }
	sleep 1
done
is "$ok_after" 1 'PostgreSQL back: home works again'

done_testing
