#!/bin/bash
# renrakucho-admin migrate on a small schema directory of its own (base.sql,
# deltas, functions/) against fresh databases of the test stack's
# PostgreSQL: what is applied and recorded (SHA-256 as sha256sum says),
# a second run, a new delta, a changed released delta refused, --status,
# --dry-run, an error naming file and line, two concurrent runs.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] && [ -n "${OWNER_DSN:-}" ] || bail "no ADMIN: source demo.env"

conf=${ADMIN##*--conf }
BIN=${ADMIN%% --conf *}
DB=rk_migrate_$$
DB2=rk_migrate2_$$
DSN=${OWNER_DSN/dbname=renrakucho/dbname=$DB}
DSN2=${OWNER_DSN/dbname=renrakucho/dbname=$DB2}
trap 'psql_owner "DROP DATABASE IF EXISTS $DB WITH (FORCE)" > /dev/null 2>&1;
    psql_owner "DROP DATABASE IF EXISTS $DB2 WITH (FORCE)" > /dev/null 2>&1;
    rm -rf "$TEST_TMP"' EXIT
psql_owner "CREATE DATABASE $DB" > /dev/null || bail "cannot create $DB"
psql_owner "CREATE DATABASE $DB2" > /dev/null || bail "cannot create $DB2"

# The fixture: a base with the record table, the audit table and the
# function the tool writes its events through (page_audit, as
# functions/audit.sql has it) and one table; a delta; two functions files.
S=$TEST_TMP/schema
mkdir -p "$S/functions"
cat > "$S/base.sql" <<'EOF'
CREATE SCHEMA renrakucho;
CREATE TABLE renrakucho.schema_migration (
	file		text PRIMARY KEY,
	sha256		text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	applied_at	timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE renrakucho.audit_event (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT now(),
	account_id	bigint,
	login		text,
	cert_serial	text,
	remote_addr	inet,
	action		text NOT NULL,
	object_type	text,
	object_id	text,
	patient_id	bigint,
	outcome		text NOT NULL,
	detail		text
);
CREATE FUNCTION renrakucho.page_audit(p_account bigint, p_login text,
	p_serial text, p_addr inet, p_action text, p_type text, p_id text,
	p_patient bigint, p_outcome text, p_detail text) RETURNS void
LANGUAGE sql AS $$
	INSERT INTO renrakucho.audit_event (account_id, login, cert_serial,
	    remote_addr, action, object_type, object_id, patient_id, outcome,
	    detail)
	VALUES (p_account, p_login, nullif(p_serial, ''), p_addr, p_action,
	    p_type, p_id, p_patient, p_outcome, p_detail)
$$;
CREATE TABLE renrakucho.note (body text NOT NULL);
EOF
printf "INSERT INTO renrakucho.note VALUES ('one');\n" > "$S/001_notes.sql"
printf "CREATE OR REPLACE FUNCTION renrakucho.note_count() RETURNS bigint\n    LANGUAGE sql AS 'SELECT count(*) FROM renrakucho.note';\n" \
    > "$S/functions/a_count.sql"
printf "CREATE OR REPLACE FUNCTION renrakucho.hello() RETURNS text\n    LANGUAGE sql AS \$\$SELECT 'v1'\$\$;\n" \
    > "$S/functions/b_hello.sql"

mkconf() {	# mkconf DSN SCHEMA_DIR > FILE
	grep -v '^[[:space:]]*\(db_owner_dsn\|schema_dir\)[[:space:]]*=' "$conf"
	printf 'db_owner_dsn = %s\nschema_dir = %s\n' "$1" "$2"
}
mkconf "$DSN" "$S" > "$TEST_TMP/m.conf"
ERR=$TEST_TMP/err
M() { SUDO_USER=migtest $BIN --conf "$TEST_TMP/m.conf" migrate "$@" 2> "$ERR"; }
Q() { _psql "$DSN" "$@"; }
sha() { sha256sum "$S/$1" | cut -c1-64; }
TAB=$'\t'
recorded() {	# file|sha256 of every row, byte order
	Q "SELECT string_agg(file || '|' || sha256, ' ' ORDER BY file COLLATE \"C\") FROM renrakucho.schema_migration"
}
counts() {	# what a run could change
	Q "SELECT (SELECT count(*) FROM renrakucho.schema_migration) || ' ' ||
	    (SELECT max(applied_at) FROM renrakucho.schema_migration) || ' ' ||
	    (SELECT count(*) FROM renrakucho.note) || ' ' ||
	    (SELECT count(*) FROM renrakucho.audit_event)"
}

# --- an empty database ------------------------------------------------------
out=$(M --status); rc=$?
is "$rc" 0 'status, empty database: exit 0'
is "$out" "base.sql${TAB}pending
001_notes.sql${TAB}pending
functions/a_count.sql${TAB}pending
functions/b_hello.sql${TAB}pending" 'status, empty database: every file pending'
out=$(M --dry-run); rc=$?
is "$rc" 0 'dry-run, empty database: exit 0'
is "$out" "would apply base.sql
would apply 001_notes.sql
would apply functions/a_count.sql
would apply functions/b_hello.sql" 'dry-run, empty database: says what it would apply'
is "$(Q "SELECT count(*) FROM pg_namespace WHERE nspname = 'renrakucho'")" 0 \
    'dry-run, empty database: nothing created'

out=$(M); rc=$?
is "$rc" 0 'migrate, empty database: exit 0'
is "$out" "applied base.sql
applied 001_notes.sql
applied functions/a_count.sql
applied functions/b_hello.sql" 'migrate, empty database: base, delta, functions applied, in order'
is "$(recorded)" "001_notes.sql|$(sha 001_notes.sql) base.sql|$(sha base.sql) functions/a_count.sql|$(sha functions/a_count.sql) functions/b_hello.sql|$(sha functions/b_hello.sql)" \
    'each file recorded with the SHA-256 of its bytes'
is "$(Q "SELECT renrakucho.note_count() || ' ' || renrakucho.hello()")" '1 v1' \
    'the delta ran once and the functions exist'
is "$(Q "SELECT string_agg(object_id || ' ' || detail, ',' ORDER BY id) FROM renrakucho.audit_event WHERE action = 'cli.migrate' AND login = 'cli:migtest'")" \
    "base.sql $(sha base.sql),001_notes.sql $(sha 001_notes.sql),functions/a_count.sql $(sha functions/a_count.sql),functions/b_hello.sql $(sha functions/b_hello.sql)" \
    'one audit event cli.migrate per applied file, its SHA-256 as detail'

# --- again -----------------------------------------------------------------
fat=$(Q "SELECT applied_at FROM renrakucho.schema_migration WHERE file = 'functions/a_count.sql'")
bat=$(Q "SELECT applied_at FROM renrakucho.schema_migration WHERE file = 'base.sql'")
out=$(M); rc=$?
is "$rc|$out" '0|up to date' 'second run: up to date'
is "$(Q "SELECT count(*) FROM renrakucho.note")" 1 'second run: the delta not applied again'
is "$(Q "SELECT applied_at FROM renrakucho.schema_migration WHERE file = 'base.sql'")" "$bat" \
    'second run: base.sql not applied again'
is "$(Q "SELECT applied_at = '$fat' FROM renrakucho.schema_migration WHERE file = 'functions/a_count.sql'")" t \
    'second run: an unchanged functions file keeps its record'
Q "DROP FUNCTION renrakucho.hello()" > /dev/null
out=$(M); rc=$?
is "$rc|$out|$(Q "SELECT renrakucho.hello()")" '0|up to date|v1' \
    'every run re-applies the functions files: one dropped by hand is back'
is "$(Q "SELECT count(*) FROM renrakucho.audit_event")" 4 \
    'second run: no audit event (nothing changed)'
out=$(M --status); rc=$?
is "$rc" 0 'status, all applied: exit 0'
like "$out" "^base\\.sql${TAB}applied${TAB}[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}\\+09 $(sha base.sql | cut -c1-12)\$" \
    'status: base.sql applied, with date and short hash'
like "$out" "^001_notes\\.sql${TAB}applied${TAB}.* $(sha 001_notes.sql | cut -c1-12)\$" \
    'status: the delta applied'
is "$(printf '%s\n' "$out" | grep -c "${TAB}applied${TAB}")" 4 'status: four files applied'

# --- a new delta ---------------------------------------------------------------
printf "INSERT INTO renrakucho.note VALUES ('two');\n" > "$S/002_more.sql"
out=$(M --status)
like "$out" "^002_more\\.sql${TAB}pending\$" 'status: the new delta pending'
out=$(M); rc=$?
is "$rc|$out" '0|applied 002_more.sql' 'a new delta: applied alone'
is "$(Q "SELECT count(*) FROM renrakucho.note")" 2 'a new delta: its row is there, once'
is "$(Q "SELECT sha256 FROM renrakucho.schema_migration WHERE file = '002_more.sql'")" \
    "$(sha 002_more.sql)" 'a new delta: recorded with its SHA-256'

# --- a released delta changed ----------------------------------------------------
old=$(sha 001_notes.sql)
cp "$S/001_notes.sql" "$TEST_TMP/001.keep"
printf -- '-- edited\n' >> "$S/001_notes.sql"
new=$(sha 001_notes.sql)
sed -i 's/v1/v2/' "$S/functions/b_hello.sql"
before=$(counts)
out=$(M); rc=$?
isnt "$rc" 0 'changed delta: migrate exits non-zero'
like "$(cat "$ERR")" "001_notes\\.sql was changed after it was applied: recorded $old, now $new; a released migration must not change .* write a new delta instead" \
    'changed delta: the message names the file and both hashes'
is "$out" '' 'changed delta: nothing reported applied'
is "$(counts)" "$before" 'changed delta: nothing recorded, applied or audited'
is "$(Q "SELECT renrakucho.hello()")" v1 'changed delta: the changed functions file not re-applied'
out=$(M --status); rc=$?
is "$rc" 1 'status with a changed delta: exit 1'
like "$out" "^001_notes\\.sql${TAB}changed${TAB}recorded ${old:0:12}, now ${new:0:12}\$" \
    'status: the delta shown changed, with both short hashes'
like "$out" "^functions/b_hello\\.sql${TAB}pending\$" 'status: the edited functions file pending'
out=$(M --dry-run); rc=$?
isnt "$rc" 0 'dry-run with a changed delta: refused too'
like "$(cat "$ERR")" "001_notes\\.sql was changed after it was applied" 'dry-run: the same message'
cp "$TEST_TMP/001.keep" "$S/001_notes.sql"
out=$(M); rc=$?
is "$rc|$out" '0|applied functions/b_hello.sql' 'delta restored: only the edited functions file applied'
is "$(Q "SELECT renrakucho.hello()")" v2 'the functions file took effect'

# --- --dry-run changes nothing ---------------------------------------------------
printf "INSERT INTO renrakucho.note VALUES ('three');\n" > "$S/003_three.sql"
before=$(counts)
out=$(M --dry-run); rc=$?
is "$rc" 0 'dry-run with a pending delta: exit 0'
is "$out" "would apply 003_three.sql
would re-apply functions/a_count.sql (unchanged)
would re-apply functions/b_hello.sql (unchanged)" 'dry-run: exactly what a run would apply'
is "$(counts)" "$before" 'dry-run: row counts and dates unchanged'

# --- an error in a delta -----------------------------------------------------------
printf -- "-- bad\nINSERT INTO renrakucho.note VALUES ('four');\nSELEC 1;\n" > "$S/004_bad.sql"
out=$(M); rc=$?
is "$rc" 1 'a broken delta: exit 1'
like "$(cat "$ERR")" '004_bad\.sql, line 3: syntax error' 'a broken delta: file, line and message'
is "$(counts)" "$before" 'a broken delta: everything rolled back (003 too), nothing recorded'
is "$(Q "SELECT count(*) FROM renrakucho.schema_migration WHERE file IN ('003_three.sql', '004_bad.sql')")" 0 \
    'a broken delta: no row for it or the delta before it'
rm "$S/004_bad.sql"
out=$(M); rc=$?
is "$rc|$out" '0|applied 003_three.sql' 'the broken delta removed: the pending one applies'

# --- two runs at once on an empty database -------------------------------------------
S2=$TEST_TMP/schema2
cp -R "$S" "$S2"
# The first holds the lock a while so the second surely waits for it.
printf 'SELECT pg_sleep(1);\n' >> "$S2/base.sql"
mkconf "$DSN2" "$S2" > "$TEST_TMP/m2.conf"
$BIN --conf "$TEST_TMP/m2.conf" migrate > "$TEST_TMP/c1" 2>&1 &
p1=$!
$BIN --conf "$TEST_TMP/m2.conf" migrate > "$TEST_TMP/c2" 2>&1 &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
is "$r1|$r2" '0|0' 'concurrent runs: both exit 0'
is "$(cat "$TEST_TMP/c1" "$TEST_TMP/c2" | grep -c '^applied base\.sql$')" 1 \
    'concurrent runs: exactly one applied base.sql'
is "$(cat "$TEST_TMP/c1" "$TEST_TMP/c2" | grep -c '^up to date$')" 1 \
    'concurrent runs: the other found nothing to do'
is "$(_psql "$DSN2" "SELECT count(*) || ' ' || (SELECT count(*) FROM renrakucho.note) FROM renrakucho.audit_event WHERE object_id = 'base.sql'")" '1 3' \
    'concurrent runs: base.sql and each delta applied once'
done_testing
