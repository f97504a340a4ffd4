#!/bin/bash
# My profile (/profile): my data, password change, e-mail and the
# forwarding placeholder, notifications, CSRF, another facility's ids, and
# deleting my own account.  Works on throwaway accounts so the demo
# accounts keep their passwords.
. "$(dirname "$0")/../lib.sh"

[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"
TAG=$(date +%s)$$
# new_account WHO FACILITY: a new staff account with its own certificate;
# sets WHO_LOGIN, WHO_PASSWORD, WHO_PEM, WHO_ID.
new_account() {
	local who=$1 login="prof-$1-$TAG" pw=$(new_password Pw)
	printf '%s\n' "$pw" | $ADMIN account add --own-password --facility "$2" --login "$login" \
	    --name "試験 $1" --email "$login@example.jp" > /dev/null || bail "account add $login"
	$ADMIN cert issue --login "$login" --label "dev $login" \
	    --p12 "$TEST_TMP/$who.p12" --pem "$TEST_TMP/$who.pem" > /dev/null || bail "cert issue $login"
	printf -v "${who}_LOGIN" '%s' "$login"
	printf -v "${who}_PASSWORD" '%s' "$pw"
	printf -v "${who}_PEM" '%s' "$TEST_TMP/$who.pem"
	printf -v "${who}_ID" '%s' "$(account_id "$login")"
}
profile_csrf() {	# open /profile as WHO, leave its CSRF token in CSRF
	http_get "$1" /profile
	CSRF=$(input_value csrf)
}

new_account ME "$INSIDE_FACILITY_ID"
new_account OTHER "$OUTSIDE_FACILITY_ID"

login ME
is "$HTTP_STATUS" 303 'throwaway account logs in'
profile_csrf ME
is "$HTTP_STATUS" 200 'profile page 200'
body=$(cat "$HTTP_BODY")
like "$body" "試験 ME" 'profile shows my name'
like "$body" "$ME_LOGIN@example.jp" 'profile shows my e-mail'
like "$body" '端末と証明書' 'profile has the devices section'

# --- CSRF ------------------------------------------------------------------
http_post ME /profile/notify --data-urlencode 'notify=1'
is "$HTTP_STATUS" 403 'bad: POST without CSRF token refused (403)'

# --- password ----------------------------------------------------------------
NEWPW=$(new_password New)
http_post ME /profile/password --data-urlencode "csrf=$CSRF" \
    --data-urlencode 'current_password=wrong-password' \
    --data-urlencode "new_password=$NEWPW" --data-urlencode "new_password2=$NEWPW"
is "$HTTP_STATUS" 403 'bad: wrong current password refused'
like "$(cat "$HTTP_BODY")" '現在のパスワードが違います' 'bad: the page says the current password is wrong'
http_post ME /profile/password --data-urlencode "csrf=$CSRF" \
    --data-urlencode "current_password=$ME_PASSWORD" \
    --data-urlencode 'new_password=short' --data-urlencode 'new_password2=short'
is "$HTTP_STATUS" 422 'bad: too short a new password refused'
http_post ME /profile/password --data-urlencode "csrf=$CSRF" \
    --data-urlencode "current_password=$ME_PASSWORD" \
    --data-urlencode "new_password=$NEWPW" --data-urlencode "new_password2=$NEWPW"
is "$HTTP_STATUS" 303 'password changed with the right current password'
OLDPW=$ME_PASSWORD
ME_PASSWORD=$NEWPW
login ME "$OLDPW"
is "$HTTP_STATUS" 403 'bad: the old password no longer logs in'
login ME
is "$HTTP_STATUS" 303 'the new password logs in'
n=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'profile.password' AND account_id = $ME_ID AND outcome = 'success'")
is "$n" 1 'password change audited'

# --- e-mail (profile-email-change.sh has the whole change) ---------------------
profile_csrf ME
http_post ME /profile/email --data-urlencode "csrf=$CSRF" --data-urlencode 'email=<script>x' \
    --data-urlencode "current_password=$ME_PASSWORD"
is "$HTTP_STATUS" 422 'bad: malformed e-mail refused'
unlike "$(cat "$HTTP_BODY")" '<script>x' 'bad: typed e-mail comes back escaped'
http_post ME /profile/email --data-urlencode "csrf=$CSRF" --data-urlencode "email=new-$ME_LOGIN@example.jp" \
    --data-urlencode "current_password=$ME_PASSWORD"
is "$HTTP_STATUS" 303 'e-mail change asked for'
is "$(psql_owner "SELECT email FROM renrakucho.account WHERE id = $ME_ID")" "$ME_LOGIN@example.jp" 'the old e-mail stays until confirmed'
http_post ME /profile/email --data-urlencode "csrf=$CSRF" --data-urlencode 'placeholder=1' \
    --data-urlencode "current_password=$ME_PASSWORD"
is "$HTTP_STATUS" 303 'switched to the forwarding placeholder'
like "$(psql_owner "SELECT email || '|' || email_is_placeholder FROM renrakucho.account WHERE id = $ME_ID")" \
    "^fwd-$INSIDE_FACILITY_ID-[a-z0-9]{10}@placeholder\\.invalid\\|true$" 'placeholder address stored'

# --- notifications -----------------------------------------------------------
http_post ME /profile/notify --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS" 303 'notifications switched off'
is "$(psql_owner "SELECT notify FROM renrakucho.account WHERE id = $ME_ID")" f 'notify off stored'
http_post ME /profile/notify --data-urlencode "csrf=$CSRF" --data-urlencode 'notify=1'
is "$(psql_owner "SELECT notify FROM renrakucho.account WHERE id = $ME_ID")" t 'notify on stored'

# --- another facility's ids ---------------------------------------------------
login OTHER
profile_csrf OTHER
http_post OTHER /profile/certificates --data-urlencode "csrf=$CSRF" --data-urlencode 'label=他施設の端末' \
    --data-urlencode "current_password=$OTHER_PASSWORD"
is "$HTTP_STATUS" 200 'the other facility issues a certificate'
OTHER_PICKUP=$(psql_owner "SELECT max(id) FROM renrakucho.pickup WHERE created_by = $OTHER_ID")
profile_csrf ME
http_post ME "/profile/certificates/$OTHER_PICKUP/revoke" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS" 404 "bad: another facility's device id -> 404 (revoke)"
http_post ME "/profile/pickups/$OTHER_PICKUP/download" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS" 404 "bad: another facility's pickup id -> 404 (download)"
is "$(psql_owner "SELECT revoked_at IS NULL AND p12 IS NOT NULL FROM renrakucho.pickup p JOIN renrakucho.device_cert d USING (serial) WHERE p.id = $OTHER_PICKUP")" t \
    'bad: nothing changed on the other facility'

# --- delete my account -------------------------------------------------------
http_post ME /profile/delete --data-urlencode "csrf=$CSRF" --data-urlencode 'current_password=wrong'
is "$HTTP_STATUS" 403 'bad: delete with a wrong password refused'
is "$(psql_owner "SELECT deleted_at IS NULL FROM renrakucho.account WHERE id = $ME_ID")" t 'bad: account still there'
http_post ME /profile/delete --data-urlencode "csrf=$CSRF" --data-urlencode "current_password=$ME_PASSWORD"
is "$HTTP_STATUS" 303 'account deleted'
like "$HTTP_LOCATION" '/login\?n=deleted$' 'goodbye: to the login page with a notice'
is "$(psql_owner "SELECT count(*) FROM renrakucho.session WHERE account_id = $ME_ID AND ended_at IS NULL")" 0 'every session ended'
http_get ME /profile
isnt "$HTTP_STATUS" 200 'bad: the old session no longer opens the profile'
login ME
is "$HTTP_STATUS" 403 'bad: a deleted account cannot log in'
is "$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'account.delete' AND account_id = $ME_ID AND outcome = 'success'")" 1 'deletion audited'

done_testing
