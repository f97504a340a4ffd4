#!/bin/bash
# Timelines read while others post and 👍 in the same team, by three
# members at once without a pause (tests/cluster/load.py's mix, closed
# loop, 8 seconds): no answer but 200 and 303, and no deadlock.  A
# timeline view marks messages seen (message_view: the viewer's
# team_member row), a post counts one more unread for every other member
# (their rows); each also writes its audit event, whose chain lock is
# held to the commit.  The view once wrote its event first and so took
# the chain before its row, the post the other way round: PostgreSQL
# broke the cycle after deadlock_timeout with 40P01, a 500, about once
# a second under this load.
. "$(dirname "$0")/../lib.sh"

S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")
FA=$(account_id "$FACILITY_ADMIN_LOGIN")
U=$(date +%s%N | tail -c 10)
PID=$(make_patient "競合 花子$U" "キョウゴウ$U" 1942-03-04 female "島根県出雲市$U" \
    "$S1") || bail 'patient insert'
TEAM=$(make_team "$PID" "$S1" "$S2" "$FA") || bail 'team insert'
for who in STAFF1 STAFF2 FACILITY_ADMIN; do
	l=${who}_LOGIN p=${who}_PASSWORD pem=${who}_PEM
	printf '%s\t%s\t%s\n' "${!l}" "${!p}" "${!pem}"
done > "$TEST_TMP/users.tsv"
PGLOG=$STACK_LOG_DIR/postgresql/postgresql.log
before=$(grep -c 'deadlock detected' "$PGLOG")
posts0=$(psql_owner "SELECT count(*) FROM renrakucho.message WHERE team_id = $TEAM")
mkdir -p "$TEST_TMP/race"
out=$(RK_NO_PROXY=1 python3 "$(dirname "$0")/../cluster/load.py" sizing \
    "${APP_URL#https://}" 127.0.0.1 "$TEST_TMP/users.tsv" "$TEAM" 8 3 \
    "$TEST_TMP/race" 2>&1) || bail "load.py: $out"
diag "$out"
R=$TEST_TMP/race/requests.tsv
is "$(cut -f4 "$R" | grep -cvxE '200|303')" 0 \
    'every answer 200 or 303 (no 500)'
is "$(awk -F'\t' '$3 == "post" && $4 != "303"' "$R" | wc -l)" 0 'every post 303'
posts=$(awk -F'\t' '$3 == "post" && $4 == "303"' "$R" | wc -l)
views=$(awk -F'\t' '$3 == "timeline" && $4 == "200"' "$R" | wc -l)
ok "posts made: $posts" [ "$posts" -ge 20 ]
ok "timelines read: $views" [ "$views" -ge 40 ]
is "$(psql_owner "SELECT count(*) FROM renrakucho.message WHERE team_id = $TEAM")" \
    "$((posts0 + posts))" 'every post stored once'
is "$(grep -c 'deadlock detected' "$PGLOG")" "$before" \
    'no deadlock in the server log'
done_testing
