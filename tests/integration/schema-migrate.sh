#!/bin/bash
# renrakucho-admin migrate builds the schema from schema/base.sql, the
# numbered deltas and schema/functions/*.sql: into an empty database it
# applies every installed file and records each with its SHA-256; a
# second run applies nothing; and the schema it builds is the one
# schema/001-020 built (tests/schema/before.sql), but for what
# tests/schema/expected.diff lists: the functions nothing called, and the
# migration record's columns.  Runs with demo.env sourced, on the test
# stack's PostgreSQL, in a database of its own.  SCHEMA_DIFF_UPDATE=1
# rewrites tests/schema/expected.diff from this run.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"
[ -n "${OWNER_DSN:-}" ] || bail "no OWNER_DSN: source demo.env"
SRC=$(cd "$(dirname "$0")/../.." && pwd)

DB=rk_schema_migrate
DSN=$(printf '%s\n' "$OWNER_DSN" | sed "s/dbname=[^ ]*/dbname=$DB/")
case $DSN in *"dbname=$DB"*) ;; *) bail "no dbname in OWNER_DSN" ;; esac
dropdb() { psql_owner "DROP DATABASE IF EXISTS $DB WITH (FORCE)" > /dev/null; }
trap 'dropdb; rm -rf "$TEST_TMP"' EXIT
dropdb
psql_owner "CREATE DATABASE $DB" > /dev/null || bail "cannot create $DB"
q() { _psql "$DSN" "$@"; }

# The stack's configuration, pointed at the new database.
conf=${ADMIN##*--conf }
sed -e "s|^db_owner_dsn *=.*|db_owner_dsn = $DSN|" \
    -e "s|^db_name *=.*|db_name = $DB|" "$conf" > "$TEST_TMP/migrate.conf"
MIGRATE="${ADMIN%% --conf *} --conf $TEST_TMP/migrate.conf migrate"
SCHEMA=$(sed -n 's/^schema_dir *= *//p' "$conf")
[ -f "$SCHEMA/base.sql" ] || bail "no base.sql in schema_dir $SCHEMA"

# The files migrate must apply to an empty database, as paths under
# schema/, with their SHA-256: base.sql, the deltas, functions/.
(
	cd "$SCHEMA" || exit 1
	for f in base.sql [0-9]*.sql functions/*.sql; do
		[ -f "$f" ] && printf '%s|%s\n' "$f" "$(sha256sum < "$f" | cut -d' ' -f1)"
	done
) | LC_ALL=C sort > "$TEST_TMP/files"
ok 'the installed schema has functions files' \
    grep -q '^functions/sessions\.sql|' "$TEST_TMP/files"

# --- an empty database ---------------------------------------------------
$MIGRATE > "$TEST_TMP/out1" 2> "$TEST_TMP/err1"
is "$?" 0 'migrate into an empty database exits 0'
[ -s "$TEST_TMP/err1" ] && diag "$(cat "$TEST_TMP/err1")"
missing=
while IFS='|' read -r f _; do
	grep -qF "$f" "$TEST_TMP/out1" || missing+=" $f"
done < "$TEST_TMP/files"
is "$missing" '' 'migrate reports every file it applied'
unlike "$(cat "$TEST_TMP/out1")" 'up to date' 'an empty database is not up to date'
q "SELECT file || '|' || sha256 FROM renrakucho.schema_migration" |
    LC_ALL=C sort > "$TEST_TMP/recorded"
if cmp -s "$TEST_TMP/files" "$TEST_TMP/recorded"; then
	pass 'schema_migration records each file with its SHA-256'
else
	fail 'schema_migration records each file with its SHA-256' \
	    "$(diff "$TEST_TMP/files" "$TEST_TMP/recorded")"
fi
is "$(q "SELECT count(*) FROM renrakucho.schema_migration WHERE file LIKE 'functions/%'")" \
    "$(grep -c '^functions/' "$TEST_TMP/files")" 'every functions file is recorded'

# --- again: nothing to do ------------------------------------------------
snap="SELECT file || '|' || sha256 || '|' || applied_at FROM renrakucho.schema_migration ORDER BY file"
q "$snap" > "$TEST_TMP/snap1"
$MIGRATE > "$TEST_TMP/out2" 2> "$TEST_TMP/err2"
is "$?" 0 'a second migrate exits 0'
like "$(cat "$TEST_TMP/out2")" 'up to date' 'a second migrate is up to date'
q "$snap" > "$TEST_TMP/snap2"
ok 'a second migrate leaves schema_migration as it was' \
    cmp -s "$TEST_TMP/snap1" "$TEST_TMP/snap2"

# --- the schema it built -------------------------------------------------
# Compared with the one schema/001-020 built, normalised alike: only the
# dropped functions (their definitions and grants) and schema_migration's
# columns may differ, exactly as expected.diff says.
# audit_event's month partitions are named by the month migrate ran in
# (zy-audit-archive.sh checks them): left out, the default one stays.
if pg_dump --schema-only -d "$DSN" \
    --exclude-table='renrakucho.audit_event_y[0-9][0-9][0-9][0-9]m[0-9][0-9]' \
    > "$TEST_TMP/dump.sql" 2> "$TEST_TMP/dump.err"; then
	pass 'pg_dump of the migrated database'
else
	fail 'pg_dump of the migrated database' "$(cat "$TEST_TMP/dump.err")"
fi
bash "$SRC/tests/schema/normalise.sh" < "$TEST_TMP/dump.sql" > "$TEST_TMP/after.sql"
diff -u --label before.sql --label after.sql "$SRC/tests/schema/before.sql" \
    "$TEST_TMP/after.sql" > "$TEST_TMP/actual.diff"
# SCHEMA_DIFF_UPDATE=1: a delta changed the schema on purpose; take the
# new difference as the expected one (review it with git diff).
[ "${SCHEMA_DIFF_UPDATE:-0}" = 1 ] &&
    cp "$TEST_TMP/actual.diff" "$SRC/tests/schema/expected.diff"
if cmp -s "$SRC/tests/schema/expected.diff" "$TEST_TMP/actual.diff"; then
	pass 'the schema differs from 001-020 only as expected.diff says'
else
	fail 'the schema differs from 001-020 only as expected.diff says' \
	    "$(diff "$SRC/tests/schema/expected.diff" "$TEST_TMP/actual.diff" | head -n 60)"
fi
like "$(cat "$TEST_TMP/after.sql")" '^-- Name: timeline_view\(' 'the dump holds the functions (timeline_view)'
unlike "$(cat "$TEST_TMP/after.sql")" '^-- Name: timeline_page\(' 'the dropped timeline_page is gone'
done_testing
