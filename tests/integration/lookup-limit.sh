#!/bin/bash
# The registration lookup is not an oracle: only staff accounts look up;
# every required field of the form must be entered and valid; at most
# lookup_hourly_limit lookups (renrakucho.conf; a registration and a join
# request's identity check count too) per account in any hour, refused
# beyond with 429, a Japanese page and one audit event; the operator menu
# lists the accounts refused in the last 24 hours.
. "$(dirname "$0")/team-home.sh"

U=$(date +%s%N | tail -c 9)
conf=${ADMIN##*--conf }
LIMIT=$(sed -n 's/^lookup_hourly_limit *= *//p' "$conf")
LIMIT=${LIMIT:-30}
q() { psql_owner "$1"; }

# A staff account of its own (the demo accounts' lookups belong to the
# other tests), on STAFF2's device, with STAFF2's password.
q "INSERT INTO renrakucho.account (facility_id, login, name, kana,
    profession, email, password_hash, is_staff) SELECT facility_id,
    'lim$U', '上限 試験', 'ジョウゲン シケン', profession,
    'lim$U@izumo-chuo-clinic.example.jp', password_hash, true
    FROM renrakucho.account WHERE login = '$STAFF2_LOGIN'" > /dev/null
LIM_LOGIN=lim$U
LIM_PASSWORD=$STAFF2_PASSWORD
LIM_PEM=$STAFF2_PEM
L=$(account_id "$LIM_LOGIN")
ok 'a staff account for the test' test -n "$L"
rows() { q "SELECT count(*) FROM renrakucho.patient_lookup WHERE account_id = ${1:-$L}${2:+ AND refused = $2}"; }
events() {	# events ACTION OUTCOME DETAIL [ACCOUNT]
	q "SELECT count(*) FROM renrakucho.audit_event WHERE action = '$1' AND outcome = '$2' AND detail IS NOT DISTINCT FROM $3 AND account_id = ${4:-$L}"
}

# --- only staff ---------------------------------------------------------
O=$(account_id "$OPERATOR_LOGIN")
login_home OPERATOR
n=$(events staff.access denied "'/patients/new'" "$O")
step1 OPERATOR 'デモ タロウ' 1935-03-04 male 'デモ 太郎'
is "$HTTP_STATUS" 403 'bad: an operator-only account cannot look up -> 403'
like "$(cat "$HTTP_BODY")" 'この画面は利用者（支援チームで患者さんを支援する職員）だけが利用できます。' 'and is told why'
unlike "$(cat "$HTTP_BODY")" 'すでに同意を得て登録されていて' 'and learns nothing'
is "$(events staff.access denied "'/patients/new'" "$O")" $((n + 1)) 'one staff.access denied event'
is "$(rows "$O")" 0 'no lookup counted for it'

# --- every required field -------------------------------------------------
login_home LIM
n=$(events patient.lookup success "'found'")
http_post LIM /patients/new --data-urlencode "csrf=$SCSRF" \
    --data-urlencode 'kana=デモ タロウ' --data-urlencode birth_mode=seireki \
    --data-urlencode birth=1935-03-04 --data-urlencode sex=male
is "$HTTP_STATUS" 422 'bad: kana, birth date and sex alone -> 422'
like "$(cat "$HTTP_BODY")" '氏名を入力してください。' 'the name is asked for'
like "$(cat "$HTTP_BODY")" '住所を入力してください。' 'the address is asked for'
unlike "$(cat "$HTTP_BODY")" 'すでに同意を得て登録されていて' 'nothing is said about the person'
step1 LIM 'デモ タロウ' 1935-03-04 male 'デモ 太郎' 3220X
is "$HTTP_STATUS" 422 'bad: an invalid municipality code -> 422'
unlike "$(cat "$HTTP_BODY")" 'すでに同意を得て登録されていて' 'nothing is said about the person'
is "$(events patient.lookup success "'found'")" "$n" 'no lookup event for an incomplete form'
is "$(rows)" 0 'and no lookup counted'

step1 LIM 'デモ タロウ' 1935-03-04 male 'デモ 太郎'
is "$HTTP_STATUS" 200 'the complete form: the lookup'
like "$(cat "$HTTP_BODY")" 'すでに同意を得て登録されていて' 'a staff member is told the person is registered'
like "$(cat "$HTTP_BODY")" "action=\"/teams/$TEAM_ID/join-requests\"" 'and may ask to join'
is "$(rows)" 1 'one lookup counted'

# --- the hourly limit ---------------------------------------------------
i=1
while [ "$i" -lt "$LIMIT" ]; do
	step1 LIM "$(rand_kana)" 1950-01-01 female
	[ "$HTTP_STATUS" = 200 ] || break
	i=$((i + 1))
done
is "$i" "$LIMIT" "$LIMIT lookups in an hour pass"
is "$(rows "$L" false)" "$LIMIT" 'each one counted'

n=$(events patient.lookup denied "'hourly limit'")
step1 LIM 'デモ タロウ' 1935-03-04 male 'デモ 太郎'
is "$HTTP_STATUS" 429 'bad: one more -> 429'
like "$(cat "$HTTP_BODY")" '<h1[^>]*>確認の回数が上限に達しました</h1>' 'the page says so'
like "$(cat "$HTTP_BODY")" "患者さんが登録済みかどうかの確認は、1時間に${LIMIT}回までです。しばらく時間をおいてから、もう一度お試しください。" 'and when to try again'
unlike "$(cat "$HTTP_BODY")" 'すでに同意を得て登録されていて|まだ登録されていません' 'nothing is said about the person'
is "$(events patient.lookup denied "'hourly limit'")" $((n + 1)) 'one patient.lookup denied "hourly limit" event'
is "$(rows "$L" true)" 1 'the refusal is recorded'

# A registration answers the same question: refused too, nothing made.
KANA=$(rand_kana)
n=$(events patient.lookup denied "'hourly limit'")
step2 LIM "$KANA" 1950-02-02 male '上限 登録' "$PDF"
is "$HTTP_STATUS" 429 'bad: a registration over the limit -> 429'
is "$(q "SELECT count(*) FROM renrakucho.patient WHERE kana_key = renrakucho.kana_key('$KANA')")" 0 'no patient registered'
is "$(events patient.lookup denied "'hourly limit'")" $((n + 1)) 'one denied event'

# So does a join request's identity check.
n=$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'join.request' AND outcome = 'denied' AND detail = 'hourly limit' AND object_id = '$TEAM_ID' AND account_id = $L")
http_post LIM "/teams/$TEAM_ID/join-requests" --data-urlencode "csrf=$SCSRF" \
    --data-urlencode 'kana=デモ タロウ' --data-urlencode birth=1935-03-04 --data-urlencode sex=male
is "$HTTP_STATUS" 429 'bad: a join request over the limit -> 429'
is "$(q "SELECT count(*) FROM renrakucho.join_request WHERE account_id = $L")" 0 'no request made'
is "$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'join.request' AND outcome = 'denied' AND detail = 'hourly limit' AND object_id = '$TEAM_ID' AND account_id = $L")" $((n + 1)) 'one join.request denied "hourly limit" event'
is "$(rows "$L" true)" 3 'three refusals recorded'

# --- the operator sees the burst -------------------------------------------
login_home OPERATOR
http_get OPERATOR /operator
is "$HTTP_STATUS" 200 'the operator menu'
like "$(cat "$HTTP_BODY")" '確認の回数の上限に達した利用者（24時間以内）' 'has the list of bursts'
like "$(tr -d '\n' < "$HTTP_BODY")" "<td><a href=\"/operator/accounts/$L\">lim$U</a></td><td>上限 試験</td><td>出雲中央クリニック</td><td>3</td>" 'the account, its facility and its 3 refusals'

# --- an hour later --------------------------------------------------------
q "UPDATE renrakucho.patient_lookup SET at = at - interval '61 minutes' WHERE account_id = $L" > /dev/null
login_home LIM
step1 LIM "$(rand_kana)" 1950-01-01 female
is "$HTTP_STATUS" 200 'an hour later the account may look up again'
# A day later the refusals leave the operator's list (and the table).
q "UPDATE renrakucho.patient_lookup SET at = at - interval '25 hours' WHERE account_id = $L AND refused" > /dev/null
step1 LIM "$(rand_kana)" 1950-01-01 female
is "$(rows "$L" true)" 0 'refusals older than 25 hours go at the next lookup'
login_home OPERATOR
http_get OPERATOR /operator
unlike "$(cat "$HTTP_BODY")" "lim$U" 'and the operator menu no longer lists the account'
done_testing
