#!/bin/bash
# The operator (事務局) deletes an account of any facility
# (/operator/accounts/{id}/delete) exactly as its facility administrator
# would (/facility/staff/{id}/delete, lib/leave_page.c): a successor for
# each team the account is the last live 担当者 of, its certificates
# revoked and its waiting pickups cancelled, one operator.account.delete
# event.  Refused: anyone but an operator (403), the operator's own
# account (409: My Profile deletes it), a form without its CSRF token
# (403), an unknown or already deleted id (404).
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"

U=$(date +%s%N | tail -c 9)
q() { psql_owner "$1"; }
body() { cat "$HTTP_BODY"; }
role() { q "SELECT role FROM renrakucho.team_member WHERE team_id = $1 AND account_id = $2"; }
deleted() { q "SELECT deleted_at IS NOT NULL FROM renrakucho.account WHERE id = $1"; }
ev() {	# ev OUTCOME DETAIL: how many operator.account.delete events on D
	q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'operator.account.delete'
	    AND object_id = '$D_ID' AND outcome = '$1' AND coalesce(detail, '') = '$2'"
}
evall() { q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'operator.account.delete'"; }
state() {	# state SERIAL: revoked|reason|revoked_by
	q "SELECT (revoked_at IS NOT NULL) || '|' || coalesce(revoke_reason, '-') || '|'
	    || coalesce(revoked_by::text, '-') FROM renrakucho.device_cert WHERE serial = '$1'"
}
MISSING='唯一の担当者となっている支援チームがあります。支援チームごとに、後任の担当者を選んでください。'
BAD='後任の担当者には、その支援チームのメンバーを選んでください。'

# D: the last 担当者 of T (with M); a member of nothing else.
cli_account D "opdelD$U" "運用削除 D$U"
cli_account M "opdelM$U" "運用削除 M$U"
cli_account X "opdelX$U" "運用削除 X$U"
P=$(make_patient "運用削除 試験$U" "ウンヨウ$U" 1931-02-03 female "島根県出雲市今市町$U" "$D_ID") || bail 'patient'
T=$(make_team "$P" "$D_ID" "$M_ID") || bail 'team'
OP_ID=$(account_id "$OPERATOR_LOGIN")
D_SERIAL=$(q "SELECT serial FROM renrakucho.device_cert WHERE label = 'cli $D_LOGIN'")
login_ok D
login_ok OPERATOR
login_ok STAFF1
login_ok FACILITY_ADMIN

# Two first-certificate pickups for D, made by the operator: R picked
# up at the portal, W still waiting.  D's own certificate of the command
# line (issued by nobody's form, neither by nor for D) is not D's to lose.
pickup() {	# pickup LABEL: NUMBER, PICKPW and SERIAL of a new pickup for D
	http_post OPERATOR "/operator/accounts/$D_ID/pickup" --data-urlencode "csrf=$(csrf_of OPERATOR "/operator/accounts/$D_ID")" \
	    --data-urlencode "label=$1"
	[ "$HTTP_STATUS" = 200 ] || bail "pickup $1 ($HTTP_STATUS)"
	NUMBER=$(grep -oE '[0-9]{4}-[0-9]{4}-[0-9]{4}' "$HTTP_BODY" | head -n 1)
	PICKPW=$(tr -d '\n' < "$HTTP_BODY" | sed -n 's/.*証明書取得用パスワード<\/dt><dd><strong>\([^<]*\)<.*/\1/p')
	SERIAL=$(q "SELECT serial FROM renrakucho.device_cert WHERE label = '$1'")
}
pickup "運用削除の受取済み端末$U"
R_SERIAL=$SERIAL
_http NONE POST "$PORTAL_URL/certificate-pickup" --data-urlencode "pickup_no=$NUMBER" \
    --data-urlencode "pickup_password=$PICKPW"
is "$HTTP_STATUS" 200 'R is picked up at the portal'
pickup "運用削除の未受取端末$U"
W_SERIAL=$SERIAL
is "$(state "$D_SERIAL")|$(state "$R_SERIAL")|$(state "$W_SERIAL")" 'false|-|-|false|-|-|false|-|-' "D's certificates live before"

# --- the account page links to the deletion ---------------------------------
http_get OPERATOR "/operator/accounts/$D_ID"
is "$HTTP_STATUS" 200 "the operator opens D's page"
like "$(body)" "<a class=\"btn btn-danger\" href=\"/operator/accounts/$D_ID/delete\">この利用者を削除する</a>" 'with the deletion link'
http_get OPERATOR "/operator/accounts/$OP_ID"
unlike "$(body)" "/operator/accounts/$OP_ID/delete" 'not on my own page'

# --- refusals -----------------------------------------------------------------
n0=$(evall)
for who in STAFF1 FACILITY_ADMIN D; do
	a0=$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'operator.access' AND outcome = 'denied' AND detail = '/operator/accounts/$D_ID/delete'")
	http_get "$who" "/operator/accounts/$D_ID/delete"
	is "$HTTP_STATUS" 403 "$who opens the deletion: 403"
	like "$(body)" 'この画面はサービス運用者（事務局）だけが利用できます。' 'with its message'
	http_post "$who" "/operator/accounts/$D_ID/delete" --data-urlencode "csrf=$(csrf_of "$who" /home)" \
	    --data-urlencode "successor1=$T-$M_ID"
	is "$HTTP_STATUS" 403 "$who deletes D: 403"
	is "$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'operator.access' AND outcome = 'denied' AND detail = '/operator/accounts/$D_ID/delete'")" \
	    $((a0 + 2)) 'two operator.access denied events'
done
is "$(deleted "$D_ID")|$(evall)" "f|$n0" 'D still live, no deletion event'

CSRF=$(csrf_of OPERATOR "/operator/accounts/$D_ID")
o0=$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'operator.account.delete' AND object_id = '$OP_ID' AND outcome = 'denied' AND detail = 'own account'")
http_get OPERATOR "/operator/accounts/$OP_ID/delete"
is "$HTTP_STATUS" 409 'my own account: 409'
like "$(body)" 'ご自分のアカウントは、マイプロファイルの「アカウントの削除」から削除してください。' 'with its message'
http_post OPERATOR "/operator/accounts/$OP_ID/delete" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS" 409 'my own account (POST): 409'
is "$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'operator.account.delete' AND object_id = '$OP_ID' AND outcome = 'denied' AND detail = 'own account'")" \
    $((o0 + 2)) 'two denied events (own account)'
is "$(deleted "$OP_ID")" f 'the operator still live'

for id in 999999999 "$(q "SELECT id FROM renrakucho.account WHERE deleted_at IS NOT NULL LIMIT 1")"; do
	[ -n "$id" ] || continue
	http_get OPERATOR "/operator/accounts/$id/delete"
	is "$HTTP_STATUS" 404 "unknown or deleted account $id: 404"
	like "$(body)" '利用者が見つかりません' 'with its title'
	http_post OPERATOR "/operator/accounts/$id/delete" --data-urlencode "csrf=$CSRF"
	is "$HTTP_STATUS" 404 "unknown or deleted account $id (POST): 404"
done

# --- the form: T's successor ---------------------------------------------------
http_get OPERATOR "/operator/accounts/$D_ID/delete"
is "$HTTP_STATUS" 200 'the operator opens the deletion of D'
like "$(body)" "<strong>運用削除 D$U</strong>（ログインID: opdelD$U）を削除します。" 'D named'
like "$(body)" "<form method=\"post\" action=\"/operator/accounts/$D_ID/delete\" class=\"form\">" 'posted to the operator path'
like "$(body)" "<label for=\"successor1\">支援チーム（番号 $T）</label>" 'T by its number'
like "$(body)" "<option value=\"$T-$M_ID\">運用削除 M$U（" 'M offered'
is "$(body | grep -c '<select name="successor')" 1 'one successor select'
unlike "$(body)" "運用削除 試験$U" 'no patient name'
like "$(body)" "<a class=\"btn btn-link\" href=\"/operator/accounts/$D_ID\">キャンセル</a>" 'cancel goes back to the account'

f0=$(ev failure 'successor missing')
http_post OPERATOR "/operator/accounts/$D_ID/delete" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS" 422 'no successor: 422'
like "$(body)" "<p class=\"field-error\" id=\"succ-error\">$MISSING</p>" 'with its message'
is "$(ev failure 'successor missing')" $((f0 + 1)) 'one failure event (successor missing)'
b0=$(ev failure 'bad successor')
http_post OPERATOR "/operator/accounts/$D_ID/delete" --data-urlencode "csrf=$CSRF" \
    --data-urlencode "successor1=$T-$X_ID"
is "$HTTP_STATUS" 422 'a successor who is no member: 422'
like "$(body)" "$BAD" 'with its message'
is "$(ev failure 'bad successor')" $((b0 + 1)) 'one failure event (bad successor)'
http_post OPERATOR "/operator/accounts/$D_ID/delete" --data-urlencode "successor1=$T-$M_ID"
is "$HTTP_STATUS" 403 'without the CSRF token: 403'
is "$(deleted "$D_ID")|$(role "$T" "$M_ID")|$(role "$T" "$D_ID")" 'f|member|lead' 'nothing changed'

DETAIL="2 certificates revoked, 1 pickups cancelled; successors: team $T account $M_ID"
s0=$(ev success "$DETAIL")
n0=$(evall)
http_post OPERATOR "/operator/accounts/$D_ID/delete" --data-urlencode "csrf=$CSRF" \
    --data-urlencode "successor1=$T-$M_ID"
is "$HTTP_STATUS|$HTTP_LOCATION" "303|/operator/accounts/$D_ID?n=deleted" 'with M: deleted'
is "$(ev success "$DETAIL")|$(evall)" "$((s0 + 1))|$((n0 + 1))" 'one success event, naming the successor'
is "$(q "SELECT account_id FROM renrakucho.audit_event WHERE action = 'operator.account.delete' AND object_id = '$D_ID' AND outcome = 'success'")" \
    "$OP_ID" 'by the operator'
is "$(deleted "$D_ID")|$(role "$T" "$M_ID")|$(role "$T" "$D_ID")" 't|lead|lead' 'D deleted, M the 担当者 of T, exactly'
is "$(q "SELECT count(*) FROM renrakucho.team_member WHERE team_id = $T AND role = 'lead'")" 2 'two lead rows, one of them live'
is "$(state "$R_SERIAL")" "true|account deleted|$OP_ID" 'R, picked up for D, revoked by the operator'
is "$(state "$W_SERIAL")" 'true|account deleted|-' 'W, never picked up, revoked'
is "$(state "$D_SERIAL")" 'false|-|-' "the command line's certificate stays (not issued by or for D)"
is "$(q "SELECT p12 IS NULL FROM renrakucho.pickup WHERE serial = '$W_SERIAL'")" t "its bundle deleted"
is "$(q "SELECT count(*) FROM renrakucho.session WHERE account_id = $D_ID AND ended_at IS NULL")" 0 "D's sessions ended"
http_get D /home
ok 'D is logged out' test "$HTTP_STATUS" != 200
http_get OPERATOR "/operator/accounts/$D_ID?n=deleted"
like "$(body)" '利用者を削除しました。' 'the operator is told'
like "$(body)" '<dt>状態</dt><dd>削除済み</dd>' 'D shown as deleted'
unlike "$(body)" "/operator/accounts/$D_ID/delete" 'no deletion link any more'
http_post OPERATOR "/operator/accounts/$D_ID/delete" --data-urlencode "csrf=$CSRF" \
    --data-urlencode "successor1=$T-$M_ID"
is "$HTTP_STATUS|$(evall)" "404|$((n0 + 1))" 'again: 404, no event'

done_testing
