#!/bin/bash
# ./run-demo from a clone that only root can enter (a mktemp -d, as
# /root/renrakucho is): the stack moves where postgres reaches it, the
# CGIs and the site are served from there, and the clone's own mode is
# left alone.  A git clone of the committed HEAD, a full build in it, the
# demo on ports of its own (DEMO_*_PORT, 24650-24653 unless
# PRIVATE_CLONE_PORT_BASE says otherwise), an mTLS login, the demo's
# content on STAFF1's /home, ./run-demo stop and ./run-demo again (nothing
# seeded twice), then ./run-demo stop.  Runs with demo.env sourced (only
# TOP is used).
. "$(dirname "$0")/../lib.sh"

BASE=${PRIVATE_CLONE_PORT_BASE:-24650}
PRIV=$(mktemp -d /tmp/rk-private.XXXXXXXX)
CLONE=$PRIV/renrakucho
LOG=${LOG_DIR:-$TEST_TMP}/private-clone-demo.log
: > "$LOG"

cleanup() {
	local target
	if [ -x "$CLONE/run-demo" ]; then
		(cd "$CLONE" && ./run-demo stop) >> "$LOG" 2>&1
	fi
	if [ -L "$CLONE/var/demo" ]; then
		target=$(readlink -f "$CLONE/var/demo")
		case $target in /var/tmp/renrakucho-stack.*) rm -rf "$target" ;; esac
	fi
	rm -rf "$PRIV" "$TEST_TMP"
}
trap cleanup EXIT

is "$(stat -c '%a' "$PRIV")" 700 'the clone sits in a 0700 directory'
git clone -q --no-checkout "$TOP" "$CLONE" >> "$LOG" 2>&1 &&
    git -C "$CLONE" checkout -q "$(git -C "$TOP" rev-parse HEAD)" >> "$LOG" 2>&1
ok 'the committed HEAD is cloned there' test -x "$CLONE/run-demo"
ok 'the postgres user cannot enter it' \
    bash -c '! (cd / && runuser -u postgres -- test -x "$1/.")' _ "$CLONE"

# Nothing of the calling environment (test ports, PREFIX) reaches it.
(cd "$CLONE" && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEMO_APP_PORT=$BASE DEMO_PORTAL_PORT=$((BASE + 1)) \
    DEMO_PG_PORT=$((BASE + 2)) DEMO_PGB_PORT=$((BASE + 3)) \
    timeout 1200 ./run-demo) >> "$LOG" 2>&1
rc=$?
is "$rc" 0 './run-demo starts the demo from the private clone'
if [ "$rc" != 0 ]; then
	diag "$(tail -n 15 "$LOG")"
	done_testing
	exit 1
fi
like "$(cat "$LOG")" 'var/demo -> /var/tmp/renrakucho-stack\.' 'var/demo becomes a link to a directory under /var/tmp'
unlike "$(cat "$LOG")" 'the postgres user cannot reach' 'and nothing says postgres cannot reach it'
like "$(cat "$LOG")" 'delivered there within seconds' 'run-demo says mail is delivered within seconds'

set -a
# shellcheck disable=SC1091
. "$CLONE/var/demo/demo.env"
set +a
is "$APP_URL" "https://127.0.0.1:$BASE" 'the demo listens on the ports asked for'
http_get STAFF1 /login
is "$HTTP_STATUS" 200 '/login over mTLS with a demo certificate is 200'
login STAFF1
is "$HTTP_STATUS" 303 'STAFF1 logs in'
http_get STAFF1 /home
is "$HTTP_STATUS" 200 '/home after login is 200'
like "$(cat "$HTTP_BODY")" "$STAFF1_LOGIN|ログアウト" 'it is the logged-in home page'
# The demo's content (conf/seed-demo.sh; tests/integration/demo-content.sh
# checks it row by row).
like "$(cat "$LOG")" 'demo content: added' 'run-demo seeds the demo content'
like "$(cat "$LOG")" '神門 ハナ' 'and its summary names what is there'
like "$(tr -d '\n' < "$HTTP_BODY")" '神門 ハナ</a></td>[^<]*<td[^>]*>担当者</td>[^<]*<td[^>]*>2<' \
    "STAFF1's /home: 神門 ハナ's team, 担当者, 2 unread"
like "$(cat "$HTTP_BODY")" '定期メンテナンスのお知らせ' 'and the notice'
portal_get /
is "$HTTP_STATUS" 200 'the portal serves its pages'
portal_get /healthz
is "$HTTP_STATUS" 200 'and /healthz is 200'
is "$(stat -c '%a' "$PRIV")" 700 'the clone'"'"'s directory is still 0700'

# Stopped and started again: the same demo, nothing seeded twice.
(cd "$CLONE" && ./run-demo stop) >> "$LOG" 2>&1
: > "$LOG.2"
(cd "$CLONE" && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
    DEMO_APP_PORT=$BASE DEMO_PORTAL_PORT=$((BASE + 1)) \
    DEMO_PG_PORT=$((BASE + 2)) DEMO_PGB_PORT=$((BASE + 3)) \
    timeout 1200 ./run-demo) >> "$LOG.2" 2>&1
is "$?" 0 './run-demo stop, then ./run-demo again: it starts'
cat "$LOG.2" >> "$LOG"
like "$(cat "$LOG.2")" 'demo content: already there' 'the demo content is not seeded twice'
is "$(psql_owner "SELECT (SELECT count(*) FROM renrakucho.message) || ' ' ||
    (SELECT count(*) FROM renrakucho.patient) || ' ' || (SELECT count(*) FROM renrakucho.notice)")" \
    '12 4 1' 'still 12 messages, 4 patients, 1 notice'
login STAFF1
is "$HTTP_STATUS" 303 'STAFF1 logs in again with the same password'

(cd "$CLONE" && ./run-demo stop) >> "$LOG" 2>&1
ok './run-demo stop stops it' bash -c '! curl -s --max-time 5 --cacert "$1" "$2/" > /dev/null' _ "$CA_CERT" "$PORTAL_URL"
is "$(cd "$CLONE" && ./run-demo status 2>&1 | grep -c ': running')" 0 'nothing of it is left running (jobs included)'

done_testing
