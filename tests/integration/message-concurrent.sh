#!/bin/bash
# 200 posts at once from several sessions of several members (xargs -P 8):
# every one stored exactly once, the mail limit holds under the race, and
# sending 50 of the same forms again stores nothing more.
. "$(dirname "$0")/../lib.sh"

S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")
U=$(date +%s%N | tail -c 10)
START=$(psql_owner "SELECT now()")
PID=$(make_patient "並行 花子$U" "ヘイコウ$U" 1941-02-03 female "島根県出雲市$U" \
    "$S1") || bail 'patient insert'
TEAM=$(make_team "$PID" "$S1" "$S2") || bail 'team insert'

# Four sessions each for STAFF1 and STAFF2, each with its own cookie jar.
SESSIONS=()
for who in STAFF1 STAFF2; do
	for k in 1 2 3 4; do
		jar=$TEST_TMP/jar-$who-$k
		l=${who}_LOGIN p=${who}_PASSWORD pem=${who}_PEM
		c=(curl -sS --max-time 30 --cacert "$CA_CERT" --cert "${!pem}" -b "$jar" -c "$jar")
		csrf=$("${c[@]}" "$APP_URL/login" | grep -o 'name="csrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')
		st=$("${c[@]}" -o /dev/null -w '%{http_code}' --data-urlencode "login=${!l}" \
		    --data-urlencode "password=${!p}" --data-urlencode "csrf=$csrf" "$APP_URL/login")
		[ "$st" = 303 ] || bail "login $who/$k: $st"
		csrf=$("${c[@]}" "$APP_URL/teams/$TEAM/messages" | grep -o 'name="csrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')
		[ -n "$csrf" ] || bail "no CSRF token for $who/$k"
		SESSIONS+=("${!pem} $jar $csrf")
	done
done
pass 'eight sessions logged in'

# One line per post: session fields, a token of its own, the number.
for i in $(seq 1 200); do
	s=${SESSIONS[$((i % ${#SESSIONS[@]}))]}
	echo "$s tok$U$(printf '%04d' "$i")x $i"
done > "$TEST_TMP/jobs"
cat > "$TEST_TMP/post1.sh" <<'EOF'
#!/bin/bash
# post1 PEM JAR CSRF TOKEN N
st=$(curl -sS --max-time 60 --cacert "$CA_CERT" --cert "$1" -b "$2" \
    -o /dev/null -w '%{http_code}' --form-string "csrf=$3" \
    --form-string "client_token=$4" --form-string "body=並行投稿 $U $5" \
    "$APP_URL/teams/$TEAM/messages")
echo "$5 $st"
EOF
export CA_CERT APP_URL TEAM U
xargs -P 8 -L 1 bash "$TEST_TMP/post1.sh" < "$TEST_TMP/jobs" > "$TEST_TMP/results"
is "$(awk '$2 == 303' "$TEST_TMP/results" | wc -l | tr -d ' ')" 200 '200 concurrent posts: all answered 303'
awk '$2 != 303' "$TEST_TMP/results" | head -n 5 | while read -r l; do diag "$l"; done
is "$(psql_owner "SELECT count(*) FROM renrakucho.message WHERE team_id = $TEAM")" 200 '200 concurrent posts: 200 messages'
is "$(psql_owner "SELECT count(DISTINCT body) FROM renrakucho.message WHERE team_id = $TEAM")" 200 '200 concurrent posts: each exactly once'

# 50 of the same forms again (a resend after a timeout): nothing doubled.
head -n 50 "$TEST_TMP/jobs" | xargs -P 8 -L 1 bash "$TEST_TMP/post1.sh" > "$TEST_TMP/results2"
is "$(awk '$2 == 303' "$TEST_TMP/results2" | wc -l | tr -d ' ')" 50 '50 resent forms: all answered 303'
is "$(psql_owner "SELECT count(*) FROM renrakucho.message WHERE team_id = $TEAM")" 200 'resent forms: still 200 messages'

m1=$(psql_owner "SELECT count(*) FROM renrakucho.mail_outbox WHERE account_id = $S1 AND created_at >= '$START'")
m2=$(psql_owner "SELECT count(*) FROM renrakucho.mail_outbox WHERE account_id = $S2 AND created_at >= '$START'")
is "$m1 $m2" '1 1' 'mail limit under concurrency: one mail per member'

# The timeline pages through all 200 with keyset links, 30 at a time.

c=(curl -sS --max-time 30 --cacert "$CA_CERT" --cert "$STAFF2_PEM" -b "$TEST_TMP/jar-STAFF2-1")
path="/teams/$TEAM/messages"
pages=0 seen=0
while [ -n "$path" ] && [ $pages -lt 10 ]; do
	"${c[@]}" "$APP_URL$path" > "$TEST_TMP/page"
	pages=$((pages + 1))
	seen=$((seen + $(grep -c 'class="card message"' "$TEST_TMP/page")))
	path=$(grep -o 'href="[^"]*?before=[0-9]*"' "$TEST_TMP/page" | sed 's/^href="//; s/"$//')
done
is "$pages $seen" '7 200' 'timeline: 7 pages of at most 30 show all 200'
is "$(psql_owner "SELECT count(*) FROM renrakucho.message_view v JOIN renrakucho.message m ON m.id = v.message_id WHERE m.team_id = $TEAM AND v.account_id = $S2")" \
    "$(psql_owner "SELECT count(*) FROM renrakucho.message WHERE team_id = $TEAM AND author_id <> $S2")" \
    'paging through: a first view for every message of the others'

done_testing
