#!/bin/bash
# Posts to one team of five at once: each raises the other members'
# unread counts, so two at once lock team_member rows, in one order
# (schema/functions/unread.sql), or deadlock.  pgbench drives the INSERT the post makes, with the
# trigger it fires, from 8 connections for 5 seconds: none may fail, and
# every counter must still equal the count from the messages.
. "$(dirname "$0")/../lib.sh"

PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")
FA=$(account_id "$FACILITY_ADMIN_LOGIN")
OU=$(account_id "$OUTSIDE_LOGIN")
OP=$(psql_owner "SELECT id FROM renrakucho.account WHERE deleted_at IS NULL AND id NOT IN ($S1, $S2, $FA, $OU) ORDER BY id LIMIT 1")
U=$(date +%s%N | tail -c 8)
PID=$(make_patient "同時 投稿$U" "ドウジ$U" 1939-05-06 male "${MUNICIPALITY_NAME}今市町" "$S1") ||
    bail 'patient insert'
TID=$(make_team "$PID" "$S1" "$S2" "$FA" "$OU" "$OP") || bail 'team insert'
is "$(psql_owner "SELECT count(*) FROM renrakucho.team_member WHERE team_id = $TID")" 5 'a team of five'

# Authors in turn: every post locks the rows of four others.
cat > "$TEST_TMP/post.sql" <<EOF
\\set a random(0, 4)
\\set tok random(1, 1000000000)
INSERT INTO renrakucho.message (team_id, author_id, body, client_token)
SELECT $TID, (ARRAY[$S1, $S2, $FA, $OU, $OP])[:a + 1], '同時投稿の確認',
    'concurrent-' || :tok || '-' || :client_id;
EOF
out=$("$PGBIN/pgbench" -n -c 8 -j 2 -T 5 -f "$TEST_TMP/post.sql" "$OWNER_DSN" 2>&1)
n=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' <<< "$out")
ok "8 connections posted for 5 seconds ($n posts)" test "${n:-0}" -gt 100
failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' <<< "$out")
is "${failed:-0}" 0 'none failed'
is "$(psql_owner "SELECT count(*) FROM renrakucho.message WHERE team_id = $TID")" "$n" 'every post stored'
is "$(psql_owner "SELECT count(*) FROM renrakucho.team_member WHERE team_id = $TID AND unread <> renrakucho.team_unread_count(team_id, account_id)")" 0 \
    'every unread count equals the count from the messages'
done_testing
