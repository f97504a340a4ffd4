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
S1_SESSION="account_id = (SELECT id FROM renrakucho.account WHERE login = '$STAFF1_LOGIN') AND ended_at IS NULL"
seen_sql="SELECT round(extract(epoch FROM now() - last_seen_at)) FROM renrakucho.session WHERE $S1_SESSION"
psql_owner "UPDATE renrakucho.session SET last_seen_at = now() - interval '20 minutes' WHERE $S1_SESSION" > /dev/null
http_get STAFF1 /home
is "$HTTP_STATUS" 200 'a session idle for 20 minutes still opens home'
like "$(psql_owner "$seen_sql")" '^[0-2]$' 'and its last request is recorded as now'
psql_owner "UPDATE renrakucho.session SET last_seen_at = now() - interval '30 seconds' WHERE $S1_SESSION" > /dev/null
http_get STAFF1 /home
is "$HTTP_STATUS" 200 'a session seen 30 seconds ago opens home'
like "$(psql_owner "$seen_sql")" '^3[0-5]$' 'without a write: last_seen_at stays within the minute'

# Idle timeout: 30 minutes without a request, to the second (3 seconds
# inside leave the time the request takes).
psql_owner "UPDATE renrakucho.session SET last_seen_at = now() - interval '29 minutes 57 seconds' WHERE $S1_SESSION" > /dev/null
http_get STAFF1 /home
is "$HTTP_STATUS" 200 'idle 29 min 57 s: the session still opens home'
psql_owner "UPDATE renrakucho.session SET last_seen_at = now() - interval '30 minutes 1 second' WHERE $S1_SESSION" > /dev/null
http_get STAFF1 /home
is "$HTTP_STATUS" 303 'idle 30 min 1 s: redirected'
is "$HTTP_LOCATION" '/login?n=expired' 'idle-expired session: to login with a notice'
http_get STAFF1 "$HTTP_LOCATION"
like "$(cat "$HTTP_BODY")" 'ログアウトしました' 'login page explains the timeout'

# Absolute lifetime: 12 hours from creation, even when active.
login STAFF1
S1_SESSION="id = (SELECT max(id) FROM renrakucho.session WHERE account_id = (SELECT id FROM renrakucho.account WHERE login = '$STAFF1_LOGIN'))"
is "$(psql_owner "SELECT expires_at - created_at FROM renrakucho.session WHERE $S1_SESSION")" '12:00:00' \
    'a new session ends 12 hours after its creation'
age() {	# age INTERVAL: the session made INTERVAL ago, seen just now
	psql_owner "UPDATE renrakucho.session SET created_at = now() - interval '$1', expires_at = now() - interval '$1' + interval '12 hours', last_seen_at = now() WHERE $S1_SESSION" > /dev/null
}
age '11 hours 59 minutes 57 seconds'
http_get STAFF1 /home
is "$HTTP_STATUS" 200 'a session made 11 h 59 min 57 s ago, active: opens home'
age '12 hours 1 second'
http_get STAFF1 /home
is "$HTTP_STATUS" 303 'a session made 12 h 1 s ago, active: redirected'
is "$HTTP_LOCATION" '/login?n=expired' 'past its 12 hours: to login with a notice'

# --- lockout: 10 failures in 15 minutes ----------------------------------
# Each phase logs in from its own loopback address: nginx's per-address
# limit on login POSTs (limits.sh) keeps a count for each.
login_at() {	# login_at ADDR WHO [PASSWORD]: login, from source address ADDR
	local who=$2 l=${2}_LOGIN p=${2}_PASSWORD
	forget_cookies "$who"
	http_get "$who" /login --interface "$1"
	http_post "$who" /login --interface "$1" --data-urlencode "login=${!l}" \
	    --data-urlencode "password=${3:-${!p}}" \
	    --data-urlencode "csrf=$(input_value csrf)"
}
S2=$(account_id "$STAFF2_LOGIN")
fails() { psql_owner "SELECT count(*) FROM renrakucho.login_failure WHERE account_id = $S2"; }
events() {	# events OUTCOME DETAIL: STAFF2's login events
	psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'login' AND login = '$STAFF2_LOGIN' AND outcome = '$1' AND detail = '$2'"
}
wrong() {	# wrong ADDR N: N wrong passwords for STAFF2 from ADDR
	local i
	for i in $(seq "$2"); do login_at "$1" STAFF2 "wrong-$i"; done
}
$ADMIN account unlock --login "$STAFF2_LOGIN" > /dev/null

wp=$(events failure 'wrong password')
wrong 127.0.0.21 9
is "$HTTP_STATUS" 403 'the 9th wrong password: refused'
is "$(events failure 'wrong password')" $((wp + 9)) '9 failure events (wrong password)'
is "$(fails)" 9 '9 failures counted'
login_at 127.0.0.21 STAFF2
is "$HTTP_STATUS" 303 'after 9 failures the right password works'
is "$(fails)|$(psql_owner "SELECT fail_count FROM renrakucho.account WHERE id = $S2")" '0|0' 'a success resets the count'

lk=$(events failure 'wrong password; account locked')
wrong 127.0.0.22 9
is "$(psql_owner "SELECT locked_until IS NULL FROM renrakucho.account WHERE id = $S2")" t 'not locked after 9 failures'
login_at 127.0.0.22 STAFF2 wrong-10
is "$HTTP_STATUS" 403 'the 10th wrong password: refused'
like "$(cat "$HTTP_BODY")" 'IDまたはパスワードが違います' 'the 10th: the same message as any wrong password'
is "$(events failure 'wrong password; account locked')" $((lk + 1)) 'the 10th failure locks: one event (wrong password; account locked)'
is "$(psql_owner "SELECT locked_until - now() BETWEEN interval '14 minutes 50 seconds' AND interval '15 minutes' FROM renrakucho.account WHERE id = $S2")" t \
    'locked for 15 minutes'
d0=$(events denied 'account locked')
login_at 127.0.0.22 STAFF2
is "$HTTP_STATUS" 403 'locked: the right password is refused'
like "$(cat "$HTTP_BODY")" 'アカウントがロックされています' 'locked: the page says so'
is "$(events denied 'account locked')" $((d0 + 1)) 'locked login attempt is exactly one audit event (denied, account locked)'
is "$(fails)" 10 'a refused attempt while locked counts nothing more'

# The lock expires: 3 seconds before its end it holds, a second after it
# is gone (the failures behind it are 15 minutes old by then).
psql_owner "UPDATE renrakucho.login_failure SET at = at - interval '15 minutes 1 second' WHERE account_id = $S2" > /dev/null
psql_owner "UPDATE renrakucho.account SET locked_until = now() + interval '3 seconds' WHERE id = $S2" > /dev/null
login_at 127.0.0.22 STAFF2
is "$HTTP_STATUS" 403 '3 seconds before the lock ends: still refused'
psql_owner "UPDATE renrakucho.account SET locked_until = now() - interval '1 second' WHERE id = $S2" > /dev/null
login_at 127.0.0.22 STAFF2
is "$HTTP_STATUS" 303 'a second after the lock ended: the right password works'

# Failures older than 15 minutes do not count; 14 min 50 s old do.
wrong 127.0.0.23 9
psql_owner "UPDATE renrakucho.login_failure SET at = now() - interval '15 minutes 1 second' WHERE account_id = $S2" > /dev/null
wp=$(events failure 'wrong password')
lk=$(events failure 'wrong password; account locked')
login_at 127.0.0.23 STAFF2 wrong-10
is "$(events failure 'wrong password')|$(events failure 'wrong password; account locked')" "$((wp + 1))|$lk" \
    '9 failures 15 min 1 s old + 1: not locked'
is "$(psql_owner "SELECT fail_count FROM renrakucho.account WHERE id = $S2")" 1 'the count is 1'
psql_owner "DELETE FROM renrakucho.login_failure WHERE account_id = $S2 AND at < now() - interval '15 minutes'" > /dev/null
wrong 127.0.0.24 8
psql_owner "UPDATE renrakucho.login_failure SET at = now() - interval '14 minutes 50 seconds' WHERE id = (SELECT min(id) FROM renrakucho.login_failure WHERE account_id = $S2)" > /dev/null
login_at 127.0.0.24 STAFF2 wrong-10
is "$(events failure 'wrong password; account locked')" $((lk + 1)) 'a failure 14 min 50 s old + 9: the 10th locks'
login_at 127.0.0.24 STAFF2
is "$HTTP_STATUS" 403 'locked again'
$ADMIN account unlock --login "$STAFF2_LOGIN" > /dev/null
is "$(fails)" 0 'unlock clears the failures'
login_at 127.0.0.24 STAFF2
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
