#!/bin/bash
# Two different people with the same kana, birth date and sex: the
# registrant sees that someone with these is registered, confirms that
# this is someone else at a different address, and registers them; the
# lookup, the confirmation and the registration are audited.  The same
# address (however it is typed) is the same person and is refused; with
# two registered, a lookup at neither address offers no team, a lookup at
# one's address that one's team.  Nothing about a registered person (not
# their name, not their address) is shown to someone outside the team.
. "$(dirname "$0")/team-home.sh"

KANA=$(rand_kana)
BIRTH=1938-0$((1 + RANDOM % 9))-1$((RANDOM % 9))
N=$RANDOM
ADDR_A="${MUNI_NAME}今市町${N}番地"
# The same place typed otherwise: full-width digits, a space.
ADDR_A2=$(python3 -c 'import sys; a = sys.argv[1]; print(a[:3] + "　" + a[3:].translate(str.maketrans("0123456789", "０１２３４５６７８９")))' "$ADDR_A")
ADDR_B="${MUNI_NAME}大津町${N}番地"
ADDR_C="${MUNI_NAME}塩冶町${N}番地"
body() { cat "$HTTP_BODY"; }
ev() {	# ev WHO ACTION OUTCOME DETAIL: that account's events
	local l=${1}_LOGIN
	psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = '$2' AND login = '${!l}' AND outcome = '$3' AND detail = '$4'"
}
npat() {
	psql_owner "SELECT count(*) FROM renrakucho.patient WHERE kana_key = renrakucho.kana_key('$KANA') AND birth_date = '$BIRTH' AND sex = 'female'"
}
team_of() { psql_owner "SELECT id FROM renrakucho.team WHERE patient_id = ${1:-0}"; }
DISTINCT_MSG='この方は、登録済みの方とは別の人です（住所が違います）'
SAME_MSG='入力された住所に、同じフリガナ・生年月日・性別の方がすでに登録されています。同じ方として扱います。'

# --- the first person, by STAFF1 ------------------------------------------
login_home STAFF1
ADDR=$ADDR_A register STAFF1 "$KANA" "$BIRTH" female '出雲 一子'
[ -n "$PID" ] || bail "STAFF1 could not register the first person"
PID_A=$PID
TID_A=$(team_of "$PID_A")
is "$(psql_owner "SELECT identity_seq FROM renrakucho.patient WHERE id = $PID_A")" 0 \
    'the first person registered has identity_seq 0'

# --- STAFF2 looks up someone with the same three, at another address -------
login_home STAFF2
l0=$(ev STAFF2 patient.lookup success found)
ADDR=$ADDR_B step1 STAFF2 "$KANA" "$BIRTH" female '出雲 二子'
is "$HTTP_STATUS" 200 'lookup at another address: answered'
like "$(body)" 'この方はすでに同意を得て登録されていて' 'the registered person is found'
like "$(body)" "action=\"/teams/$TID_A/join-requests\"" 'the join offer names their team'
like "$(body)" '別の方を登録する場合' 'and offers to register someone else'
like "$(body)" "$DISTINCT_MSG" 'behind a confirmation'
like "$(body)" "登録する方の住所：$ADDR_B" 'showing the address typed'
unlike "$(body)" "今市町${N}|出雲 一子" "the registered person's name and address are not shown"
is "$(ev STAFF2 patient.lookup success found)" $((l0 + 1)) 'the lookup is one audit event (found)'

# Step 2 without the confirmation: the join offer, nothing registered.
ADDR=$ADDR_B step2 STAFF2 "$KANA" "$BIRTH" female '出雲 二子' "$PDF"
is "$HTTP_STATUS" 200 'registration without the confirmation: answered'
like "$(body)" "action=\"/teams/$TID_A/join-requests\"" 'it gets the join offer'
is "$(npat)" 1 'without the confirmation, still one person'

# --- confirming "someone else" at the registered person's address --------
d0=$(ev STAFF2 patient.distinct denied 'the same address')
ADDR=$ADDR_A2 step1 STAFF2 "$KANA" "$BIRTH" female '出雲 二子' "$MUNI_CODE" --data-urlencode distinct=1
is "$HTTP_STATUS" 200 'someone else at the same address (typed otherwise): answered'
like "$(body)" "$SAME_MSG" 'refused: the same address is the same person'
like "$(body)" "action=\"/teams/$TID_A/join-requests\"" 'with the join offer'
unlike "$(body)" '別の方を登録する場合' 'and no offer to register someone else'
is "$(ev STAFF2 patient.distinct denied 'the same address')" $((d0 + 1)) \
    'the refused confirmation is one audit event (denied, the same address)'
is "$(npat)" 1 'still one person'

# --- confirming "someone else" at another address -----------------------
s0=$(ev STAFF2 patient.distinct success 'someone else: 1 registered, none at this address')
ADDR=$ADDR_B step1 STAFF2 "$KANA" "$BIRTH" female '出雲 二子' "$MUNI_CODE" --data-urlencode distinct=1
is "$HTTP_STATUS" 200 'someone else at another address: answered'
like "$(body)" '患者の登録（2/2）同意と同意書' 'the consent step follows'
like "$(body)" '<input type="hidden" name="distinct" value="1">' 'carrying the confirmation'
is "$(ev STAFF2 patient.distinct success 'someone else: 1 registered, none at this address')" \
    $((s0 + 1)) 'the confirmation is one audit event (success)'

# A forged step 2 that claims "someone else" at the first person's address.
ADDR=$ADDR_A step2 STAFF2 "$KANA" "$BIRTH" female '出雲 二子' "$PDF" --form-string distinct=1
is "$HTTP_STATUS" 200 'step 2 as someone else at the same address: answered'
like "$(body)" "$SAME_MSG" 'refused: the same address'
is "$(npat)" 1 'nothing registered'

c0=$(ev STAFF2 patient.create success 'patient, consent document, team; someone else with the same kana, birth date and sex')
ADDR=$ADDR_B step2 STAFF2 "$KANA" "$BIRTH" female '出雲 二子' "$PDF" --form-string distinct=1
is "$HTTP_STATUS" 303 'someone else is registered'
PID_B=$(printf '%s' "$HTTP_LOCATION" | sed -n 's|^/patients/\([0-9]*\)?n=created$|\1|p')
TID_B=$(team_of "$PID_B")
is "$(npat)" 2 'two people with the same kana, birth date and sex'
is "$(psql_owner "SELECT identity_seq, address = '$ADDR_B' FROM renrakucho.patient WHERE id = ${PID_B:-0}")" '1|t' \
    'the second has identity_seq 1 and the address typed'
is "$(psql_owner "SELECT count(*) FROM renrakucho.team_member WHERE team_id = ${TID_B:-0} AND role = 'lead' AND account_id = $(account_id "$STAFF2_LOGIN")")" 1 \
    'with a team whose 担当者 is the registrant'
is "$(ev STAFF2 patient.create success 'patient, consent document, team; someone else with the same kana, birth date and sex')" \
    $((c0 + 1)) 'the registration is one audit event naming someone else'
is "$(psql_owner "SELECT count(*) FROM renrakucho.team_member WHERE team_id = $TID_A AND account_id = $(account_id "$STAFF2_LOGIN")")" 0 \
    "STAFF2 did not join the first person's team"

# --- two registered: what a third member of staff sees --------------------
login_home FACILITY_ADMIN
f0=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'patient.lookup' AND login = '$FACILITY_ADMIN_LOGIN' AND detail = 'found several, none at this address' AND patient_id IS NULL")
ADDR=$ADDR_C step1 FACILITY_ADMIN "$KANA" "$BIRTH" female '出雲 三子'
is "$HTTP_STATUS" 200 'lookup at a third address: answered'
like "$(body)" '同じフリガナ・生年月日・性別の方が 2 名登録されていて' 'two are registered, none here'
unlike "$(body)" 'join-requests' 'no team is offered'
like "$(body)" "$DISTINCT_MSG" 'someone else may be registered'
unlike "$(body)" "出雲 [一二]子|今市町${N}|大津町${N}" 'nothing about either is shown'
is "$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'patient.lookup' AND login = '$FACILITY_ADMIN_LOGIN' AND detail = 'found several, none at this address' AND patient_id IS NULL")" \
    $((f0 + 1)) 'the lookup is one audit event naming no patient'

ADDR=$ADDR_B step1 FACILITY_ADMIN "$KANA" "$BIRTH" female '出雲 三子'
like "$(body)" "action=\"/teams/$TID_B/join-requests\"" "at the second's address: the second's team"
unlike "$(body)" "/teams/$TID_A/" "and not the first's"
unlike "$(body)" '別の方を登録する場合' 'and no offer to register someone else there'

http_post FACILITY_ADMIN "/teams/$TID_B/join-requests" --data-urlencode "csrf=$SCSRF" \
    --data-urlencode "kana=$KANA" --data-urlencode "birth=$BIRTH" --data-urlencode sex=female \
    --data-urlencode "message=二人目の方の件です"
is "$HTTP_STATUS" 303 "the join request for the second's team is sent"
is "$(psql_owner "SELECT count(*) FROM renrakucho.join_request WHERE team_id = ${TID_B:-0} AND account_id = $(account_id "$FACILITY_ADMIN_LOGIN") AND state = 'pending'")" 1 \
    'one pending request, for that team'
done_testing
