#!/bin/bash
# The facility administrator's menu (/facility) over the real stack:
# who may use it, registering staff (own address or forwarding
# placeholder), duplicate e-mail/login, edit, unlock, delete, CSRF,
# escaping, another facility's ids (404), and an operator's account,
# which only an operator may change (403).
. "$(dirname "$0")/../lib.sh"

U=$(date +%s%N | tail -c 9)	# unique names for this run
INITIAL_PW=$(new_password Initial)
OTHER_PW=$(new_password Other)

body() { cat "$HTTP_BODY"; }
q() { psql_owner "$1"; }
# new_staff LOGIN NAME EMAIL|- [more curl args]: POST the form.
new_staff() {
	local login=$1 name=$2 email=$3 tok
	shift 3
	tok=$(csrf_of FACILITY_ADMIN /facility/staff/new)
	local args=(--data-urlencode "csrf=$tok" --data-urlencode "login=$login"
	    --data-urlencode "name=$name" --data-urlencode "kana=テスト タロウ"
	    --data-urlencode "profession=看護師"
	    --data-urlencode "password=$INITIAL_PW"
	    --data-urlencode "password2=$INITIAL_PW")
	if [ "$email" = - ]; then args+=(--data-urlencode placeholder=1)
	else args+=(--data-urlencode "email=$email"); fi
	http_post FACILITY_ADMIN /facility/staff/new "${args[@]}" "$@"
}

# --- who may use it -------------------------------------------------------
login STAFF1
is "$HTTP_STATUS" 303 'staff1 logs in'
http_get STAFF1 /facility
is "$HTTP_STATUS" 403 'bad: staff (not an administrator) gets 403 on /facility'
like "$(body)" '施設管理者だけが利用できます' 'the 403 page says why'
http_get STAFF1 /facility/staff/new
is "$HTTP_STATUS" 403 'bad: staff gets 403 on /facility/staff/new'
n=$(q "SELECT count(*) FROM renrakucho.audit_event e JOIN renrakucho.account a ON a.id = e.account_id WHERE a.login = '$STAFF1_LOGIN' AND e.action = 'facility.access' AND e.outcome = 'denied'")
ok 'the refusal is audited' test "$n" -ge 2

login FACILITY_ADMIN
is "$HTTP_STATUS" 303 'facility admin logs in'
http_get FACILITY_ADMIN /facility
is "$HTTP_STATUS" 200 'facility admin: /facility'
like "$(body)" "$STAFF1_LOGIN" 'the staff list shows staff1'
unlike "$(body)" "$OUTSIDE_LOGIN" 'the staff list does not show another facility'
http_get FACILITY_ADMIN /operator
is "$HTTP_STATUS" 403 'bad: facility admin gets 403 on /operator'

# --- register -------------------------------------------------------------
http_get FACILITY_ADMIN /facility/staff/new
is "$HTTP_STATUS" 200 'registration form'
like "$(body)" '<label for="profession">' 'profession has a label'
like "$(body)" '<option value="介護支援専門員"' 'profession select lists the professions'
like "$(body)" '転送用アドレスを使う' 'the placeholder choice is offered'

before=$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'facility.staff.create'")
new_staff "fs-a$U" "登録 太郎$U" "Fs-A$U@Example.jp"
is "$HTTP_STATUS" 303 'staff registered'
like "$HTTP_LOCATION" '^/facility/staff/[0-9]+\?n=created$' 'redirected to the new account'
A=$(account_id "fs-a$U")
ok 'the account row exists' test -n "$A"
is "$(q "SELECT facility_id || '|' || profession || '|' || email_is_placeholder || '|' || is_facility_admin FROM renrakucho.account WHERE id = $A")" "$INSIDE_FACILITY_ID|看護師|false|false" 'stored in my facility with its profession'
is "$(audit_n facility.staff.create "$A")" 1 'registration is an audit event'
is "$(q "SELECT to_addr FROM renrakucho.mail_outbox WHERE account_id = $A")" "Fs-A$U@Example.jp" 'registration mail queued to the address'
http_get FACILITY_ADMIN /facility
like "$(body)" "登録 太郎$U" 'the new staff member is in the list'

# A value the browser did not send from the select is refused.
new_staff "fs-x$U" "職種 不正$U" "fs-x$U@example.jp" --data-urlencode 'profession=宇宙飛行士'
is "$HTTP_STATUS" 400 'bad: the same key twice is refused' # profession sent twice
http_get FACILITY_ADMIN /facility/staff/new
tok=$(input_value csrf)
http_post FACILITY_ADMIN /facility/staff/new --data-urlencode "csrf=$tok" \
    --data-urlencode "login=fs-x$U" --data-urlencode "name=職種 不正" \
    --data-urlencode 'kana=abc' --data-urlencode 'profession=宇宙飛行士' \
    --data-urlencode 'email=not-an-address' --data-urlencode 'password=short' \
    --data-urlencode 'password2=short'
is "$HTTP_STATUS" 422 'bad: invalid fields refused'
like "$(body)" 'error-summary' 'errors summarised at the top'
like "$(body)" 'ふりがなはカタカナまたはひらがな' 'bad kana: explained'
like "$(body)" '職種を選んでください' 'bad profession: explained'
like "$(body)" 'メールアドレスの形式が正しくありません' 'bad e-mail: explained'
like "$(body)" 'パスワードは12文字以上にしてください' 'short password: explained'
like "$(body)" 'id="kana"[^>]*aria-invalid="true"' 'the bad field is marked invalid'
like "$(body)" "value=\"fs-x$U\"" 'the input is kept'
is "$(account_id "fs-x$U")" '' 'nothing stored'

# --- duplicates: neutral messages -----------------------------------------
new_staff "fs-b$U" "重複 花子" "FS-a$U@EXAMPLE.JP"
is "$HTTP_STATUS" 409 'bad: duplicate e-mail in another letter case refused'
like "$(body)" 'このメールアドレスは既に使われています' 'duplicate e-mail: the neutral message'
is "$(account_id "fs-b$U")" '' 'duplicate e-mail: nothing stored'
new_staff "fs-b$U" "重複 花子" "OUTSIDE@matsue-houkan.example.jp"
is "$HTTP_STATUS" 409 "bad: another facility's address refused"
like "$(body)" 'このメールアドレスは既に使われています' "another facility's address: the same message"
unlike "$(body)" '松江' 'the message reveals nothing about the other facility'
new_staff "FS-A$U" "重複 花子" "fs-c$U@example.jp"
is "$HTTP_STATUS" 409 'bad: duplicate login ID (other case) refused'
like "$(body)" 'このログインIDは既に使われています' 'duplicate login: clear message'

# --- forwarding placeholder -----------------------------------------------
new_staff "fs-p$U" "転送 次郎$U" -
is "$HTTP_STATUS" 303 'staff with a forwarding placeholder registered'
P=$(account_id "fs-p$U")
like "$(q "SELECT email FROM renrakucho.account WHERE id = $P")" "^fwd-$INSIDE_FACILITY_ID-[a-z0-9]{10}@placeholder\.invalid\$" 'placeholder address generated'
is "$(q "SELECT email_is_placeholder FROM renrakucho.account WHERE id = $P")" t 'marked as placeholder'
FEMAIL=$(q "SELECT email FROM renrakucho.facility WHERE id = $INSIDE_FACILITY_ID")
is "$(q "SELECT to_addr FROM renrakucho.mail_outbox WHERE account_id = $P")" "$FEMAIL" "mail for the placeholder goes to the facility's representative address"
like "$(q "SELECT body FROM renrakucho.mail_outbox WHERE account_id = $P")" "転送 次郎$U 様宛て" 'and names the staff member it is for'
http_get FACILITY_ADMIN /facility
like "$(body)" '転送用アドレス' 'the list says 転送用アドレス'
# Delivered as cron would: the captured message is addressed to the
# representative address and names the staff member.
$ADMIN mail deliver > /dev/null
found=
for m in "$MAIL_DIR"/*; do
	grep -qi "^To: $FEMAIL" "$m" || continue
	if sed '1,/^\r\{0,1\}$/d' "$m" | base64 -d 2>/dev/null | grep -q "転送 次郎$U"; then
		found=$m
	fi
done
ok 'the delivered mail reaches the representative address, naming the staff member' test -n "$found"

# --- edit -----------------------------------------------------------------
tok=$(csrf_of FACILITY_ADMIN "/facility/staff/$A")
like "$(body)" "value=\"登録 太郎$U\"" 'edit form filled in'
http_post FACILITY_ADMIN "/facility/staff/$A" --data-urlencode "csrf=$tok" \
    --data-urlencode "name=変更 太郎$U" --data-urlencode 'kana=へんこう たろう' \
    --data-urlencode 'profession=薬剤師' --data-urlencode 'placeholder=1'
is "$HTTP_STATUS" 303 'edit saved'
is "$(q "SELECT name || '|' || profession || '|' || email_is_placeholder FROM renrakucho.account WHERE id = $A")" "変更 太郎$U|薬剤師|true" 'name, profession and placeholder changed'
like "$(q "SELECT email FROM renrakucho.account WHERE id = $A")" '@placeholder\.invalid$' 'switched to a placeholder address'
is "$(audit_n facility.staff.update "$A")" 1 'edit is an audit event'
tok=$(csrf_of FACILITY_ADMIN "/facility/staff/$A")
http_post FACILITY_ADMIN "/facility/staff/$A" --data-urlencode "csrf=$tok" \
    --data-urlencode "name=変更 太郎$U" --data-urlencode 'profession=薬剤師' \
    --data-urlencode "email=Staff1@Izumo-Chuo-Clinic.example.jp"
is "$HTTP_STATUS" 409 "bad: edit to staff1's address (other case) refused"
like "$(body)" 'このメールアドレスは既に使われています' 'edit duplicate: neutral message'

# --- lockout and unlock ---------------------------------------------------
NEW_LOGIN="fs-a$U"
NEW_PASSWORD="$INITIAL_PW"
NEW_PEM=$FACILITY_ADMIN_PEM	# a device of the same facility
for i in 1 2 3 4 5 6 7 8 9 10; do login NEW wrong-password; done
login NEW
is "$HTTP_STATUS" 403 'after ten failures the account is locked'
like "$(body)" 'ロック' 'the login page says it is locked'
http_get FACILITY_ADMIN /facility
like "$(body)" 'ロック中' 'the list shows the lock'
tok=$(input_value csrf)
http_post FACILITY_ADMIN "/facility/staff/$A/unlock"
is "$HTTP_STATUS" 403 'bad: unlock without the CSRF token refused'
http_post FACILITY_ADMIN "/facility/staff/$A/unlock" --data-urlencode "csrf=$tok"
is "$HTTP_STATUS" 303 'unlocked'
is "$(q "SELECT fail_count || '|' || coalesce(locked_until::text, 'null') FROM renrakucho.account WHERE id = $A")" '0|null' 'counters reset'
is "$(audit_n facility.staff.unlock "$A")" 1 'unlock is an audit event'
login NEW
is "$HTTP_STATUS" 200 "after unlock the right password: the first login's password change form"
like "$(body)" '初期パスワードのままです' 'the initial password is to be changed first'
http_post NEW /login --data-urlencode "login=$NEW_LOGIN" \
    --data-urlencode "password=$NEW_PASSWORD" --data-urlencode "new_password=Own-$NEW_PASSWORD" \
    --data-urlencode "new_password2=Own-$NEW_PASSWORD" --data-urlencode "csrf=$(input_value csrf)"
is "$HTTP_STATUS" 303 'with a password of their own the staff member logs in'

# --- delete ---------------------------------------------------------------
http_get NEW /home
is "$HTTP_STATUS" 200 'the staff member has a session'
tok=$(csrf_of FACILITY_ADMIN "/facility/staff/$A/delete")
like "$(body)" '削除する' 'delete asks for confirmation'
http_post FACILITY_ADMIN "/facility/staff/$A/delete" --data-urlencode "csrf=$tok"
is "$HTTP_STATUS" 303 'deleted'
is "$(q "SELECT deleted_at IS NOT NULL FROM renrakucho.account WHERE id = $A")" t 'row kept with deleted_at'
is "$(q "SELECT count(*) FROM renrakucho.session WHERE account_id = $A AND ended_at IS NULL")" 0 'sessions ended'
ok 'history kept (audit rows of the account)' test "$(q "SELECT count(*) FROM renrakucho.audit_event WHERE account_id = $A")" -ge 1
is "$(audit_n facility.staff.delete "$A")" 1 'delete is an audit event'
http_get NEW /home
is "$HTTP_STATUS" 303 'the deleted account is sent to the login page'
login NEW
is "$HTTP_STATUS" 403 'bad: the deleted account cannot log in'
http_get FACILITY_ADMIN /facility
unlike "$(body)" "変更 太郎$U" 'the deleted account is gone from the list'
http_get FACILITY_ADMIN "/facility/staff/$A"
is "$HTTP_STATUS" 404 'a deleted account is 404'

FA_ID=$(account_id "$FACILITY_ADMIN_LOGIN")
tok=$(csrf_of FACILITY_ADMIN /facility)
http_post FACILITY_ADMIN "/facility/staff/$FA_ID/delete" --data-urlencode "csrf=$tok"
is "$HTTP_STATUS" 409 'bad: the administrator cannot delete themself here'

# --- escaping -------------------------------------------------------------
new_staff "fs-xss$U" "<script>alert(1)</script>$U" "fs-xss$U@example.jp"
is "$HTTP_STATUS" 303 'a name with markup is stored as text'
http_get FACILITY_ADMIN /facility
like "$(body)" "&lt;script&gt;alert\(1\)&lt;/script&gt;$U" 'the name comes back escaped'
unlike "$(body)" '<script>alert' 'no live script in the list'

# --- CSRF -----------------------------------------------------------------
http_post FACILITY_ADMIN /facility/staff/new --data-urlencode "login=fs-c$U" \
    --data-urlencode 'name=x' --data-urlencode 'profession=事務' \
    --data-urlencode "email=fs-c$U@example.jp" \
    --data-urlencode 'password=Password-1' --data-urlencode 'password2=Password-1'
is "$HTTP_STATUS" 403 'bad: registration without the CSRF token refused'
is "$(account_id "fs-c$U")" '' 'nothing stored without CSRF'

# --- another facility's ids -----------------------------------------------
F2=$($ADMIN facility add --name "別の事業所$U" --municipality-code 32203 \
    --municipality 島根県出雲市 --email "other$U@example.jp" | tail -n 1)
printf '%s\n' "$OTHER_PW" | $ADMIN account add --facility "$F2" \
    --login "fs-o$U" --name '他 事業所' --email "fs-o$U@example.jp" > /dev/null
O=$(account_id "fs-o$U")
$ADMIN cert issue --login "fs-o$U" --label "他の端末$U" \
    --p12 "$TEST_TMP/o.p12" --pem "$TEST_TMP/o.pem" > /dev/null
OSER=$(openssl x509 -in "$TEST_TMP/o.pem" -noout -serial | sed 's/serial=//')
ok 'a second facility with staff and a device' test -n "$O" -a -n "$OSER"
http_get FACILITY_ADMIN "/facility/staff/$O"
is "$HTTP_STATUS" 404 "bad: another facility's staff id is 404"
unlike "$(body)" '他 事業所' '404 reveals nothing'
tok=$(csrf_of FACILITY_ADMIN /facility)
http_post FACILITY_ADMIN "/facility/staff/$O" --data-urlencode "csrf=$tok" \
    --data-urlencode 'name=乗っ取り' --data-urlencode 'profession=事務' \
    --data-urlencode 'placeholder=1'
is "$HTTP_STATUS" 404 "bad: editing another facility's staff is 404"
http_post FACILITY_ADMIN "/facility/staff/$O/delete" --data-urlencode "csrf=$tok"
is "$HTTP_STATUS" 404 "bad: deleting another facility's staff is 404"
http_post FACILITY_ADMIN "/facility/staff/$O/unlock" --data-urlencode "csrf=$tok"
is "$HTTP_STATUS" 404 "bad: unlocking another facility's staff is 404"
is "$(q "SELECT name || '|' || (deleted_at IS NULL) FROM renrakucho.account WHERE id = $O")" '他 事業所|true' 'the other account is untouched'
http_get FACILITY_ADMIN /facility/devices
unlike "$(body)" "$OSER" "another facility's device is not listed"
http_post FACILITY_ADMIN /facility/devices/revoke --data-urlencode "csrf=$tok" \
    --data-urlencode "serial=$OSER"
is "$HTTP_STATUS" 404 "bad: revoking another facility's certificate is 404"
is "$(q "SELECT revoked_at IS NULL FROM renrakucho.device_cert WHERE serial = '$OSER'")" t 'the other certificate stays active'


# --- an operator's account is not the facility administrator's ------------
# OPERATOR (the 事務局) works in FACILITY_ADMIN's facility: the
# administrator may not edit, unlock or delete that account.
OPID=$(account_id "$OPERATOR_LOGIN")
before=$(q "SELECT concat_ws('|', name, profession, fail_count, coalesce(locked_until::text, 'null'), deleted_at IS NULL) FROM renrakucho.account WHERE id = $OPID")
denied0=$(audit_n facility.access "$OPID" denied)
tok=$(csrf_of FACILITY_ADMIN /facility)
http_get FACILITY_ADMIN "/facility/staff/$OPID"
is "$HTTP_STATUS" 403 "bad: the operator's edit page is refused to a facility administrator"
like "$(body)" 'サービス運用者のアカウントの変更、ロックの解除、パスワードの再設定、削除は、事務局（サービス運用者）だけが行えます。' \
    'the 403 page says why'
http_post FACILITY_ADMIN "/facility/staff/$OPID" --data-urlencode "csrf=$tok" \
    --data-urlencode 'name=乗っ取り' --data-urlencode 'kana=ノットリ' \
    --data-urlencode 'profession=事務' --data-urlencode 'placeholder=1'
is "$HTTP_STATUS" 403 "bad: editing the operator's account is refused"
http_post FACILITY_ADMIN "/facility/staff/$OPID/unlock" --data-urlencode "csrf=$tok"
is "$HTTP_STATUS" 403 "bad: unlocking the operator's account is refused"
http_get FACILITY_ADMIN "/facility/staff/$OPID/delete"
is "$HTTP_STATUS" 403 "bad: the operator's delete page is refused"
http_post FACILITY_ADMIN "/facility/staff/$OPID/delete" --data-urlencode "csrf=$tok"
is "$HTTP_STATUS" 403 "bad: deleting the operator's account is refused"
is "$(q "SELECT concat_ws('|', name, profession, fail_count, coalesce(locked_until::text, 'null'), deleted_at IS NULL) FROM renrakucho.account WHERE id = $OPID")" \
    "$before" "the operator's account is untouched"
is "$(audit_n facility.access "$OPID" denied)" $((denied0 + 5)) 'each of the five refusals is one audit event'

done_testing
