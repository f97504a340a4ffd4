#!/bin/bash
# /operator/stats over the real stack: the operator's usage figures and
# their CSV.  Known rows are added (a facility inside and one outside the
# service area, a suspended one, a staff account, a patient with a team,
# a message posted through the timeline, and a patient and a message on
# either side of this month's first instant in Japan time), and each
# figure must rise by exactly that; 24 months, the empty ones as 0;
# counts only, no name; staff and facility administrators refused as on
# every /operator page; one audit event per view and per download.
. "$(dirname "$0")/../lib.sh"

U=$(date +%s%N | tail -c 9)
body() { cat "$HTTP_BODY"; }
q() { psql_owner "$1"; }
ev() { q "SELECT count(*) FROM renrakucho.audit_event WHERE action = '$1' AND outcome = '${2:-success}'${3:+ AND detail = '$3'}"; }
# The figure in the page's cell id="stat-NAME".
cell() { sed -n "s/.*<td id=\"stat-$1\">\\([0-9]*\\)<\\/td>.*/\\1/p" "$HTTP_BODY"; }
# The CSV row of a month (YYYY-MM) or a summary item: its number.
csv_of() { tr -d '\r' < "$HTTP_BODY" | sed -n "s/^\"$1\",\"\\([0-9]*\\)\"\$/\\1/p"; }

# The current month and the 23 before it, in Japan time, computed here
# independently of the server's SQL.
THIS=$(TZ=Asia/Tokyo date +%Y-%m)
months=()
for i in $(seq 23 -1 0); do
	months+=("$(TZ=Asia/Tokyo date -d "$THIS-15 -$i months" +%Y-%m)")
done
# This month's first instant in Japan time, as timestamptz text.
START="$THIS-01 00:00:00+09"
PREV=$(TZ=Asia/Tokyo date -d "$THIS-15 -1 month" +%Y-%m)

S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")

# --- refused to anyone but an operator -----------------------------------
for who in STAFF1 FACILITY_ADMIN; do
	login_ok "$who"
	for path in /operator/stats '/operator/stats.csv?kind=summary' \
	    '/operator/stats.csv?kind=patients' '/operator/stats.csv?kind=bad'; do
		denied=$(ev operator.access denied) views=$(ev operator.stats.view) csvs=$(ev operator.stats.export)
		http_get "$who" "$path"
		is "$HTTP_STATUS" 403 "bad: $who gets 403 on $path"
		like "$(body)" '<h1>サービス運用者だけが利用できます</h1>' "bad: $who: the operator pages' refusal"
		unlike "$(body)" '参加事業所' "bad: $who: no figure shown"
		is "$(header Content-Type)" 'text/html; charset=utf-8' "bad: $who: a page, not a CSV"
		is "$(ev operator.access denied)" $((denied + 1)) "bad: $who: one operator.access denied event"
		is "$(ev operator.stats.view)/$(ev operator.stats.export)" "$views/$csvs" "bad: $who: no stats event"
	done
done
is "$(q "SELECT detail FROM renrakucho.audit_event WHERE action = 'operator.access' ORDER BY id DESC LIMIT 1")" \
    /operator/stats.csv 'the denied event names the path'

login_ok OPERATOR

# --- the figures before ---------------------------------------------------
views=$(ev operator.stats.view)
http_get OPERATOR /operator/stats
is "$HTTP_STATUS" 200 'operator: /operator/stats'
is "$(ev operator.stats.view)" $((views + 1)) 'the view is one operator.stats.view event'
is "$(q "SELECT coalesce(object_type, '-') || '|' || coalesce(object_id, '-') || '|' || coalesce(patient_id::text, '-') || '|' || coalesce(detail, '-') || '|' || login FROM renrakucho.audit_event WHERE action = 'operator.stats.view' ORDER BY id DESC LIMIT 1")" \
    "-|-|-|-|$OPERATOR_LOGIN" 'the event: no object, no patient, no detail, the operator'
like "$(body)" '<h1>利用状況</h1>' 'the heading'
b_in=$(cell inside) b_out=$(cell outside) b_tot=$(cell total) b_sus=$(cell suspended)
b_staff=$(cell staff) b_pat=$(cell patients)
is "$b_in" "$(q "SELECT count(*) FROM renrakucho.facility WHERE status = 'active' AND municipality_code = '$MUNICIPALITY_CODE'")" 'facilities inside the area: as in the database'
is "$b_out" "$(q "SELECT count(*) FROM renrakucho.facility WHERE status = 'active' AND municipality_code <> '$MUNICIPALITY_CODE'")" 'facilities outside the area: as in the database'
is "$b_tot" $((b_in + b_out)) 'the total is inside + outside'
is "$b_staff" "$(q "SELECT count(*) FROM renrakucho.account WHERE is_staff AND deleted_at IS NULL")" 'staff accounts: the live ones with the staff role'
ok 'the seeded demo: a facility on each side, staff, a patient' test "$b_in" -ge 1 -a "$b_out" -ge 1 -a "$b_staff" -ge 4 -a "$b_pat" -ge 1

csv_get() { http_get OPERATOR "/operator/stats.csv?kind=$1"; }
csv_get patients
declare -A bp bm
for m in "${months[@]}"; do bp[$m]=$(csv_of "$m"); done
csv_get messages
for m in "${months[@]}"; do bm[$m]=$(csv_of "$m"); done

# --- known rows -----------------------------------------------------------
q "INSERT INTO renrakucho.facility (name, municipality_code, municipality_name, email)
    VALUES ('統計 内$U', '$MUNICIPALITY_CODE', '$MUNICIPALITY_NAME', 'in$U@example.jp'),
    ('統計 外$U', '32201', '島根県松江市', 'out$U@example.jp'),
    ('統計 外$U 停止', '32201', '島根県松江市', 'sus$U@example.jp')" > /dev/null
q "UPDATE renrakucho.facility SET status = 'suspended' WHERE email = 'sus$U@example.jp'" > /dev/null
q "INSERT INTO renrakucho.account (facility_id, login, name, password_hash)
    VALUES ($INSIDE_FACILITY_ID, 'stat$U', '統計 太郎', 'x'),
    ($INSIDE_FACILITY_ID, 'statd$U', '統計 消子', 'x'),
    ($INSIDE_FACILITY_ID, 'stato$U', '統計 運用', 'x')" > /dev/null
# A deleted account and one without the staff role are not counted.
q "UPDATE renrakucho.account SET deleted_at = now() WHERE login = 'statd$U'" > /dev/null
q "UPDATE renrakucho.account SET is_staff = false, is_operator = true WHERE login = 'stato$U'" > /dev/null

PNAME="統計 秘密$U"
PID=$(make_patient "$PNAME" "トウケイ ヒミツ" "1940-0$((RANDOM % 9 + 1))-1$((RANDOM % 9))" female "${MUNICIPALITY_NAME}今市町" "$S1")
TID=$(make_team "$PID" "$S1" "$S2")
# A patient without a team member is not under support (but registered).
PID2=$(make_patient "統計 離脱$U" "トウケイ リダツ" "1941-0$((RANDOM % 9 + 1))-1$((RANDOM % 9))" male "${MUNICIPALITY_NAME}今市町" "$S1")
# Either side of this month's first instant: the last second of the last
# month counts there, the first instant here.
PID3=$(make_patient "統計 前月$U" "トウケイ ゼンゲツ" "1942-0$((RANDOM % 9 + 1))-1$((RANDOM % 9))" male "${MUNICIPALITY_NAME}今市町" "$S1")
q "UPDATE renrakucho.patient SET created_at = timestamptz '$START' - interval '1 second' WHERE id = $PID3" > /dev/null
q "UPDATE renrakucho.patient SET created_at = timestamptz '$START' WHERE id = $PID2" > /dev/null

BODY="統計の確認 =SUM(A1) $U"
login_ok STAFF1
http_get STAFF1 "/teams/$TID/messages"
http_post STAFF1 "/teams/$TID/messages" --form-string "csrf=$(input_value csrf)" \
    --form-string "client_token=$(input_value client_token)" \
    --form-string "body=$BODY"
is "$HTTP_STATUS" 303 'STAFF1 posts a message to the new team'
q "INSERT INTO renrakucho.message (team_id, author_id, body, client_token, created_at)
    VALUES ($TID, $S1, '先月末の連絡', 'stats-prev-$U-abcdef', timestamptz '$START' - interval '1 second'),
    ($TID, $S1, '今月初めの連絡', 'stats-this-$U-abcdef', timestamptz '$START')" > /dev/null

# --- the figures after ----------------------------------------------------
views=$(ev operator.stats.view)
http_get OPERATOR /operator/stats
is "$HTTP_STATUS" 200 'operator: /operator/stats again'
is "$(ev operator.stats.view)" $((views + 1)) 'one more operator.stats.view event'
is "$(cell inside)" $((b_in + 1)) 'facilities inside the area: +1'
is "$(cell outside)" $((b_out + 1)) 'facilities outside the area: +1 (the suspended one not)'
is "$(cell total)" $((b_tot + 2)) 'facilities taking part: +2'
is "$(cell suspended)" $((b_sus + 1)) 'suspended facilities: +1'
is "$(cell staff)" $((b_staff + 1)) 'staff accounts: +1 (not the deleted one, not the operator-only one)'
is "$(cell patients)" $((b_pat + 1)) 'patients under support: +1 (not the one without a member)'
unlike "$(body)" "$PNAME" 'no patient name on the page'
unlike "$(body)" '統計 太郎' 'no staff name on the page'
unlike "$(body)" '統計の確認' 'no message on the page'
# The charts: two SVG images named by their title and desc, 24 bars each,
# drawn in a viewBox (scaled to the column), and the table of 24 months.
is "$(grep -c '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 510 240" role="img"' "$HTTP_BODY")" 2 'two charts, inline SVG with a viewBox'
is "$(grep -o '<rect class="chart-bar"' "$HTTP_BODY" | wc -l)" 48 '24 bars in each chart'
like "$(body)" '<title id="patients-title">新規の患者登録の月ごとの数</title>' 'the patients chart has its title'
like "$(body)" "<desc id=\"patients-desc\">${months[0]%-*}年$((10#${months[0]#*-}))月から${THIS%-*}年$((10#${THIS#*-}))月までの24か月の棒グラフ。合計" 'and a desc with its period and total'
like "$(body)" 'aria-labelledby="messages-title messages-desc"' 'the messages chart is named by its title and desc'
is "$(grep -c '<script' "$HTTP_BODY")" 1 'no script but the layout'"'"'s (app.js, which the charts do not need)'
like "$(body)" 'href="/operator/stats.csv\?kind=patients"' 'the patients chart links its CSV'
like "$(body)" 'href="/operator/stats.csv\?kind=messages"' 'the messages chart links its CSV'
like "$(body)" 'href="/operator/stats.csv\?kind=summary"' 'the figures link their CSV'
rows=$(sed -n '/<table class="table stats-months" id="stats-months">/,/<\/table>/p' "$HTTP_BODY" | grep -c '^<tr><th scope="row">[0-9]*年[0-9]*月</th>')
is "$rows" 24 'the table of months: 24 rows'
like "$(body)" "<tr><th scope=\"row\">${THIS%-*}年$((10#${THIS#*-}))月</th><td>[0-9]+</td><td>[0-9]+</td></tr>" 'this month in the table'

# --- the CSV --------------------------------------------------------------
csvs=$(ev operator.stats.export) csvp=$(ev operator.stats.export success patients)
csv_get patients
is "$HTTP_STATUS" 200 'the patients CSV'
is "$(header Content-Type)" 'text/csv; charset=utf-8' 'served as CSV'
like "$(header Content-Disposition)" '^attachment; filename="stats-patients.csv"' 'as a download named stats-patients.csv'
is "$(ev operator.stats.export)" $((csvs + 1)) 'the download is one operator.stats.export event'
is "$(ev operator.stats.export success patients)" $((csvp + 1)) 'whose detail is the kind: patients'
is "$(head -c 3 "$HTTP_BODY" | od -An -tx1 | tr -d ' ')" efbbbf 'UTF-8 with a BOM'
is "$(head -n 1 "$HTTP_BODY" | tail -c +4)" "$(printf '"月","新規の患者登録"\r')" 'the header row, CRLF'
is "$(tail -n +2 "$HTTP_BODY" | wc -l)" 24 '24 month rows'
is "$(tail -n +2 "$HTTP_BODY" | tr -d '\r' | cut -d, -f1 | tr -d '"' | tr '\n' ' ')" "${months[*]} " 'the 24 months in order, the current one last'
bad=$(tail -n +2 "$HTTP_BODY" | grep -cvE '^"[0-9]{4}-[0-9]{2}","[0-9]+"'$'\r''$')
is "$bad" 0 'every row: a quoted month and a quoted count'
is "$(csv_of "$THIS")" $((${bp[$THIS]} + 2)) 'this month: +2 (the new patient, the one at the first instant)'
is "$(csv_of "$PREV")" $((${bp[$PREV]} + 1)) 'last month: +1 (the one at its last second)'
others=0
for m in "${months[@]}"; do
	[ "$m" = "$THIS" ] || [ "$m" = "$PREV" ] || [ "$(csv_of "$m")" = "${bp[$m]}" ] || others=$((others + 1))
done
is "$others" 0 'the other months unchanged'
is "$(csv_of "${months[0]}")" "$(q "SELECT count(*) FROM renrakucho.patient WHERE created_at >= timestamptz '${months[0]}-01 00:00:00+09' AND created_at < timestamptz '${months[1]}-01 00:00:00+09'")" 'the oldest month: as counted in the database'
zeros=$(tail -n +2 "$HTTP_BODY" | grep -c ',"0"'$'\r''$')
ok "months with nothing are rows of 0 ($zeros of them)" test "$zeros" -ge 1
unlike "$(body)" "$PNAME" 'no patient name in the CSV'

csvm=$(ev operator.stats.export success messages)
csv_get messages
is "$HTTP_STATUS" 200 'the messages CSV'
like "$(header Content-Disposition)" '^attachment; filename="stats-messages.csv"' 'named stats-messages.csv'
is "$(head -n 1 "$HTTP_BODY" | tail -c +4)" "$(printf '"月","メッセージの投稿"\r')" 'its header row'
is "$(tail -n +2 "$HTTP_BODY" | wc -l)" 24 '24 month rows'
is "$(csv_of "$THIS")" $((${bm[$THIS]} + 2)) 'this month: +2 (posted through the timeline, and at the first instant)'
is "$(csv_of "$PREV")" $((${bm[$PREV]} + 1)) 'last month: +1 (at its last second)'
unlike "$(body)" '統計の確認' 'no message text in the CSV'
is "$(ev operator.stats.export success messages)" $((csvm + 1)) 'its event: detail messages'

csv_get summary
is "$HTTP_STATUS" 200 'the summary CSV'
like "$(header Content-Disposition)" '^attachment; filename="stats-summary.csv"' 'named stats-summary.csv'
is "$(head -n 1 "$HTTP_BODY" | tail -c +4)" "$(printf '"項目","数"\r')" 'its header row'
is "$(tail -n +2 "$HTTP_BODY" | wc -l)" 6 'six figures'
is "$(csv_of '参加事業所（サービス区域内）')" $((b_in + 1)) 'inside the area, as on the page'
is "$(csv_of '参加事業所（サービス区域外）')" $((b_out + 1)) 'outside the area'
is "$(csv_of '参加事業所（合計）')" $((b_tot + 2)) 'taking part'
is "$(csv_of '利用停止中の事業所')" $((b_sus + 1)) 'suspended'
is "$(csv_of '利用者アカウント')" $((b_staff + 1)) 'staff accounts'
is "$(csv_of '支援中の患者さん')" $((b_pat + 1)) 'patients under support'

# --- a wrong or missing kind ----------------------------------------------
for k in '?kind=bad' '?kind=' '' '?kind=%3DSUM' '?kind=summary%0A'; do
	csvs=$(ev operator.stats.export)
	http_get OPERATOR "/operator/stats.csv$k"
	is "$HTTP_STATUS" 400 "bad: kind '$k' refused (400)"
	like "$(body)" 'ダウンロードするCSVの種類の指定が正しくありません' "bad: kind '$k': said so"
	is "$(ev operator.stats.export)" "$csvs" "bad: kind '$k': no event"
done
csvs=$(ev operator.stats.export)
http_get OPERATOR '/operator/stats.csv?kind=patients&kind=messages'
is "$HTTP_STATUS" 400 'bad: kind given twice: refused (400)'
like "$(body)" '<title>送信内容が正しくありません' 'bad: kind given twice: the front line'"'"'s page'
is "$(ev operator.stats.export)" "$csvs" 'bad: kind given twice: no event'
http_post OPERATOR /operator/stats --data-urlencode x=1
is "$HTTP_STATUS" 405 'bad: POST to /operator/stats: 405'

# --- the menu links it ----------------------------------------------------
http_get OPERATOR /operator
like "$(body)" '<a class="btn" href="/operator/stats">利用状況</a>' 'the operator menu links the page'

done_testing
