#!/bin/bash
# The password policy (lib/password.c) wherever a password is set: 12 to
# 128 characters counted as code points, cracklib's dictionary; the
# initial password someone else set is changed at the first login
# before any session; the person is mailed when the password changes.
. "$(dirname "$0")/../lib.sh"

[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"
TAG=$(date +%s)$$
q() { psql_owner "$@"; }
body() { cat "$HTTP_BODY"; }
# new_account WHO [--own-password]: a staff account of the inside
# facility with its own certificate; WHO_LOGIN, WHO_PASSWORD, WHO_PEM,
# WHO_ID.
new_account() {
	local who=$1 login="pp-$1-$TAG" pw=$(new_password Pp)
	shift
	printf '%s\n' "$pw" | $ADMIN account add "$@" --facility "$INSIDE_FACILITY_ID" \
	    --login "$login" --name "方針 $who" --email "$login@example.jp" > /dev/null ||
	    bail "account add $login"
	$ADMIN cert issue --login "$login" --label "dev $login" \
	    --p12 "$TEST_TMP/$who.p12" --pem "$TEST_TMP/$who.pem" > /dev/null || bail "cert issue $login"
	printf -v "${who}_LOGIN" '%s' "$login"
	printf -v "${who}_PASSWORD" '%s' "$pw"
	printf -v "${who}_PEM" '%s' "$TEST_TMP/$who.pem"
	printf -v "${who}_ID" '%s' "$(account_id "$login")"
}
mails() {	# mails ID: password-change mails queued for account ID
	q "SELECT count(*) FROM renrakucho.mail_outbox WHERE account_id = $1 AND subject = '$(subject パスワード変更のお知らせ)'"
}
must() { q "SELECT must_change_password FROM renrakucho.account WHERE id = $1"; }
ev() {	# ev ACTION ID OUTCOME [DETAIL]
	q "SELECT count(*) FROM renrakucho.audit_event WHERE action = '$1' AND account_id = $2 AND outcome = '$3'${4:+ AND detail = '$4'}"
}
MSG_SHORT='パスワードは12文字以上にしてください。'
MSG_LONG='パスワードは128文字までにしてください。'
MSG_DICT='よく使われる語や単純な並び、ログインIDに近いものはパスワードに使えません。'
KANA11='あいうえおかきくけこさ'		# 11 characters, 33 bytes
KANA12='あいうえおかきくけこさし'		# 12 characters
LONG128=$(new_password Zz9 124)		# 3 + 1 + 124 characters
LONG129=${LONG128}Q
# 98 characters, 288 bytes (none of its bytes one apart from the next,
# which cracklib, counting bytes, would find systematic)
KANJI98=$(python3 -c 'print(("電子連絡帳漢字絡帳子" * 10)[:95] + "Zq7")')

# --- My Profile ---------------------------------------------------------------
new_account ME --own-password
is "$(must "$ME_ID")" f 'account add --own-password: no change asked'
login ME
is "$HTTP_STATUS" 303 'logs in'
change() {	# change NEW: POST /profile/password as ME
	http_post ME /profile/password --data-urlencode "csrf=$(csrf_of ME /profile)" \
	    --data-urlencode "current_password=$ME_PASSWORD" \
	    --data-urlencode "new_password=$1" --data-urlencode "new_password2=$1"
}
for case in "11 characters (33 bytes)|$KANA11|$MSG_SHORT" \
    "129 characters|$LONG129|$MSG_LONG" \
    "a dictionary word|understanding|$MSG_DICT" \
    "a dictionary word with a digit|Understanding1|$MSG_DICT" \
    "a run of characters|abcdefghijklmn|$MSG_DICT"; do
	IFS='|' read -r name pw msg <<< "$case"
	before=$(ev profile.password "$ME_ID" denied 'password policy')
	change "$pw"
	is "$HTTP_STATUS" 422 "profile: $name refused (422)"
	like "$(body)" "$msg" "profile: $name: the policy's message"
	is "$(ev profile.password "$ME_ID" denied 'password policy')" $((before + 1)) \
	    "profile: $name: one denied event (password policy)"
done
m0=$(mails "$ME_ID")
change "$KANA12"
is "$HTTP_STATUS" 303 'profile: 12 kana (any Unicode, counted as characters) accepted'
is "$(mails "$ME_ID")" $((m0 + 1)) 'profile: the person is mailed that the password changed'
ME_PASSWORD=$KANA12
change "$LONG128"
is "$HTTP_STATUS" 303 'profile: 128 characters accepted'
ME_PASSWORD=$LONG128
login ME
is "$HTTP_STATUS" 303 'the 128-character password logs in'
change "$KANJI98"
is "$HTTP_STATUS" 303 'profile: 98 kanji (288 bytes) accepted'
ME_PASSWORD=$KANJI98
login ME
is "$HTTP_STATUS" 303 'the 288-byte password logs in'

# --- renrakucho-admin ------------------------------------------------------------
out=$(printf 'understanding\n' | $ADMIN account add --facility "$INSIDE_FACILITY_ID" \
    --login "pp-dict-$TAG" --name 辞書 2>&1)
is "$?|$(account_id "pp-dict-$TAG")" '1|' 'account add: a dictionary word refused, nothing stored'
like "$out" "password: $MSG_DICT" 'account add: with the policy message'
out=$(printf '%s\n' "$KANA11" | $ADMIN account passwd --login "$ME_LOGIN" 2>&1)
like "$out" "password: $MSG_SHORT" 'account passwd: 11 characters refused'

# --- the first login's change --------------------------------------------------
new_account NEW
is "$(must "$NEW_ID")" t 'account add without --own-password: to be changed at the first login'
d0=$(ev login "$NEW_ID" denied 'password change required')
login NEW
is "$HTTP_STATUS" 200 'the initial password: the change form, no redirect'
like "$(body)" '初期パスワードのままです' 'saying why'
is "$(ev login "$NEW_ID" denied 'password change required')" $((d0 + 1)) 'one denied event (password change required)'
is "$(q "SELECT count(*) FROM renrakucho.session WHERE account_id = $NEW_ID")" 0 'no session made'
unlike "$(cat "$HTTP_HEADERS")" 'Set-Cookie: __Host-rk=' 'no session cookie'
http_get NEW /home
is "$HTTP_STATUS|$HTTP_LOCATION" '303|/login' 'every page leads to the login'
first() {	# first NEW NEW2 [CURRENT]: the change form's POST
	http_post NEW /login --data-urlencode "login=$NEW_LOGIN" \
	    --data-urlencode "password=${3:-$NEW_PASSWORD}" \
	    --data-urlencode "new_password=$1" --data-urlencode "new_password2=$2" \
	    --data-urlencode "csrf=$(input_value csrf)"
}
login NEW
p0=$(ev login "$NEW_ID" denied 'password policy')
first understanding understanding
is "$HTTP_STATUS" 422 'change: a dictionary word refused'
like "$(body)" "$MSG_DICT" 'change: the policy message'
is "$(ev login "$NEW_ID" denied 'password policy')" $((p0 + 1)) 'change: one denied event (password policy)'
first "Own-$NEW_PASSWORD" "Own-$NEW_PASSWORD-typo"
is "$HTTP_STATUS" 422 'change: the two new passwords differ: refused'
first "$NEW_PASSWORD" "$NEW_PASSWORD"
is "$HTTP_STATUS" 422 'change: the initial password again: refused'
like "$(body)" '初期パスワードとは別のパスワードにしてください' 'saying so'
first "Own-$NEW_PASSWORD" "Own-$NEW_PASSWORD" wrong-current-password
is "$HTTP_STATUS" 403 'change: a wrong current password is a wrong password'
is "$(must "$NEW_ID")|$(q "SELECT count(*) FROM renrakucho.session WHERE account_id = $NEW_ID")" 't|0' \
    'nothing changed so far, no session'
http_get NEW /login
m0=$(mails "$NEW_ID")
s0=$(ev login.password "$NEW_ID" success)
first "Own-$NEW_PASSWORD" "Own-$NEW_PASSWORD"
is "$HTTP_STATUS|$HTTP_LOCATION" '303|/home' 'change: a password of their own logs in'
is "$(must "$NEW_ID")" f 'the flag is cleared'
is "$(ev login.password "$NEW_ID" success)" $((s0 + 1)) 'one login.password event'
is "$(mails "$NEW_ID")" $((m0 + 1)) 'the person is mailed'
http_get NEW /home
is "$HTTP_STATUS" 200 'home opens'
login NEW
is "$HTTP_STATUS" 403 'the initial password no longer works'
NEW_PASSWORD="Own-$NEW_PASSWORD"
login NEW
is "$HTTP_STATUS" 303 'the own password logs in directly'

# --- a reset by renrakucho-admin -------------------------------------------------
m0=$(mails "$NEW_ID")
printf 'Reset-%s\n' "$TAG" | $ADMIN account passwd --login "$NEW_LOGIN" > /dev/null
is "$(must "$NEW_ID")|$(mails "$NEW_ID")" "t|$((m0 + 1))" 'account passwd: to be changed at the next login, the person mailed'
http_get NEW /home
is "$HTTP_STATUS" 303 'the reset ended the session'
login NEW "Reset-$TAG"
is "$HTTP_STATUS" 200 'the reset password: the change form'

# --- the facility administrator's staff form -----------------------------------
login_ok FACILITY_ADMIN
tok=$(csrf_of FACILITY_ADMIN /facility/staff/new)
staff() {	# staff LOGIN PASSWORD
	http_post FACILITY_ADMIN /facility/staff/new --data-urlencode "csrf=$tok" \
	    --data-urlencode "login=$1" --data-urlencode 'name=方針 職員' \
	    --data-urlencode 'profession=看護師' --data-urlencode "email=$1@example.jp" \
	    --data-urlencode "password=$2" --data-urlencode "password2=$2"
}
FA_ID=$(account_id "$FACILITY_ADMIN_LOGIN")
d0=$(ev facility.staff.create "$FA_ID" denied 'password policy')
staff "pp-web-$TAG" relationships
is "$HTTP_STATUS" 422 'staff form: a dictionary word refused'
is "$(ev facility.staff.create "$FA_ID" denied 'password policy')" $((d0 + 1)) \
    'staff form: one denied event (password policy) by the administrator'
like "$(body)" "$MSG_DICT" 'staff form: the policy message'
is "$(account_id "pp-web-$TAG")" '' 'nothing stored'
staff "pp-web-$TAG" "$KANA11"
like "$(body)" "$MSG_SHORT" 'staff form: 11 characters refused'
staff "pp-web-$TAG" "Web-$TAG-x"
is "$HTTP_STATUS" 303 'staff form: a good password registers'
is "$(must "$(account_id "pp-web-$TAG")")" t 'the new staff member changes it at the first login'
done_testing
