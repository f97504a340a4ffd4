#!/bin/bash
# renrakucho-admin backup DIR / restore DIR: a backup of the test stack
# holds the database, the renrakucho_* roles, the CA directory and the
# configuration, with a MANIFEST sha256sum(1) accepts, and says the CA
# key must be kept offline; it refuses a non-empty DIR.  restore refuses
# a backup whose file does not match the MANIFEST, naming it, before
# touching anything; into a fresh cluster (initdb'd here, on a port of
# its own) it gives the same rows (key tables' counts, the audit trail
# row for row, a device certificate's row), the roles with their
# password verifiers, the CA key as it was; a second restore into the
# now non-empty database is refused.  Runs with demo.env sourced, as
# root.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"
conf=${ADMIN##*--conf }
BIN=${ADMIN%% --conf *}
CA=$(sed -n 's/^ca_dir *= *//p' "$conf")
PORT=${BACKUP_PG_PORT:-$((${PG_PORT:-18432} + 5))}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -n 1)
[ -x "$PGBIN/initdb" ] || bail 'no PostgreSQL server binaries'

# The fresh cluster lives where the postgres user can reach it.
NEW=$(mktemp -d /var/tmp/rk-restore.XXXXXXXX)
chmod 0711 "$NEW"
as_pg() { (cd / && runuser -u postgres -- "$@"); }
cleanup() {
	as_pg "$PGBIN/pg_ctl" stop -D "$NEW/data" -m immediate > /dev/null 2>&1
	rm -rf "$NEW" "$TEST_TMP"
}
trap cleanup EXIT

BK=$TEST_TMP/bk
# What the restored database must hold: read at the backup's moment (the
# test stack runs no jobs, and the tests run one at a time).
TABLES='facility account device_cert session patient consent team team_member message mail_outbox pickup schema_migration'
counts() {	# counts DSN
	local t
	for t in $TABLES; do
		printf '%s=%s ' "$t" "$(_psql "$1" "SELECT count(*) FROM renrakucho.$t")"
	done
}
AUDIT_SQL="SELECT count(*) || ' ' || md5(string_agg(e::text, E'\\n' ORDER BY id)) FROM renrakucho.audit_event e"
SERIAL=$(openssl x509 -in "$STAFF1_PEM" -noout -serial | cut -d= -f2)
CERT_SQL="SELECT concat_ws('|', serial, sha256, facility_id, label, not_after, revoked_at IS NULL) FROM renrakucho.device_cert WHERE serial = '$SERIAL'"
ROLES_SQL="SELECT string_agg(rolname || ':' || rolcanlogin || ':' || coalesce(rolpassword, '-'), ' ' ORDER BY rolname) FROM pg_authid WHERE rolname LIKE 'renrakucho\\_%'"

want_counts=$(counts "$OWNER_DSN")
want_audit=$(psql_owner "$AUDIT_SQL")
want_cert=$(psql_owner "$CERT_SQL")
want_roles=$(psql_owner "$ROLES_SQL")
like "$want_cert" "^$SERIAL\|" "STAFF1's certificate is in the database"

# --- backup -------------------------------------------------------------
out=$($ADMIN backup "$BK" 2>&1)
is "$?" 0 'backup exits 0'
like "$out" 'ca\.tar .*CA PRIVATE KEY.*keep this backup offline' 'it says the CA key is in it, to keep offline'
is "$(cd "$BK" && ls | tr '\n' ' ')" 'MANIFEST ca.tar database.dump renrakucho.conf roles.sql ' \
    'the database, roles, CA directory, configuration and MANIFEST'
is "$(stat -c %a "$BK")" 700 'the directory is 0700'
is "$(stat -c %a "$BK"/* | sort -u | tr '\n' ' ')" '600 ' 'its files are 0600'
ok 'sha256sum -c accepts the MANIFEST' bash -c 'cd "$1" && sha256sum --quiet -c MANIFEST' _ "$BK"
is "$(wc -l < "$BK/MANIFEST")" 4 'the MANIFEST lists the four files'
ok 'database.dump is a custom-format dump' bash -c 'pg_restore --list "$1" > /dev/null' _ "$BK/database.dump"
like "$(tar -tf "$BK/ca.tar")" '^\./ca\.key$' 'ca.tar holds the CA directory with its key'
ok 'renrakucho.conf is the configuration' cmp -s "$conf" "$BK/renrakucho.conf"
roles=$(cat "$BK/roles.sql")
for r in owner app auditor jobs; do
	like "$roles" "CREATE ROLE \"renrakucho_$r\"" "roles.sql makes renrakucho_$r"
done
unlike "$roles" '^(CREATE|ALTER) ROLE "(postgres|pg_)' 'roles.sql holds no other role'

mkdir -p "$TEST_TMP/full"
touch "$TEST_TMP/full/x"
out=$($ADMIN backup "$TEST_TMP/full" 2>&1)
is "$?" 1 'backup into a non-empty directory: exit 1'
like "$out" 'exists and is not empty' 'it says why'
is "$(ls "$TEST_TMP/full")" x 'and writes nothing there'

# --- a fresh cluster, and the configuration to restore into it ----------
mkdir -p "$NEW/data" "$NEW/sock"
chown postgres:postgres "$NEW/data" "$NEW/sock"
chmod 0700 "$NEW/data" "$NEW/sock"
as_pg "$PGBIN/initdb" -D "$NEW/data" -E UTF8 --locale=C.UTF-8 -U postgres --auth=trust \
    > "$TEST_TMP/initdb.log" 2>&1 || bail "initdb: $(tail -n 3 "$TEST_TMP/initdb.log")"
as_pg "$PGBIN/pg_ctl" start -w -D "$NEW/data" -l "$NEW/data/pg.log" \
    -o "-c listen_addresses='' -c port=$PORT -c unix_socket_directories='$NEW/sock'" > /dev/null ||
    bail "the fresh cluster did not start: $(tail -n 3 "$NEW/data/pg.log")"
NEW_DSN="host=$NEW/sock port=$PORT dbname=renrakucho user=postgres"
NEWCONF=$TEST_TMP/new.conf
sed -e "s|^db_owner_dsn *=.*|db_owner_dsn = $NEW_DSN|" -e "s|^ca_dir *=.*|ca_dir = $TEST_TMP/newca|" \
    "$conf" > "$NEWCONF"
RESTORE="$BIN --conf $NEWCONF restore"
newq() { _psql "$NEW_DSN" "$@"; }
dbs() { _psql "host=$NEW/sock port=$PORT dbname=postgres user=postgres" "SELECT count(*) FROM pg_database WHERE datname = 'renrakucho'"; }

# --- a mismatch is refused, naming the file ------------------------------
for f in database.dump ca.tar; do
	rm -rf "$TEST_TMP/bad"
	cp -a "$BK" "$TEST_TMP/bad"
	printf 'x' >> "$TEST_TMP/bad/$f"
	out=$($RESTORE "$TEST_TMP/bad" 2>&1)
	is "$?" 1 "restore with $f changed: exit 1"
	like "$out" "$TEST_TMP/bad/$f: SHA-256 [0-9a-f]{64} does not match the MANIFEST's [0-9a-f]{64}: refused" \
	    "it names $f"
done
rm -rf "$TEST_TMP/bad"
cp -a "$BK" "$TEST_TMP/bad"
sed -i '/roles\.sql/d' "$TEST_TMP/bad/MANIFEST"
out=$($RESTORE "$TEST_TMP/bad" 2>&1)
like "$out" 'roles\.sql is not listed: refused' 'a file missing from the MANIFEST is refused, named'
is "$(dbs)" 0 'the refused restores created nothing'
ok 'nor the CA directory' test ! -e "$TEST_TMP/newca"

# --- restore into the fresh cluster --------------------------------------
out=$($RESTORE "$BK" 2>&1)
rc=$?
is "$rc" 0 'restore into a fresh cluster exits 0'
[ "$rc" = 0 ] || diag "$out"
like "$out" '^MANIFEST +every file matches' 'it checked the MANIFEST first'
like "$out" '^created the database renrakucho$' 'it created the database'
is "$(counts "$NEW_DSN")" "$want_counts" 'the key tables have the same row counts'
is "$(newq "$AUDIT_SQL")" "$want_audit" 'the audit trail is the same, row for row'
is "$(newq "$CERT_SQL")" "$want_cert" "STAFF1's certificate row is the same"
is "$(newq "$ROLES_SQL")" "$want_roles" 'the roles, with their password verifiers'
is "$(newq "SELECT has_table_privilege('renrakucho_app', 'renrakucho.patient', 'SELECT')::text || has_table_privilege('renrakucho_jobs', 'renrakucho.patient', 'SELECT')::text")" \
    truefalse 'the grants came back (the app reads patients, the jobs do not)'
ok 'the CA key is the same' cmp -s "$CA/ca.key" "$TEST_TMP/newca/ca.key"
ok 'the CA certificate is the same' cmp -s "$CA/ca.crt" "$TEST_TMP/newca/ca.crt"
is "$(stat -c %a "$TEST_TMP/newca/ca.key")" "$(stat -c %a "$CA/ca.key")" 'with its mode'
like "$out" "the backup's is $NEWCONF\\.restored: compare it with $NEWCONF" \
    'a different configuration in place is kept; the backup'"'"'s is put beside it'
ok "the backup's configuration is beside it" cmp -s "$conf" "$NEWCONF.restored"
is "$("$BIN" --conf "$NEWCONF" migrate --status | grep -vc "	applied	")" 0 \
    'migrate --status finds every schema file applied'

# --- a second restore: the database is not empty --------------------------
before=$(newq "SELECT count(*) FROM renrakucho.audit_event")
out=$($RESTORE "$BK" 2>&1)
is "$?" 1 'a restore into a non-empty database: exit 1'
like "$out" 'holds [0-9]+ relations: restore needs an empty one' 'it says why'
is "$(newq "SELECT count(*) FROM renrakucho.audit_event")" "$before" 'and changed nothing'

done_testing
