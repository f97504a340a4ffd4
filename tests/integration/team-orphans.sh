#!/bin/bash
# Leaving does not orphan a team (lib/leave.h).  Deleting an account that
# is the last live 担当者 of open teams asks for a successor among each
# team's live staff members, in the same form, and promotes them in the
# deletion's transaction: in My Profile (/profile/delete) and by the
# facility administrator (/facility/staff/{id}/delete).  A team with no
# other live member is left 担当者不在 and listed on /operator/teams, where
# the operator names a 担当者 (a live member only) or ends the support
# (その他 with a note).  A member of a closed team is deleted all the same.
# The departed stay in the team's history: their messages attributed, the
# read receipts listing them apart as 退会済み, never as unread.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"

U=$(date +%s%N | tail -c 9)
q() { psql_owner "$1"; }
body() { cat "$HTTP_BODY"; }
new_account() { cli_account "$1" "orph$1$U" "退会 $1$U"; }
team_of() {	# team_of N LEAD [MEMBER...]: patient N's team
	local p n=$1
	shift
	p=$(make_patient "退会 試験$U-$n" "タイカイ$U" 1930-01-0$n female "島根県出雲市今市町$U" "$1") ||
	    bail 'patient insert'
	make_team "$p" "$@" || bail 'team insert'
}
role() { q "SELECT role FROM renrakucho.team_member WHERE team_id = $1 AND account_id = $2"; }
deleted() { q "SELECT deleted_at IS NOT NULL FROM renrakucho.account WHERE id = $1"; }
ev() {	# ev ACTION OUTCOME DETAIL-PATTERN: how many events
	q "SELECT count(*) FROM renrakucho.audit_event WHERE action = '$1'
	    AND outcome = '$2' AND coalesce(detail, '') LIKE '$3'"
}
MISSING='唯一の担当者となっている支援チームがあります。支援チームごとに、後任の担当者を選んでください。'
BAD='後任の担当者には、その支援チームのメンバーを選んでください。'

for w in A M1 M2 B C Z; do new_account $w; done
OUT_ID=$(account_id "$OUTSIDE_LOGIN")
# A: the last 担当者 of T1 (with M1, M2), of T2 (alone) and of the closed
# T3 (with M1).  B: of T4 (with M1, M2).  C: of T5 (alone).  Z: of T6
# (with M2), Z deleted before successors were asked for.
T1=$(team_of 1 "$A_ID" "$M1_ID" "$M2_ID")
T2=$(team_of 2 "$A_ID")
T3=$(team_of 3 "$A_ID" "$M1_ID")
T4=$(team_of 4 "$B_ID" "$M1_ID" "$M2_ID")
T5=$(team_of 5 "$C_ID")
T6=$(team_of 6 "$Z_ID" "$M2_ID")
q "UPDATE renrakucho.team SET closed_at = now(), closed_by = $A_ID, closed_on = current_date,
    close_reason = 'death' WHERE id = $T3" > /dev/null
q "UPDATE renrakucho.account SET deleted_at = now() WHERE id = $Z_ID" > /dev/null
# T7: a team that never had a 担当者 row at all, M1 its only member.
P7=$(make_patient "退会 試験$U-7" "タイカイ$U" 1930-01-07 female "島根県出雲市今市町$U" "$M1_ID") ||
    bail 'patient insert'
T7=$(q "INSERT INTO renrakucho.team (patient_id) VALUES ($P7) RETURNING id" | head -n 1)
q "INSERT INTO renrakucho.team_member (team_id, account_id, role) VALUES ($T7, $M1_ID, 'member')" > /dev/null
# A message of A's, read by nobody; one of M2's, read by M1 only.
MA=$(q "INSERT INTO renrakucho.message (team_id, author_id, body, client_token)
    VALUES ($T1, $A_ID, '退会前のメッセージ$U', 'orphans-token-a-$U') RETURNING id" | head -n 1)
MM=$(q "INSERT INTO renrakucho.message (team_id, author_id, body, client_token)
    VALUES ($T1, $M2_ID, 'メンバーのメッセージ$U', 'orphans-token-m-$U') RETURNING id" | head -n 1)
q "INSERT INTO renrakucho.message_view (message_id, account_id) VALUES ($MM, $M1_ID)" > /dev/null

login_ok A
login_ok M1
login_ok M2
login_ok FACILITY_ADMIN
login_ok OPERATOR
login_ok STAFF1

# --- My Profile: the form asks for T1's successor ---------------------------------
http_get A /profile
is "$HTTP_STATUS" 200 'A opens My Profile'
like "$(body)" "<select name=\"successor1\" id=\"successor1\" required=\"required\">" 'one successor select'
is "$(body | grep -c '<select name="successor')" 1 'only for T1 (T2 has nobody else, T3 is closed)'
like "$(body)" "<option value=\"$T1-$M1_ID\">退会 M1$U（" 'M1 offered'
like "$(body)" "<option value=\"$T1-$M2_ID\">退会 M2$U（" 'M2 offered'
like "$(body)" 'ほかにメンバーがいない支援チームが1件あります。' 'T2 will be 担当者不在'
like "$(body)" "<label for=\"successor1\">退会 試験$U-1 さんの支援チーム</label>" "the team by its patient's name (A is a member)"

CSRF=$(input_value csrf)
f0=$(ev account.delete failure 'successor missing')
http_post A /profile/delete --data-urlencode "csrf=$CSRF" --data-urlencode "current_password=$A_PASSWORD"
is "$HTTP_STATUS" 422 'no successor: 422'
like "$(body)" "$MISSING" 'with its message'
is "$(ev account.delete failure 'successor missing')" $((f0 + 1)) 'one failure event (successor missing)'
b0=$(ev account.delete failure 'bad successor')
http_post A /profile/delete --data-urlencode "csrf=$CSRF" --data-urlencode "current_password=$A_PASSWORD" \
    --data-urlencode "successor1=$T1-$OUT_ID"
is "$HTTP_STATUS" 422 'a successor who is no member: 422'
like "$(body)" "$BAD" 'with its message'
http_post A /profile/delete --data-urlencode "csrf=$CSRF" --data-urlencode "current_password=$A_PASSWORD" \
    --data-urlencode "successor1=$T4-$M1_ID"
is "$HTTP_STATUS" 422 "another team's member (a team A does not lead): 422"
like "$(body)" "$BAD" 'with its message'
http_post A /profile/delete --data-urlencode "csrf=$CSRF" --data-urlencode "current_password=$A_PASSWORD" \
    --data-urlencode "successor1=$T1-$M1_ID" --data-urlencode "successor2=$T1-$M2_ID"
is "$HTTP_STATUS" 422 'two successors for one team: 422'
is "$(ev account.delete failure 'bad successor')" $((b0 + 3)) 'three failure events (bad successor)'
http_post A /profile/delete --data-urlencode "current_password=$A_PASSWORD" --data-urlencode "successor1=$T1-$M2_ID"
is "$HTTP_STATUS" 403 'without the CSRF token: 403'
is "$(deleted "$A_ID")|$(role "$T1" "$M2_ID")" 'f|member' 'A still live, M2 still a member'

s0=$(ev account.delete success "by the account itself; 0 certificates revoked, 0 pickups cancelled; successors: team $T1 account $M2_ID; 1 teams without a lead")
http_post A /profile/delete --data-urlencode "csrf=$CSRF" --data-urlencode "current_password=$A_PASSWORD" \
    --data-urlencode "successor1=$T1-$M2_ID"
is "$HTTP_STATUS|$HTTP_LOCATION" '303|/login?n=deleted' 'with M2 as successor: deleted'
is "$(ev account.delete success "by the account itself; 0 certificates revoked, 0 pickups cancelled; successors: team $T1 account $M2_ID; 1 teams without a lead")" \
    $((s0 + 1)) 'one success event naming the successor and the team left without one'
is "$(deleted "$A_ID")|$(role "$T1" "$M2_ID")|$(role "$T1" "$M1_ID")" 't|lead|member' \
    'A deleted, M2 the 担当者 of T1, M1 still a member'
is "$(q "SELECT count(*) FROM renrakucho.team_member WHERE account_id = $A_ID")" 3 \
    "A's memberships stay (the closed T3's too): the history keeps them"

# --- the facility administrator: B's successor ----------------------------------------
http_get FACILITY_ADMIN "/facility/staff/$B_ID/delete"
is "$HTTP_STATUS" 200 'the administrator opens the deletion of B'
like "$(body)" "<label for=\"successor1\">支援チーム（番号 $T4）</label>" 'T4 by its number (no patient data)'
unlike "$(body)" "退会 試験$U" 'no patient name'
CSRF=$(input_value csrf)
f0=$(ev facility.staff.delete failure 'successor missing')
http_post FACILITY_ADMIN "/facility/staff/$B_ID/delete" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS" 422 'no successor: 422'
like "$(body)" "$MISSING" 'with its message'
is "$(ev facility.staff.delete failure 'successor missing')" $((f0 + 1)) 'one failure event'
b0=$(ev facility.staff.delete failure 'bad successor')
http_post FACILITY_ADMIN "/facility/staff/$B_ID/delete" --data-urlencode "csrf=$CSRF" \
    --data-urlencode "successor1=$T4-$A_ID"
is "$HTTP_STATUS" 422 'a deleted member as successor: 422'
like "$(body)" "$BAD" 'with its message'
is "$(ev facility.staff.delete failure 'bad successor')" $((b0 + 1)) 'one failure event (bad successor)'
http_post FACILITY_ADMIN "/facility/staff/$B_ID/delete" --data-urlencode "successor1=$T4-$M1_ID"
is "$HTTP_STATUS|$(deleted "$B_ID")" '403|f' 'without the CSRF token: 403, B still live'
s0=$(ev facility.staff.delete success "0 certificates revoked, 0 pickups cancelled; successors: team $T4 account $M1_ID")
http_post FACILITY_ADMIN "/facility/staff/$B_ID/delete" --data-urlencode "csrf=$CSRF" \
    --data-urlencode "successor1=$T4-$M1_ID"
is "$HTTP_STATUS|$HTTP_LOCATION" '303|/facility?n=deleted' 'with M1: deleted'
is "$(ev facility.staff.delete success "0 certificates revoked, 0 pickups cancelled; successors: team $T4 account $M1_ID")" \
    $((s0 + 1)) 'one success event naming the successor'
is "$(deleted "$B_ID")|$(role "$T4" "$M1_ID")|$(role "$T4" "$M2_ID")" 't|lead|member' 'M1 the 担当者 of T4, exactly'

# C leads T5 alone: no select, T5 is left 担当者不在.
http_get FACILITY_ADMIN "/facility/staff/$C_ID/delete"
unlike "$(body)" '<select name="successor' 'C: no successor to choose'
like "$(body)" 'ほかにメンバーがいない支援チームが1件あります。' 'T5 will be 担当者不在'
s0=$(ev facility.staff.delete success "0 certificates revoked, 0 pickups cancelled; 1 teams without a lead")
http_post FACILITY_ADMIN "/facility/staff/$C_ID/delete" --data-urlencode "csrf=$(input_value csrf)"
is "$HTTP_STATUS|$(deleted "$C_ID")" '303|t' 'C deleted'
is "$(ev facility.staff.delete success "0 certificates revoked, 0 pickups cancelled; 1 teams without a lead")" \
    $((s0 + 1)) 'one success event naming the team without a lead'

# --- /operator/teams ------------------------------------------------------------------
http_get STAFF1 /operator/teams
is "$HTTP_STATUS" 403 'a staff member: 403'
l0=$(ev operator.team.list success '%')
http_get OPERATOR /operator/teams
is "$HTTP_STATUS" 200 'the operator opens 担当者不在の支援チーム'
is "$(ev operator.team.list success '%')" $((l0 + 1)) 'one list event'
for t in "$T2" "$T5" "$T6"; do
	like "$(body)" "<h2 id=\"team-$t\">支援チーム（番号 $t）</h2>" "team $t listed"
done
like "$(tr -d '\n' < "$HTTP_BODY")" \
    "<h2 id=\"team-$T7\">支援チーム（番号 $T7）</h2><dl><dt>作成日</dt><dd>[^<]*</dd><dt>退会した担当者</dt><dd>（なし）</dd>" \
    'a team that never had a 担当者: listed, former （なし）'
for t in "$T1" "$T3" "$T4"; do
	unlike "$(body)" "id=\"team-$t\"" "team $t not (it has a 担当者, or is closed)"
done
unlike "$(body)" "退会 試験$U" 'no patient name'
like "$(body)" "退会 Z$U（" "T6's departed 担当者 named"
like "$(body)" "<option value=\"$M2_ID\">退会 M2$U（" 'M2 offered for T6'
CSRF=$(input_value csrf)
http_post STAFF1 "/operator/teams/$T6/lead" --data-urlencode "csrf=$(csrf_of STAFF1 /home)" \
    --data-urlencode "account=$M2_ID"
is "$HTTP_STATUS|$(role "$T6" "$M2_ID")" '403|member' 'naming by a staff member: 403, unchanged'
f0=$(ev operator.team.lead failure 'not a member')
for who in "$M1_ID" "$Z_ID"; do
	http_post OPERATOR "/operator/teams/$T6/lead" --data-urlencode "csrf=$CSRF" --data-urlencode "account=$who"
	is "$HTTP_STATUS" 422 "account $who (not a live member of T6): 422"
	like "$(body)" '担当者には、この支援チームに在籍しているメンバーを選んでください。' 'with its message'
done
is "$(ev operator.team.lead failure 'not a member')" $((f0 + 2)) 'two failure events'
http_post OPERATOR "/operator/teams/$T6/lead" --data-urlencode "account=$M2_ID"
is "$HTTP_STATUS|$(role "$T6" "$M2_ID")" '403|member' 'without the CSRF token: 403, unchanged'
s0=$(ev operator.team.lead success "account $M2_ID")
http_post OPERATOR "/operator/teams/$T6/lead" --data-urlencode "csrf=$CSRF" --data-urlencode "account=$M2_ID"
is "$HTTP_STATUS|$HTTP_LOCATION" '303|/operator/teams?n=lead' 'M2 named 担当者 of T6'
is "$(role "$T6" "$M2_ID")|$(ev operator.team.lead success "account $M2_ID")" "lead|$((s0 + 1))" \
    'M2 the 担当者, one success event'
d0=$(ev operator.team.lead denied 'not without a lead')
http_post OPERATOR "/operator/teams/$T6/lead" --data-urlencode "csrf=$CSRF" --data-urlencode "account=$M2_ID"
is "$HTTP_STATUS|$(ev operator.team.lead denied 'not without a lead')" "409|$((d0 + 1))" \
    'again, now that T6 has a 担当者: 409, one denied event'

f0=$(ev operator.team.close failure 'invalid input')
http_post OPERATOR "/operator/teams/$T5/close" --data-urlencode "csrf=$CSRF" --data-urlencode "note="
is "$HTTP_STATUS" 422 'closing without a note: 422'
like "$(body)" '支援を終了する理由を、200文字以内の1行で入力してください。' 'with its message'
is "$(ev operator.team.close failure 'invalid input')" $((f0 + 1)) 'one failure event'
http_post STAFF1 "/operator/teams/$T5/close" --data-urlencode "csrf=$(csrf_of STAFF1 /home)" --data-urlencode "note=x"
is "$HTTP_STATUS" 403 'closing by a staff member: 403'
http_post OPERATOR "/operator/teams/$T5/close" --data-urlencode "note=担当者退職のため"
is "$HTTP_STATUS" 403 'without the CSRF token: 403'
is "$(q "SELECT closed_at IS NULL FROM renrakucho.team WHERE id = $T5")" t 'T5 still open'
s0=$(ev operator.team.close success 'other; 0 pending join requests rejected')
http_post OPERATOR "/operator/teams/$T5/close" --data-urlencode "csrf=$CSRF" --data-urlencode "note=担当者退職のため"
is "$HTTP_STATUS|$HTTP_LOCATION" '303|/operator/teams?n=closed' 'T5 closed'
is "$(q "SELECT closed_by, close_reason, close_note, closed_on = (now() AT TIME ZONE 'Asia/Tokyo')::date
    FROM renrakucho.team WHERE id = $T5")" "$(account_id "$OPERATOR_LOGIN")|other|担当者退職のため|t" \
    'by the operator, その他 with the note, today'
is "$(ev operator.team.close success 'other; 0 pending join requests rejected')" $((s0 + 1)) 'one success event'
http_get OPERATOR /operator/teams?n=closed
like "$(body)" '支援を終了しました。' 'the notice'
like "$(body)" "id=\"team-$T2\"" 'T2 still listed'
unlike "$(body)" "id=\"team-$T5\"|id=\"team-$T6\"" 'T5 and T6 no longer'

# --- the departed in the team's history ------------------------------------------------
P1=$(q "SELECT patient_id FROM renrakucho.team WHERE id = $T1")
http_get M2 "/patients/$P1"
like "$(body)" "<td>退会 A$U</td>
<td data-label=\"役割\">退会済み</td>" 'the patient page lists A as 退会済み'
unlike "$(body)" "/members/$A_ID/" 'with no button for A'
CSRF=$(csrf_of M2 /home)
http_post M2 "/patients/$P1/members/$A_ID/lead" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS|$(role "$T1" "$A_ID")" '404|lead' 'making A 担当者 (or anything) again: 404, the row unchanged'
http_post M2 "/patients/$P1/members/$A_ID/member" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS|$(role "$T1" "$A_ID")" '404|lead' 'making A a member: 404, unchanged'
q "UPDATE renrakucho.team_member SET role = 'member' WHERE team_id = $T4 AND account_id = $B_ID" > /dev/null
P4=$(q "SELECT patient_id FROM renrakucho.team WHERE id = $T4")
http_post M1 "/patients/$P4/members/$B_ID/remove" --data-urlencode "csrf=$(csrf_of M1 /home)"
is "$HTTP_STATUS|$(role "$T4" "$B_ID")" '404|member' 'removing the departed B (a member row): 404, the row stays'
http_post M2 "/patients/$P1/members/$M2_ID/member" --data-urlencode "csrf=$CSRF"
is "$HTTP_STATUS|$(role "$T1" "$M2_ID")" '409|lead' \
    "M2 steps down: 409, the departed A's 'lead' row does not count"
http_get M2 "/teams/$T1/messages"
like "$(body)" "退会前のメッセージ$U" "A's message stays"
like "$(body)" "退会 A$U" 'attributed to A'
http_get M2 "/teams/$T1/receipts"
is "$HTTP_STATUS" 200 'M2, now 担当者, opens the receipts'
msg=$(body | sed -n "/メンバーのメッセージ$U/,/<\/article>/p")
like "$msg" '未閲覧（0人）' 'on M2 message: nobody unread'
like "$msg" "退会済み（1人）</h3>" 'A apart as 退会済み'
like "$(printf '%s' "$msg" | sed -n '/退会済み（1人）/,$p')" "<li>退会 A$U</li>" 'naming A'
like "$(body)" "<th scope=\"row\">退会 A$U</th>.*退会済み" 'A in the members table as 退会済み'
http_get M2 "/teams/$T1/receipts/export.csv"
csv_a() { body | grep -c "^\"[0-9]*\",\"[^\"]*\",\"[^\"]*\",\"[^\"]*\",\"退会 A$U\",.*,\"$1\""; }
is "$(csv_a 退会済み)|$(csv_a 未閲覧)" '1|0' "the CSV: A as member of M2's message, 退会済み, never 未閲覧"
done_testing
