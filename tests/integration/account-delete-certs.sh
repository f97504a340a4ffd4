#!/bin/bash
# A deleted account's waiting pickups die with it, and its certificates
# are revoked unless another live account of the facility uses them: the
# facility administrator deletes D, whose one picked-up certificate only D
# used (revoked, its session ended, the representative address told, in
# the CRL after `crl update`), whose second certificate a colleague logs
# in on (kept), and whose third still waits for its pickup (bundle gone,
# the portal refuses it).  An account deleting itself in My Profile loses
# its certificate the same way.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"

U=$(date +%s%N | tail -c 9)
q() { psql_owner "$1"; }
REP=$(q "SELECT email FROM renrakucho.facility WHERE id = $INSIDE_FACILITY_ID")
REVOKE_SUBJ="$(subject '端末の証明書の失効のお知らせ')"
T0=$(q "SELECT now()")
new_account() { cli_account "$1" "del$1$U" "削除 $1$U"; }
# issue WHO LABEL: a certificate issued in WHO's My Profile; NUMBER and
# PICKPW (from the mail) of its pickup, SERIAL of the certificate.
issue() {
	local l=${1}_LOGIN p=${1}_PASSWORD f t
	http_post "$1" /profile/certificates --data-urlencode "csrf=$(csrf_of "$1" /profile)" \
	    --data-urlencode "label=$2" --data-urlencode "current_password=${!p}"
	[ "$HTTP_STATUS" = 200 ] || bail "issue $2 ($HTTP_STATUS)"
	NUMBER=$(grep -oE '[0-9]{4}-[0-9]{4}-[0-9]{4}' "$HTTP_BODY" | head -n 1)
	$ADMIN mail deliver > /dev/null
	PICKPW=
	for f in $(grep -l "^To: ${!l}@example.jp" "$MAIL_DIR"/* 2>/dev/null); do
		t=$(python3 -c 'import email,sys; m=email.message_from_binary_file(open(sys.argv[1],"rb")); print(m.get_payload(decode=True).decode())' "$f")
		case $t in *"端末名：$2）"*) PICKPW=$(printf '%s\n' "$t" | sed -n 's/^証明書取得用パスワード：//p') ;; esac
	done
	[ -n "$PICKPW" ] || bail "no pickup mail for $2"
	SERIAL=$(q "SELECT serial FROM renrakucho.device_cert WHERE label = '$2'")
}
fetch() {	# fetch NUMBER PASSWORD OUT.pem: the portal pickup, as PEM
	_http NONE POST "$PORTAL_URL/certificate-pickup" \
	    --data-urlencode "pickup_no=$1" --data-urlencode "pickup_password=$2"
	[ "$HTTP_STATUS" = 200 ] &&
	    openssl pkcs12 -in "$HTTP_BODY" -passin "pass:$2" -nodes -out "$3" 2>/dev/null
}
state() {	# state SERIAL: revoked|reason|revoked_by
	q "SELECT (revoked_at IS NOT NULL) || '|' || coalesce(revoke_reason, '-') || '|'
	    || coalesce(revoked_by::text, '-') FROM renrakucho.device_cert WHERE serial = '$1'"
}

new_account D
new_account O
login_ok D
# A: picked up, used by D alone.
issue D "ひとりの端末$U"
A_SERIAL=$SERIAL
ok 'A is picked up' fetch "$NUMBER" "$PICKPW" "$TEST_TMP/a.pem"
DA_LOGIN=$D_LOGIN DA_PASSWORD=$D_PASSWORD DA_PEM=$TEST_TMP/a.pem
login DA
is "$HTTP_STATUS" 303 'D logs in on A'
# B: picked up, and a colleague logs in on it.
issue D "共用の端末$U"
B_SERIAL=$SERIAL
ok 'B is picked up' fetch "$NUMBER" "$PICKPW" "$TEST_TMP/b.pem"
OB_LOGIN=$O_LOGIN OB_PASSWORD=$O_PASSWORD OB_PEM=$TEST_TMP/b.pem
login OB
is "$HTTP_STATUS" 303 'a colleague logs in on B'
# C: waiting for its pickup.
issue D "未受取の端末$U"
C_SERIAL=$SERIAL C_NUMBER=$NUMBER C_PICKPW=$PICKPW
is "$(q "SELECT p12 IS NOT NULL FROM renrakucho.pickup WHERE serial = '$C_SERIAL'")" t 'C waits for its pickup'
is "$(state "$A_SERIAL")|$(state "$B_SERIAL")|$(state "$C_SERIAL")" 'false|-|-|false|-|-|false|-|-' 'all three live before'

# --- the facility administrator deletes D --------------------------------------
FA_ID=$(account_id "$FACILITY_ADMIN_LOGIN")
del_n=$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'facility.staff.delete' AND object_id = '$D_ID'")
rep_n=$(q "SELECT count(*) FROM renrakucho.mail_outbox WHERE to_addr = '$REP' AND subject = '$REVOKE_SUBJ' AND created_at >= '$T0'")
login_ok FACILITY_ADMIN
tok=$(csrf_of FACILITY_ADMIN "/facility/staff/$D_ID/delete")
http_post FACILITY_ADMIN "/facility/staff/$D_ID/delete" --data-urlencode "csrf=$tok"
is "$HTTP_STATUS" 303 'the administrator deletes D'
is "$(state "$A_SERIAL")" "true|account deleted|$FA_ID" 'A, used by D alone, is revoked by the administrator'
is "$(state "$B_SERIAL")" 'false|-|-' 'B, used by a live colleague, stays'
is "$(state "$C_SERIAL")" 'true|account deleted|-' "C, never picked up, is revoked"
is "$(q "SELECT p12 IS NULL FROM renrakucho.pickup WHERE serial = '$C_SERIAL'")" t "C's bundle is deleted"
is "$(q "SELECT count(*) FROM renrakucho.session WHERE cert_serial = '$A_SERIAL' AND ended_at IS NULL")" 0 "A's sessions ended"
is "$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'facility.staff.delete' AND object_id = '$D_ID'")" "$((del_n + 1))" 'one deletion event'
is "$(q "SELECT account_id || '|' || outcome || '|' || detail FROM renrakucho.audit_event WHERE action = 'facility.staff.delete' AND object_id = '$D_ID'")" \
    "$FA_ID|success|2 certificates revoked, 1 pickups cancelled" 'by the administrator, counting what went'
is "$(q "SELECT count(*) FROM renrakucho.mail_outbox WHERE to_addr = '$REP' AND subject = '$REVOKE_SUBJ' AND created_at >= '$T0'")" "$((rep_n + 1))" \
    "the representative address is told of A (not of C, never installed)"
fetch "$C_NUMBER" "$C_PICKPW" "$TEST_TMP/c.pem"
is "$HTTP_STATUS" 410 'bad: the portal no longer hands out C'
http_get OB /home
is "$HTTP_STATUS" 200 "the colleague's session on B goes on"
http_get DA /login
is "$HTTP_STATUS" 403 'A is refused by the app at once'
crl_refuses DA 'A after crl update'
http_get OB /login
is "$HTTP_STATUS" 200 'and still lets B in'

# --- an account deleting itself ------------------------------------------------
new_account E
login_ok E
issue E "自分の端末$U"
E_SERIAL=$SERIAL
ok 'E picks it up' fetch "$NUMBER" "$PICKPW" "$TEST_TMP/e2.pem"
E2_LOGIN=$E_LOGIN E2_PASSWORD=$E_PASSWORD E2_PEM=$TEST_TMP/e2.pem
login_ok E2
http_post E2 /profile/delete --data-urlencode "csrf=$(csrf_of E2 /profile)" \
    --data-urlencode "current_password=$E_PASSWORD"
is "$HTTP_STATUS" 303 'E deletes its own account'
is "$(state "$E_SERIAL")" "true|account deleted|$E_ID" "E's certificate is revoked with it"
is "$(q "SELECT detail FROM renrakucho.audit_event WHERE action = 'account.delete' AND account_id = $E_ID AND outcome = 'success'")" \
    'by the account itself; 1 certificates revoked, 0 pickups cancelled' 'one event, counting it'

done_testing
