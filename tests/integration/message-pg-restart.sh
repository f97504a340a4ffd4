#!/bin/bash
# PostgreSQL restarted while messages are being posted: every post either
# lands or gets a clear page; resending a failed form (its one-time token)
# stores it once; nothing is lost and nothing is doubled.
. "$(dirname "$0")/../lib.sh"

N=24
TAG="再起動テスト$RANDOM"
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
login_ok STAFF1

# post I: a fresh form, then the post; TOKEN[I] and STATUS[I] are kept.
declare -a TOKEN STATUS
form() {
	local i
	for i in $(seq 30); do
		http_get STAFF1 "/teams/$TEAM_ID/messages"
		[ "$HTTP_STATUS" = 200 ] && return 0
		sleep 0.5
	done
	return 1
}
post() {	# post I
	http_post STAFF1 "/teams/$TEAM_ID/messages" --form-string "csrf=$CSRF" \
	    --form-string "client_token=${TOKEN[$1]}" --form-string "body=$TAG $1"
	STATUS[$1]=$HTTP_STATUS
}

pg() { (cd / && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$RUN_DIR/pg/data" \
    -w -l "$RUN_DIR/log/postgresql-start.log" "$@") > /dev/null 2>&1; }
for i in $(seq 1 $N); do
	# PostgreSQL is down for posts 9 to 14 (their forms were opened
	# before), then restarted; a restart in the middle of a post is the
	# same case for the CGI: its transaction never commits.
	if [ "$i" -le 8 ] || [ "$i" -ge 15 ]; then
		form || bail 'the timeline did not come back'
		CSRF=$(input_value csrf)
		TOKEN[$i]=$(input_value client_token)
	else
		TOKEN[$i]=${TOKEN[8]}-$i
	fi
	[ "$i" = 9 ] && pg -m fast stop
	post "$i"
	[ "$i" = 9 ] && cp "$HTTP_BODY" "$TEST_TMP/down.html"
	[ "$i" = 14 ] && pg start
done
bad=0
for i in $(seq 1 $N); do
	case ${STATUS[$i]} in 303|503) ;; *) bad=$((bad + 1)) ;; esac
done
is "$bad" 0 'every post during the restart answered 303 or the 503 page, never a 500'
failed=$(for i in $(seq 1 $N); do [ "${STATUS[$i]}" = 303 ] || echo "$i"; done | wc -l)
is "$failed" 6 'the posts sent while PostgreSQL was down were refused'
like "$(cat "$TEST_TMP/down.html")" 'ただいま利用できません' 'with a Japanese page saying so'
n=$(psql_owner "SELECT count(*) FROM renrakucho.message WHERE team_id = $TEAM_ID AND body LIKE '$TAG %'")
is "$n" $((N - 6)) 'the others are stored'


# The user sends each refused form again (same token), and, to be sure,
# every form that did land too: the token makes a resend harmless.
for i in $(seq 1 $N); do
	for try in $(seq 20); do
		post "$i"
		[ "${STATUS[$i]}" = 303 ] && break
		sleep 0.5
	done
done
left=$(for i in $(seq 1 $N); do [ "${STATUS[$i]}" = 303 ] || echo "$i"; done | wc -l)
is "$left" 0 'after the restart every resent form is accepted'
n=$(psql_owner "SELECT count(*) FROM renrakucho.message WHERE team_id = $TEAM_ID AND body LIKE '$TAG %'")
is "$n" "$N" 'every message stored'
n=$(psql_owner "SELECT count(DISTINCT body) FROM renrakucho.message WHERE team_id = $TEAM_ID AND body LIKE '$TAG %'")
is "$n" "$N" 'none stored twice'
done_testing
