#!/bin/bash
# A person registered again after the end of their support: the end
# archives the registration; the lookup then says the person is not
# registered (a support that ended), the registration makes a new
# patient with a new consent and team, linked to the old one, and each
# patient page shows the other only to whoever is a member of both.
. "$(dirname "$0")/team-home.sh"

KANA=$(rand_kana)
BIRTH=1933-0$((1 + RANDOM % 9))-2$((RANDOM % 8))
ADDR_A="${MUNI_NAME}今市町${RANDOM}番地"
body() { cat "$HTTP_BODY"; }
S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")
team_of() { psql_owner "SELECT id FROM renrakucho.team WHERE patient_id = ${1:-0}"; }
ev() {	# ev ACTION DETAIL: STAFF1's events
	psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = '$1' AND login = '$STAFF1_LOGIN' AND outcome = 'success' AND detail = '$2'"
}
close_team() {	# close_team PATIENT: STAFF1, its 担当者, ends the support
	http_post STAFF1 "/patients/$1/close" --data-urlencode "csrf=$SCSRF" \
	    --data-urlencode close_reason=facility --data-urlencode "closed_on=$(TZ=Asia/Tokyo date +%F)"
}
AGAIN_MSG='この方の以前の支援は終了しています。'

# --- the first support, with STAFF2 in the team, ended ----------------------------------
login_home STAFF1
ADDR=$ADDR_A register STAFF1 "$KANA" "$BIRTH" male '再登録 太郎'
[ -n "$PID" ] || bail 'the first registration'
P1=$PID
T1=$(team_of "$P1")
psql_owner "INSERT INTO renrakucho.team_member (team_id, account_id, role) VALUES ($T1, $S2, 'member')" > /dev/null
close_team "$P1"
is "$HTTP_STATUS" 303 'the support ends'
is "$(psql_owner "SELECT archived_at IS NOT NULL, archived_at = (SELECT closed_at FROM renrakucho.team WHERE id = $T1) FROM renrakucho.patient WHERE id = $P1")" 't|t' \
    'the registration is archived with its team, at the same moment'

# --- the lookup and the new registration ------------------------------------------------
l0=$(ev patient.lookup 'not found (a support that ended)')
ADDR=$ADDR_A step1 STAFF1 "$KANA" "$BIRTH" male '再登録 太郎'
is "$HTTP_STATUS" 200 'the same person looked up again: answered'
like "$(body)" '患者の登録（2/2）同意と同意書' 'the consent step: not registered any more'
like "$(body)" "$AGAIN_MSG" 'saying that an earlier support ended'
unlike "$(body)" 'join-requests' 'no join offer for the closed team'
is "$(ev patient.lookup 'not found (a support that ended)')" $((l0 + 1)) \
    'one lookup event: not found (a support that ended)'

c0=$(ev patient.create 'patient, consent document, team; after a support that ended')
ADDR=$ADDR_A step2 STAFF1 "$KANA" "$BIRTH" male '再登録 太郎' "$PDF"
is "$HTTP_STATUS" 303 'registered again'
P2=$(printf '%s' "$HTTP_LOCATION" | sed -n 's|^/patients/\([0-9]*\)?n=created$|\1|p')
T2=$(team_of "$P2")
ok 'a new patient' test -n "$P2" -a "${P2:-0}" != "$P1"
is "$(psql_owner "SELECT previous_id, archived_at IS NULL, identity_seq FROM renrakucho.patient WHERE id = ${P2:-0}")" "$P1|t|0" \
    'live, linked to the earlier registration'
is "$(psql_owner "SELECT count(*) FROM renrakucho.consent WHERE patient_id = ${P2:-0}")|$(psql_owner "SELECT count(*) FROM renrakucho.team WHERE patient_id = ${P2:-0} AND closed_at IS NULL")" \
    '1|1' 'with its own consent and an open team'
is "$(ev patient.create 'patient, consent document, team; after a support that ended')" $((c0 + 1)) \
    'one create event: after a support that ended'

# --- the links, to members of both teams only -------------------------------------------
http_get STAFF1 "/patients/$P2"
like "$(body)" "href=\"/patients/$P1\">以前の支援の記録を見る" 'STAFF1 (in both teams) sees the earlier support'
http_get STAFF1 "/patients/$P1"
like "$(body)" "href=\"/patients/$P2\">新しい支援を見る" '...and from it the new one'
login_ok STAFF2
http_get STAFF2 "/patients/$P1"
is "$HTTP_STATUS" 200 'STAFF2, of the earlier team only, still reads its archive'
unlike "$(body)" "/patients/$P2\"" 'but is not shown the new registration'
psql_owner "INSERT INTO renrakucho.team_member (team_id, account_id, role) VALUES (${T2:-0}, $S2, 'member')" > /dev/null
http_get STAFF2 "/patients/$P1"
like "$(body)" "href=\"/patients/$P2\">新しい支援を見る" 'once in both teams, STAFF2 sees the link too'

# --- the lookup finds the live one; a later end and registration link to it ------------------
login_home OUTSIDE
ADDR=$ADDR_A step1 OUTSIDE "$KANA" "$BIRTH" male '再登録 太郎'
like "$(body)" "action=\"/teams/$T2/join-requests\"" 'another member of staff is offered the new team'
unlike "$(body)" "/teams/$T1/" 'never the closed one'
login_home STAFF1
close_team "$P2"
is "$HTTP_STATUS" 303 'the second support ends too'
ADDR=$ADDR_A register STAFF1 "$KANA" "$BIRTH" male '再登録 太郎'
is "$(psql_owner "SELECT previous_id FROM renrakucho.patient WHERE id = ${PID:-0}")" "$P2" \
    'a third registration links to the latest ended one'
is "$(psql_owner "SELECT count(*) FROM renrakucho.patient WHERE kana_key = renrakucho.kana_key('$KANA') AND birth_date = '$BIRTH' AND archived_at IS NULL")" 1 \
    'one live registration of the person'
out=$(psql_app "UPDATE renrakucho.patient SET archived_at = NULL WHERE id = $P1" 2>&1)
like "$out" 'is closed' 'an archived registration cannot be revived by the app'
done_testing
