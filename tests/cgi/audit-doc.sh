#!/bin/bash
# The audit trail's documentation against the code, so it cannot drift:
# doc/audit.md is what "renrakucho-admin audit actions --markdown" prints
# (make audit-doc); every action the sources write (lib/, lib/cli/,
# cgi-bin/, schema/) has its row in lib/audit_actions.c and every row is
# written somewhere; the columns' texts are the schema's COMMENT ON.
# tests/integration/zz-audit-actions.sh checks the actions a whole test
# run wrote.  TAP (tests/cgi/run.sh).
. "$TOP/tests/lib.sh"

ADMIN=$BUILD_DIR/renrakucho-admin
[ -x "$ADMIN" ] || bail "no $ADMIN"

# written_actions DIR: every action string literal the sources under DIR
# write, one per line, sorted.  Actions are area.verb: any dotted
# lower-case literal, in C ("..." of a .c file) or SQL ('...', also inside C's SQL),
# that is not a file name (config.h, ca.crt, seal.pub, receipts.csv), an aliased
# column (a.last_login_at) or a schema-qualified name (renrakucho.x).
# The few one-word actions of the sign-in (login, csrf, ...) are found as
# the action argument of the functions that write events, or as an
# .action = "..." of struct audit.
written_actions() {
	(
		cd "$1" || exit 1
		# Not the documentation's own files: they name every action.
		set -- --exclude=audit_actions.c --exclude=adm_audit_doc.c
		{
			grep -rhoE --include='*.c' "$@" \
			    '"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+"' lib cgi-bin
			grep -rhoE --include='*.c' --include='*.sql' "$@" \
			    "'[a-z][a-z0-9_]*(\.[a-z0-9_]+)+'" lib cgi-bin schema
		} | tr -d "\"'" |
		    grep -vE '\.(h|c|sql|crt|key|pub|pem|p12|tar|conf|csv|dump|md|txt|html|xhtml|tmp|log|env|[0-9])$' |
		    grep -vE '^([a-z]|renrakucho)\.'
		grep -rhoE --include='*.c' "$@" \
		    '(\.action = |(app_audit|adm_audit|team_open|team_lock|member_patient|join_denied|message_open)\([a-z]+, )"[a-z]+"' \
		    lib cgi-bin | sed -E 's/.*"([a-z]+)"$/\1/'
	) | sort -u
}

"$ADMIN" audit actions > "$TEST_TMP/table" 2> "$TEST_TMP/err"
is "$?:$(cat "$TEST_TMP/err")" 0: 'audit actions prints the table, exit 0'

is "$(head -1 "$TEST_TMP/table")" "$(printf 'action\tby\tobject_type\toutcomes\tobject_id\tdetail\texample')" \
    'its header names the seven fields'
tail -n +2 "$TEST_TMP/table" | cut -f1 > "$TEST_TMP/documented.order"
sort -u "$TEST_TMP/documented.order" > "$TEST_TMP/documented"
n=$(wc -l < "$TEST_TMP/documented")
ok "it documents the actions (got $n)" test "$n" -gt 60
is "$(sort "$TEST_TMP/documented.order" | uniq -d)" '' 'each action has one row'
is "$(tail -n +2 "$TEST_TMP/table" | awk -F '\t' 'NF != 7 || $1 == "" || $2 == "" ||
    $4 == "" || $5 == "" || $6 == "" || $7 == "" { print $1 }')" '' \
    'every row has seven fields, all but object_type filled'
is "$(tail -n +2 "$TEST_TMP/table" | cut -f4 | tr ' ' '\n' | grep -vxE 'success|failure|denied' | sort -u)" '' \
    'outcomes are success, failure or denied (the CHECK of audit_event.outcome)'
is "$(grep -v '\.' "$TEST_TMP/documented" | grep -vxE 'login|logout|certificate|session|csrf|pickup')" '' \
    'a new action is area.verb (the one-word ones are the sign-in'"'"'s six)'

# --- (b) the table against the sources, both ways ------------------------
written_actions "$TOP" > "$TEST_TMP/written"
n=$(wc -l < "$TEST_TMP/written")
ok "the sources write actions (found $n)" test "$n" -gt 60
missing=$(comm -23 "$TEST_TMP/written" "$TEST_TMP/documented")
is "$(printf '%s' "$missing" | tr '\n' ' ')" '' \
    'every action the sources write has its row in lib/audit_actions.c (listed: written, not documented)'
# What to add, one row each (then make audit-doc).
for m in $missing; do
	diag "add to lib/audit_actions.c: { \"$m\", \"<page or verb>\", \"<object_type>\", \"success\", \"<object_id>\", \"<detail>\", \"success | <id> | <detail>\" },"
done
is "$(comm -13 "$TEST_TMP/written" "$TEST_TMP/documented" | tr '\n' ' ')" '' \
    'every row of lib/audit_actions.c is written by the sources (listed: documented, never written)'

# The extractor itself: an action added in each of the ways the code
# passes them is found.
mkdir -p "$TEST_TMP/src/lib/cli" "$TEST_TMP/src/cgi-bin" "$TEST_TMP/src/schema/functions"
cat > "$TEST_TMP/src/cgi-bin/x.c" <<'C'
	if (app_audit(a, "patient.forge", "patient", id, NULL,
	const char *action = ok ? "team.forge" : "team.unforge";
	e.action = "forge";
	team_open(a, "burn");
	(void)db_cmd(c, "INSERT INTO audit_event (action) VALUES ('signer.forge')");
#include "pickup.h"
	r = db_exec(a->db, "SELECT a.last_login_at FROM x", 0, NULL);
	app_download(a, "text/csv", "receipts.csv", p, n);
C
cat > "$TEST_TMP/src/schema/functions/x.sql" <<'SQL'
	PERFORM page_audit(s.account_id, s.login, p_serial, p_addr,
	    'home.forge', NULL, NULL, NULL, 'success', NULL);
	SELECT 1 FROM renrakucho.patient;
SQL
is "$(written_actions "$TEST_TMP/src" | tr '\n' ' ')" \
    'burn forge home.forge patient.forge signer.forge team.forge team.unforge ' \
    'the extractor finds actions passed in each way, and no file or column name'

# --- (a) doc/audit.md is the table's ---------------------------------------
"$ADMIN" audit actions --markdown > "$TEST_TMP/audit.md"
ok 'doc/audit.md is what "audit actions --markdown" prints (make audit-doc)' \
    cmp -s "$TOP/doc/audit.md" "$TEST_TMP/audit.md" ||
    diag "$(diff "$TOP/doc/audit.md" "$TEST_TMP/audit.md" | head -20)"
is "$(grep -c '^| `[a-z._]*` | ' "$TEST_TMP/audit.md")" \
    $(($(wc -l < "$TEST_TMP/documented") + $("$ADMIN" audit actions --columns | wc -l) + 3)) \
    'doc/audit.md has one table row per action, per column and per outcome'
like "$(cat "$TEST_TMP/audit.md")" '\| `message\.view` \| /teams/\{id\}/messages \| team \|' \
    'the row of message.view names its page and object_type'

# --- the columns: their texts are the schema's COMMENT ON -----------------
# COMMENT ON COLUMN audit_event.X IS '...'; of base.sql and the deltas in
# order (a later one replaces an earlier), '' unquoted.
for f in "$TOP"/schema/base.sql "$TOP"/schema/[0-9]*.sql; do
	perl -0777 -ne 'while (/COMMENT ON COLUMN audit_event\.(\w+) IS\s*\x27((?:[^\x27]|\x27\x27)*)\x27\s*;/g) {
		($c, $t) = ($1, $2); $t =~ s/\x27\x27/\x27/g; $t =~ s/\s*\n\s*/ /g; print "$c\t$t\n" }' "$f"
done | awk -F '\t' '{ t[$1] = $2; if (!($1 in o)) o[$1] = ++k }
    END { for (c in t) printf "%d\t%s\t%s\n", o[c], c, t[c] }' | sort -n | cut -f2- \
    > "$TEST_TMP/columns.sql"
"$ADMIN" audit actions --columns > "$TEST_TMP/columns"
ok "the schema comments audit_event's columns (got $(wc -l < "$TEST_TMP/columns.sql"))" \
    test "$(wc -l < "$TEST_TMP/columns.sql")" -ge 12
is "$(diff "$TEST_TMP/columns.sql" "$TEST_TMP/columns")" '' \
    'audit actions --columns is the COMMENT ON of every audit_event column, in order (< schema, > lib/audit_actions.c)'
"$ADMIN" audit actions --markdown --columns > /dev/null 2>&1
is "$?" 2 '--markdown with --columns is a usage error'

done_testing
