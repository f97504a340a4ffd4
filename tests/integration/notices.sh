#!/bin/bash
# The operator's notices (お知らせ, /operator/notices) over the real stack:
# written with CSRF and audited, each invalid field refused with its own
# message and no row, staff refused, /home showing the notices current
# now (escaped, lines kept) and neither those to come nor past ones, and
# a withdrawn one no longer shown; the portal's /notices showing the
# current ones marked for the portal to anyone.
. "$(dirname "$0")/../lib.sh"

U=$(date +%s%N | tail -c 9)
q() { psql_owner "$1"; }
body() { cat "$HTTP_BODY"; }
contains() { [[ $(body) == *"$1"* ]]; }	# the last body holds the text as is
# jst OFFSET: a moment as the form takes it, in Japan time (date -d).
jst() { TZ=JST-9 date -d "$1" +%Y-%m-%dT%H:%M; }
rows() { q "SELECT count(*) FROM renrakucho.notice WHERE title LIKE '%$U%'"; }
# ev ACTION [OBJECT]: the operator's success events of ACTION.
ev() { q "SELECT count(*) FROM renrakucho.audit_event WHERE action = '$1' AND account_id = $OP AND outcome = 'success'${2:+ AND object_type = 'notice' AND object_id = '$2'}"; }

OP=$(account_id "$OPERATOR_LOGIN")
FROM=$(jst '-1 hour')
UNTIL=$(jst '+1 day')

# --- not an operator --------------------------------------------------------
login_ok STAFF1
http_get STAFF1 /home
SCSRF=$(input_value csrf)
http_get STAFF1 /operator/notices
is "$HTTP_STATUS" 403 'bad: staff gets 403 on /operator/notices'
http_post STAFF1 /operator/notices --data-urlencode "csrf=$SCSRF" \
    --data-urlencode "title=乗っ取り$U" --data-urlencode 'body=x' \
    --data-urlencode "show_from=$FROM" --data-urlencode "show_until=$UNTIL"
is "$HTTP_STATUS" 403 'bad: staff cannot write a notice'
is "$(rows)" 0 'bad: no row from staff'

# --- the form ---------------------------------------------------------------
login_ok OPERATOR
http_get OPERATOR /operator
like "$(body)" 'href="/operator/notices"' 'the operator menu offers お知らせ'
n=$(ev operator.notice.list)
http_get OPERATOR /operator/notices
is "$HTTP_STATUS" 200 'operator: /operator/notices'
is "$(ev operator.notice.list)" $((n + 1)) 'the list is one operator.notice.list event'
tok=$(input_value csrf)

post() {	# post TITLE BODY FROM UNTIL [CURL-ARGS...]
	local t=$1 b=$2 f=$3 u=$4
	shift 4
	http_post OPERATOR /operator/notices --data-urlencode "csrf=$tok" \
	    --data-urlencode "title=$t" --data-urlencode "body=$b" \
	    --data-urlencode "show_from=$f" --data-urlencode "show_until=$u" "$@"
}

n=$(ev operator.notice.create)
http_post OPERATOR /operator/notices \
    --data-urlencode "title=CSRFなし$U" --data-urlencode 'body=x' \
    --data-urlencode "show_from=$FROM" --data-urlencode "show_until=$UNTIL"
is "$HTTP_STATUS" 403 'bad: no CSRF token: 403'
case $tok in A*) bad=B${tok#?} ;; *) bad=A${tok#?} ;; esac
http_post OPERATOR /operator/notices --data-urlencode "csrf=$bad" \
    --data-urlencode "title=CSRF違い$U" --data-urlencode 'body=x' \
    --data-urlencode "show_from=$FROM" --data-urlencode "show_until=$UNTIL"
is "$HTTP_STATUS" 403 'bad: a wrong CSRF token: 403'

LONG=$(printf 'あ%.0s' $(seq 101))
BIG=$(printf 'い%.0s' $(seq 2001))
check_bad() {	# check_bad NAME MESSAGE TITLE BODY FROM UNTIL
	local name=$1 msg=$2
	shift 2
	post "$@"
	is "$HTTP_STATUS" 422 "bad: $name: 422"
	like "$(body)" "$msg" "bad: $name: told why"
	is "$(rows)" 0 "bad: $name: no row"
}
check_bad 'empty title' 'タイトルを100文字までの1行で入力してください。' \
    '' "本文$U" "$FROM" "$UNTIL"
check_bad '101-character title' 'タイトルを100文字までの1行で入力してください。' \
    "$LONG$U" "本文$U" "$FROM" "$UNTIL"
check_bad 'empty text' '本文を2000文字までで入力してください。' \
    "題$U" '' "$FROM" "$UNTIL"
check_bad '2001-character text' '本文を2000文字までで入力してください。' \
    "題$U" "$BIG" "$FROM" "$UNTIL"
check_bad 'no start' '表示開始の日時を入力してください（例: 2026-12-03T09:00）。' \
    "題$U" "本文$U" '' "$UNTIL"
check_bad 'not a day' '表示開始の日時を入力してください（例: 2026-12-03T09:00）。' \
    "題$U" "本文$U" '2027-02-30T09:00' "$UNTIL"
check_bad 'not a time' '表示終了の日時を入力してください（例: 2026-12-10T18:00）。' \
    "題$U" "本文$U" "$FROM" 'tomorrow'
check_bad 'end before start' '表示終了は表示開始より後の日時にしてください。' \
    "題$U" "本文$U" "$UNTIL" "$FROM"
check_bad 'end equal to start' '表示終了は表示開始より後の日時にしてください。' \
    "題$U" "本文$U" "$FROM" "$FROM"
check_bad 'end in the past' '表示終了は現在より後の日時にしてください。' \
    "題$U" "本文$U" "$(jst '-3 hours')" "$(jst '-2 hours')"
check_bad 'end beyond a year' '表示終了は1年以内の日時にしてください。' \
    "題$U" "本文$U" "$FROM" "$(jst '+367 days')"
post "題$U" "本文$U" '' ''
like "$(body)" 'value="題'"$U"'"' 'a refused form keeps what was typed'
is "$(ev operator.notice.create)" "$n" 'bad: no event for a refused form'

# --- written ----------------------------------------------------------------
# The longest title and text are taken (2000 characters of Japanese are
# 18 KiB percent-encoded).
T100="$(printf 'う%.0s' $(seq $((100 - ${#U}))))$U"
post "$T100" "$(printf 'え%.0s' $(seq 2000))" "$FROM" "$UNTIL"
is "$HTTP_STATUS" 303 'a 100-character title and a 2000-character text are taken'
N0=$(q "SELECT id FROM renrakucho.notice WHERE title = '$T100'")
is "$(q "SELECT char_length(title) || '|' || char_length(body) FROM renrakucho.notice WHERE id = '$N0'")" '100|2000' 'stored whole'
http_post OPERATOR "/operator/notices/$N0/withdraw" --data-urlencode "csrf=$tok"
is "$HTTP_STATUS" 303 'and withdrawn again'
n=$(ev operator.notice.create)

post "<b>停止</b>のお知らせ$U" "1行目$U
<i>2行目</i>" "$FROM" "$UNTIL" --data-urlencode 'on_portal=1'
is "$HTTP_STATUS" 303 'a notice is written'
is "$HTTP_LOCATION" '/operator/notices?n=created' 'back to the list'
N1=$(q "SELECT id FROM renrakucho.notice WHERE title = '<b>停止</b>のお知らせ$U'")
ok 'its row exists' test -n "$N1"
is "$(q "SELECT created_by || '|' || on_portal || '|' || (withdrawn_at IS NULL) || '|' || to_char(show_from AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD\"T\"HH24:MI') || '|' || to_char(show_until AT TIME ZONE 'Asia/Tokyo', 'YYYY-MM-DD\"T\"HH24:MI') FROM renrakucho.notice WHERE id = $N1")" \
    "$OP|true|true|$FROM|$UNTIL" 'by the operator, for the portal too, the period as typed in Japan time'
is "$(ev operator.notice.create)" $((n + 1)) 'one operator.notice.create event'
is "$(ev operator.notice.create "$N1")" 1 'naming the operator and the notice'
is "$(q "SELECT detail FROM renrakucho.audit_event WHERE action = 'operator.notice.create' AND object_id = '$N1'")" portal 'its detail: portal'
http_get OPERATOR "/operator/notices?n=created"
like "$(body)" 'お知らせを掲示しました。' 'the list says it was written'
like "$(body)" "&lt;b&gt;停止&lt;/b&gt;のお知らせ$U" 'the list shows it escaped'
like "$(body)" '表示中' 'as shown now'

# One to come and one past, their periods set by the owner.
post "予告$U" "先の本文$U" "$FROM" "$UNTIL"
N2=$(q "SELECT id FROM renrakucho.notice WHERE title = '予告$U'")
post "過去$U" "過去の本文$U" "$FROM" "$UNTIL"
N3=$(q "SELECT id FROM renrakucho.notice WHERE title = '過去$U'")
q "UPDATE renrakucho.notice SET show_from = now() + interval '1 minute', show_until = now() + interval '2 days' WHERE id = $N2" >/dev/null
q "UPDATE renrakucho.notice SET show_from = now() - interval '2 days', show_until = now() - interval '1 second' WHERE id = $N3" >/dev/null

# --- on /home ---------------------------------------------------------------
for who in STAFF1 OPERATOR; do
	http_get "$who" /home
	is "$HTTP_STATUS" 200 "$who: /home"
	like "$(body)" "<h3>&lt;b&gt;停止&lt;/b&gt;のお知らせ$U</h3>" "$who: the current notice's title, escaped"
	unlike "$(body)" "<b>停止</b>" "$who: no live markup"
	want="1行目$U
&lt;i&gt;2行目&lt;/i&gt;"
	ok "$who: its text escaped, the line kept" contains "$want"
	unlike "$(body)" "予告$U" "$who: not one still to come (from in a minute)"
	unlike "$(body)" "過去$U" "$who: not a past one (until a second ago)"
done
q "UPDATE renrakucho.notice SET show_from = now() - interval '1 second' WHERE id = $N2" >/dev/null
http_get STAFF1 /home
like "$(body)" "予告$U" 'shown from its show_from on'

# --- on the portal (no certificate) ----------------------------------------
portal_get /
like "$(body)" 'href="notices"' 'the portal top page links the notices'
q "UPDATE renrakucho.notice SET on_portal = true WHERE id = $N3" >/dev/null
portal_get /notices
is "$HTTP_STATUS" 200 'portal /notices: 200 without a certificate'
like "$(body)" "<h2>&lt;b&gt;停止&lt;/b&gt;のお知らせ$U</h2>" 'portal: the current portal notice, escaped'
unlike "$(body)" "<b>停止</b>" 'portal: no live markup'
ok 'portal: its text escaped, the line kept' contains "$want"
unlike "$(body)" "予告$U" 'portal: not a current notice for /home only'
unlike "$(body)" "過去$U" 'portal: not a past one'

# --- withdrawn --------------------------------------------------------------
tok=$(csrf_of OPERATOR /operator/notices)
like "$(body)" "action=\"/operator/notices/$N1/withdraw\"" 'the list offers to withdraw it'
unlike "$(body)" "action=\"/operator/notices/$N3/withdraw\"" 'not a past one'
n=$(ev operator.notice.withdraw)
http_post OPERATOR "/operator/notices/$N1/withdraw"
is "$HTTP_STATUS" 403 'bad: withdrawing without CSRF: 403'
is "$(q "SELECT withdrawn_at IS NULL FROM renrakucho.notice WHERE id = $N1")" t 'bad: still shown'
http_post STAFF1 "/operator/notices/$N1/withdraw" --data-urlencode "csrf=$SCSRF"
is "$HTTP_STATUS" 403 'bad: staff cannot withdraw it'
http_post OPERATOR "/operator/notices/$N1/withdraw" --data-urlencode "csrf=$tok"
is "$HTTP_STATUS" 303 'withdrawn'
is "$HTTP_LOCATION" '/operator/notices?n=withdrawn' 'back to the list'
is "$(q "SELECT withdrawn_at IS NOT NULL FROM renrakucho.notice WHERE id = $N1")" t 'its withdrawn_at is set'
is "$(ev operator.notice.withdraw)" $((n + 1)) 'one operator.notice.withdraw event'
is "$(ev operator.notice.withdraw "$N1")" 1 'naming the operator and the notice'
http_post OPERATOR "/operator/notices/$N1/withdraw" --data-urlencode "csrf=$tok"
is "$HTTP_STATUS" 404 'bad: withdrawing it again: 404'
is "$(ev operator.notice.withdraw)" $((n + 1)) 'bad: no second event'
http_get STAFF1 /home
unlike "$(body)" "停止&lt;/b&gt;のお知らせ$U" 'a withdrawn notice is no longer on /home'
portal_get /notices
unlike "$(body)" "停止&lt;/b&gt;のお知らせ$U" 'nor on the portal'
is "$HTTP_STATUS" 200 'the portal page still answers'
http_get OPERATOR /operator/notices
like "$(body)" '取り下げ済み' 'the list shows it withdrawn'

# The app may withdraw, never rewrite.
if psql_app "UPDATE renrakucho.notice SET title = 'x' WHERE id = $N2" >/dev/null 2>&1; then
	fail 'bad: the app role rewrote a notice'
else
	pass 'bad: the app role cannot rewrite a notice'
fi
http_post OPERATOR "/operator/notices/$N2/withdraw" --data-urlencode "csrf=$tok"
is "$HTTP_STATUS" 303 'the other current one withdrawn too (the stack is shared)'
done_testing
