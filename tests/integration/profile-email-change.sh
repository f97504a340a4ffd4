#!/bin/bash
# Changing the e-mail address in My Profile: the current password is
# required, the change waits for the link mailed to the new address (the
# old address keeps working and is told of the request and of the
# change), the link's token is stored hashed, works once, for its own
# account only, expires and is cancelled by a later request; the
# forwarding placeholder too takes the password and tells the old address.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"

U=$(date +%s%N | tail -c 9)
q() { psql_owner "$1"; }
new_account() {	# new_account WHO: WHO_LOGIN, WHO_PASSWORD, WHO_PEM, WHO_ID
	local login="em$1$U" pw=$(new_password Mail)
	printf '%s\n' "$pw" | $ADMIN account add --own-password --facility "$INSIDE_FACILITY_ID" --login "$login" \
	    --name "メール $1" --email "$login@example.jp" > /dev/null || bail "account add $1"
	$ADMIN cert issue --login "$login" --label "dev $login" --p12 "$TEST_TMP/$1.p12" \
	    --pem "$TEST_TMP/$1.pem" > /dev/null || bail "cert issue $1"
	printf -v "${1}_LOGIN" '%s' "$login"
	printf -v "${1}_PASSWORD" '%s' "$pw"
	printf -v "${1}_PEM" '%s' "$TEST_TMP/$1.pem"
	printf -v "${1}_ID" '%s' "$(account_id "$login")"
}
new_account ME
new_account OTHER
OLD=$ME_LOGIN@example.jp
NEW=new-$ME_LOGIN@example.jp
NOTICE="$(subject 'メールアドレスの変更のお知らせ')"
LINK="$(subject 'メールアドレスの確認')"
T0=$(q "SELECT now()")
mails() { q "SELECT count(*) FROM renrakucho.mail_outbox WHERE to_addr = '$1' AND subject = '$2' AND created_at >= '$T0'"; }
email() { q "SELECT email FROM renrakucho.account WHERE id = $ME_ID"; }
events() {	# events ACTION OUTCOME [DETAIL]: ME's events
	q "SELECT count(*) FROM renrakucho.audit_event WHERE action = '$1' AND account_id = $ME_ID
	    AND object_id = '$ME_ID' AND outcome = '$2' AND coalesce(detail, '-') = '${3:--}'"
}
# link_token: the token of the newest link mailed to $NEW
link_token() {
	local f t tok=
	$ADMIN mail deliver > /dev/null
	for f in $(grep -l "^To: $NEW" "$MAIL_DIR"/* 2>/dev/null | sort); do
		t=$(python3 -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(m.get_payload(decode=True).decode())' "$f")
		tok=$(printf '%s\n' "$t" | sed -n 's|.*/profile/email/confirm?t=\([A-Za-z0-9_-]*\)$|\1|p' | tail -n 1)
	done
	printf '%s\n' "$tok"
}
login_ok ME
login_ok OTHER
CSRF=$(csrf_of ME /profile)

# --- the password -------------------------------------------------------------
http_post ME /profile/email --data-urlencode "csrf=$CSRF" --data-urlencode "email=$NEW"
is "$HTTP_STATUS" 422 'bad: no current password, no change'
like "$(cat "$HTTP_BODY")" 'メールアドレスを変更するには、現在のパスワードを入力してください。' 'bad: the page asks for it'
f0=$(events profile.email failure 'wrong current password')
http_post ME /profile/email --data-urlencode "csrf=$CSRF" --data-urlencode "email=$NEW" \
    --data-urlencode 'current_password=wrong-password'
is "$HTTP_STATUS" 403 'bad: a wrong current password changes nothing'
like "$(cat "$HTTP_BODY")" '現在のパスワードが違います。' 'bad: the page says so'
is "$(events profile.email failure 'wrong current password')" "$((f0 + 1))" 'bad: one failure event'
is "$(q "SELECT count(*) FROM renrakucho.email_change WHERE account_id = $ME_ID")" 0 'bad: no request recorded'
is "$(mails "$NEW" "$LINK")" 0 'bad: no link mailed'
taken=$(q "SELECT upper(email) FROM renrakucho.account WHERE id = $OTHER_ID")
http_post ME /profile/email --data-urlencode "csrf=$CSRF" --data-urlencode "email=$taken" \
    --data-urlencode "current_password=$ME_PASSWORD"
is "$HTTP_STATUS" 409 "bad: another live account's address (other case) refused"
body=$(cat "$HTTP_BODY")
like "$body" 'このメールアドレスは使用できません' 'bad: the conflict message'
unlike "$body" "$OTHER_LOGIN|メール OTHER" 'bad: saying nothing about whose'

# --- the request ------------------------------------------------------------------
r0=$(events profile.email.request success)
http_post ME /profile/email --data-urlencode "csrf=$CSRF" --data-urlencode "email=$NEW" \
    --data-urlencode "current_password=$ME_PASSWORD"
is "$HTTP_STATUS" 303 'the right password starts the change'
like "$HTTP_LOCATION" '/profile\?n=email-sent$' 'to the profile with a notice'
http_get ME "$HTTP_LOCATION"
like "$(cat "$HTTP_BODY")" '新しいメールアドレスに確認のメールを送りました。' 'the notice says a link was sent'
is "$(events profile.email.request success)" "$((r0 + 1))" 'one request event'
is "$(email)" "$OLD" 'the old address stays until the link is opened'
is "$(mails "$NEW" "$LINK")" 1 'the link is mailed to the new address'
is "$(mails "$OLD" "$NOTICE")" 1 'the old address is told of the request'
TOKEN=$(link_token)
like "$TOKEN" '^[A-Za-z0-9_-]{43}$' 'the mail holds the link'
hash=$(printf '%s' "$TOKEN" | sha256sum | cut -d' ' -f1)
is "$(q "SELECT count(*) FROM renrakucho.email_change WHERE account_id = $ME_ID AND token_hash = '$hash' AND used_at IS NULL")" 1 \
    'the request is stored with the hash of the token'
is "$(q "SELECT count(*) FROM renrakucho.email_change WHERE token_hash = '$TOKEN' OR new_email = '$TOKEN'")" 0 'never the token itself'

# --- the link -----------------------------------------------------------------------
http_get OTHER "/profile/email/confirm?t=$TOKEN"
is "$HTTP_STATUS" 410 "bad: another account's session cannot use the link"
tok=$(csrf_of OTHER /profile)
http_post OTHER /profile/email/confirm --data-urlencode "csrf=$tok" --data-urlencode "t=$TOKEN"
is "$HTTP_STATUS" 410 'bad: nor post it'
is "$(q "SELECT email FROM renrakucho.account WHERE id = $OTHER_ID")" "$OTHER_LOGIN@example.jp" "bad: the other account's address is untouched"
http_get ME "/profile/email/confirm?t=$TOKEN"
is "$HTTP_STATUS" 200 'the link shows what it confirms'
like "$(cat "$HTTP_BODY")" "$NEW" 'the new address'
is "$(email)" "$OLD" 'opening the page changes nothing yet'
c0=$(events profile.email success confirmed)
http_post ME /profile/email/confirm --data-urlencode "csrf=$CSRF" --data-urlencode "t=$TOKEN"
is "$HTTP_STATUS" 303 'confirmed'
like "$HTTP_LOCATION" '/profile\?n=email$' 'back to the profile'
is "$(email)" "$NEW" 'the new address is stored'
is "$(events profile.email success confirmed)" "$((c0 + 1))" 'one success event'
is "$(mails "$OLD" "$NOTICE")" 2 'the old address is told of the change'
http_post ME /profile/email/confirm --data-urlencode "csrf=$CSRF" --data-urlencode "t=$TOKEN"
is "$HTTP_STATUS" 410 'bad: the link works once'
like "$(cat "$HTTP_BODY")" 'このリンクは使えません' 'bad: with a Japanese page'
is "$(events profile.email failure 'invalid link')" 1 'bad: the used link is a failure event'

# --- cancelled by a later request, and expiry ----------------------------------------------
OLD=$NEW NEW=second-$ME_LOGIN@example.jp
http_post ME /profile/email --data-urlencode "csrf=$CSRF" --data-urlencode "email=$NEW" \
    --data-urlencode "current_password=$ME_PASSWORD"
FIRST=$(link_token)
NEW=third-$ME_LOGIN@example.jp
http_post ME /profile/email --data-urlencode "csrf=$CSRF" --data-urlencode "email=$NEW" \
    --data-urlencode "current_password=$ME_PASSWORD"
SECOND=$(link_token)
http_post ME /profile/email/confirm --data-urlencode "csrf=$CSRF" --data-urlencode "t=$FIRST"
is "$HTTP_STATUS" 410 'bad: a later request cancels the earlier link'
q "UPDATE renrakucho.email_change SET expires_at = now() - interval '1 second' WHERE account_id = $ME_ID AND used_at IS NULL AND cancelled_at IS NULL" > /dev/null
http_post ME /profile/email/confirm --data-urlencode "csrf=$CSRF" --data-urlencode "t=$SECOND"
is "$HTTP_STATUS" 410 'bad: an expired link changes nothing'
is "$(email)" "$OLD" 'bad: the address is still the confirmed one'

# --- the forwarding placeholder ------------------------------------------------------
http_post ME /profile/email --data-urlencode "csrf=$CSRF" --data-urlencode 'placeholder=1'
is "$HTTP_STATUS" 422 'bad: the placeholder too takes the password'
http_post ME /profile/email --data-urlencode "csrf=$CSRF" --data-urlencode 'placeholder=1' \
    --data-urlencode "current_password=$ME_PASSWORD"
is "$HTTP_STATUS" 303 'switched to the forwarding placeholder'
like "$(email)" "^fwd-$INSIDE_FACILITY_ID-[a-z0-9]{10}@placeholder\\.invalid$" 'the placeholder is stored'
is "$(mails "$OLD" "$NOTICE")" 3 'the old address is told (after the notices of the two requests)'
is "$(events profile.email success placeholder)" 1 'one success event'

done_testing
