#!/bin/bash
# A new facility from nothing to logged-in devices and back, through the
# web menus and the portal pickup only (issue: accounts, facilities and
# device certificates): the operator registers the facility and its
# administrator and makes a first-certificate pickup; the administrator
# fetches it on the portal, logs in, registers a staff member; the staff
# member issues a certificate for a second device in My Profile, gets the
# pickup password by mail and fetches it; then everything is removed
# again (the member's tablet certificate with the account), and after
# `crl update` nginx refuses the revoked certificate.
. "$(dirname "$0")/../lib.sh"

U=$(date +%s%N | tail -c 9)
q() { psql_owner "$1"; }
# pickup_fetch NUMBER PASSWORD OUT.pem: the portal download, as PEM.
pickup_fetch() {
	_http NONE POST "$PORTAL_URL/certificate-pickup" \
	    --data-urlencode "pickup_no=$1" --data-urlencode "pickup_password=$2"
	[ "$HTTP_STATUS" = 200 ] &&
	    openssl pkcs12 -in "$HTTP_BODY" -passin "pass:$2" -nodes -out "$3" 2>/dev/null
}
mail_text() {	# mail_text TO: the newest captured mail to TO, decoded
	local f
	f=$(grep -l "^To: $1" "$MAIL_DIR"/* 2>/dev/null | tail -n 1)
	[ -n "$f" ] && python3 -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(m.get_payload(decode=True).decode())' "$f"
}

# first_login WHO: the first login's password change on the form just
# shown; WHO_PASSWORD becomes the new one.
first_login() {
	local l=${1}_LOGIN p=${1}_PASSWORD
	http_post "$1" /login --data-urlencode "login=${!l}" \
	    --data-urlencode "password=${!p}" --data-urlencode "new_password=Own-${!p}" \
	    --data-urlencode "new_password2=Own-${!p}" --data-urlencode "csrf=$(input_value csrf)"
	printf -v "$p" '%s' "Own-${!p}"
}

# --- the operator: facility, administrator, first certificate --------------
login OPERATOR
tok=$(csrf_of OPERATOR /operator/facilities/new)
http_post OPERATOR /operator/facilities/new --data-urlencode "csrf=$tok" \
    --data-urlencode "fac_name=新規訪問看護$U" --data-urlencode 'address=島根県出雲市塩冶町1' \
    --data-urlencode "municipality_name=$MUNICIPALITY_NAME" \
    --data-urlencode "municipality_code=$MUNICIPALITY_CODE" \
    --data-urlencode "fac_email=rep$U@new.example.jp" --data-urlencode 'phone=0853-11-1111'
is "$HTTP_STATUS" 303 'operator registers the facility'
F=$(q "SELECT id FROM renrakucho.facility WHERE email = 'rep$U@new.example.jp'")

NEWADMIN_LOGIN=newadmin$U
NEWADMIN_PASSWORD=$(new_password New-Admin)
tok=$(csrf_of OPERATOR "/operator/facilities/$F/admins/new")
http_post OPERATOR "/operator/facilities/$F/admins/new" --data-urlencode "csrf=$tok" \
    --data-urlencode "login=$NEWADMIN_LOGIN" --data-urlencode "name=新規 管理者$U" \
    --data-urlencode 'kana=シンキ カンリシャ' --data-urlencode 'profession=看護師' \
    --data-urlencode "email=admin$U@new.example.jp" \
    --data-urlencode "password=$NEWADMIN_PASSWORD" --data-urlencode "password2=$NEWADMIN_PASSWORD"
is "$HTTP_STATUS" 303 'operator registers its administrator'
A=$(q "SELECT id FROM renrakucho.account WHERE login = '$NEWADMIN_LOGIN'")

tok=$(csrf_of OPERATOR "/operator/accounts/$A")
http_post OPERATOR "/operator/accounts/$A/pickup" --data-urlencode "csrf=$tok" \
    --data-urlencode "label=受付PC$U"
is "$HTTP_STATUS" 200 'operator creates the first-certificate pickup'
NUMBER=$(grep -oE '[0-9]{4}-[0-9]{4}-[0-9]{4}' "$HTTP_BODY" | head -n 1)
PICKPW=$(tr -d '\n' < "$HTTP_BODY" | sed -n 's/.*証明書取得用パスワード<\/dt><dd><strong>\([^<]*\)<.*/\1/p')
ok 'number and password shown once' test -n "$NUMBER" -a -n "$PICKPW"
$ADMIN mail deliver > /dev/null
# Two mails to the representative address: the number in one, the
# password in the other, never both in one.
both=0 nomail=0 pwmail=0
for f in $(grep -l "^To: rep$U@new.example.jp" "$MAIL_DIR"/* 2>/dev/null); do
	t=$(python3 -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(m.get_payload(decode=True).decode())' "$f")
	case $t in *"$NUMBER"*"$PICKPW"*|*"$PICKPW"*"$NUMBER"*) both=$((both + 1)) ;;
	*"証明書取得用No：$NUMBER"*) nomail=$((nomail + 1)) ;;
	*"証明書取得用パスワード：$PICKPW"*) pwmail=$((pwmail + 1)) ;;
	esac
done
is "$nomail|$pwmail|$both" '1|1|0' 'the pickup reaches the representative address: number and password in separate mails'

# --- the administrator: portal pickup, login, a staff member ---------------
ok 'the administrator fetches the certificate on the portal' \
    pickup_fetch "$NUMBER" "$PICKPW" "$TEST_TMP/newadmin.pem"
NEWADMIN_PEM=$TEST_TMP/newadmin.pem
pickup_fetch "$NUMBER" "$PICKPW" "$TEST_TMP/again.pem"
is "$HTTP_STATUS" 410 'the pickup works once'
login NEWADMIN
is "$HTTP_STATUS" 200 "the administrator's first login: a password of their own first"
first_login NEWADMIN
is "$HTTP_STATUS" 303 'the administrator logs in on the new device'
http_get NEWADMIN /home
is "$HTTP_STATUS" 200 'home on the new device'

NEWSTAFF_LOGIN=newstaff$U
NEWSTAFF_PASSWORD=$(new_password New-Staff)
tok=$(csrf_of NEWADMIN /facility/staff/new)
http_post NEWADMIN /facility/staff/new --data-urlencode "csrf=$tok" \
    --data-urlencode "login=$NEWSTAFF_LOGIN" --data-urlencode "name=新規 職員$U" \
    --data-urlencode 'kana=シンキ ショクイン' --data-urlencode 'profession=介護福祉士' \
    --data-urlencode placeholder=1 \
    --data-urlencode "password=$NEWSTAFF_PASSWORD" --data-urlencode "password2=$NEWSTAFF_PASSWORD"
is "$HTTP_STATUS" 303 'the administrator registers a staff member'
S=$(q "SELECT id FROM renrakucho.account WHERE login = '$NEWSTAFF_LOGIN'")

# The staff member logs in on the facility's device and issues a
# certificate for a second device in My Profile.
NEWSTAFF_PEM=$NEWADMIN_PEM
login NEWSTAFF
is "$HTTP_STATUS" 200 "staff's first login: a password of their own first"
first_login NEWSTAFF
is "$HTTP_STATUS" 303 "staff logs in on the facility's device"
tok=$(csrf_of NEWSTAFF /profile)
http_post NEWSTAFF /profile/certificates --data-urlencode "csrf=$tok" \
    --data-urlencode "label=訪問用タブレット$U" --data-urlencode "current_password=$NEWSTAFF_PASSWORD"
is "$HTTP_STATUS" 200 'My Profile issues a certificate'
NUMBER2=$(grep -oE '[0-9]{4}-[0-9]{4}-[0-9]{4}' "$HTTP_BODY" | head -n 1)
$ADMIN mail deliver > /dev/null
text=$(mail_text "rep$U@new.example.jp")
PICKPW2=$(printf '%s\n' "$text" | sed -n 's/^証明書取得用パスワード：//p' | tail -n 1)
like "$text" "新規 職員$U" "the placeholder's mail names the staff member"
ok 'the staff member fetches the second certificate' \
    pickup_fetch "$NUMBER2" "$PICKPW2" "$TEST_TMP/tablet.pem"
NEWSTAFF_PEM=$TEST_TMP/tablet.pem
login NEWSTAFF
is "$HTTP_STATUS" 303 'staff logs in on the second device'
TABLET_SERIAL=$(openssl x509 -in "$TEST_TMP/tablet.pem" -noout -serial | sed 's/serial=//')

# --- and back: delete the staff member, revoke the certificates -----------
tok=$(csrf_of NEWADMIN "/facility/staff/$S/delete")
http_post NEWADMIN "/facility/staff/$S/delete" --data-urlencode "csrf=$tok"
is "$HTTP_STATUS" 303 'the administrator deletes the staff member'
http_get NEWSTAFF /home
is "$HTTP_STATUS" 403 "the deleted member's tablet, which only they used, is refused"
is "$(q "SELECT revoke_reason FROM renrakucho.device_cert WHERE serial = '$TABLET_SERIAL'")" 'account deleted' \
    'its certificate was revoked with the account'
NEWSTAFF_PEM=$NEWADMIN_PEM
login NEWSTAFF
is "$HTTP_STATUS" 403 'the deleted member cannot log in'
NEWSTAFF_PEM=$TEST_TMP/tablet.pem

tok=$(csrf_of OPERATOR /operator/certificates)
http_post OPERATOR /operator/certificates/revoke --data-urlencode "csrf=$tok" \
    --data-urlencode "serial=$TABLET_SERIAL"
is "$HTTP_STATUS" 409 'the operator finds the tablet certificate revoked already'
http_get NEWSTAFF /login
is "$HTTP_STATUS" 403 'the next request with it is refused by the CGI'
crl_refuses NEWSTAFF 'after crl update'
http_get NEWADMIN /home
is "$HTTP_STATUS" 200 "the administrator's certificate still works"
op() {	# op ACTION OBJECT_ID: the operator's events of ACTION on it
	q "SELECT count(*) FROM renrakucho.audit_event WHERE action = '$1' AND object_id = '$2'
	    AND outcome = 'success' AND account_id = $(account_id "$OPERATOR_LOGIN")"
}
is "$(op operator.facility.create "$F") $(op operator.admin.create "$A") $(op operator.account.view "$A")" \
    '1 1 1' "the operator's steps are one event each: the facility, its administrator, the account viewed"
is "$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'operator.pickup.create'
    AND detail = '$A' AND account_id = $(account_id "$OPERATOR_LOGIN")")" 1 '... and the first certificate issued for it'
done_testing
