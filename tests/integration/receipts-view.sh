#!/bin/bash
# Read receipts: the first view recorded once, the person in charge sees
# everyone, other members only themselves, outsiders get 404, and the CSV
# export neutralises cells a spreadsheet would run as formulas.
. "$(dirname "$0")/../lib.sh"

post() {	# post WHO BODY
	http_get "$1" "/teams/$TEAM/messages"
	http_post "$1" "/teams/$TEAM/messages" --form-string "csrf=$(input_value csrf)" \
	    --form-string "client_token=$(input_value client_token)" --form-string "body=$2"
	[ "$HTTP_STATUS" = 303 ] || bail "post by $1 failed ($HTTP_STATUS)"
}
views() { psql_owner "SELECT count(*) FROM renrakucho.message_view v JOIN renrakucho.message m ON m.id = v.message_id WHERE m.team_id = $TEAM AND v.account_id = $1"; }

S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")
FA=$(account_id "$FACILITY_ADMIN_LOGIN")
U=$(date +%s%N | tail -c 10)
PID=$(make_patient "既読 確認$U" "キドク$U" 1935-12-24 female "島根県出雲市$U" \
    "$S1") || bail 'patient insert'
# A member whose name starts with a tab and a formula (never logs in).
TAB=$(psql_owner "INSERT INTO renrakucho.account (facility_id, login, name, password_hash)
    SELECT facility_id, 'rcpt$U', E'\\t=タブ$U', 'x' FROM renrakucho.account WHERE id = $S1
    RETURNING id") || bail 'account insert'
TEAM=$(make_team "$PID" "$S1" "$S2" "$FA" "$TAB") || bail 'team insert'
login_ok STAFF1
login_ok STAFF2
login_ok OUTSIDE

# Cells a spreadsheet would run as formulas, and one with a quote.
HOSTILE=('=HYPERLINK("http://evil.example/","x")' '+1+2' '-3+4' '@SUM(A1)' 'say "hi"'
    '＝WEBSERVICE(1)' '＠SUM(B1)')
for b in "${HOSTILE[@]}"; do post STAFF1 "$b"; done
N=${#HOSTILE[@]}

# --- first view, once --------------------------------------------------------
is "$(views "$S2")" 0 'nothing viewed before the timeline is shown'
http_get STAFF2 "/teams/$TEAM/messages"
is "$(views "$S2")" "$N" 'showing the timeline records a first view per message'
first=$(psql_owner "SELECT max(v.first_viewed_at) FROM renrakucho.message_view v JOIN renrakucho.message m ON m.id = v.message_id WHERE m.team_id = $TEAM AND v.account_id = $S2")
sleep 1
http_get STAFF2 "/teams/$TEAM/messages"
is "$(views "$S2")" "$N" 'viewed twice: still one row per message'
is "$(psql_owner "SELECT max(v.first_viewed_at) FROM renrakucho.message_view v JOIN renrakucho.message m ON m.id = v.message_id WHERE m.team_id = $TEAM AND v.account_id = $S2")" "$first" 'viewed twice: the first view time is kept'
is "$(views "$S1")" 0 "the author's own messages are not counted as views"
is "$(psql_owner "SELECT renrakucho.team_unread($TEAM, $FA)")" "$N" 'team_unread: all unread for a member who has not looked'
is "$(psql_owner "SELECT renrakucho.team_unread($TEAM, $S2)")" 0 'team_unread: none after viewing'
is "$(psql_owner "SELECT renrakucho.team_unread($TEAM, $S1)")" 0 'team_unread: own messages do not count'

# --- the person in charge sees everyone ----------------------------------------
http_get STAFF1 "/teams/$TEAM/receipts"
is "$HTTP_STATUS" 200 'lead: receipts page'
b=$(cat "$HTTP_BODY")
like "$b" '閲覧済み（1人）' 'lead: one member has viewed each message'
like "$b" '<li>大社 三枝（[0-9]{4}年' 'lead: who viewed and when'
like "$b" '未閲覧（2人）' 'lead: two members have not'
like "$b" '<li>今市 花子</li>' 'lead: who has not viewed'
like "$b" '最後に閲覧した日時' 'lead: per member last view'
like "$b" '閲覧なし' 'lead: a member who never viewed'
like "$b" "receipts/export.csv" 'lead: CSV link'
like "$b" '=HYPERLINK\(&quot;|=HYPERLINK\("http' 'lead: excerpt shown, escaped'
is "$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'receipts.view' AND object_id = '$TEAM' AND patient_id = $PID AND account_id = $S1 AND outcome = 'success'")" 1 'receipts view is an audit event'

# --- other members: their own status only ---------------------------------------
http_get STAFF2 "/teams/$TEAM/receipts"
is "$HTTP_STATUS" 200 'member: receipts page'
b=$(cat "$HTTP_BODY")
like "$b" 'あなたの閲覧状況' 'member: own status shown'
like "$b" 'ほかのメンバーの閲覧状況は、支援チームの担当者だけ' 'member: told who sees the rest'
unlike "$b" '今市 花子' "bad member view: other members' status not shown"
unlike "$b" "receipts/export.csv" 'member: no CSV link'
n=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'receipts.export' AND outcome = 'denied' AND detail = 'not a lead' AND object_id = '$TEAM' AND account_id = $(account_id "$STAFF2_LOGIN")")
http_get STAFF2 "/teams/$TEAM/receipts/export.csv"
is "$HTTP_STATUS" 403 'bad member: CSV export refused'
is "$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'receipts.export' AND outcome = 'denied' AND detail = 'not a lead' AND object_id = '$TEAM' AND account_id = $(account_id "$STAFF2_LOGIN")")" $((n + 1)) 'bad member: the refusal is one audit event'

# --- outsiders -------------------------------------------------------------------
http_get OUTSIDE "/teams/$TEAM/receipts"
is "$HTTP_STATUS" 404 'bad non-member: receipts 404'
unlike "$(cat "$HTTP_BODY")" "既読 確認$U" 'bad non-member: patient not named'
http_get OUTSIDE "/teams/$TEAM/receipts/export.csv"
is "$HTTP_STATUS" 404 'bad non-member: CSV 404'

# --- CSV export --------------------------------------------------------------------
http_get STAFF1 "/teams/$TEAM/receipts/export.csv"
is "$HTTP_STATUS" 200 'lead: CSV export'
like "$(header Content-Type)" '^text/csv' 'CSV: text/csv'
like "$(header Content-Disposition)" '^attachment;' 'CSV: a download'
is "$(head -c 3 "$HTTP_BODY" | od -An -tx1 | tr -d ' ')" efbbbf 'CSV: UTF-8 BOM'
is "$(grep -c $'\r$' "$HTTP_BODY")" "$(wc -l < "$HTTP_BODY" | tr -d ' ')" 'CSV: every line ends in CRLF'
is "$(wc -l < "$HTTP_BODY" | tr -d ' ')" $((1 + 3 * N)) 'CSV: a header and one row per message and member'
csv=$(cat "$HTTP_BODY")
like "$csv" "\"'=HYPERLINK\(\"\"http://evil.example/\"\",\"\"x\"\"\)\"" 'bad CSV cell =: neutralised, quotes doubled'
like "$csv" "\"'\\+1\\+2\"" 'bad CSV cell +: neutralised'
like "$csv" "\"'-3\\+4\"" 'bad CSV cell -: neutralised'
like "$csv" "\"'@SUM\\(A1\\)\"" 'bad CSV cell @: neutralised'
like "$csv" "\"'	=タブ$U\"" 'bad CSV cell tab: neutralised'
like "$csv" '"say ""hi"""' 'CSV: quotes doubled'
like "$csv" "\"'＝WEBSERVICE\\(1\\)\"" 'bad CSV cell full-width ＝: neutralised'
like "$csv" "\"'＠SUM\\(B1\\)\"" 'bad CSV cell full-width ＠: neutralised'
unlike "$csv" '(^|,)"([=+@-]|＝|＋|－|＠)' 'bad CSV: no cell starts with a formula character'
like "$csv" '"大社 三枝",.*"閲覧済み"' 'CSV: viewed member with status'
like "$csv" '"今市 花子",.*"","未閲覧"' 'CSV: member who has not viewed'
is "$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'receipts.export' AND outcome = 'success' AND object_id = '$TEAM' AND patient_id = $PID")" 1 'CSV export is an audit event'

# --- a first view is recorded only for what a page shows ---------------------------
# 30 more messages: a timeline page shows 30, and the 31st it reads only
# tells it there are older ones.
psql_owner "INSERT INTO renrakucho.message (team_id, author_id, body, client_token)
    SELECT $TEAM, $S1, '追加 ' || g, 'bulk-$U-' || g FROM generate_series(1, 30) g" > /dev/null ||
    bail 'message insert'
login_ok FACILITY_ADMIN
http_get FACILITY_ADMIN "/teams/$TEAM/messages"
is "$HTTP_STATUS" 200 'a member who has not looked: first page'
is "$(views "$FA")" 30 'first page: a first view for each of the 30 shown, not the 31st'
older=$(grep -o 'messages?before=[0-9]*' "$HTTP_BODY" | head -n 1)
like "$older" '^messages\?before=[0-9]+$' 'first page links to older messages'
http_get FACILITY_ADMIN "/teams/$TEAM/$older"
is "$HTTP_STATUS" 200 'older page'
is "$(views "$FA")" $((30 + N)) 'older page: the rest viewed too'

done_testing
