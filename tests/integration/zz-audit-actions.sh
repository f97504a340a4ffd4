#!/bin/bash
# Run last (tests/integration/run.sh takes the scripts in name order):
# every action the whole run wrote into the test stack's audit_event is
# documented in lib/audit_actions.c (doc/audit.md), with the outcome and
# object_type it was written with; the columns of audit_event are the
# documented ones with the documented COMMENT ON, and every column of
# audit_log has a comment.  A failure names the undocumented actions, so
# the row to add is plain.  Runs with demo.env sourced.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"
[ -n "${OWNER_DSN:-}" ] || bail "no OWNER_DSN: source demo.env"
BIN=${ADMIN%% --conf *}
# Rows with tab-separated columns (a comment may hold a '|').
psql_tab() { psql "$OWNER_DSN" -X -q -tA -F "$(printf '\t')" -v ON_ERROR_STOP=1 -c "$1"; }

$BIN audit actions > "$TEST_TMP/table" || bail "audit actions failed"
tail -n +2 "$TEST_TMP/table" | cut -f1 | sort > "$TEST_TMP/documented"

# --- the actions of this run ----------------------------------------------
# (test.*: events the tests themselves place in the trail, e.g. in an old
# month for zy-audit-archive.sh, as the superuser; no code writes them.)
psql_tab "SELECT DISTINCT action FROM renrakucho.audit_event
    WHERE action NOT LIKE 'test.%' ORDER BY 1" |
    LC_ALL=C sort > "$TEST_TMP/written" || bail "cannot read audit_event"
n=$(wc -l < "$TEST_TMP/written")
ok "the run wrote audit events (got $n actions)" test "$n" -gt 0
is "$(LC_ALL=C comm -23 "$TEST_TMP/written" <(LC_ALL=C sort "$TEST_TMP/documented") | tr '\n' ' ')" '' \
    'every action in audit_event is documented in lib/audit_actions.c (listed: undocumented)'

# Each (action, outcome, object_type) written: the outcome among the row's
# outcomes, the object_type named in its object_type (NULL: an empty one,
# or one saying "none").
psql_tab "SELECT DISTINCT action, outcome, coalesce(object_type, '')
    FROM renrakucho.audit_event WHERE action NOT LIKE 'test.%' ORDER BY 1, 2, 3" > "$TEST_TMP/shapes"
bad=$(awk -F '\t' '
	NR == FNR { if (FNR > 1) { out[$1] = " " $4 " "; ot[$1] = $3 }; next }
	!($1 in out) { next }
	index(out[$1], " " $2 " ") == 0 { print $1 ": outcome " $2; next }
	$3 == "" && ot[$1] != "" && ot[$1] !~ /none/ { print $1 ": object_type NULL"; next }
	$3 != "" && index(" " ot[$1] " ", $3) == 0 { print $1 ": object_type " $3 }
    ' "$TEST_TMP/table" "$TEST_TMP/shapes")
is "$bad" '' 'each event has an outcome and object_type its row documents (listed: action: what differs)'
# The check itself: an outcome the row lacks is named.
printf 'home.view\tdenied\t\n' > "$TEST_TMP/shapes.bad"
like "$(awk -F '\t' '
	NR == FNR { if (FNR > 1) out[$1] = " " $4 " "; next }
	index(out[$1], " " $2 " ") == 0 { print $1 ": outcome " $2 }
    ' "$TEST_TMP/table" "$TEST_TMP/shapes.bad")" '^home\.view: outcome denied$' \
    'an outcome the table lacks would be named'

# --- the columns ------------------------------------------------------------
psql_tab "SELECT attname, coalesce(col_description(attrelid, attnum), '(none)')
    FROM pg_attribute WHERE attrelid = 'renrakucho.audit_event'::regclass
    AND attnum > 0 AND NOT attisdropped ORDER BY attnum" > "$TEST_TMP/columns.db"
$BIN audit actions --columns > "$TEST_TMP/columns"
is "$(diff "$TEST_TMP/columns.db" "$TEST_TMP/columns")" '' \
    'audit_event has the documented columns, each with its documented COMMENT ON (< database, > lib/audit_actions.c)'
is "$(psql_tab "SELECT attname FROM pg_attribute
    WHERE attrelid = 'renrakucho.audit_log'::regclass AND attnum > 0
    AND NOT attisdropped AND col_description(attrelid, attnum) IS NULL")" '' \
    'every column of audit_log has a comment (listed: without)'

done_testing
