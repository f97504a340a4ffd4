#!/bin/bash
# A forgotten password over the real stack: the facility administrator
# (/facility/staff/{id}/password) or an operator (/operator/accounts/{id}/
# password) sets a temporary password shown once; the person's sessions
# end, the lock is cleared, they change it at the next login; they are
# mailed who did it (never the password); one audit event.  Refused:
# another facility's staff, staff, no CSRF token, an operator's account
# by a facility administrator, one's own account, a second POST of the
# same form (a reload).
. "$(dirname "$0")/../lib.sh"

[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"
TAG=$(date +%s%N | tail -c 9)$$
q() { psql_owner "$@"; }
body() { cat "$HTTP_BODY"; }
SUBJECT="$(subject 'パスワード再設定のお知らせ')"
# new_account WHO ROLE: an account of the inside facility with its own
# password (no change asked), logging in on STAFF2's device (the same
# facility's certificate) with a cookie jar of its own; WHO_LOGIN,
# WHO_PASSWORD, WHO_PEM, WHO_ID.
new_account() {
	local who=$1 role=$2 login="pr-$1-$TAG" pw
	pw=$(new_password Pr)
	printf '%s\n' "$pw" | $ADMIN account add --own-password --role "$role" \
	    --facility "$INSIDE_FACILITY_ID" --login "$login" \
	    --name "再設定 $who$TAG" --email "$login@example.jp" > /dev/null ||
	    bail "account add $login"
	printf -v "${who}_LOGIN" '%s' "$login"
	printf -v "${who}_PASSWORD" '%s' "$pw"
	printf -v "${who}_PEM" '%s' "$STAFF2_PEM"
	printf -v "${who}_ID" '%s' "$(account_id "$login")"
}
mails() { q "SELECT count(*) FROM renrakucho.mail_outbox WHERE account_id = $1 AND subject = '$SUBJECT'"; }
ev() {	# ev ACTION ACTOR OBJECT OUTCOME [DETAIL]: matching events
	q "SELECT count(*) FROM renrakucho.audit_event WHERE action = '$1' AND account_id = $2 AND object_type = 'account' AND object_id = '$3' AND outcome = '$4'${5:+ AND detail = '$5'}"
}
hash_of() { q "SELECT password_hash FROM renrakucho.account WHERE id = $1"; }
live_sessions() { q "SELECT count(*) FROM renrakucho.session WHERE account_id = $1 AND ended_at IS NULL"; }
temp_of_body() { sed -n 's/.*id="temp-password">\([^<]*\)<.*/\1/p' "$HTTP_BODY" | head -n 1; }
# first WHO CURRENT NEW: the first login's change form, posted
first() {
	local l=${1}_LOGIN
	http_post "$1" /login --data-urlencode "login=${!l}" \
	    --data-urlencode "password=$2" --data-urlencode "new_password=$3" \
	    --data-urlencode "new_password2=$3" --data-urlencode "csrf=$(input_value csrf)"
}

new_account PERSON staff
new_account WRONG staff		# the same login, another cookie jar
WRONG_LOGIN=$PERSON_LOGIN
new_account FADM2 facility-admin
FA_ID=$(account_id "$FACILITY_ADMIN_LOGIN")
OP_ID=$(account_id "$OPERATOR_LOGIN")
OUT_ID=$(account_id "$OUTSIDE_LOGIN")

# --- before: the person is logged in and, from another device, locked ------------
login PERSON
is "$HTTP_STATUS" 303 'the person logs in'
http_get PERSON /home
is "$HTTP_STATUS" 200 'the person has a session'
for i in 1 2 3 4 5 6 7 8 9 10; do login WRONG wrong-password; done
login WRONG
is "$HTTP_STATUS" 403 'ten failures lock the account'
is "$(q "SELECT locked_until > now() FROM renrakucho.account WHERE id = $PERSON_ID")" t 'locked'

# --- the facility administrator's pages ---------------------------------------
login_ok FACILITY_ADMIN
http_get FACILITY_ADMIN "/facility/staff/$PERSON_ID"
like "$(body)" "href=\"/facility/staff/$PERSON_ID/password\"" "the staff page links to the temporary password"
http_get FACILITY_ADMIN "/facility/staff/$FA_ID"
unlike "$(body)" "/facility/staff/$FA_ID/password" 'my own page does not offer it'
http_get FACILITY_ADMIN "/facility/staff/$PERSON_ID/password"
is "$HTTP_STATUS" 200 'the confirmation page'
like "$(body)" '仮パスワードを発行する' 'it asks to confirm'
like "$(body)" "$PERSON_LOGIN" 'naming the person'
unlike "$(body)" 'id="temp-password"' 'no password before the POST'
TOK=$(input_value csrf)
STAMP=$(input_value stamp)
is "$STAMP" 0 'the form carries the stamp of no reset so far'
H0=$(hash_of "$PERSON_ID")
HO=$(hash_of "$OUT_ID")
HOP=$(hash_of "$OP_ID")

# --- refusals before the reset ---------------------------------------------------
e0=$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'facility.staff.password_reset'")
m0=$(mails "$PERSON_ID")
http_post FACILITY_ADMIN "/facility/staff/$PERSON_ID/password" --data-urlencode "stamp=$STAMP"
is "$HTTP_STATUS" 403 'bad: no CSRF token: 403'
http_post FACILITY_ADMIN "/facility/staff/$PERSON_ID/password" --data-urlencode "csrf=$TOK"
is "$HTTP_STATUS" 400 'bad: no stamp (not the form): 400'
http_get FACILITY_ADMIN "/facility/staff/$OUT_ID/password"
is "$HTTP_STATUS" 404 "bad: another facility's staff: 404 (GET)"
http_post FACILITY_ADMIN "/facility/staff/$OUT_ID/password" --data-urlencode "csrf=$TOK" --data-urlencode stamp=0
is "$HTTP_STATUS" 404 "bad: another facility's staff: 404 (POST)"
http_get FACILITY_ADMIN "/facility/staff/$OP_ID/password"
is "$HTTP_STATUS" 403 "bad: the operator's account by a facility administrator: 403 (GET)"
http_post FACILITY_ADMIN "/facility/staff/$OP_ID/password" --data-urlencode "csrf=$TOK" --data-urlencode stamp=0
is "$HTTP_STATUS" 403 "bad: the operator's account by a facility administrator: 403 (POST)"
like "$(body)" 'サービス運用者のアカウントです' 'saying why'
d0=$(ev facility.staff.password_reset "$FA_ID" "$FA_ID" denied 'own account')
http_post FACILITY_ADMIN "/facility/staff/$FA_ID/password" --data-urlencode "csrf=$TOK" --data-urlencode stamp=0
is "$HTTP_STATUS" 409 'bad: my own account: 409'
like "$(body)" 'マイプロファイル' 'pointing to My Profile'
is "$(ev facility.staff.password_reset "$FA_ID" "$FA_ID" denied 'own account')" $((d0 + 1)) 'one denied event (own account)'
http_get FACILITY_ADMIN "/facility/staff/999999999/password"
is "$HTTP_STATUS" 404 'bad: no such account: 404'
login_ok STAFF1
http_get STAFF1 "/facility/staff/$PERSON_ID/password"
is "$HTTP_STATUS" 403 'bad: staff (not an administrator): 403 (GET)'
http_post STAFF1 "/facility/staff/$PERSON_ID/password" --data-urlencode "csrf=$(csrf_of STAFF1 /profile)" --data-urlencode stamp=0
is "$HTTP_STATUS" 403 'bad: staff (not an administrator): 403 (POST)'
is "$(hash_of "$PERSON_ID")|$(hash_of "$OUT_ID")|$(hash_of "$OP_ID")|$(mails "$PERSON_ID")" "$H0|$HO|$HOP|$m0" \
    'no refusal changed a password or mailed'
is "$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'facility.staff.password_reset'")" $((e0 + 1)) \
    'the refusals wrote one such event: the own-account denial'

# --- the reset ---------------------------------------------------------------------
s0=$(ev facility.staff.password_reset "$FA_ID" "$PERSON_ID" success '1 sessions ended')
a0=$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'facility.staff.password_reset' AND object_id = '$PERSON_ID'")
AMAX=$(q "SELECT coalesce(max(id), 0) FROM renrakucho.audit_event")
MMAX=$(q "SELECT coalesce(max(id), 0) FROM renrakucho.mail_outbox")
http_post FACILITY_ADMIN "/facility/staff/$PERSON_ID/password" --data-urlencode "csrf=$TOK" --data-urlencode "stamp=$STAMP"
is "$HTTP_STATUS" 200 'reset: the result page'
TEMP=$(temp_of_body)
like "$TEMP" '^[2-9A-HJ-NP-Za-hjkmnp-z]{16}$' 'a temporary password of 16 readable characters'
is "$(header Cache-Control)" no-store 'the result page is not cached (no-store)'
like "$(body)" '一度だけ表示されます' 'saying it is shown once'
is "$(printf '%s\n' "$TEMP" | /usr/sbin/cracklib-check)" "$TEMP: OK" 'cracklib accepts it'
is "$(ev facility.staff.password_reset "$FA_ID" "$PERSON_ID" success '1 sessions ended')" $((s0 + 1)) \
    'one success event: the administrator, the person, 1 sessions ended'
is "$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'facility.staff.password_reset' AND object_id = '$PERSON_ID'")" $((a0 + 1)) \
    'exactly one event on the person'
# (never the password in SQL: the server's statement log would hold it)
is "$(q "SELECT concat_ws('|', login, detail) FROM renrakucho.audit_event WHERE id > $AMAX" | grep -cF -- "$TEMP")" 0 'the password is in no audit event'
is "$(mails "$PERSON_ID")" $((m0 + 1)) 'one mail to the person'
MAIL=$(q "SELECT to_addr || E'\n' || body FROM renrakucho.mail_outbox WHERE account_id = $PERSON_ID AND subject = '$SUBJECT' ORDER BY id DESC LIMIT 1")
like "$MAIL" "^$PERSON_LOGIN@example.jp\$" "to the person's address"
like "$MAIL" '今市 花子（.*・施設管理者）が仮パスワードに再設定しました' 'naming who reset it'
like "$MAIL" 'お心当たりがない場合は' 'saying what to do if unexpected'
is "$(q "SELECT subject || body FROM renrakucho.mail_outbox WHERE id > $MMAX" | grep -cF -- "$TEMP")" 0 'the password is in no mail'
is "$(q "SELECT must_change_password || '|' || fail_count || '|' || coalesce(locked_until::text, 'null') || '|' || password_reset_by FROM renrakucho.account WHERE id = $PERSON_ID")" \
    "true|0|null|$FA_ID" 'must change, lock and failures cleared, reset by the administrator'
is "$(q "SELECT count(*) FROM renrakucho.login_failure WHERE account_id = $PERSON_ID")" 0 'the failed logins are gone'
is "$(live_sessions "$PERSON_ID")" 0 "the person's sessions ended"
is "$(q "SELECT count(*) FROM renrakucho.session WHERE account_id = $PERSON_ID AND end_reason = 'password reset'")" 1 "as 'password reset'"
like "$(hash_of "$PERSON_ID")" '^pbkdf2-sha256\$600000\$' 'stored as its PBKDF2 hash'
is "$(hash_of "$PERSON_ID" | grep -cF -- "$TEMP")" 0 'the password is not stored in clear'
if [ -n "${STACK_LOG_DIR:-}" ] && [ -d "$STACK_LOG_DIR" ]; then
	is "$(grep -rlF -- "$TEMP" "$STACK_LOG_DIR" | wc -l)" 0 'the password is in no log of the stack'
else
	skip 'the password is in no log of the stack' 'no STACK_LOG_DIR'
fi

# --- a reload: the same POST again -------------------------------------------------
H1=$(hash_of "$PERSON_ID")
st0=$(ev facility.staff.password_reset "$FA_ID" "$PERSON_ID" denied 'stale form')
m1=$(mails "$PERSON_ID")
http_post FACILITY_ADMIN "/facility/staff/$PERSON_ID/password" --data-urlencode "csrf=$TOK" --data-urlencode "stamp=$STAMP"
is "$HTTP_STATUS" 409 'reload (the same POST): 409'
like "$(body)" '仮パスワードは発行済みです' 'saying it was issued already'
unlike "$(body)" 'id="temp-password"' 'no password shown again'
unlike "$(body)" "$TEMP" 'not the first one either'
is "$(hash_of "$PERSON_ID")|$(mails "$PERSON_ID")" "$H1|$m1" 'nothing reset, nothing mailed'
is "$(ev facility.staff.password_reset "$FA_ID" "$PERSON_ID" denied 'stale form')" $((st0 + 1)) 'one denied event (stale form)'
http_get FACILITY_ADMIN "/facility/staff/$PERSON_ID/password"
is "$HTTP_STATUS" 200 'the page opened again: the confirmation'
unlike "$(body)" 'id="temp-password"' 'without any password'
unlike "$(body)" "$TEMP" 'nor the one issued'
like "$(body)" '前回の仮パスワードの発行: .*今市 花子' 'it shows the last reset and who did it'
isnt "$(input_value stamp)" "$STAMP" 'with a new stamp'

# --- the person ----------------------------------------------------------------------
http_get PERSON /home
like "$HTTP_STATUS|$HTTP_LOCATION" '^303\|/login(\?|$)' "the person's old cookie leads to the login page"
login PERSON
is "$HTTP_STATUS" 403 'the old password no longer works'
login PERSON "$TEMP"
is "$HTTP_STATUS" 200 'the temporary password: the change form, no session'
like "$(body)" '仮パスワード' 'the form speaks of the temporary password'
is "$(live_sessions "$PERSON_ID")" 0 'no session before the change'
http_get PERSON /home
is "$HTTP_STATUS|$HTTP_LOCATION" '303|/login' 'nothing opens before the change'
login PERSON "$TEMP"
first PERSON "$TEMP" "$TEMP"
is "$HTTP_STATUS" 422 'the temporary password as the new one: refused'
OWN=$(new_password Own)
login PERSON "$TEMP"
first PERSON "$TEMP" "$OWN"
is "$HTTP_STATUS|$HTTP_LOCATION" '303|/home' 'a password of their own logs in'
http_get PERSON /home
is "$HTTP_STATUS" 200 'home opens'
is "$(q "SELECT must_change_password FROM renrakucho.account WHERE id = $PERSON_ID")" f 'the flag is cleared'
login PERSON "$TEMP"
is "$HTTP_STATUS" 403 'the temporary password no longer works'
PERSON_PASSWORD=$OWN
login PERSON
is "$HTTP_STATUS" 303 'the own password logs in directly'

# --- the operator: a facility administrator's password ---------------------------
http_get FACILITY_ADMIN "/operator/accounts/$FADM2_ID/password"
is "$HTTP_STATUS" 403 "bad: a facility administrator on the operator's page: 403"
login_ok OPERATOR
http_get OPERATOR "/operator/accounts/$FADM2_ID"
like "$(body)" "href=\"/operator/accounts/$FADM2_ID/password\"" 'the account page links to it'
http_get OPERATOR "/operator/accounts/$FADM2_ID/password"
is "$HTTP_STATUS" 200 'operator: the confirmation page'
TOK=$(input_value csrf)
STAMP=$(input_value stamp)
http_post OPERATOR "/operator/accounts/$FADM2_ID/password" --data-urlencode "stamp=$STAMP"
is "$HTTP_STATUS" 403 'operator: bad: no CSRF token: 403'
o0=$(ev operator.account.password_reset "$OP_ID" "$FADM2_ID" success '0 sessions ended')
ao=$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'operator.account.password_reset' AND object_id = '$FADM2_ID'")
m0=$(mails "$FADM2_ID")
http_post OPERATOR "/operator/accounts/$FADM2_ID/password" --data-urlencode "csrf=$TOK" --data-urlencode "stamp=$STAMP"
is "$HTTP_STATUS" 200 'operator: the result page'
TEMP2=$(temp_of_body)
like "$TEMP2" '^[2-9A-HJ-NP-Za-hjkmnp-z]{16}$' 'operator: a temporary password'
isnt "$TEMP2" "$TEMP" 'not the one before'
is "$(ev operator.account.password_reset "$OP_ID" "$FADM2_ID" success '0 sessions ended')" $((o0 + 1)) \
    'operator: one success event, the operator, the administrator, 0 sessions ended'
is "$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'operator.account.password_reset' AND object_id = '$FADM2_ID'")" $((ao + 1)) \
    'operator: exactly one event'
is "$(mails "$FADM2_ID")" $((m0 + 1)) 'operator: one mail'
MAIL=$(q "SELECT body FROM renrakucho.mail_outbox WHERE account_id = $FADM2_ID AND subject = '$SUBJECT' ORDER BY id DESC LIMIT 1")
like "$MAIL" '出雲 一郎（.*・事務局）が' 'operator: the mail names the operator'
unlike "$MAIL" "$TEMP2" 'operator: without the password'
http_post OPERATOR "/operator/accounts/$FADM2_ID/password" --data-urlencode "csrf=$TOK" --data-urlencode "stamp=$STAMP"
is "$HTTP_STATUS" 409 'operator: the same POST again: 409'
unlike "$(body)" "$TEMP2" 'operator: no password shown again'
login FADM2 "$TEMP2"
is "$HTTP_STATUS" 200 'the administrator: the change form'
FADM2_PASSWORD=$(new_password Own)
first FADM2 "$TEMP2" "$FADM2_PASSWORD"
is "$HTTP_STATUS|$HTTP_LOCATION" '303|/home' 'the administrator logs in with a password of their own'
http_post OPERATOR "/operator/accounts/$OP_ID/password" --data-urlencode "csrf=$TOK" --data-urlencode stamp=0
is "$HTTP_STATUS" 409 'operator: bad: my own account: 409'
http_post OPERATOR "/operator/accounts/999999999/password" --data-urlencode "csrf=$TOK" --data-urlencode stamp=0
is "$HTTP_STATUS" 404 'operator: bad: no such account: 404'
done_testing
