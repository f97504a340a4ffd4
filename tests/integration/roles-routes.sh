#!/bin/bash
# Who may do what (README, "Roles"): every route of the app, tried by an
# account of each role and combination of roles (staff 利用者, facility
# administrator 施設管理者, operator 運用者 = the 事務局), with the status
# each must get.  A 403 is a Japanese page and exactly one "denied" audit
# event of the account, of the route's action.  The team of the table has
# every one of the accounts in team_member, the operator-only and facility
# administrator-only ones too (as after a role was taken away): only staff
# accounts are members, so those two read nothing of it.  A facility
# administrator cannot edit, unlock, delete or reset the password of an
# operator's account.
. "$(dirname "$0")/team-home.sh"

U=$(date +%s%N | tail -c 9)
q() { psql_owner "$1"; }

# mk WHO LOGIN STAFF FACILITY_ADMIN OPERATOR: an account of the inside
# facility with those roles, on STAFF2's device, with STAFF2's password.
mk() {
	q "INSERT INTO renrakucho.account (facility_id, login, name, kana,
	    profession, email, password_hash, is_staff, is_facility_admin,
	    is_operator) SELECT facility_id, '$2', '役割 $1', 'ヤクワリ',
	    profession, '$2@izumo-chuo-clinic.example.jp', password_hash, $3,
	    $4, $5 FROM renrakucho.account WHERE login = '$STAFF2_LOGIN'" > /dev/null
	printf -v "${1}_LOGIN" '%s' "$2"
	printf -v "${1}_PASSWORD" '%s' "$STAFF2_PASSWORD"
	printf -v "${1}_PEM" '%s' "$STAFF2_PEM"
}
mk FONLY "fonly$U" false true false
mk OPSTAFF "opstaff$U" true false true

# The roles: the columns of the table, in this order.
WHO=(STAFF2 FONLY FACILITY_ADMIN OPERATOR OPSTAFF)
ROLE=('staff' 'facility admin' 'staff + facility admin' 'operator' 'staff + operator')
for w in "${WHO[@]}"; do
	l=${w}_LOGIN
	printf -v "ID_$w" '%s' "$(account_id "${!l}")"
done
is "$(q "SELECT string_agg(concat_ws(',', CASE WHEN is_staff THEN 's' END,
    CASE WHEN is_facility_admin THEN 'f' END, CASE WHEN is_operator THEN 'o' END),
    ' ' ORDER BY array_position(ARRAY[$ID_STAFF2, $ID_FONLY, $ID_FACILITY_ADMIN,
    $ID_OPERATOR, $ID_OPSTAFF]::bigint[], id)) FROM renrakucho.account
    WHERE id IN ($ID_STAFF2, $ID_FONLY, $ID_FACILITY_ADMIN, $ID_OPERATOR, $ID_OPSTAFF)")" \
    's f s,f o s,o' 'the five accounts have the roles of the columns'

S1=$(account_id "$STAFF1_LOGIN")
OP=$ID_OPERATOR
P2=$(make_patient "役割 患者$U" 'ヤクワリ カンジャ' 1940-01-01 female "${MUNI_NAME}今市町" "$ID_STAFF2")
T2=$(make_team "$P2" "$ID_STAFF2" "$ID_FONLY" "$ID_FACILITY_ADMIN" "$ID_OPERATOR" "$ID_OPSTAFF")
ok 'a team with all five in team_member' test -n "$T2"
C2=$(q "SELECT id FROM renrakucho.consent WHERE patient_id = $P2")
F=$INSIDE_FACILITY_ID
N=999999999
CT=roles${U}client0token

# METHOD PATH  staff fadmin staff+fadmin operator staff+operator  ACTION [DATA]
# ACTION: the denied event's action of this route's 403s ("-": none).
# DATA: more of the form (a POST always carries the session's csrf).
# The last two rows end the session or the membership: they come last.
ROUTES=$(cat <<ROUTES
GET  /home                                  200 200 200 200 200 -
GET  /login                                 200 200 200 200 200 -
GET  /profile                               200 200 200 200 200 -
POST /profile/password                      422 422 422 422 422 -
POST /profile/email                         422 422 422 422 422 -
POST /profile/notify                        303 303 303 303 303 - notify=1
POST /profile/certificates                  422 422 422 422 422 -
POST /profile/certificates/$N/revoke        404 404 404 404 404 -
POST /profile/pickups/$N/download           404 404 404 404 404 -
POST /profile/delete                        422 422 422 422 422 -
GET  /patients/new                          200 403 200 403 200 staff.access
POST /patients/new                          422 403 422 403 422 staff.access
POST /patients/new/consent                  422 403 422 403 422 staff.access
GET  /patients/$P2                          200 404 200 404 200 -
GET  /patients/$P2/consent-document         200 404 200 404 200 -
GET  /patients/$P2/consent                  200 404 200 404 200 -
GET  /patients/$P2/consent/$C2/document     200 404 200 404 200 -
GET  /patients/$P2/consent/withdraw/document 404 404 404 404 404 -
GET  /patients/$P2/consent/new              200 404 200 404 200 -
POST /patients/$P2/consent/new              422 404 422 404 422 -
GET  /patients/$P2/consent/withdraw         200 404 403 404 403 consent.withdraw
POST /patients/$P2/consent/withdraw         422 404 403 404 403 consent.withdraw
GET  /patients/$P2/edit                     200 404 200 404 200 -
POST /patients/$P2/edit                     422 404 422 404 422 -
GET  /patients/$P2/history                  200 404 200 404 200 -
POST /patients/$P2/members/$ID_STAFF2/lead  303 404 403 404 403 team.lead
POST /patients/$P2/members/$N/member        404 404 403 404 403 team.member
POST /patients/$P2/members/$N/remove        404 404 403 404 403 team.remove
GET  /patients/$P2/close                    200 404 403 404 403 team.close
GET  /patients/$P2/sheet                    200 404 200 404 200 -
GET  /patients/$P2/sheet/edit?section=family 200 404 200 404 200 -
POST /patients/$P2/sheet/edit               422 404 422 404 422 - section=family
GET  /patients/$P2/sheet/history?section=family 200 404 200 404 200 -
GET  /teams/$T2/messages                    200 404 200 404 200 -
POST /teams/$T2/messages                    422 404 422 404 422 - client_token=$CT
POST /teams/$T2/messages/$N/like            404 404 404 404 404 -
POST /teams/$T2/messages/$N/withdraw        404 404 404 404 404 -
GET  /teams/$T2/messages/$N/attachments/1   404 404 404 404 404 -
GET  /teams/$T2/receipts                    200 404 200 404 200 -
GET  /teams/$T2/receipts/export.csv         200 404 403 404 403 receipts.export
GET  /teams/$T2/join-requests               200 403 200 403 200 staff.access
POST /teams/$T2/join-requests               404 403 404 403 404 staff.access
POST /teams/$T2/join-requests/$N/approve    404 403 404 403 404 staff.access
POST /teams/$T2/join-requests/$N/reject     404 403 404 403 404 staff.access
POST /teams/$T2/join-requests/$N/withdraw   404 403 404 403 404 staff.access
GET  /facility                              403 200 200 403 403 facility.access
GET  /facility/staff/new                    403 200 200 403 403 facility.access
POST /facility/staff/new                    403 422 422 403 403 facility.access
GET  /facility/staff/$S1                    403 200 200 403 403 facility.access
GET  /facility/staff/$OP                    403 403 403 403 403 facility.access
POST /facility/staff/$OP                    403 403 403 403 403 facility.access name=乗っ取り
GET  /facility/staff/$OP/delete             403 403 403 403 403 facility.access
POST /facility/staff/$OP/delete             403 403 403 403 403 facility.access
POST /facility/staff/$OP/unlock             403 403 403 403 403 facility.access
GET  /facility/devices                      403 200 200 403 403 facility.access
POST /facility/devices/revoke               403 404 404 403 403 facility.access
GET  /operator                              403 403 403 200 200 operator.access
GET  /operator/facilities/new               403 403 403 200 200 operator.access
POST /operator/facilities/new               403 403 403 422 422 operator.access
GET  /operator/facilities/$F                403 403 403 200 200 operator.access
POST /operator/facilities/$F                403 403 403 422 422 operator.access
GET  /operator/facilities/$F/admins/new     403 403 403 200 200 operator.access
POST /operator/facilities/$F/admins/new     403 403 403 422 422 operator.access
GET  /operator/accounts                     403 403 403 200 200 operator.access
GET  /operator/accounts/$S1                 403 403 403 200 200 operator.access
POST /operator/accounts/$N/unlock           403 403 403 404 404 operator.access
POST /operator/accounts/$N/pickup           403 403 403 404 404 operator.access
GET  /operator/accounts/$S1/delete          403 403 403 200 200 operator.access
GET  /operator/accounts/$OP/delete          403 403 403 409 200 operator.access
POST /operator/accounts/$N/delete           403 403 403 404 404 operator.access
GET  /operator/certificates                 403 403 403 200 200 operator.access
POST /operator/certificates/revoke          403 403 403 404 404 operator.access
GET  /facility/staff/$S1/password           403 200 200 403 403 facility.access
GET  /facility/staff/$OP/password           403 403 403 403 403 facility.access
POST /facility/staff/$OP/password           403 403 403 403 403 facility.access stamp=0
POST /facility/staff/$N/password            403 404 404 403 403 facility.access stamp=0
GET  /operator/accounts/$S1/password        403 403 403 200 200 operator.access
POST /operator/accounts/$N/password         403 403 403 404 404 operator.access stamp=0
GET  /operator/notices                      403 403 403 200 200 operator.access
POST /operator/notices                      403 403 403 422 422 operator.access
POST /operator/notices/$N/withdraw          403 403 403 404 404 operator.access
GET  /operator/stats                        403 403 403 200 200 operator.access
GET  /operator/stats.csv?kind=summary       403 403 403 200 200 operator.access
GET  /operator/stats.csv?kind=bad           403 403 403 400 400 operator.access
GET  /operator/teams                        403 403 403 200 200 operator.access
POST /operator/teams/$N/lead                403 403 403 404 404 operator.access account=1
POST /operator/teams/$N/close               403 403 403 404 404 operator.access note=終了
POST /patients/$P2/leave                    409 404 303 404 303 -
POST /logout                                303 303 303 303 303 -
ROUTES
)

# The title of each action's 403 page.
declare -A TITLE=(
	[staff.access]='利用者だけが利用できます'
	[facility.access]='施設管理者だけが利用できます|サービス運用者のアカウントです'
	[operator.access]='サービス運用者だけが利用できます'
	[team.lead]='この操作はできません'
	[team.member]='この操作はできません'
	[team.remove]='この操作はできません'
	[team.close]='この操作はできません'
	[receipts.export]='ダウンロードできません'
)
denied() {	# denied ACCOUNT_ID [ACTION]: the account's denied events
	q "SELECT count(*) FROM renrakucho.audit_event WHERE account_id = $1 AND outcome = 'denied'${2:+ AND action = '$2'}"
}

for c in "${!WHO[@]}"; do
	w=${WHO[$c]}
	id=ID_$w
	id=${!id}
	login_home "$w"
	while read -r -u 3 method path s1 s2 s3 s4 s5 action data; do
		[ -n "$method" ] || continue
		exp=($s1 $s2 $s3 $s4 $s5)
		exp=${exp[$c]}
		name="${ROLE[$c]}: $method $path -> $exp"
		if [ "$exp" = 403 ]; then
			n_all=$(denied "$id")
			n_act=$(denied "$id" "$action")
		fi
		if [ "$method" = GET ]; then
			http_get "$w" "$path"
		else
			args=(--data-urlencode "csrf=$SCSRF")
			[ -z "$data" ] || args+=(--data-urlencode "$data")
			http_post "$w" "$path" "${args[@]}"
		fi
		is "$HTTP_STATUS" "$exp" "$name"
		if [ "$exp" = 403 ]; then
			like "$(grep -o '<h1[^>]*>[^<]*</h1>' "$HTTP_BODY")" "${TITLE[$action]}" "$name: the Japanese page"
			is "$(denied "$id" "$action")|$(denied "$id")" "$((n_act + 1))|$((n_all + 1))" "$name: one $action denied event, no other"
		fi
	done 3<<< "$ROUTES"
done

# --- an operator's account is not a facility administrator's -------------
# (the table's /facility/staff/$OP rows: 403 for the administrators too;
# here what they are told and that nothing changed.)
login_home FACILITY_ADMIN
FA=$ID_FACILITY_ADMIN
before=$(q "SELECT name || '|' || coalesce(deleted_at::text, '-') || '|' || coalesce(locked_until::text, '-') || '|' || password_hash FROM renrakucho.account WHERE id = $OP")
ev() { q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'facility.access' AND outcome = 'denied' AND account_id = $FA AND object_type = 'account' AND object_id = '$OP' AND detail = 'operator account'"; }
for r in "GET /facility/staff/$OP" "POST /facility/staff/$OP" "POST /facility/staff/$OP/unlock" "POST /facility/staff/$OP/delete" \
    "GET /facility/staff/$OP/password" "POST /facility/staff/$OP/password"; do
	n=$(ev)
	if [ "${r%% *}" = GET ]; then
		http_get FACILITY_ADMIN "${r#* }"
	else
		http_post FACILITY_ADMIN "${r#* }" --data-urlencode "csrf=$SCSRF" --data-urlencode 'name=乗っ取り'
	fi
	is "$HTTP_STATUS" 403 "facility admin: $r -> 403"
	like "$(cat "$HTTP_BODY")" 'サービス運用者のアカウントの変更、ロックの解除、パスワードの再設定、削除は、事務局（サービス運用者）だけが行えます。' "facility admin: $r: told why"
	is "$(ev)" $((n + 1)) "facility admin: $r: one facility.access denied event naming the operator's account"
done
is "$(q "SELECT name || '|' || coalesce(deleted_at::text, '-') || '|' || coalesce(locked_until::text, '-') || '|' || password_hash FROM renrakucho.account WHERE id = $OP")" "$before" "the operator's account is unchanged"

# --- the menus offer what the role may ---------------------------------
login_home OPERATOR
http_get OPERATOR /home
unlike "$(cat "$HTTP_BODY")" 'href="/patients/new"' 'operator only: no 患者登録 on /home'
unlike "$(cat "$HTTP_BODY")" "href=\"/patients/$P2\"" 'operator only: the team is not listed'
like "$(cat "$HTTP_BODY")" 'href="/operator"' 'operator only: 運用管理 offered'
login_home STAFF2
http_get STAFF2 /home
like "$(cat "$HTTP_BODY")" 'href="/patients/new"' 'staff: 患者登録 on /home'
like "$(cat "$HTTP_BODY")" "href=\"/patients/$P2\"" 'staff: the team is listed'
done_testing
