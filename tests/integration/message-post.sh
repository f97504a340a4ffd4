#!/bin/bash
# Team messages over the real stack: posting (escaping, attachments, the
# double submit, bad input), 👍, withdrawal, downloads, the notification
# mail limit, and an outsider's view (404 everywhere).
. "$(dirname "$0")/../lib.sh"

timeline() {	# timeline WHO [QUERY]: CSRF and TOKEN from the page
	http_get "$1" "/teams/$TEAM/messages${2:-}"
	CSRF=$(input_value csrf)
	TOKEN=$(input_value client_token)
}
post() {	# post WHO BODY [CURL-ARGS...]: with the form's fresh token
	local who=$1 body=$2
	shift 2
	timeline "$who"
	http_post "$who" "/teams/$TEAM/messages" --form-string "csrf=$CSRF" \
	    --form-string "client_token=$TOKEN" --form-string "body=$body" "$@"
}
count() { psql_owner "SELECT count(*) FROM renrakucho.message WHERE $1"; }
last_id() { psql_owner "SELECT max(id) FROM renrakucho.message WHERE team_id = $TEAM"; }

S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")
FA=$(account_id "$FACILITY_ADMIN_LOGIN")
START=$(psql_owner "SELECT now()")
U=$(date +%s%N | tail -c 10)
# A patient with consent and a team of our own: STAFF1 lead, STAFF2 and
# FACILITY_ADMIN members, OUTSIDE not a member.
PATIENT=$(make_patient "試験 太郎$U" "シケン$U" 1938-04-01 male \
    "島根県出雲市今市町$U" "$S1") || bail 'patient insert'
TEAM=$(make_team "$PATIENT" "$S1" "$S2" "$FA") || bail 'no team'
login_ok STAFF1
login_ok STAFF2
login_ok OUTSIDE

# --- the timeline and a plain post ------------------------------------------
timeline STAFF1
is "$HTTP_STATUS" 200 'member sees the timeline'
like "$(cat "$HTTP_BODY")" "試験 太郎$U" 'timeline names the patient'
like "$(cat "$HTTP_BODY")" 'enctype="multipart/form-data"' 'post form is multipart'
like "$(cat "$HTTP_BODY")" '<label for="body">' 'message field has a label'
like "$TOKEN" '^[A-Za-z0-9_-]{43}$' 'the form carries a one-time client token'
T1=$TOKEN
timeline STAFF1
isnt "$TOKEN" "$T1" 'each form shown gets a new token'

post STAFF1 $'一行目\n二行目 https://example.com/x?a=1&b=2'
is "$HTTP_STATUS" 303 'post: 303'
like "$HTTP_LOCATION" "^/teams/$TEAM/messages\\?n=posted" 'post: back to the timeline'
M1=$(last_id)
is "$(psql_owner "SELECT body FROM renrakucho.message WHERE id = $M1")" \
    $'一行目\n二行目 https://example.com/x?a=1&b=2' 'post: body stored with its line break'
mv0=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'message.view' AND object_id = '$TEAM' AND patient_id = $PATIENT AND login = '$STAFF1_LOGIN' AND outcome = 'success' AND detail IS NULL")
timeline STAFF1 '?n=posted'
is "$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'message.view' AND object_id = '$TEAM' AND patient_id = $PATIENT AND login = '$STAFF1_LOGIN' AND outcome = 'success' AND detail IS NULL")" \
    $((mv0 + 1)) 'one timeline view is exactly one message.view event, with the patient'
like "$(cat "$HTTP_BODY")" '一行目<br>二行目' 'line breaks kept as <br>'
like "$(cat "$HTTP_BODY")" 'https://example.com/x\?a=1&amp;b=2' 'URL stays escaped plain text'
unlike "$(cat "$HTTP_BODY")" '<a href="https://example.com' 'URL is not turned into a link'
like "$(cat "$HTTP_BODY")" '斐川 次郎' 'author shown'
like "$(cat "$HTTP_BODY")" '看護師' 'profession shown'
like "$(cat "$HTTP_BODY")" '出雲中央クリニック' 'facility shown'
like "$(cat "$HTTP_BODY")" '[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日 [0-9]{2}:[0-9]{2}' 'time in Japanese format'
like "$(cat "$HTTP_BODY")" 'メッセージを投稿しました' 'notice after posting'
n=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'message.post' AND object_id = '$M1' AND patient_id = $PATIENT AND outcome = 'success'")
is "$n" 1 'post is an audit event with the patient'
n=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'message.view' AND object_id = '$TEAM' AND patient_id = $PATIENT AND at >= '$START'")
ok 'timeline view is an audit event' test "$n" -ge 2

# --- XSS in the body and in a file name ---------------------------------
printf '%%PDF-1.4\n%%test\n%%%%EOF\n' > "$TEST_TMP/a.pdf"
post STAFF1 '<script>alert("x")</script><img src=x onerror=alert(1)>"'"'"'&' \
    -F "file1=@$TEST_TMP/a.pdf;filename=<img src=x onerror=alert(2)>.pdf;type=application/pdf"
is "$HTTP_STATUS" 303 'XSS body with attachment: posted'
MX=$(last_id)
timeline STAFF2
b=$(cat "$HTTP_BODY")
unlike "$b" '<script>alert' 'XSS bad body: no live script tag'
unlike "$b" '<img src=x' 'XSS bad: no live img tag (body or file name)'
like "$b" '&lt;script&gt;alert\("x"\)&lt;/script&gt;&lt;img' 'XSS bad body: escaped'
like "$b" '&lt;img src=x onerror=alert\(2\)&gt;.pdf' 'XSS bad file name: escaped'
AID=$(psql_owner "SELECT id FROM renrakucho.message_attachment WHERE message_id = $MX")
like "$b" "href=\"/teams/$TEAM/messages/$MX/attachments/$AID\"" 'attachment link shown'

# --- download ---------------------------------------------------------------
http_get STAFF2 "/teams/$TEAM/messages/$MX/attachments/$AID"
is "$HTTP_STATUS" 200 'member downloads the attachment'
is "$(header Content-Type)" application/pdf 'download: type from the sniffed content'
like "$(header Content-Disposition)" '^attachment;' 'download: as attachment'
ok 'download: the bytes are the file' cmp -s "$HTTP_BODY" "$TEST_TMP/a.pdf"
is "$(header X-Content-Type-Options)" nosniff 'download: nosniff'
n=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'message.attachment' AND object_id = '$AID' AND patient_id = $PATIENT")
is "$n" 1 'download is an audit event'
http_get STAFF2 "/teams/$TEAM/messages/$M1/attachments/$AID"
is "$HTTP_STATUS" 404 'attachment under another message id: 404'

# --- the double submit -------------------------------------------------------
timeline STAFF1
before=$(count "team_id = $TEAM")
for i in 1 2; do
	http_post STAFF1 "/teams/$TEAM/messages" --form-string "csrf=$CSRF" \
	    --form-string "client_token=$TOKEN" --form-string "body=二度押し$U"
	is "$HTTP_STATUS" 303 "double submit: send $i answers 303"
done
is "$(count "team_id = $TEAM AND body = '二度押し$U'")" 1 'double submit: stored once'
is "$(count "team_id = $TEAM")" $((before + 1)) 'double submit: one new message'

# --- bad input: nothing stored, clear messages --------------------------------
before=$(count "team_id = $TEAM")
post STAFF1 ''
is "$HTTP_STATUS" 422 'bad empty message: 422'
like "$(cat "$HTTP_BODY")" 'メッセージを入力してください' 'bad empty message: says so'
like "$(cat "$HTTP_BODY")" 'aria-invalid="true"' 'bad empty message: field marked'
long=$(printf 'あ%.0s' $(seq 10001))
post STAFF1 "$long"
is "$HTTP_STATUS" 422 'bad over-long message (10,001 characters): 422'
like "$(cat "$HTTP_BODY")" '10,000文字以内' 'bad over-long message: says the limit'
exact=$(printf 'い%.0s' $(seq 10000))
post STAFF1 "$exact"
is "$HTTP_STATUS" 303 '10,000 characters: accepted'
printf 'abc\xff\xfedef' > "$TEST_TMP/bad.txt"
timeline STAFF1
http_post STAFF1 "/teams/$TEAM/messages" --form-string "csrf=$CSRF" \
    --form-string "client_token=$TOKEN" -F "body=<$TEST_TMP/bad.txt"
is "$HTTP_STATUS" 422 'bad invalid UTF-8: 422'
like "$(cat "$HTTP_BODY")" '文字コードが正しくありません' 'bad invalid UTF-8: says so'
printf '<html><body><script>alert(1)</script></body></html>' > "$TEST_TMP/evil.pdf"
post STAFF1 'HTML添付' -F "file1=@$TEST_TMP/evil.pdf;type=application/pdf"
is "$HTTP_STATUS" 422 'bad HTML attachment named .pdf: 422'
like "$(cat "$HTTP_BODY")" 'PDF・JPEG・PNG のファイルだけです' 'bad HTML attachment: says which kinds'
like "$(cat "$HTTP_BODY")" 'HTML添付' 'bad attachment: the text is kept in the form'
args=()
for i in 1 2 3 4 5 6; do args+=(-F "file$i=@$TEST_TMP/a.pdf;type=application/pdf"); done
post STAFF1 '6つ添付' "${args[@]}"
is "$HTTP_STATUS" 422 'bad 6th attachment: 422'
like "$(cat "$HTTP_BODY")" '5つまで' 'bad 6th attachment: says the limit'
is "$(count "team_id = $TEAM")" $((before + 1)) 'bad input: nothing stored (only the 10,000-character one)'
is "$(psql_owner "SELECT count(*) FROM renrakucho.message_attachment x JOIN renrakucho.message m ON m.id = x.message_id WHERE m.team_id = $TEAM")" 1 'bad input: no attachment stored'
post STAFF1 '5つ添付' "${args[@]:0:10}"
is "$HTTP_STATUS" 303 'five attachments: accepted'
is "$(psql_owner "SELECT count(*) FROM renrakucho.message_attachment WHERE message_id = $(last_id)")" 5 'five attachments stored'
timeline STAFF1
http_post STAFF1 "/teams/$TEAM/messages" --form-string "client_token=$TOKEN" --form-string "body=CSRFなし"
is "$HTTP_STATUS" 403 'bad post without CSRF: 403'
is "$(count "body = 'CSRFなし'")" 0 'bad post without CSRF: nothing stored'

# --- 👍 ----------------------------------------------------------------------
timeline STAFF2
http_post STAFF2 "/teams/$TEAM/messages/$M1/like" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS" 303 '👍: 303'
like "$HTTP_LOCATION" "#m$M1\$" '👍: back at the message'
is "$(psql_owner "SELECT count(*) FROM renrakucho.message_like WHERE message_id = $M1 AND account_id = $S2")" 1 '👍 stored'
timeline STAFF1
like "$(cat "$HTTP_BODY")" '👍 した人：大社 三枝' 'writer sees who pressed 👍'
like "$(cat "$HTTP_BODY")" 'aria-pressed="false">👍 1<' '👍 count shown'
timeline STAFF2
http_post STAFF2 "/teams/$TEAM/messages/$M1/like" --data-urlencode "csrf=$CSRF"
is "$(psql_owner "SELECT count(*) FROM renrakucho.message_like WHERE message_id = $M1")" 0 '👍 pressed again: taken back (toggle)'
is "$(psql_owner "SELECT string_agg(action, ',' ORDER BY id) FROM renrakucho.audit_event WHERE object_id = '$M1' AND action LIKE 'message.%like'")" 'message.like,message.unlike' '👍 and its undo are audit events'

# --- withdrawal ---------------------------------------------------------------
timeline STAFF2
http_post STAFF2 "/teams/$TEAM/messages/$MX/withdraw" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS" 403 "bad withdrawal of someone else's message: 403"
timeline STAFF1
http_post STAFF1 "/teams/$TEAM/messages/$MX/withdraw" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS" 303 'author withdraws: 303'
is "$(psql_owner "SELECT withdrawn_by FROM renrakucho.message WHERE id = $MX")" "$S1" 'withdrawal recorded, message kept'
timeline STAFF2
like "$(cat "$HTTP_BODY")" 'このメッセージは取り消されました' 'withdrawn message shown as withdrawn'
unlike "$(cat "$HTTP_BODY")" '&lt;script&gt;alert' 'withdrawn: body no longer shown'
unlike "$(cat "$HTTP_BODY")" "attachments/$AID" 'withdrawn: attachment link gone'
http_get STAFF2 "/teams/$TEAM/messages/$MX/attachments/$AID"
is "$HTTP_STATUS" 404 'withdrawn: attachment no longer served'
http_post STAFF2 "/teams/$TEAM/messages/$MX/like" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS" 409 'bad 👍 on a withdrawn message: refused'
like "$(cat "$HTTP_BODY")" '取り消されたため' 'bad 👍 on a withdrawn message: says why'
is "$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'message.withdraw' AND object_id = '$MX' AND patient_id = $PATIENT")" 1 'withdrawal is an audit event'

# --- an outsider: 404 everywhere, nothing confirmed -----------------------------
od0=$(psql_owner "SELECT max(id) FROM renrakucho.audit_event")
http_get OUTSIDE /home
OCSRF=$(input_value csrf)
http_get OUTSIDE "/teams/$TEAM/messages"
is "$HTTP_STATUS" 404 'bad non-member: timeline 404'
unlike "$(cat "$HTTP_BODY")" "試験 太郎$U" 'bad non-member: patient not named'
http_get OUTSIDE "/teams/$TEAM/messages/$MX/attachments/$AID"
is "$HTTP_STATUS" 404 'bad non-member: attachment 404'
http_post OUTSIDE "/teams/$TEAM/messages/$M1/like" --data-urlencode "csrf=$OCSRF"
is "$HTTP_STATUS" 404 'bad non-member: 👍 404'
http_post OUTSIDE "/teams/$TEAM/messages" --form-string "csrf=$OCSRF" \
    --form-string "client_token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" --form-string 'body=侵入'
is "$HTTP_STATUS" 404 'bad non-member: post 404'
is "$(count "body = '侵入'")" 0 'bad non-member: nothing stored'
http_get OUTSIDE "/teams/999999999/messages"
is "$HTTP_STATUS" 404 'bad unknown team: 404 like a foreign one'
is "$(psql_owner "SELECT string_agg(action || ' ' || object_type || ' ' || object_id || ' ' || coalesce(patient_id::text, '-') || ' ' || detail, ',' ORDER BY id) FROM renrakucho.audit_event WHERE id > $od0 AND outcome = 'denied' AND login = '$OUTSIDE_LOGIN'")" \
    "message.view team $TEAM - not a member,message.attachment team $TEAM - not a member,message.like team $TEAM - not a member,message.post team $TEAM - not a member,message.view team 999999999 - not a member" \
    'non-member attempts are one denied event each, on the team, without the patient'

# --- notification mail: at most one per member per team per 10 minutes ----------
mails() { psql_owner "SELECT count(*) FROM renrakucho.mail_outbox WHERE account_id = $1 AND created_at >= '$START' AND subject = '$(subject 新しいメッセージがあります)'"; }
is "$(mails "$S2")" 1 'STAFF2: one mail for several posts within 10 minutes'
is "$(mails "$FA")" 1 'FACILITY_ADMIN: one mail for several posts within 10 minutes'
is "$(mails "$S1")" 0 'the author gets no mail about their own posts'
b=$(psql_owner "SELECT body FROM renrakucho.mail_outbox WHERE account_id = $S2 AND created_at >= '$START'")
unlike "$b" "試験|太郎|一行目|$U" 'mail holds neither patient nor message text'
like "$b" "${APP_URL%/}/login" 'mail holds the login link'
# Ten minutes later (moved back in the database) the next post mails again.
psql_owner "UPDATE renrakucho.team_member_notify SET last_mailed_at = now() - interval '11 minutes' WHERE team_id = $TEAM" > /dev/null
post STAFF2 'また投稿'
is "$(mails "$S1")" 1 'STAFF1 mailed about STAFF2 post'
is "$(mails "$FA")" 2 'after 10 minutes: the next post mails again'
psql_owner "UPDATE renrakucho.account SET notify = false WHERE id = $FA" > /dev/null
psql_owner "UPDATE renrakucho.team_member_notify SET last_mailed_at = now() - interval '11 minutes' WHERE team_id = $TEAM" > /dev/null
post STAFF1 '通知オフの人へ'
is "$(mails "$FA")" 2 'notifications off: no mail'
psql_owner "UPDATE renrakucho.account SET notify = true WHERE id = $FA" > /dev/null

done_testing
