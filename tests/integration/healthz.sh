#!/bin/bash
# Portal /healthz: 200 "ok\n" when a CGI reaches the database through the
# pool, 503 otherwise (pgbouncer paused, its socket gone), within seconds;
# nothing else in it.  Runs with demo.env sourced.
. "$(dirname "$0")/../lib.sh"

PGB_PID=$(cat "$RUN_DIR/pgbouncer/pgbouncer.pid")
HEALTHZ=$RUN_DIR/cgi-bin/healthz

portal_get /healthz
is "$HTTP_STATUS" 200 '/healthz is 200'
ok 'its body is exactly "ok\n"' cmp -s "$HTTP_BODY" <(printf 'ok\n')
like "$(header Content-Type)" '^text/plain' 'as text/plain'
is "$(header Cache-Control)" no-store 'not cached'

portal_get /healthz -I
is "$HTTP_STATUS" 200 'HEAD /healthz is 200'
out=$(env -i "${SAN_ENV[@]}" RENRAKUCHO_CONF="$RUN_DIR/renrakucho.conf" REQUEST_METHOD=HEAD "$HEALTHZ")
like "$out" '^Status: 200 ' 'the CGI answers HEAD with 200'
is "$(printf '%s' "$out" | tr -d '\r' | sed '1,/^$/d')" '' 'and no body'

_http NONE POST "$PORTAL_URL/healthz" --data x=1
is "$HTTP_STATUS" 405 'POST /healthz is 405'
is "$(header Allow)" 'GET, HEAD' 'Allow: GET, HEAD'

http_get STAFF1 /healthz
is "$HTTP_STATUS" 404 'the app listener has no /healthz'

# The CGI run directly on a configuration whose pgbouncer socket is gone.
sed "s|^db_host *=.*|db_host = $TEST_TMP/nosocket|" "$RUN_DIR/renrakucho.conf" \
    > "$TEST_TMP/dead.conf"
mkdir "$TEST_TMP/nosocket"
start=$(date +%s)
out=$(env -i "${SAN_ENV[@]}" RENRAKUCHO_CONF="$TEST_TMP/dead.conf" REQUEST_METHOD=GET \
    timeout 20 "$HEALTHZ" 2> "$TEST_TMP/healthz.err")
took=$(( $(date +%s) - start ))
like "$out" '^Status: 503 ' 'no pgbouncer socket: 503'
is "$(printf '%s' "$out" | tr -d '\r' | sed '1,/^$/d')" 'database unavailable' 'with a short text body'
ok "within a few seconds (${took} s)" test "$took" -le 5
like "$(cat "$TEST_TMP/healthz.err")" 'database' 'the reason goes to the log'

# pgbouncer paused (SIGUSR1 is its PAUSE): the query waits, /healthz does
# not, and answers 503; resumed (SIGUSR2), 200 again.
resume() { kill -USR2 "$PGB_PID" 2>/dev/null || true; }
trap 'resume; rm -rf "$TEST_TMP"' EXIT
kill -USR1 "$PGB_PID"
start=$(date +%s)
portal_get /healthz
took=$(( $(date +%s) - start ))
is "$HTTP_STATUS" 503 '/healthz is 503 while pgbouncer is paused'
is "$(cat "$HTTP_BODY")" 'database unavailable' 'saying only that'
ok "within a few seconds (${took} s)" test "$took" -le 8
resume
for _ in $(seq 50); do
	portal_get /healthz
	[ "$HTTP_STATUS" = 200 ] && break
	sleep 0.2
done
is "$HTTP_STATUS" 200 '/healthz is 200 again once pgbouncer resumes'

# pgbouncer stopped: nothing listens on its socket.
kill -TERM "$PGB_PID"
for _ in $(seq 50); do kill -0 "$PGB_PID" 2>/dev/null || break; sleep 0.2; done
portal_get /healthz
is "$HTTP_STATUS" 503 '/healthz is 503 while pgbouncer is stopped'
# conf/stack.sh start brings back what is not running.
STACK_JOBS=0 bash "$TOP/conf/stack.sh" start "$RUN_DIR" > "$TEST_TMP/restart.log" 2>&1 ||
    diag "$(tail -n 5 "$TEST_TMP/restart.log")"
portal_get /healthz
is "$HTTP_STATUS" 200 '/healthz is 200 once pgbouncer is back'

done_testing
