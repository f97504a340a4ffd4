#!/bin/bash
# renrakucho-admin audit report: a past day with a burst of patient
# views, lookups outside working hours and refused accesses gives
# exactly those lines (and not an account whose usual day is as busy);
# with --mail it queues exactly one mail to the secretariat, while an
# empty day prints "nothing to report" and queues none.  The events are
# written straight into the trail at chosen times of a day no other
# test uses.
. "$(dirname "$0")/team-home.sh"

CONF=${ADMIN##*--conf }
TO=$(sed -n 's/^secretariat_email *= *//p' "$CONF")
ok 'the stack has a secretariat address (audit_report_to is empty)' test -n "$TO"

DAY=$(psql_owner "SELECT ((now() AT TIME ZONE 'Asia/Tokyo')::date - $((100 + RANDOM % 200)))::text")
EMPTY=$(psql_owner "SELECT ('$DAY'::date + 1)::text")
S1=$(account_id "$STAFF1_LOGIN")
S2=$(account_id "$STAFF2_LOGIN")
who() { psql_owner "SELECT a.login || ' (' || a.name || ', ' || f.name || ')' FROM renrakucho.account a JOIN renrakucho.facility f ON f.id = a.facility_id WHERE a.id = $1"; }
W1=$(who "$S1")
W2=$(who "$S2")
PID=$(make_patient '報告 花子' "$(rand_kana)" 1930-01-02 female "${MUNI_NAME}1" "$S1")
TID=$(make_team "$PID" "$S1")

# at DAY-OFFSET HH:MM: that time of the day in Japan time.
at() { printf "(DATE '%s' - %d + TIME '%s')::timestamp AT TIME ZONE 'Asia/Tokyo'" "$DAY" "$1" "$2"; }
ev() {	# ev AT ACCOUNT ACTION OBJECT_TYPE OBJECT_ID PATIENT OUTCOME DETAIL
	psql_owner "INSERT INTO renrakucho.audit_event (at, account_id, login, action, object_type, object_id, patient_id, outcome, detail) SELECT $1, a.id, a.login, '$3', $4, $5, $6, '$7', $8 FROM renrakucho.account a WHERE a.id = $2" > /dev/null
}

# STAFF1: 25 patients on DAY, none before (median 0): over 20, listed.
psql_owner "INSERT INTO renrakucho.audit_event (at, account_id, login, action, object_type, object_id, patient_id, outcome)
    SELECT $(at 0 10:00) + i * interval '1 minute', $S1, '$STAFF1_LOGIN', 'patient.view', 'patient', (900000000 + i)::text, 900000000 + i, 'success'
    FROM generate_series(1, 25) i" > /dev/null
# ... viewing one of them again counts once.
ev "$(at 0 10:30)" "$S1" message.view "'team'" "'1'" 900000001 success NULL
# STAFF2: 30 patients on DAY, but 12 a day on each of the 30 days before
# (median 12, threshold 36): not listed.
psql_owner "INSERT INTO renrakucho.audit_event (at, account_id, login, action, object_type, object_id, patient_id, outcome)
    SELECT $(at 0 09:00) - d * interval '1 day' + i * interval '1 minute', $S2, '$STAFF2_LOGIN', 'patient.view', 'patient', (800000000 + i)::text, 800000000 + i, 'success'
    FROM generate_series(1, 30) d, generate_series(1, 12) i" > /dev/null
psql_owner "INSERT INTO renrakucho.audit_event (at, account_id, login, action, object_type, object_id, patient_id, outcome)
    SELECT $(at 0 09:00) + i * interval '1 minute', $S2, '$STAFF2_LOGIN', 'patient.view', 'patient', (800000000 + i)::text, 800000000 + i, 'success'
    FROM generate_series(1, 30) i" > /dev/null
# Lookups at 06:59 and 20:00 (outside 07:00-20:00), 07:00 and 19:59 (inside).
ev "$(at 0 06:59)" "$S2" patient.lookup "'patient'" NULL NULL success "'not found'"
ev "$(at 0 07:00)" "$S2" patient.lookup "'patient'" NULL NULL success "'not found'"
ev "$(at 0 19:59)" "$S2" patient.lookup "'patient'" NULL NULL success "'not found'"
ev "$(at 0 20:00)" "$S1" patient.lookup "'patient'" "'$PID'" "$PID" success "'found'"
# Refused: the patient page and the team's timeline of a patient whose
# team STAFF2 is not in; a missing CSRF token is no such refusal.
ev "$(at 0 11:00)" "$S2" patient.view "'patient'" "'$PID'" NULL denied "'not a team member'"
ev "$(at 0 11:05)" "$S2" message.view "'team'" "'$TID'" NULL denied "'not a member'"
ev "$(at 0 11:10)" "$S2" csrf NULL NULL NULL denied "'/home'"

outbox() { psql_owner "SELECT count(*) FROM renrakucho.mail_outbox"; }
reports() { psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'cli.audit.report' AND detail LIKE 'day $1:%'"; }

# --- the day with something in it -------------------------------------------
n0=$(outbox)
out=$($ADMIN audit report --day "$DAY" 2>&1)
want="renrakucho audit report, $DAY (Japan time)

Accounts that viewed more patients than usual (more than 20 and 3 times their daily median over the previous 30 days):
  $W1: 25 patients (median 0, threshold 20)

Registration lookups outside working hours (07:00-20:00):
  06:59  $W2: not found
  20:00  $W1: found

Refused accesses outside the patient's teams:
  11:00  $W2: patient.view patient $PID (not a team member)
  11:05  $W2: message.view patient $PID (not a member)"
is "$out" "$want" 'the report lists the burst, the two lookups outside hours and the two refusals, nothing else'
is "$(outbox)" "$n0" 'without --mail nothing is queued'
is "$(reports "$DAY")" 1 'the report is audited (cli.audit.report)'

out=$($ADMIN audit report --day "$DAY" --mail 2>/dev/null)
is "$out" "$want" '--mail prints the same report'
is "$(outbox)" $((n0 + 1)) '--mail queues exactly one mail'
row=$(psql_owner "SELECT to_addr, subject FROM renrakucho.mail_outbox ORDER BY id DESC LIMIT 1")
like "$row" "^$TO\|【.*】アクセス監査レポート $DAY$" 'to the secretariat (audit_report_to empty), the day in its subject'
body=$(psql_owner "SELECT body FROM renrakucho.mail_outbox ORDER BY id DESC LIMIT 1")
is "$body" "$want" 'its body is the report'
detail=$(psql_owner "SELECT detail FROM renrakucho.audit_event WHERE action = 'cli.audit.report' ORDER BY id DESC LIMIT 1")
is "$detail" "day $DAY: views 1, lookups 2, refused 2, mailed yes" 'the audit event counts the lines and says it mailed'

# --- an empty day -----------------------------------------------------------
n0=$(outbox)
out=$($ADMIN audit report --day "$EMPTY" --mail 2>&1)
is "$?:$out" "0:renrakucho audit report, $EMPTY (Japan time): nothing to report" 'an empty day: nothing to report'
is "$(outbox)" "$n0" 'and no mail queued'
detail=$(psql_owner "SELECT detail FROM renrakucho.audit_event WHERE action = 'cli.audit.report' ORDER BY id DESC LIMIT 1")
is "$detail" "day $EMPTY: views 0, lookups 0, refused 0, mailed no" 'audited all the same'

# --- bad input --------------------------------------------------------------
out=$($ADMIN audit report --day 2026-1-1 2>&1)
is "$?:$out" '2:renrakucho-admin audit report: --day: expected YYYY-MM-DD: 2026-1-1' '--day must be YYYY-MM-DD'
out=$($ADMIN audit report --day 2026-02-30 2>&1)
is "$?" 1 'an impossible date fails'
done_testing
