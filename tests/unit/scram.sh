#!/bin/sh
# A SCRAM-SHA-256 login through libpq as the CGIs link it: starts a
# throwaway PostgreSQL 15 (initdb as postgres in a private directory,
# password_encryption scram-sha-256, pg_hba scram-sha-256 on a unix
# socket in that directory), creates a role with a password, runs
# tests/unit/scram_client (a login, SELECT 1, a wrong password refused)
# and stops the server.  TAP on stdout.
#
# Needs root (the server runs as postgres) and PostgreSQL 15's binaries;
# otherwise the plan is "1..0 # SKIP reason".  Environment (make check):
#   SCRAM_CLIENT  the client (default ./tests/unit/scram_client)
#   PGBIN         PostgreSQL's bin directory (/usr/lib/postgresql/15/bin)
#   SCRAM_PASSWORD_OVERRIDE  the password the client is given instead of
#                 the role's (to see this test fail)
set -u

SCRAM_CLIENT=${SCRAM_CLIENT:-./tests/unit/scram_client}
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}
[ "$(id -u)" = 0 ] || skip_all "needs root to run PostgreSQL as postgres"
[ -x "$PGBIN/initdb" ] || skip_all "no PostgreSQL 15 binaries in $PGBIN"
id postgres > /dev/null 2>&1 || skip_all "no postgres user"
command -v runuser > /dev/null || skip_all "no runuser"
[ -x "$SCRAM_CLIENT" ] || { echo "Bail out! no client at $SCRAM_CLIENT"; exit 1; }

# Under /var/tmp, not the build tree: postgres must reach the directory.
T=$(mktemp -d /var/tmp/rk-scram-test.XXXXXX) || exit 1
chmod 0755 "$T"
PGDATA=$T/data
SOCK=$T/sock
PORT=5432	# names the socket only: the directory is private
LOG=$T/log
mkdir "$PGDATA" "$SOCK" "$LOG"
chown postgres "$PGDATA" "$SOCK" "$LOG"
chmod 0700 "$PGDATA"
chmod 0755 "$SOCK"

cleanup() {
	if [ -f "$PGDATA/postmaster.pid" ]; then
		runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" \
		    -m immediate -w stop > /dev/null 2>&1
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

bail() {	# bail MESSAGE [LOG]
	[ $# -lt 2 ] || sed 's/^/# /' "$2"
	echo "Bail out! $1"
	exit 1
}

runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -E UTF8 \
    --locale=C.UTF-8 -U postgres -A peer > "$T/initdb.log" 2>&1 ||
    bail "initdb failed" "$T/initdb.log"
# postgres by peer, to create the role; every other role by SCRAM only.
cat > "$PGDATA/pg_hba.conf" <<'EOF'
local	all	postgres		peer
local	all	all			scram-sha-256
EOF
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$LOG/pg.log" -w \
    -o "-c listen_addresses='' -c unix_socket_directories=$SOCK -p $PORT -c password_encryption=scram-sha-256 -c fsync=off" \
    start > "$LOG/pg_ctl.out" 2>&1 ||
    { cat "$LOG/pg_ctl.out" >> "$LOG/pg.log"; bail "PostgreSQL did not start" "$LOG/pg.log"; }

PW=$(od -An -N18 -tx1 /dev/urandom | tr -d ' \n')
[ ${#PW} = 36 ] || bail "no random password"
psql_pg() {
	runuser -u postgres -- "$PGBIN/psql" -X -q -tA -v ON_ERROR_STOP=1 \
	    -h "$SOCK" -p "$PORT" -d postgres "$@"
}
psql_pg -c "CREATE ROLE rk_scram LOGIN PASSWORD '$PW'" > "$T/psql.log" 2>&1 ||
    bail "CREATE ROLE failed" "$T/psql.log"
# The server must hold a SCRAM verifier, or a login would prove nothing.
v=$(psql_pg -c "SELECT left(rolpassword, 14) FROM pg_authid WHERE rolname = 'rk_scram'") ||
    bail "reading the verifier failed"
[ "$v" = 'SCRAM-SHA-256$' ] || bail "the role's password is not a SCRAM verifier: $v"

SCRAM_PASSWORD=${SCRAM_PASSWORD_OVERRIDE:-$PW} "$SCRAM_CLIENT" "$SOCK" \
    "$PORT" rk_scram
rc=$?
# A client crash after its plan would otherwise pass unseen.
[ $rc = 0 ] || echo "# scram_client exited with status $rc"
exit $rc
