#!/bin/bash
# PostgreSQL stopped and started again, fast and then immediate, while
# four clients keep posting messages through the CGIs at once (the stops
# land in the middle of requests, not between them).  Every post answered
# with its redirect (303) is stored exactly once; no answer is a 500 or a
# hang; what a client sees while the database is away is the Japanese 503
# page with Retry-After; resending the refused forms (same client token)
# stores each of them once.
. "$(dirname "$0")/../lib.sh"

CLIENTS=4
TAG=rl$RANDOM$RANDOM
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
login_ok STAFF1
http_get STAFF1 "/teams/$TEAM_ID/messages"
[ "$HTTP_STATUS" = 200 ] || bail "the timeline answered $HTTP_STATUS"
CSRF=$(input_value csrf)
[ -n "$CSRF" ] || bail 'no CSRF token on the timeline'
STOP=$TEST_TMP/load-stop
rm -f "$STOP"

# client C: posts until $STOP exists; one line "TOKEN STATUS" per post in
# $TEST_TMP/load-C; the body of every 503 kept as load-C-503-N.html, its
# headers as load-C-503-N.hdr.  The session's cookie jar is only read.
client() {
	local c=$1 i=0 tok st
	while [ ! -e "$STOP" ]; do
		i=$((i + 1))
		tok=${TAG}c${c}p$i
		tok=$(printf '%-16s' "$tok" | tr ' ' x)
		st=$(curl -sS --max-time 30 --cacert "$CA_CERT" --cert "$STAFF1_PEM" \
		    -b "$TEST_TMP/cookies-STAFF1" -D "$TEST_TMP/load-$c.hdr" \
		    -o "$TEST_TMP/load-$c.body" -w '%{http_code}' \
		    --form-string "csrf=$CSRF" --form-string "client_token=$tok" \
		    --form-string "body=$TAG $c $i" \
		    "$APP_URL/teams/$TEAM_ID/messages" 2> /dev/null) || true
		[ -n "$st" ] || st=000
		echo "$tok $st" >> "$TEST_TMP/load-$c"
		if [ "$st" = 503 ]; then
			cp "$TEST_TMP/load-$c.body" "$TEST_TMP/load-$c-503-$i.html"
			cp "$TEST_TMP/load-$c.hdr" "$TEST_TMP/load-$c-503-$i.hdr"
		fi
		sleep 0.05
	done
}

pg() { (cd / && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$RUN_DIR/pg/data" \
    -w -l "$RUN_DIR/log/postgresql-start.log" "$@") > /dev/null 2>&1; }

pids=()
for c in $(seq "$CLIENTS"); do
	: > "$TEST_TMP/load-$c"
	client "$c" &
	pids+=($!)
done
sleep 3
pg -m fast stop || diag 'pg_ctl stop -m fast failed'
sleep 3
pg start || bail 'PostgreSQL did not start again (fast)'
sleep 3
pg -m immediate stop || diag 'pg_ctl stop -m immediate failed'
sleep 3
pg start || bail 'PostgreSQL did not start again (immediate)'
sleep 4
touch "$STOP"
wait "${pids[@]}"

cat "$TEST_TMP"/load-[0-9] > "$TEST_TMP/load-all"
total=$(wc -l < "$TEST_TMP/load-all")
acked=$(awk '$2 == 303' "$TEST_TMP/load-all" | wc -l)
refused=$(awk '$2 == 503' "$TEST_TMP/load-all" | wc -l)
diag "$total posts: $acked answered 303, $refused answered 503"
other=$(awk '$2 != 303 && $2 != 503' "$TEST_TMP/load-all" | sort -k2 | uniq -c -f1 | head -n 5)
is "$(awk '$2 != 303 && $2 != 503' "$TEST_TMP/load-all" | wc -l)" 0 \
    'every post was answered 303 or 503: no 500, no hang, no broken connection'
[ -z "$other" ] || diag "$other"
ok 'posts were acknowledged while the database was up' test "$acked" -gt 20
ok 'posts sent while it was away were refused with 503' test "$refused" -gt 0

bad=0
for f in "$TEST_TMP"/load-*-503-*.html; do
	[ -e "$f" ] || continue
	grep -q 'ただいま利用できません' "$f" || bad=$((bad + 1))
	grep -qi '^Retry-After: [0-9]' "${f%.html}.hdr" || bad=$((bad + 1))
done
is "$bad" 0 'every 503 is the Japanese page with Retry-After'

# What the database holds: every acknowledged token once.
psql_owner "SELECT client_token FROM renrakucho.message
    WHERE team_id = $TEAM_ID AND body LIKE '$TAG %'" | sort > "$TEST_TMP/stored"
awk '$2 == 303 { print $1 }' "$TEST_TMP/load-all" | sort > "$TEST_TMP/acked"
lost=$(comm -23 "$TEST_TMP/acked" "$TEST_TMP/stored" | wc -l)
is "$lost" 0 'acknowledged posts lost: none'
dup=$(psql_owner "SELECT count(*) - count(DISTINCT body) FROM renrakucho.message
    WHERE team_id = $TEAM_ID AND body LIKE '$TAG %'")
is "$dup" 0 'no message stored twice'

# The refused forms sent again with their tokens: each stored once.
left=0
while read -r tok st; do
	[ "$st" = 503 ] || continue
	c=${tok#"${TAG}c"}; c=${c%%p*}
	i=${tok#"${TAG}c${c}p"}; i=${i%%x*}
	for try in $(seq 20); do
		http_post STAFF1 "/teams/$TEAM_ID/messages" --form-string "csrf=$CSRF" \
		    --form-string "client_token=$tok" --form-string "body=$TAG $c $i"
		[ "$HTTP_STATUS" = 303 ] && break
		sleep 0.5
	done
	[ "$HTTP_STATUS" = 303 ] || left=$((left + 1))
done < "$TEST_TMP/load-all"
is "$left" 0 'every refused form sent again is accepted'
n=$(psql_owner "SELECT count(*) FROM renrakucho.message
    WHERE team_id = $TEAM_ID AND body LIKE '$TAG %'")
is "$n" "$total" 'every post is stored now'
n=$(psql_owner "SELECT count(DISTINCT client_token) FROM renrakucho.message
    WHERE team_id = $TEAM_ID AND body LIKE '$TAG %'")
is "$n" "$total" 'each once'
done_testing
