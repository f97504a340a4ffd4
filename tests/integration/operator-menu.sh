#!/bin/bash
# The service operator's menu (/operator) over the real stack: facilities
# inside and outside the service area, a facility's administrator, the
# search, unlock, the first-certificate pickup (shown once and mailed to
# the representative address), revoking any certificate, CSRF, escaping.
. "$(dirname "$0")/../lib.sh"

U=$(date +%s%N | tail -c 9)
ADMIN_PW=$(new_password Oda-Admin)
PAGE_PW=$(new_password Page)

body() { cat "$HTTP_BODY"; }
q() { psql_owner "$1"; }

login STAFF1
http_get STAFF1 /operator
is "$HTTP_STATUS" 403 'bad: staff gets 403 on /operator'
http_get STAFF1 /operator/accounts?q=a
is "$HTTP_STATUS" 403 'bad: staff gets 403 on the account search'

login OPERATOR
is "$HTTP_STATUS" 303 'operator logs in'
http_get OPERATOR /operator
is "$HTTP_STATUS" 200 'operator: /operator'
like "$(body)" '出雲中央クリニック' 'the facility list'
like "$(body)" '区域外' 'a facility outside the service area is marked'

# --- register a facility --------------------------------------------------
http_get OPERATOR /operator/facilities/new
is "$HTTP_STATUS" 200 'facility form'
tok=$(input_value csrf)
http_post OPERATOR /operator/facilities/new --data-urlencode "csrf=$tok" \
    --data-urlencode 'fac_name=x' --data-urlencode 'municipality_name=島根県出雲市' \
    --data-urlencode 'municipality_code=3220X' --data-urlencode 'fac_email=bad' \
    --data-urlencode 'phone=call me'
is "$HTTP_STATUS" 422 'bad: invalid facility fields refused'
like "$(body)" '市区町村コードは5桁または6桁の数字' 'bad code: explained'
like "$(body)" '代表メールアドレスの形式' 'bad address: explained'
like "$(body)" '電話番号は数字とハイフン' 'bad phone: explained'

http_post OPERATOR /operator/facilities/new --data-urlencode "csrf=$tok" \
    --data-urlencode "fac_name=<b>大田</b>訪問看護$U" \
    --data-urlencode 'address=島根県大田市大田町1' \
    --data-urlencode 'municipality_name=島根県大田市' \
    --data-urlencode 'municipality_code=32205' \
    --data-urlencode "fac_email=rep$U@oda.example.jp" \
    --data-urlencode 'phone=0854-00-0000'
is "$HTTP_STATUS" 303 'facility registered'
F=$(q "SELECT id FROM renrakucho.facility WHERE email = 'rep$U@oda.example.jp'")
ok 'the facility row exists' test -n "$F"
like "$HTTP_LOCATION" "^/operator/facilities/$F" 'redirected to the facility'
is "$(audit_n operator.facility.create "$F")" 1 'facility registration is an audit event'
http_get OPERATOR /operator
like "$(body)" "&lt;b&gt;大田&lt;/b&gt;訪問看護$U" 'the facility name comes back escaped'
unlike "$(body)" '<b>大田' 'no live markup'

# --- its administrator ----------------------------------------------------
tok=$(csrf_of OPERATOR "/operator/facilities/$F/admins/new")
is "$HTTP_STATUS" 200 'administrator form'
http_post OPERATOR "/operator/facilities/$F/admins/new" \
    --data-urlencode "csrf=$tok" --data-urlencode "login=oda-admin$U" \
    --data-urlencode "name=大田 管理$U" --data-urlencode 'kana=オオダ カンリ' \
    --data-urlencode 'profession=事務' --data-urlencode 'placeholder=1' \
    --data-urlencode "password=$ADMIN_PW" --data-urlencode "password2=$ADMIN_PW"
is "$HTTP_STATUS" 303 'administrator registered'
A=$(account_id "oda-admin$U")
is "$(q "SELECT facility_id || '|' || is_facility_admin || '|' || email_is_placeholder FROM renrakucho.account WHERE id = $A")" "$F|true|true" 'an administrator of that facility with a placeholder'
is "$(audit_n operator.admin.create "$A")" 1 'administrator registration is an audit event'
is "$(q "SELECT to_addr FROM renrakucho.mail_outbox WHERE account_id = $A")" "rep$U@oda.example.jp" "the placeholder's mail goes to the representative address"
tok=$(csrf_of OPERATOR "/operator/facilities/$F/admins/new")
http_post OPERATOR "/operator/facilities/$F/admins/new" \
    --data-urlencode "csrf=$tok" --data-urlencode "login=oda-admin2$U" \
    --data-urlencode "name=重複" --data-urlencode 'profession=事務' \
    --data-urlencode "email=FADMIN@izumo-chuo-clinic.example.jp" \
    --data-urlencode "password=$ADMIN_PW" --data-urlencode "password2=$ADMIN_PW"
is "$HTTP_STATUS" 409 'bad: duplicate e-mail refused for an administrator too'
like "$(body)" 'このメールアドレスは既に使われています' 'the neutral message'
http_get OPERATOR /operator/facilities/999999999/admins/new
is "$HTTP_STATUS" 404 'bad: unknown facility is 404'

# --- edit / suspend -------------------------------------------------------
tok=$(csrf_of OPERATOR "/operator/facilities/$F")
like "$(body)" "oda-admin$U" 'the facility page lists its accounts'
http_post OPERATOR "/operator/facilities/$F" --data-urlencode "csrf=$tok" \
    --data-urlencode "fac_name=大田訪問看護$U" --data-urlencode 'municipality_name=島根県大田市' \
    --data-urlencode 'municipality_code=32205' --data-urlencode "fac_email=rep$U@oda.example.jp" \
    --data-urlencode 'status=suspended'
is "$HTTP_STATUS" 303 'facility edited'
is "$(q "SELECT name || '|' || status FROM renrakucho.facility WHERE id = $F")" "大田訪問看護$U|suspended" 'renamed and suspended'
is "$(audit_n operator.facility.update "$F")" 1 'edit is an audit event'
tok=$(csrf_of OPERATOR "/operator/facilities/$F")
http_post OPERATOR "/operator/facilities/$F" --data-urlencode "csrf=$tok" \
    --data-urlencode "fac_name=大田訪問看護$U" --data-urlencode 'municipality_name=島根県大田市' \
    --data-urlencode 'municipality_code=32205' --data-urlencode "fac_email=rep$U@oda.example.jp" \
    --data-urlencode 'status=active'
is "$(q "SELECT status FROM renrakucho.facility WHERE id = $F")" active 'active again'

# --- search ---------------------------------------------------------------
http_get OPERATOR "/operator/accounts?q=oda-ADMIN$U"
is "$HTTP_STATUS" 200 'search by login (any case)'
like "$(body)" "大田 管理$U" 'found by login'
http_get OPERATOR "/operator/accounts?q=イズモ"
like "$(body)" "$OPERATOR_LOGIN" 'found by kana'
http_get OPERATOR "/operator/accounts?q=matsue-houkan"
like "$(body)" "$OUTSIDE_LOGIN" 'found by e-mail across facilities'
http_get OPERATOR "/operator/accounts?q=%25"
like "$(body)" '見つかりませんでした' 'a % is plain text, not a wildcard'
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22; do
	printf '%s\n' "$PAGE_PW" | $ADMIN account add --facility "$F" \
	    --login "pg$i-$U" --name "頁 $i" --email "pg$i-$U@example.jp" > /dev/null
done
http_get OPERATOR "/operator/accounts?q=-$U@example"
like "$(body)" '22件見つかりました（1〜20件目）' 'first page of 22 results'
like "$(body)" "page=2" 'a link to the next page'
http_get OPERATOR "/operator/accounts?q=-$U@example&page=2"
like "$(body)" '22件見つかりました（21〜22件目）' 'second page'

# --- unlock ---------------------------------------------------------------
q "UPDATE renrakucho.account SET fail_count = 10, locked_until = now() + interval '15 minutes' WHERE id = $A" > /dev/null
tok=$(csrf_of OPERATOR "/operator/accounts/$A")
like "$(body)" 'ロック中' 'the account page shows the lock'
http_post OPERATOR "/operator/accounts/$A/unlock" --data-urlencode "csrf=$tok"
is "$HTTP_STATUS" 303 'unlocked'
is "$(q "SELECT fail_count || '|' || (locked_until IS NULL) FROM renrakucho.account WHERE id = $A")" '0|true' 'counters reset'
is "$(audit_n operator.account.unlock "$A")" 1 'unlock is an audit event'

# --- first-certificate pickup ---------------------------------------------
# Signed by renrakucho-signer: the CGIs hold no CA key.
tok=$(csrf_of OPERATOR "/operator/accounts/$A")
http_post OPERATOR "/operator/accounts/$A/pickup" --data-urlencode "csrf=$tok" \
    --data-urlencode 'label='
is "$HTTP_STATUS" 422 'bad: a pickup needs a device label'
http_post OPERATOR "/operator/accounts/$A/pickup" --data-urlencode "csrf=$tok" \
    --data-urlencode "label=大田の受付PC$U"
is "$HTTP_STATUS" 200 'pickup created'
NUMBER=$(grep -oE '[0-9]{4}-[0-9]{4}-[0-9]{4}' "$HTTP_BODY" | head -n 1)
ok 'the pickup number is shown' test -n "$NUMBER"
like "$(body)" '証明書取得用パスワード' 'the password is shown'
SER=$(q "SELECT serial FROM renrakucho.device_cert WHERE label = '大田の受付PC$U'")
is "$(q "SELECT facility_id || '|' || issued_by FROM renrakucho.device_cert WHERE serial = '$SER'")" "$F|$A" 'certificate of the facility, for the account'
PICKPW=$(tr -d '\n' < "$HTTP_BODY" | sed -n 's/.*証明書取得用パスワード<\/dt><dd><strong>\([^<]*\)<.*/\1/p')
like "$PICKPW" '^[2-9A-Za-z]{20}$' 'the shown password: 20 characters'
# The number and the password go to the representative address, never
# in the same mail: two mails, each saying the other comes separately.
rep="to_addr = 'rep$U@oda.example.jp' AND created_at > now() - interval '10 minutes'"
is "$(q "SELECT count(*) FROM renrakucho.mail_outbox WHERE $rep AND body LIKE '%$NUMBER%' AND body LIKE '%$PICKPW%'")" 0 'no mail holds both the number and the password'
is "$(q "SELECT count(*) FROM renrakucho.mail_outbox WHERE $rep AND (body LIKE '%$NUMBER%' OR body LIKE '%$PICKPW%')")" 2 'two mails to the representative address: one for each'
is "$(q "SELECT subject FROM renrakucho.mail_outbox WHERE $rep AND body LIKE '%$NUMBER%'")" "$(subject '証明書取得用Noのお知らせ')" 'the number mail'
like "$(q "SELECT body FROM renrakucho.mail_outbox WHERE $rep AND body LIKE '%$NUMBER%'")" '証明書取得用パスワードは、このメールとは別のメールでお送りします' 'it says the password comes separately'
is "$(q "SELECT subject FROM renrakucho.mail_outbox WHERE $rep AND body LIKE '%$PICKPW%'")" "$(subject '証明書取得用パスワードのお知らせ')" 'the password mail'
like "$(q "SELECT body FROM renrakucho.mail_outbox WHERE $rep AND body LIKE '%$PICKPW%'")" '証明書取得用Noは、このメールとは別のメールでお送りします' 'it says the number comes separately'
is "$(q "SELECT count(*) FROM renrakucho.mail_outbox WHERE $rep AND body ~ '[0-9]{4}-[0-9]{4}-[0-9]{4}' AND body ~ '証明書取得用パスワード：'")" 0 'no mail has a pickup number beside a pickup password'
is "$(audit_n operator.pickup.create "$SER")" 1 'pickup is an audit event'

# --- revoke any certificate -----------------------------------------------
$ADMIN cert issue --login "$OUTSIDE_LOGIN" --label "revoke me $U" \
    --p12 "$TEST_TMP/r.p12" --pem "$TEST_TMP/r.pem" > /dev/null
RSER=$(openssl x509 -in "$TEST_TMP/r.pem" -noout -serial | sed 's/serial=//')
R_LOGIN=$OUTSIDE_LOGIN
R_PASSWORD=$OUTSIDE_PASSWORD
R_PEM=$TEST_TMP/r.pem
login R
is "$HTTP_STATUS" 303 'a second device of another facility logs in'
http_get R /home
is "$HTTP_STATUS" 200 'and works'
tok=$(csrf_of OPERATOR /operator/certificates)
like "$(body)" "$RSER" 'the certificate list shows every facility'
http_post OPERATOR /operator/certificates/revoke --data-urlencode "serial=$RSER"
is "$HTTP_STATUS" 403 'bad: revoke without the CSRF token refused'
http_post OPERATOR /operator/certificates/revoke --data-urlencode "csrf=$tok" \
    --data-urlencode "serial=$(echo "$RSER" | tr 'A-F' 'a-f')"
is "$HTTP_STATUS" 303 'revoked'
is "$(q "SELECT revoked_at IS NOT NULL FROM renrakucho.device_cert WHERE serial = '$RSER'")" t 'the row is revoked'
is "$(q "SELECT count(*) FROM renrakucho.session WHERE cert_serial = '$RSER' AND ended_at IS NULL")" 0 'its sessions ended'
is "$(audit_n operator.device.revoke "$RSER")" 1 'revoke is an audit event'
http_get R /home
is "$HTTP_STATUS" 403 'a request with the revoked certificate is refused at once'
http_post OPERATOR /operator/certificates/revoke --data-urlencode "csrf=$tok" \
    --data-urlencode "serial=$RSER"
is "$HTTP_STATUS" 409 'bad: revoking again is refused'
like "$(body)" '既に失効しています' 'already revoked: clear message'
http_post OPERATOR /operator/certificates/revoke --data-urlencode "csrf=$tok" \
    --data-urlencode "serial=zz"
is "$HTTP_STATUS" 404 'bad: a malformed serial is 404'

done_testing
