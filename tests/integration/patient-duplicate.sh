#!/bin/bash
# The same person found across ひらがな / カタカナ / 半角カナ / spaces by
# another user, who learns only that and gets the join offer; two
# registrations at the same moment end with one patient.
. "$(dirname "$0")/team-home.sh"

# A fixed kana with its variants; the birth date makes it unique per run.
BIRTH=19$((20 + RANDOM % 60))-0$((1 + RANDOM % 9))-1$((RANDOM % 9))
SECRET_ADDR="${MUNI_NAME}秘密町$RANDOM番地"
login_home STAFF1
step1 STAFF1 'ヤマダ ハナコ' "$BIRTH" female '山田 花子'
ADDR=$SECRET_ADDR step2 STAFF1 "ヤマダ ハナコ" "$BIRTH" female "山田 花子" "$PDF"
is "$HTTP_STATUS" 303 'STAFF1 registers ヤマダ ハナコ'
PID=$(printf '%s' "$HTTP_LOCATION" | sed -n 's|^/patients/\([0-9]*\)?n=created$|\1|p')
TID=$(psql_owner "SELECT id FROM renrakucho.team WHERE patient_id = ${PID:-0}")

login_home STAFF2
for k in 'やまだ　はなこ' 'ﾔﾏﾀﾞ ﾊﾅｺ' 'ヤマダハナコ' 'ヤマダ・ハナコ' 'ﾔﾏﾀﾞ･ﾊﾅｺ'; do
	step1 STAFF2 "$k" "$BIRTH" female '別の 表記'
	body=$(cat "$HTTP_BODY")
	like "$body" 'すでに同意を得て登録されていて' "'$k' is found"
	like "$body" "action=\"/teams/$TID/join-requests\"" "'$k': the join offer names the team"
	unlike "$body" '山田|花子|秘密町' "'$k': nothing about the patient is shown"
	unlike "$body" "/patients/$PID" "'$k': no link to the patient page"
done
step1 STAFF2 'ヤマダ ハナコ' "$BIRTH" male
like "$(cat "$HTTP_BODY")" 'まだ登録されていません' 'another sex: not the same person'
n=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'patient.lookup' AND login = '$STAFF2_LOGIN' AND detail = 'found' AND patient_id = ${PID:-0}")
is "$n" 5 'every lookup by STAFF2 is an audit event (found)'

# Step 2 by STAFF2 for the same person (the form was open before STAFF1
# finished): the join offer, and still one patient.
step2 STAFF2 'やまだ はなこ' "$BIRTH" female '山田 花子' "$PDF"
is "$HTTP_STATUS" 200 'a second registration of a registered person'
like "$(cat "$HTTP_BODY")" 'すでに同意を得て登録されていて' 'it gets the join offer'
n=$(psql_owner "SELECT count(*) FROM renrakucho.patient WHERE kana_key = 'ヤマダハナコ' AND birth_date = '$BIRTH'")
is "$n" 1 'one patient'

# Two at the same moment.
KANA=$(rand_kana)
login_home STAFF1
C1=$SCSRF
login_home FACILITY_ADMIN
C2=$SCSRF
(SCSRF=$C1; step2 STAFF1 "$KANA" 1950-05-05 male '同時 登録' "$PDF"; echo "$HTTP_STATUS" > "$TEST_TMP/s1") &
(SCSRF=$C2; step2 FACILITY_ADMIN "$KANA" 1950-05-05 male '同時 登録' "$PDF"; echo "$HTTP_STATUS" > "$TEST_TMP/s2") &
wait
got=$(sort "$TEST_TMP/s1" "$TEST_TMP/s2" | tr '\n' ' ')
is "$got" '200 303 ' 'concurrent registrations: one registers, the other gets the offer'
n=$(psql_owner "SELECT count(*) FROM renrakucho.patient WHERE kana_key = renrakucho.kana_key('$KANA')")
is "$n" 1 'concurrent registrations: one patient'
n=$(psql_owner "SELECT count(*) FROM renrakucho.team t JOIN renrakucho.patient p ON p.id = t.patient_id WHERE p.kana_key = renrakucho.kana_key('$KANA')")
is "$n" 1 'concurrent registrations: one team'
done_testing
