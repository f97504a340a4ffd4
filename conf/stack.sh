#!/bin/bash
# The local stack (PostgreSQL, pgbouncer, fcgiwrap, nginx) in one private
# directory.  The one implementation used by run-demo, run-tests and the
# benchmark.
#
#   conf/stack.sh start|stop|status|env DIR
#
# start   brings everything up (idempotent: running it again is safe)
# stop    stops what start started (by pid file, checked against /proc)
# status  prints each service's state; exit 0 when all run, 3 otherwise
# env     rewrites DIR/demo.env from DIR/stack.env and DIR/seed.env
# jobs    the jobs' loop (started in the background by start)
#
# Settings (environment):
#   PREFIX        the `make install` prefix (sbin/renrakucho-admin,
#                 libexec/renrakucho/cgi-bin, share/renrakucho/...)
#   APP_PORT PORTAL_PORT PG_PORT PGB_PORT   (8443 8444 8432 8433; keep ports below 32768,
#                                            the range Linux hands out to
#                                            outgoing connections)
#   APP_ADDR PORTAL_ADDR                    (127.0.0.1)
#   SERVER_SAN    extra subjectAltNames for the server certificate
#   RENRAKUCHO_ADMIN  the admin CLI (default PREFIX/sbin/renrakucho-admin)
#   MUNICIPALITY_NAME MUNICIPALITY_CODE SERVICE_NAME SECRETARIAT_NAME
#   SECRETARIAT_PHONE SECRETARIAT_FAX SECRETARIAT_EMAIL SECRETARIAT_HOURS
#   MAIL_FROM CERT_DAYS
#   LOGIN_RATE LOGIN_BURST PICKUP_RATE PICKUP_BURST  nginx's rate limits
#                 per client address (10r/m 5, 6r/m 5 as the package's)
#
#   Cluster nodes (tests/cluster/run; README "Scaling"), all optional:
#   DB_HOST DB_PORT   PostgreSQL elsewhere (the balancer before the
#                 primary): no server of our own; pgbouncer and the admin
#                 CLI connect over TCP, as postgres with DB_OWNER_PASSFILE
#                 (a pgpass file of root's)
#   DB_INIT       1 (default): migrate and set the roles' passwords; 0 for
#                 a further node, which shares the first's secrets.env
#   PGB_ADDR      pgbouncer's TCP address (127.0.0.1)
#   PROXY_FROM    a TCP balancer's address: nginx takes the client's
#                 address from the PROXY protocol header it sends
#   SIGNER_RELAY  "listen ADDR:PORT": our signer, also reachable there over
#                 TLS; "connect ADDR:PORT": no signer here, its socket is a
#                 relay to that one.  RELAY_TLS_DIR holds ca.crt, node.crt
#                 and node.key (the nodes' own small CA, not the devices')
#   STACK_JOBS    1 (default): run the jobs the package's timers run
#                 (mail delivery every 5 s, CRL, purges and audit seal every
#                 STACK_JOBS_PERIOD seconds, 300); 0: stop them, so that
#                 mail stays in the outbox until `mail deliver`
#
# Users: nginx's workers run as www-data, the CGIs as renrakucho (created
# here when missing), so do the jobs' mail delivery and purges (as the
# database role renrakucho_jobs), the certificate signer as
# renrakucho-signer (created here too), PostgreSQL and pgbouncer as
# postgres, the rest as root: the layout of users and sockets the Debian
# package has, with paths under DIR instead of /run and /etc.
#
# Layout of DIR (a symlink to /var/tmp/... when the postgres user cannot
# reach DIR where it is).  Nothing a server or a CGI reads is outside it:
# the CGIs are copied here from PREFIX, which may sit in a directory
# only root can enter (a clone under /root or in mktemp -d).
#   renrakucho.conf  0640 root:renrakucho  the app's configuration
#   stack.env, seed.env, demo.env, secrets.env (0600 root)
#   ca/      0755 root      what nginx reads: a copy of the CA certificate,
#                           the CRL, the server certificate and key (0600)
#   signer/  0755 root      ca/ (0700 renrakucho-signer: ca.key 0600, ca.crt),
#                           pgpass (0600 renrakucho-signer: its database
#                           password)
#   certs/   0700 root      demo device certificates (seed.sh)
#   pg/      0700 postgres  data/ and sock/ (private socket)
#   pgbouncer/ 0755 postgres  ini, pgbouncer_hba.conf, userlist.txt (0600),
#                             pid, sock/ (0750 postgres:renrakucho)
#   cgi-bin/ 0755 root      the CGIs fcgiwrap runs (copied from PREFIX)
#   run/     nginx.pid, fcgiwrap.pid, jobs.pid, signer.pid,
#            signer/ (0750 renrakucho-signer:renrakucho: the signer's
#            socket, reached by the CGIs' group alone),
#            fcgi/ (0750 renrakucho:www-data; the socket 0660
#            renrakucho:www-data: nginx's group alone reaches the CGIs)
#   nginx/   rendered configuration, temp/
#   bin/     capture-mail, reload-nginx, renrakucho-admin (the jobs' copy)
#   mail/    captured mail (one file per message), 0750 renrakucho
#   log/     every log file (jobs.log: what the jobs did)
set -euo pipefail
umask 022

CONF_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

APP_PORT=${APP_PORT:-8443}
PORTAL_PORT=${PORTAL_PORT:-8444}
PG_PORT=${PG_PORT:-8432}
PGB_PORT=${PGB_PORT:-8433}
APP_ADDR=${APP_ADDR:-127.0.0.1}
PORTAL_ADDR=${PORTAL_ADDR:-127.0.0.1}
SERVER_SAN=${SERVER_SAN:-}
MUNICIPALITY_NAME=${MUNICIPALITY_NAME:-島根県出雲市}
MUNICIPALITY_CODE=${MUNICIPALITY_CODE:-32203}
SERVICE_NAME=${SERVICE_NAME:-電子連絡帳}
SECRETARIAT_NAME=${SECRETARIAT_NAME:-電子連絡帳 事務局}
SECRETARIAT_PHONE=${SECRETARIAT_PHONE:-0853-00-0000}
SECRETARIAT_FAX=${SECRETARIAT_FAX:-0853-00-0001}
SECRETARIAT_EMAIL=${SECRETARIAT_EMAIL:-jimukyoku@renrakucho.example.jp}
SECRETARIAT_HOURS=${SECRETARIAT_HOURS:-平日 8:30〜17:15}
MAIL_FROM=${MAIL_FROM:-no-reply@renrakucho.example.jp}
CERT_DAYS=${CERT_DAYS:-365}
# nginx's rate limits per client address (the package's: 10r/m burst 5
# for the login POST, 6r/m burst 5 for the pickup).
LOGIN_RATE=${LOGIN_RATE:-10r/m} LOGIN_BURST=${LOGIN_BURST:-5}
PICKUP_RATE=${PICKUP_RATE:-6r/m} PICKUP_BURST=${PICKUP_BURST:-5}
STACK_JOBS=${STACK_JOBS:-1}
DB_HOST=${DB_HOST:-}
DB_PORT=${DB_PORT:-5432}
DB_OWNER_PASSFILE=${DB_OWNER_PASSFILE:-}
DB_INIT=${DB_INIT:-1}
PGB_ADDR=${PGB_ADDR:-127.0.0.1}
PROXY_FROM=${PROXY_FROM:-}
SIGNER_RELAY=${SIGNER_RELAY:-}
RELAY_TLS_DIR=${RELAY_TLS_DIR:-}
STACK_JOBS_PERIOD=${STACK_JOBS_PERIOD:-300}
# The CGIs' own system user (the package's sysusers.d entry).
CGI_USER=renrakucho
# The certificate signer's, which alone reads the CA key.
SIGNER_USER=renrakucho-signer
# A sanitizer build's options (./run-tests sanitize sets them, with a
# log_path every user may write to): they pass through the clean
# environments of fcgiwrap (and so the CGIs), the signer and the jobs.
SAN_ENV=()
for v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
	[ -z "${!v:-}" ] || SAN_ENV+=("$v=${!v}")
done

log() { printf 'stack: %s\n' "$*" >&2; }
die() { printf 'stack: error: %s\n' "$*" >&2; exit 1; }

usage() {
	echo "usage: $0 start|stop|status|env|jobs DIR" >&2
	exit 2
}

# Commands run as postgres start in / so that a cwd the postgres user
# cannot read (root's home) does not make initdb or pg_ctl fail.
as_pg() { (cd / && runuser -u postgres -- "$@"); }

find_pgbin() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then
			echo "$d"
			return 0
		fi
	done
	die "no PostgreSQL server binaries under /usr/lib/postgresql/*/bin"
}

# find_bin NAME: absolute path (sbin is not on every PATH, and fcgiwrap is
# started with a clean environment).
find_bin() {
	local p
	p=$(PATH=$PATH:/usr/sbin:/sbin command -v "$1") || die "$1 is not installed"
	echo "$p"
}

find_bins() {
	PGBIN=$(find_pgbin)
	NGINX_BIN=$(find_bin nginx)
	FCGIWRAP_BIN=$(find_bin fcgiwrap)
	PGBOUNCER_BIN=$(find_bin pgbouncer)
	[ -z "$SIGNER_RELAY" ] || SOCAT_BIN=$(find_bin socat)
}

# --- directory -------------------------------------------------------

# Makes DIR usable and sets RUN_DIR to its resolved path.  PostgreSQL runs
# as postgres, which must be able to traverse every parent; when it cannot
# (DIR under root's home, say), DIR becomes a symlink to a private
# directory under /var/tmp.  Every path written into a configuration is
# the resolved one, because following the symlink would need the same
# traversal rights.  The test is made on the absolute path, from /: a
# relative one would start from our own working directory, which the
# postgres user inherits without having to reach it.
prepare_dir() {
	local d=$1 priv abs
	if [ ! -L "$d" ]; then
		mkdir -p "$d"
		chmod 0711 "$d"
		abs=$(readlink -f "$d")
		if ! as_pg test -x "$abs/."; then
			if [ -n "$(ls -A "$d")" ]; then
				die "the postgres user cannot reach $d, and it is not empty"
			fi
			rmdir "$d"
			priv=$(mktemp -d /var/tmp/renrakucho-stack.XXXXXXXX)
			chmod 0711 "$priv"
			ln -s "$priv" "$d"
			log "$d -> $priv (postgres cannot reach $d)"
		fi
	fi
	RUN_DIR=$(readlink -f "$d")
	[ -d "$RUN_DIR" ] || die "$d points to a missing directory"
	as_pg test -x "$RUN_DIR/." ||
	    die "the postgres user cannot reach $RUN_DIR"
}

set_paths() {
	LOG_DIR=$RUN_DIR/log
	CA_DIR=$RUN_DIR/ca
	CRL_FILE=$CA_DIR/crl.pem
	SIGNER_DIR=$RUN_DIR/signer
	SIGNER_CA_DIR=$SIGNER_DIR/ca
	SIGNER_SOCKET=$RUN_DIR/run/signer/signer.sock
	SIGNER_BIN=$RUN_DIR/bin/renrakucho-signer
	SIGNER_PID=$RUN_DIR/run/signer.pid
	RELAY_PID=$RUN_DIR/run/relay.pid
	PGDATA=$RUN_DIR/pg/data
	PG_SOCKET_DIR=$RUN_DIR/pg/sock
	PGB_DIR=$RUN_DIR/pgbouncer
	PGB_SOCKET_DIR=$PGB_DIR/sock
	NGINX_DIR=$RUN_DIR/nginx
	FCGI_SOCKET=$RUN_DIR/run/fcgi/fcgiwrap.sock
	CGI_DIR=$RUN_DIR/cgi-bin
	JOBS_PID=$RUN_DIR/run/jobs.pid
	APP_CONF=$RUN_DIR/renrakucho.conf
	# The site as nginx serves it: the installed pages with this
	# installation's contact details and URLs filled in.
	WWW_DIR=$RUN_DIR/www
	APP_URL=https://$APP_ADDR:$APP_PORT
	if [ -n "$DB_HOST" ]; then
		OWNER_DSN="host=$DB_HOST port=$DB_PORT dbname=renrakucho user=postgres passfile=$DB_OWNER_PASSFILE connect_timeout=5"
	else
		OWNER_DSN="host=$PG_SOCKET_DIR port=$PG_PORT dbname=renrakucho user=postgres"
	fi
	PORTAL_URL=https://$PORTAL_ADDR:$PORTAL_PORT
}

set_prefix_paths() {
	if [ -z "${PREFIX:-}" ]; then
		# Installed copy: PREFIX/share/renrakucho/conf/stack.sh
		if [ -x "$CONF_SRC/../../../sbin/renrakucho-admin" ]; then
			PREFIX=$(cd "$CONF_SRC/../../.." && pwd)
		else
			die "PREFIX is not set (the make install prefix)"
		fi
	fi
	PREFIX=$(readlink -f "$PREFIX")
	ADMIN_BIN=${RENRAKUCHO_ADMIN:-$PREFIX/sbin/renrakucho-admin}
	CGI_SRC=$PREFIX/libexec/renrakucho/cgi-bin
	SIGNER_SRC=$PREFIX/libexec/renrakucho/renrakucho-signer
	WWW_SRC=$PREFIX/share/renrakucho/www
	SCHEMA_DIR=$PREFIX/share/renrakucho/schema
	[ -x "${ADMIN_BIN%% *}" ] || die "no admin CLI at $ADMIN_BIN"
}

# mkdir_as PATH MODE OWNER[:GROUP]
mkdir_as() {
	mkdir -p "$1"
	chmod "$2" "$1"
	chown "$3" "$1"
}

# The CGIs' user, as the package's sysusers.d makes it.
ensure_cgi_user() {
	id -u "$CGI_USER" > /dev/null 2>&1 && return 0
	log "creating the system user $CGI_USER"
	useradd --system --no-create-home --shell /usr/sbin/nologin "$CGI_USER" ||
	    id -u "$CGI_USER" > /dev/null 2>&1 ||
	    die "could not create the user $CGI_USER"
}

# The signer's user, as the package's sysusers.d makes it.
ensure_signer_user() {
	id -u "$SIGNER_USER" > /dev/null 2>&1 && return 0
	log "creating the system user $SIGNER_USER"
	useradd --system --no-create-home --shell /usr/sbin/nologin \
	    --user-group "$SIGNER_USER" ||
	    id -u "$SIGNER_USER" > /dev/null 2>&1 ||
	    die "could not create the user $SIGNER_USER"
}

make_layout() {
	mkdir_as "$LOG_DIR" 0755 root:root
	mkdir_as "$LOG_DIR/postgresql" 0750 postgres:postgres
	# What nginx reads (root's); the CA key is in the signer's own
	# directory, which only the signer's user enters.
	mkdir_as "$CA_DIR" 0755 root:root
	mkdir_as "$SIGNER_DIR" 0755 root:root
	mkdir_as "$SIGNER_CA_DIR" 0700 "$SIGNER_USER:$SIGNER_USER"
	mkdir_as "$RUN_DIR/certs" 0700 root:root
	mkdir_as "$RUN_DIR/pg" 0700 postgres:postgres
	mkdir_as "$PG_SOCKET_DIR" 0700 postgres:postgres
	mkdir_as "$PGB_DIR" 0755 postgres:postgres
	# Who may reach pgbouncer's socket: the CGIs log in on it without a
	# password (pgbouncer_hba.conf.in); pgbouncer (postgres) creates it.
	mkdir_as "$PGB_SOCKET_DIR" 0750 "postgres:$CGI_USER"
	mkdir_as "$RUN_DIR/run" 0755 root:root
	# fcgiwrap ($CGI_USER) creates its socket here; nginx's group reaches it.
	mkdir_as "$RUN_DIR/run/fcgi" 0750 "$CGI_USER:www-data"
	# The signer's socket: the directory is the gate, the CGIs' group
	# (and root) alone pass it.
	if [ "${SIGNER_RELAY%% *}" = connect ]; then
		# The relay ($CGI_USER) makes the socket.
		mkdir_as "$RUN_DIR/run/signer" 0750 "$CGI_USER:$CGI_USER"
	else
		mkdir_as "$RUN_DIR/run/signer" 0750 "$SIGNER_USER:$CGI_USER"
	fi
	mkdir_as "$NGINX_DIR" 0755 root:root
	mkdir_as "$NGINX_DIR/temp" 0755 root:root
	mkdir_as "$NGINX_DIR/errors-root/.rk-error" 0755 root:root
	mkdir_as "$RUN_DIR/bin" 0755 root:root
	# The CGIs and the jobs (both renrakucho) send mail, and the admin
	# CLI run by root.
	mkdir_as "$RUN_DIR/mail" 0750 "$CGI_USER:$CGI_USER"
	# The audit chain's seals (seal_file): appended by the jobs'
	# "audit seal" as renrakucho, read by anyone.
	mkdir_as "$RUN_DIR/seal" 0755 "$CGI_USER:$CGI_USER"
	local f
	for f in pgbouncer.log postgresql-start.log; do
		touch "$LOG_DIR/$f"
		chown postgres:postgres "$LOG_DIR/$f"
		chmod 0640 "$LOG_DIR/$f"
	done
	# unix socket paths are limited to 107 bytes.
	for f in "$PG_SOCKET_DIR/.s.PGSQL.$PG_PORT" \
	    "$PGB_SOCKET_DIR/.s.PGSQL.$PGB_PORT" "$FCGI_SOCKET" "$SIGNER_SOCKET"; do
		[ ${#f} -le 100 ] || die "socket path too long: $f"
	done
}

# --- templates -------------------------------------------------------

declare -A VARS

set_vars() {
	local user_line=
	[ "$(id -u)" = 0 ] && user_line='user www-data;'
	VARS=(
		[NGINX_USER_LINE]=$user_line
		[RUN_DIR]=$RUN_DIR
		[NGINX_DIR]=$NGINX_DIR
		[LOG_DIR]=$LOG_DIR
		[MIME_TYPES]=/etc/nginx/mime.types
		[APP_ADDR]=$APP_ADDR
		[APP_PORT]=$APP_PORT
		[PORTAL_ADDR]=$PORTAL_ADDR
		[PORTAL_PORT]=$PORTAL_PORT
		[SERVER_CERT]=$CA_DIR/server.crt
		[SERVER_KEY]=$CA_DIR/server.key
		[CA_CERT]=$CA_DIR/ca.crt
		[CA_DIR]=$CA_DIR
		[SIGNER_CA_DIR]=$SIGNER_CA_DIR
		[SIGNER_SOCKET]=$SIGNER_SOCKET
		[CRL_FILE]=$CRL_FILE
		[WWW_DIR]=$WWW_DIR
		[CGI_DIR]=$CGI_DIR
		[SCHEMA_DIR]=$SCHEMA_DIR
		[APP_CONF]=$APP_CONF
		[FCGI_SOCKET]=$FCGI_SOCKET
		[PG_SOCKET_DIR]=$PG_SOCKET_DIR
		[PG_PORT]=$PG_PORT
		[DB_HOST]=${DB_HOST:-$PG_SOCKET_DIR}
		[DB_PORT]=$([ -n "$DB_HOST" ] && echo "$DB_PORT" || echo "$PG_PORT")
		[OWNER_DSN]=$OWNER_DSN
		[PGB_ADDR]=$PGB_ADDR
		[PGB_SOCKET_DIR]=$PGB_SOCKET_DIR
		[PGB_PORT]=$PGB_PORT
		[DB_PASSWORD]=$APP_DB_PASSWORD
		[APP_URL]=$APP_URL
		[PORTAL_URL]=$PORTAL_URL
		[SERVICE_NAME]=$SERVICE_NAME
		[MUNICIPALITY_NAME]=$MUNICIPALITY_NAME
		[MUNICIPALITY_CODE]=$MUNICIPALITY_CODE
		[SECRETARIAT_NAME]=$SECRETARIAT_NAME
		[SECRETARIAT_PHONE]=$SECRETARIAT_PHONE
		[SECRETARIAT_FAX]=$SECRETARIAT_FAX
		[SECRETARIAT_EMAIL]=$SECRETARIAT_EMAIL
		[SECRETARIAT_HOURS]=$SECRETARIAT_HOURS
		[MAIL_FROM]=$MAIL_FROM
		[CERT_DAYS]=$CERT_DAYS
		[LOGIN_RATE]=$LOGIN_RATE
		[LOGIN_BURST]=$LOGIN_BURST
		[PICKUP_RATE]=$PICKUP_RATE
		[PICKUP_BURST]=$PICKUP_BURST
		[MAIL_DIR]=$RUN_DIR/mail
		[NGINX_BIN]=$NGINX_BIN
	)
}

# render TEMPLATE DEST MODE [OWNER]: fills @VAR@ placeholders with sed,
# refuses to leave one unfilled, writes atomically.
render() {
	local src=$CONF_SRC/$1 dest=$2 mode=$3 owner=${4:-root:root}
	local script='' k v
	[ -f "$src" ] || die "missing template $src"
	for k in "${!VARS[@]}"; do
		v=${VARS[$k]}
		case $v in *$'\n'*) die "newline in $k" ;; esac
		# An HTML page gets every value HTML-escaped (as render-site.sh
		# does for the portal and the manual).
		case $dest in *.html)
			v=$(printf '%s' "$v" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' \
			    -e 's/>/\&gt;/g' -e 's/"/\&quot;/g' -e "s/'/\&#39;/g") ;;
		esac
		v=$(printf '%s' "$v" | sed 's/[\\|&]/\\&/g')
		script+="s|@${k}@|${v}|g"$'\n'
	done
	# The header comment lists the placeholders; drop those lines rather
	# than fill them.
	sed -e '/^[[:space:]]*[#;].*@[A-Z][A-Z_]*@/d' "$src" | sed -e "$script" > "$dest.tmp"
	if grep -qE '@[A-Z][A-Z_]*@' "$dest.tmp"; then
		rm -f "$dest.tmp"
		die "$1: unfilled placeholder: $(grep -oE '@[A-Z][A-Z_]*@' "$src" | sort -u | tr '\n' ' ')"
	fi
	chmod "$mode" "$dest.tmp"
	chown "$owner" "$dest.tmp"
	mv -f "$dest.tmp" "$dest"
}

# --- processes -------------------------------------------------------

# ours PIDFILE NAME: prints the pid when it names a live process running
# the executable NAME whose command line mentions RUN_DIR (so a stale pid
# file never makes us signal somebody else's process).
ours() {
	local pid exe
	pid=$(cat "$1" 2>/dev/null | head -n1) || return 1
	case $pid in ''|*[!0-9]*) return 1 ;; esac
	exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
	[ "${exe##*/}" = "$2" ] || return 1
	tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$RUN_DIR" ||
	    return 1
	echo "$pid"
}

# wait_gone PID SECONDS
wait_gone() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# wait_for TEST-ARGS...: up to 10 s
wait_for() {
	local i
	for ((i = 0; i < 100; i++)); do
		test "$@" && return 0
		sleep 0.1
	done
	return 1
}

pg_running() {
	as_pg "$PGBIN/pg_ctl" status -D "$PGDATA" > /dev/null 2>&1
}

# --- start -----------------------------------------------------------

load_secrets() {
	local f=$RUN_DIR/secrets.env
	if [ ! -s "$f" ]; then
		(
			umask 077
			printf 'APP_DB_PASSWORD=%s\nAUDITOR_DB_PASSWORD=%s\n' \
			    "$(openssl rand -hex 24)" "$(openssl rand -hex 24)" \
			    > "$f.tmp"
			mv -f "$f.tmp" "$f"
		)
	fi
	# Added to a secrets.env of an older stack.
	if ! grep -q '^SIGNER_DB_PASSWORD=' "$f"; then
		(umask 077; printf 'SIGNER_DB_PASSWORD=%s\n' "$(openssl rand -hex 24)" >> "$f")
	fi
	if ! grep -q '^JOBS_DB_PASSWORD=' "$f"; then
		(umask 077; printf 'JOBS_DB_PASSWORD=%s\n' "$(openssl rand -hex 24)" >> "$f")
	fi
	JOBS_DB_PASSWORD=$(sed -n 's/^JOBS_DB_PASSWORD=\([0-9a-f]*\)$/\1/p' "$f")
	SIGNER_DB_PASSWORD=$(sed -n 's/^SIGNER_DB_PASSWORD=\([0-9a-f]*\)$/\1/p' "$f")
	[ -n "$SIGNER_DB_PASSWORD" ] || die "$f is malformed (remove it to make new passwords)"
	APP_DB_PASSWORD=$(sed -n 's/^APP_DB_PASSWORD=\([0-9a-f]*\)$/\1/p' "$f")
	AUDITOR_DB_PASSWORD=$(sed -n 's/^AUDITOR_DB_PASSWORD=\([0-9a-f]*\)$/\1/p' "$f")
	[ -n "$APP_DB_PASSWORD" ] && [ -n "$AUDITOR_DB_PASSWORD" ] ||
	    die "$f is malformed (remove it to make new passwords)"
}

start_postgres() {
	if [ ! -f "$PGDATA/PG_VERSION" ]; then
		log "initdb $PGDATA"
		mkdir_as "$PGDATA" 0700 postgres:postgres
		as_pg "$PGBIN/initdb" -D "$PGDATA" -E UTF8 --locale=C.UTF-8 \
		    -U postgres --auth=trust > "$LOG_DIR/initdb.log" 2>&1 ||
		    die "initdb failed, see $LOG_DIR/initdb.log"
	fi
	render postgresql.conf.in "$PGDATA/renrakucho-stack.conf" 0600 postgres:postgres
	render pg_hba.conf.in "$PGDATA/pg_hba.conf" 0600 postgres:postgres
	if ! grep -q "^include_if_exists = 'renrakucho-stack.conf'" "$PGDATA/postgresql.conf"; then
		printf "\n# Added by conf/stack.sh\ninclude_if_exists = 'renrakucho-stack.conf'\n" \
		    >> "$PGDATA/postgresql.conf"
	fi
	if pg_running; then
		as_pg "$PGBIN/pg_ctl" reload -D "$PGDATA" > /dev/null
	else
		log "starting PostgreSQL"
		as_pg "$PGBIN/pg_ctl" start -w -t 60 -D "$PGDATA" \
		    -l "$LOG_DIR/postgresql-start.log" > /dev/null ||
		    die "PostgreSQL did not start, see $LOG_DIR/postgresql-start.log and $LOG_DIR/postgresql/"
	fi
}

psql_pg() {
	if [ -n "$DB_HOST" ]; then
		PGHOST=$DB_HOST PGPORT=$DB_PORT PGUSER=postgres \
		    PGPASSFILE=$DB_OWNER_PASSFILE PGCONNECT_TIMEOUT=5 \
		    psql -X -q -v ON_ERROR_STOP=1 "$@"
	else
		as_pg psql -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCKET_DIR" -p "$PG_PORT" "$@"
	fi
}

create_db() {
	if [ -z "$(psql_pg -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'renrakucho'")" ]; then
		log "creating database renrakucho"
		psql_pg -d postgres -c 'CREATE DATABASE renrakucho'
	fi
}

write_app_conf() {
	render renrakucho.conf.in "$APP_CONF" 0640 "root:$CGI_USER"
}

# The migrations create the roles; when they have not (no schema yet),
# create them so the rest of the stack can be checked.  Passwords are set
# on every start from secrets.env; the passwords are random hex, so they
# can be quoted literally, and they go through stdin, not argv.
# scram_verifier PASSWORD ITERATIONS: a SCRAM-SHA-256 verifier as
# PostgreSQL stores it.  The app role's password is 192 random bits, so
# the default 4,096 PBKDF2 rounds protect nothing and cost every CGI
# request several milliseconds when it logs in to pgbouncer; 16 will do.
scram_verifier() {
	local pw=$1 iter=$2 salt salted ck sk
	salt=$(openssl rand -hex 16)
	salted=$(openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt "pass:$pw" \
	    -kdfopt "hexsalt:$salt" -kdfopt "iter:$iter" PBKDF2 | tr -d ':')
	ck=$(printf 'Client Key' | openssl mac -digest SHA256 -macopt "hexkey:$salted" HMAC)
	sk=$(printf 'Server Key' | openssl mac -digest SHA256 -macopt "hexkey:$salted" HMAC)
	printf 'SCRAM-SHA-256$%s:%s$%s:%s' "$iter" "$(hex_b64 "$salt")" \
	    "$(hex_bin "$ck" | openssl dgst -sha256 -binary | openssl base64 -A)" \
	    "$(hex_b64 "$sk")"
}
hex_bin() { printf "$(printf '%s' "$1" | sed 's/../\\x&/g')"; }
hex_b64() { hex_bin "$1" | openssl base64 -A; }

set_role_passwords() {
	[ -z "$DB_HOST" ] || [ "$DB_INIT" = 1 ] || { write_userlist; return; }
	local app_verifier
	app_verifier=$(scram_verifier "$APP_DB_PASSWORD" 16)
	case $app_verifier in SCRAM-SHA-256\$16:*:*) ;; *) die "could not compute a SCRAM verifier" ;; esac
	psql_pg -d renrakucho <<-EOF
	DO \$\$BEGIN
	  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'renrakucho_app') THEN
	    CREATE ROLE renrakucho_app LOGIN;
	  END IF;
	  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'renrakucho_auditor') THEN
	    CREATE ROLE renrakucho_auditor LOGIN;
	  END IF;
	END\$\$;
	SET password_encryption = 'scram-sha-256';
	ALTER ROLE renrakucho_app LOGIN PASSWORD '$app_verifier';
	ALTER ROLE renrakucho_auditor LOGIN PASSWORD '$AUDITOR_DB_PASSWORD';
	ALTER ROLE renrakucho_signer LOGIN PASSWORD '$SIGNER_DB_PASSWORD';
	EOF
	# Over TCP (a cluster) the jobs' role needs a password too.
	[ -z "$DB_HOST" ] ||
	    psql_pg -d renrakucho -c "ALTER ROLE renrakucho_jobs PASSWORD '$JOBS_DB_PASSWORD'"
	write_userlist
}

# pgbouncer's auth_file.  With PostgreSQL on this host, the SCRAM
# verifiers, not the passwords: pgbouncer reaches the server on its
# private socket, which trusts it.  With PostgreSQL elsewhere (DB_HOST)
# pgbouncer logs in over TCP as the role the client named, and a
# verifier alone cannot answer the server's challenge for a client it
# trusted on the socket: the passwords (the file is postgres's, 0600).
write_userlist() {
	local ul=$PGB_DIR/userlist.txt
	if [ -n "$DB_HOST" ]; then
		printf '"%s" "%s"\n' renrakucho_app "$APP_DB_PASSWORD" \
		    renrakucho_auditor "$AUDITOR_DB_PASSWORD" \
		    renrakucho_jobs "$JOBS_DB_PASSWORD" \
		    renrakucho_signer "$SIGNER_DB_PASSWORD" > "$ul.tmp"
	else
		psql_pg -d renrakucho -tA -F ' ' -c "SELECT '\"' || rolname || '\"', '\"' || rolpassword || '\"' FROM pg_authid WHERE rolname IN ('renrakucho_app', 'renrakucho_auditor', 'renrakucho_signer') ORDER BY 1" \
		    > "$ul.tmp"
		[ "$(grep -c SCRAM-SHA-256 "$ul.tmp")" = 3 ] || die "could not read the SCRAM verifiers"
		# The jobs' role: trusted on the socket only
		# (pgbouncer_hba.conf.in), refused over TCP; pgbouncer knows
		# only users listed here.
		printf '"renrakucho_jobs" ""\n' >> "$ul.tmp"
	fi
	chown postgres:postgres "$ul.tmp"
	chmod 0600 "$ul.tmp"
	mv -f "$ul.tmp" "$ul"
}

start_pgbouncer() {
	local pid
	render pgbouncer.ini.in "$PGB_DIR/pgbouncer.ini" 0644 root:root
	render pgbouncer_hba.conf.in "$PGB_DIR/pgbouncer_hba.conf" 0644 root:root
	if pid=$(ours "$PGB_DIR/pgbouncer.pid" pgbouncer); then
		kill -HUP "$pid"	# re-read the ini and userlist.txt
	else
		log "starting pgbouncer"
		rm -f "$PGB_DIR/pgbouncer.pid"
		as_pg "$PGBOUNCER_BIN" -d -q "$PGB_DIR/pgbouncer.ini" ||
		    die "pgbouncer did not start, see $LOG_DIR/pgbouncer.log"
		wait_for -S "$PGB_SOCKET_DIR/.s.PGSQL.$PGB_PORT" ||
		    die "no pgbouncer socket, see $LOG_DIR/pgbouncer.log"
	fi
}

stop_fcgiwrap() {
	local pid
	if pid=$(ours "$RUN_DIR/run/fcgiwrap.pid" fcgiwrap); then
		# Its own process group (setsid): the preforked children too.
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
		wait_gone "$pid" 10 || kill -KILL -- "-$pid" 2>/dev/null || true
	fi
	rm -f "$RUN_DIR/run/fcgiwrap.pid" "$FCGI_SOCKET"
}

# install_cgis: CGI_DIR becomes a copy of what `make install` put in
# CGI_SRC.  A copy, because PREFIX may be inside a tree that only root
# can enter, and the CGIs' user must exec them.
install_cgis() {
	local f new=$CGI_DIR.new
	rm -rf "$new"
	mkdir_as "$new" 0755 root:root
	for f in "$CGI_SRC"/*; do
		[ -f "$f" ] && [ -x "$f" ] || continue
		install -m 0755 -o root -g root "$f" "$new/"
	done
	rm -rf "$CGI_DIR"
	mv "$new" "$CGI_DIR"
}

# fcgiwrap is restarted on every start: it is cheap, and its -p list (the
# only programs it will run) must follow what `make install` put in
# CGI_SRC.  It runs as the CGIs' own user with a clean environment, so
# nothing from root's shell reaches a CGI.  Its socket is made 0660
# $CGI_USER:www-data before nginx uses it: nginx's workers (www-data)
# reach the CGIs, no other user does.
start_fcgiwrap() {
	local allow=() f
	stop_fcgiwrap
	install_cgis
	for f in "$CGI_DIR"/*; do
		[ -f "$f" ] && [ -x "$f" ] && allow+=(-p "$f")
	done
	[ ${#allow[@]} -gt 0 ] || allow=(-p "$CGI_DIR/.none")
	log "starting fcgiwrap as $CGI_USER ($(( ${#allow[@]} / 2 )) programs)"
	(
		cd /
		umask 0077
		exec env -i PATH=/usr/bin:/bin LANG=C.UTF-8 "${SAN_ENV[@]}" \
		    setsid setpriv --reuid="$CGI_USER" --regid="$CGI_USER" --init-groups \
		    -- "$FCGIWRAP_BIN" -c 4 "${allow[@]}" -s "unix:$FCGI_SOCKET" \
		    < /dev/null >> "$LOG_DIR/fcgiwrap.log" 2>&1
	) &
	echo $! > "$RUN_DIR/run/fcgiwrap.pid"
	wait_for -S "$FCGI_SOCKET" ||
	    die "no fcgiwrap socket, see $LOG_DIR/fcgiwrap.log"
	chown "$CGI_USER:www-data" "$FCGI_SOCKET"
	chmod 0660 "$FCGI_SOCKET"
}

admin() {
	# shellcheck disable=SC2086
	$ADMIN_BIN --conf "$APP_CONF" "$@"
}

# --- jobs ------------------------------------------------------------
# What the package's timers run: mail delivery within seconds, the CRL
# and the purges on a longer period.  Mail delivery and the purges run as
# the package's timers run them: as the CGIs' user, logged in as the
# jobs' role renrakucho_jobs (db_jobs_dsn: pgbouncer's socket, which only
# that user reaches, in session mode for that role), with a copy of the
# admin CLI in bin/ (PREFIX may be where only root can enter).  The CRL
# is written as root with db_owner_dsn.  One loop, in its own process
# group, `stack.sh jobs DIR`.
JOBS_ADMIN_NAME=renrakucho-admin

# jobs_admin VERB...: a routine verb as the timers run it.
jobs_admin() {
	setpriv --reuid="$CGI_USER" --regid="$CGI_USER" --init-groups -- \
	    "$RUN_DIR/bin/$JOBS_ADMIN_NAME" --conf "$APP_CONF" "$@"
}

stop_jobs() {
	local pid
	if pid=$(ours "$JOBS_PID" bash); then
		kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid"
		wait_gone "$pid" 10 || kill -KILL -- "-$pid" 2>/dev/null || true
	fi
	rm -f "$JOBS_PID"
}

start_jobs() {
	stop_jobs
	[ "$STACK_JOBS" = 1 ] || { log "jobs off (STACK_JOBS=$STACK_JOBS)"; return 0; }
	install -m 0755 -o root -g root "${ADMIN_BIN%% *}" \
	    "$RUN_DIR/bin/$JOBS_ADMIN_NAME"
	log "starting the jobs (mail every 5 s, CRL, purges, the audit seal and the certificates' expiry notices every ${STACK_JOBS_PERIOD} s)"
	(
		cd /
		exec env -i PATH=/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8 "${SAN_ENV[@]}" \
		    PREFIX="$PREFIX" RENRAKUCHO_ADMIN="$ADMIN_BIN" \
		    STACK_JOBS_PERIOD="$STACK_JOBS_PERIOD" \
		    setsid bash "$CONF_SRC/stack.sh" jobs "$RUN_DIR" \
		    < /dev/null >> "$LOG_DIR/jobs.log" 2>&1
	) &
	echo $! > "$JOBS_PID"
}

# The loop itself; a run's output is logged when it did something.
run_jobs() {
	local n=0 every out
	every=$(( STACK_JOBS_PERIOD / 5 ))
	[ "$every" -ge 1 ] || every=1
	trap 'exit 0' TERM INT
	while :; do
		if ! out=$(jobs_admin mail deliver 2>&1); then
			log "$(date -u +%FT%TZ) mail deliver failed: $out"
		elif [ "$out" != 'sent 0, failed 0, gave up 0' ]; then
			log "$(date -u +%FT%TZ) mail deliver: $out"
		fi
		n=$((n + 1))
		if [ $((n % every)) = 0 ]; then
			out=$( { admin crl update && jobs_admin session purge &&
			    jobs_admin pickup purge && jobs_admin mail purge &&
			    jobs_admin audit partitions; } 2>&1) ||
			    log "$(date -u +%FT%TZ) crl/purge failed: $out"
			out=$(jobs_admin audit seal 2>&1) ||
			    log "$(date -u +%FT%TZ) audit seal failed: $out"
			# Daily in the package; here on the same period
			# (each notice goes once however often it runs).
			out=$(jobs_admin cert expiry-notice 2>&1) ||
			    log "$(date -u +%FT%TZ) cert expiry-notice failed: $out"
		fi
		sleep 5 &
		wait $! || true
	done
}

# --- the signer --------------------------------------------------------
# renrakucho-signer runs as its own user with the CA directory, which no
# other user enters; it reaches PostgreSQL through pgbouncer's TCP
# listener as renrakucho_signer (SCRAM, the password in its pgpass).

as_signer() {
	(cd / && setpriv --reuid="$SIGNER_USER" --regid="$SIGNER_USER" \
	    --init-groups -- "$@")
}

stop_signer() {
	local pid
	if pid=$(ours "$SIGNER_PID" renrakucho-signer); then
		kill -TERM "$pid"
		wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$SIGNER_PID" "$SIGNER_SOCKET"
}

# The CA: made by the signer when absent (a stack from before the signer
# had its key in ca/: it moves into the signer's directory), its
# certificate copied where nginx reads it; the server certificate signed
# by the signer for a key root makes and keeps.
setup_ca() {
	if [ "${SIGNER_RELAY%% *}" = connect ]; then
		# A further node: the first node's CA certificate, server
		# certificate and key, copied into ca/ as an operator copies
		# /etc/renrakucho/tls; no CA key here.
		local f
		for f in ca.crt server.crt server.key seal.pub; do
			[ -s "$CA_DIR/$f" ] || die "no $CA_DIR/$f (copy the first node's)"
		done
		return 0
	fi
	# Stopped before its binary is replaced: a running signer whose
	# executable is gone no longer looks like ours (see ours).
	stop_signer
	install -m 0755 -o root -g root "$SIGNER_SRC" "$SIGNER_BIN"
	if [ -f "$CA_DIR/ca.key" ] && [ ! -f "$SIGNER_CA_DIR/ca.key" ]; then
		log "moving the CA key into $SIGNER_CA_DIR"
		install -m 0600 -o "$SIGNER_USER" -g "$SIGNER_USER" "$CA_DIR/ca.key" "$SIGNER_CA_DIR/ca.key"
		install -m 0644 -o "$SIGNER_USER" -g "$SIGNER_USER" "$CA_DIR/ca.crt" "$SIGNER_CA_DIR/ca.crt"
	fi
	rm -f "$CA_DIR/ca.key"
	if [ ! -f "$SIGNER_CA_DIR/ca.crt" ]; then
		log "creating the CA"
	fi
	as_signer "$SIGNER_BIN" init --ca-dir "$SIGNER_CA_DIR" \
	    --cn "renrakucho demo CA" > /dev/null || die "renrakucho-signer init failed"
	install -m 0644 -o root -g root "$SIGNER_CA_DIR/ca.crt" "$CA_DIR/ca.crt"
	# The seals' public key, where auditors find it (tls_dir).
	install -m 0644 -o root -g root "$SIGNER_CA_DIR/seal.pub" "$CA_DIR/seal.pub"
	if [ ! -f "$CA_DIR/server.crt" ] || [ ! -f "$CA_DIR/server.key" ] ||
	    ! openssl verify -CAfile "$CA_DIR/ca.crt" "$CA_DIR/server.crt" > /dev/null 2>&1; then
		log "issuing the server certificate"
		(umask 077; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
		    -out "$CA_DIR/server.key.tmp" 2> /dev/null) || die "no server key"
		openssl pkey -in "$CA_DIR/server.key.tmp" -pubout |
		    as_signer "$SIGNER_BIN" server-cert --ca-dir "$SIGNER_CA_DIR" \
		    --san "$SERVER_SAN" > "$CA_DIR/server.crt.tmp" ||
		    die "renrakucho-signer server-cert failed"
		chmod 0644 "$CA_DIR/server.crt.tmp"
		mv -f "$CA_DIR/server.key.tmp" "$CA_DIR/server.key"
		mv -f "$CA_DIR/server.crt.tmp" "$CA_DIR/server.crt"
	fi
	chmod 0600 "$CA_DIR/server.key"
	local f
	for f in ca.crt server.crt server.key; do
		[ -s "$CA_DIR/$f" ] || die "no $CA_DIR/$f"
	done
}

start_signer() {
	local pp=$SIGNER_DIR/pgpass
	stop_signer
	stop_relay
	if [ "${SIGNER_RELAY%% *}" = connect ]; then
		start_relay
		return
	fi
	(
		umask 077
		printf '%s:%s:renrakucho:renrakucho_signer:%s\n' \
		    "$PGB_ADDR" "$PGB_PORT" "$SIGNER_DB_PASSWORD" > "$pp.tmp"
	)
	chown "$SIGNER_USER:$SIGNER_USER" "$pp.tmp"
	mv -f "$pp.tmp" "$pp"
	touch "$LOG_DIR/signer.log"
	chown "$SIGNER_USER:$SIGNER_USER" "$LOG_DIR/signer.log"
	chmod 0640 "$LOG_DIR/signer.log"
	log "starting renrakucho-signer as $SIGNER_USER"
	(
		cd /
		exec env -i PATH=/usr/bin:/bin LANG=C.UTF-8 "${SAN_ENV[@]}" \
		    setsid setpriv --reuid="$SIGNER_USER" --regid="$SIGNER_USER" --init-groups \
		    -- "$SIGNER_BIN" serve --ca-dir "$SIGNER_CA_DIR" \
		    --dsn "host=$PGB_ADDR port=$PGB_PORT dbname=renrakucho user=renrakucho_signer passfile=$pp" \
		    --listen "$SIGNER_SOCKET" \
		    < /dev/null >> "$LOG_DIR/signer.log" 2>&1
	) &
	echo $! > "$SIGNER_PID"
	wait_for -S "$SIGNER_SOCKET" ||
	    die "no signer socket, see $LOG_DIR/signer.log"
	# As systemd's SocketGroup= makes it: the CGIs' group may connect.
	chown "$SIGNER_USER:$CGI_USER" "$SIGNER_SOCKET"
	chmod 0660 "$SIGNER_SOCKET"
	[ -z "$SIGNER_RELAY" ] || start_relay
}

# --- the signer's relay (a cluster: one signer for every node) ----------
# socat, as the CGIs' user, with the nodes' own TLS certificates (both
# ends verify the other against RELAY_TLS_DIR/ca.crt).  "listen": TLS on
# ADDR:PORT to the signer's socket; "connect": the signer's socket path
# here, each connection relayed to the listening node.  The signer still
# checks every SIGN against the issuance recorded in the database.

stop_relay() {
	local pid
	if pid=$(ours "$RELAY_PID" socat); then
		kill -TERM "$pid"
		wait_gone "$pid" 10 || kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$RELAY_PID"
}

start_relay() {
	local mode=${SIGNER_RELAY%% *} to=${SIGNER_RELAY#* } t=$RELAY_TLS_DIR
	local tls="cert=$t/node.crt,key=$t/node.key,cafile=$t/ca.crt,verify=1"
	local a b
	case $mode in
	listen)
		a="OPENSSL-LISTEN:${to##*:},bind=${to%:*},fork,reuseaddr,$tls"
		b="UNIX-CONNECT:$SIGNER_SOCKET" ;;
	connect)
		rm -f "$SIGNER_SOCKET"
		a="UNIX-LISTEN:$SIGNER_SOCKET,fork,unlink-early,mode=0660"
		# The nodes' certificates name no host: the peer is known by
		# its certificate alone.
		b="OPENSSL:$to,$tls,commonname=renrakucho-node,connect-timeout=5" ;;
	*)
		die "SIGNER_RELAY: \"listen ADDR:PORT\" or \"connect ADDR:PORT\"" ;;
	esac
	touch "$LOG_DIR/relay.log"
	chown "$CGI_USER:$CGI_USER" "$LOG_DIR/relay.log"
	log "starting the signer's relay ($SIGNER_RELAY)"
	(
		cd /
		exec env -i PATH=/usr/bin:/bin setsid setpriv --reuid="$CGI_USER" \
		    --regid="$CGI_USER" --init-groups -- "$SOCAT_BIN" -lf "$LOG_DIR/relay.log" \
		    "$a" "$b" < /dev/null
	) &
	echo $! > "$RELAY_PID"
	if [ "$mode" = connect ]; then
		wait_for -S "$SIGNER_SOCKET" || die "no relay socket, see $LOG_DIR/relay.log"
	else
		sleep 0.3
		ours "$RELAY_PID" socat > /dev/null || die "the relay did not start, see $LOG_DIR/relay.log"
	fi
}

# A fresh nextUpdate on every start (an expired CRL locks everyone out).
write_crl() {
	admin crl update > /dev/null || die "crl update failed"
	[ -s "$CRL_FILE" ] || die "the admin CLI did not write $CRL_FILE"
}

# proxy_protocol FILE...: behind a TCP balancer (PROXY_FROM) that passes
# TLS through, the client's address comes in the PROXY protocol header:
# the rate limits, the access log and the CGIs' REMOTE_ADDR (the audit
# trail) see the browser, not the balancer.  Accepted from the balancer
# alone.
proxy_protocol() {
	local f
	for f in "$@"; do
		sed -i -e "s|^\(\tlisten [^;]*\) ssl;|\1 ssl proxy_protocol;\n\tset_real_ip_from $PROXY_FROM;\n\treal_ip_header proxy_protocol;|" "$f"
		grep -q 'real_ip_header proxy_protocol;' "$f" || die "$f: no listen line for the PROXY protocol"
	done
}

nginx_args() {
	echo -p "$NGINX_DIR/" -c "$NGINX_DIR/nginx.conf" -e "$LOG_DIR/nginx-error.log"
}

start_nginx() {
	local pid
	render renrakucho-headers.conf.in "$NGINX_DIR/renrakucho-headers.conf" 0644
	render renrakucho-fastcgi.conf.in "$NGINX_DIR/renrakucho-fastcgi.conf" 0644
	render renrakucho-fastcgi-client.conf.in "$NGINX_DIR/renrakucho-fastcgi-client.conf" 0644
	render renrakucho-app.conf.in "$NGINX_DIR/renrakucho-app.conf" 0644
	render renrakucho-portal.conf.in "$NGINX_DIR/renrakucho-portal.conf" 0644
	[ -z "$PROXY_FROM" ] || proxy_protocol "$NGINX_DIR/renrakucho-app.conf" \
	    "$NGINX_DIR/renrakucho-portal.conf"
	render nginx.conf.in "$NGINX_DIR/nginx.conf" 0644
	render cert-error.html.in "$NGINX_DIR/errors-root/.rk-error/cert.html" 0644
	render cert-none.html.in "$NGINX_DIR/errors-root/.rk-error/cert-none.html" 0644
	render error-429.html.in "$NGINX_DIR/errors-root/.rk-error/429.html" 0644
	render error-413.html.in "$NGINX_DIR/errors-root/.rk-error/413.html" 0644
	render error-414.html.in "$NGINX_DIR/errors-root/.rk-error/414.html" 0644
	render error-404.html.in "$NGINX_DIR/errors-root/.rk-error/404.html" 0644
	# shellcheck disable=SC2046
	"$NGINX_BIN" -q -t $(nginx_args) 2> "$LOG_DIR/nginx-test.log" ||
	    die "nginx -t failed: $(cat "$LOG_DIR/nginx-test.log")"
	if pid=$(ours "$RUN_DIR/run/nginx.pid" nginx); then
		kill -HUP "$pid"
	else
		log "starting nginx"
		# shellcheck disable=SC2046
		"$NGINX_BIN" $(nginx_args) || die "nginx did not start, see $LOG_DIR/nginx-error.log"
		wait_for -s "$RUN_DIR/run/nginx.pid" || die "nginx wrote no pid file"
	fi
}

write_scripts() {
	render capture-mail.sh.in "$RUN_DIR/bin/capture-mail" 0755
	render reload-nginx.sh.in "$RUN_DIR/bin/reload-nginx" 0755
}

# sq VALUE: VALUE in single quotes (it must not contain one).
sq() {
	case $1 in *"'"*) die "quote in value: $1" ;; esac
	printf "'%s'" "$1"
}

write_stack_env() {
	local f=$RUN_DIR/stack.env
	(
		umask 077
		{
			echo "# The local stack in $RUN_DIR (conf/stack.sh); shell syntax."
			echo "APP_URL=$(sq "$APP_URL")"
			echo "PORTAL_URL=$(sq "$PORTAL_URL")"
			echo "CA_CERT=$(sq "$CA_DIR/ca.crt")"
			echo "APP_DSN=$(sq "host=$PGB_SOCKET_DIR port=$PGB_PORT dbname=renrakucho user=renrakucho_app password=$APP_DB_PASSWORD")"
			echo "OWNER_DSN=$(sq "$OWNER_DSN")"
			echo "AUDITOR_DSN=$(sq "host=$PGB_SOCKET_DIR port=$PGB_PORT dbname=renrakucho user=renrakucho_auditor password=$AUDITOR_DB_PASSWORD")"
			echo "JOBS_DSN=$(sq "host=$PGB_SOCKET_DIR port=$PGB_PORT dbname=renrakucho user=renrakucho_jobs")"
			echo "# The admin CLI with its configuration: run it as \$ADMIN VERB ..."
			echo "ADMIN=$(sq "$ADMIN_BIN --conf $APP_CONF")"
			echo "RUN_DIR=$(sq "$RUN_DIR")"
			echo "MAIL_DIR=$(sq "$RUN_DIR/mail")"
			echo "STACK_LOG_DIR=$(sq "$LOG_DIR")"
			echo "MUNICIPALITY_CODE=$(sq "$MUNICIPALITY_CODE")"
			echo "MUNICIPALITY_NAME=$(sq "$MUNICIPALITY_NAME")"
		} > "$f.tmp"
		mv -f "$f.tmp" "$f"
	)
}

# node.env: a cluster node's settings, read again by stop and status.
write_node_env() {
	local v
	for v in DB_HOST DB_PORT DB_OWNER_PASSFILE SIGNER_RELAY; do
		echo "$v=$(sq "${!v}")"
	done > "$RUN_DIR/node.env"
}

# demo.env = stack.env + seed.env (accounts, written by conf/seed.sh).
write_demo_env() {
	local f=$RUN_DIR/demo.env
	[ -f "$RUN_DIR/stack.env" ] || die "no $RUN_DIR/stack.env: start the stack first"
	(
		umask 077
		cat "$RUN_DIR/stack.env" > "$f.tmp"
		if [ -f "$RUN_DIR/seed.env" ]; then
			cat "$RUN_DIR/seed.env" >> "$f.tmp"
		fi
		mv -f "$f.tmp" "$f"
	)
}

cmd_start() {
	[ "$(id -u)" = 0 ] || die "start needs root (PostgreSQL runs as postgres, CGIs as $CGI_USER)"
	set_prefix_paths
	find_bins
	ensure_cgi_user
	ensure_signer_user
	make_layout
	load_secrets
	set_vars
	write_scripts
	write_app_conf
	log "rendering the site into $WWW_DIR"
	bash "$CONF_SRC/render-site.sh" "$APP_CONF" "$WWW_SRC" "$WWW_DIR"
	if [ -z "$DB_HOST" ]; then
		start_postgres
	fi
	if [ "$DB_INIT" = 1 ]; then
		create_db
		log "migrate"
		admin migrate
	fi
	set_role_passwords
	start_pgbouncer
	start_fcgiwrap
	setup_ca
	start_signer
	write_crl
	start_nginx
	start_jobs
	write_stack_env
	write_node_env
	write_demo_env
	log "up: app $APP_URL/ portal $PORTAL_URL/ (env: $RUN_DIR/demo.env)"
}

cmd_stop() {
	local pid
	stop_jobs
	if pid=$(ours "$RUN_DIR/run/nginx.pid" nginx); then
		log "stopping nginx"
		kill -QUIT "$pid"
		wait_gone "$pid" 10 || { kill -TERM "$pid"; wait_gone "$pid" 5 || true; }
	fi
	stop_fcgiwrap
	stop_relay
	stop_signer
	if pid=$(ours "$PGB_DIR/pgbouncer.pid" pgbouncer); then
		log "stopping pgbouncer"
		kill -TERM "$pid"
		wait_gone "$pid" 10 || true
	fi
	if [ -f "$PGDATA/PG_VERSION" ] && pg_running; then
		log "stopping PostgreSQL"
		as_pg "$PGBIN/pg_ctl" stop -w -m fast -D "$PGDATA" > /dev/null
	fi
}

cmd_status() {
	local bad=0 pid
	if [ -n "$DB_HOST" ]; then
		echo "postgres: elsewhere ($DB_HOST:$DB_PORT)"
	elif [ -f "$PGDATA/PG_VERSION" ] && pg_running; then
		echo "postgres: running"
	else
		echo "postgres: stopped"; bad=1
	fi
	local signer="renrakucho-signer $SIGNER_PID"
	[ "${SIGNER_RELAY%% *}" != connect ] || signer="socat $RELAY_PID"
	for s in "pgbouncer $PGB_DIR/pgbouncer.pid" \
	    "fcgiwrap $RUN_DIR/run/fcgiwrap.pid" "nginx $RUN_DIR/run/nginx.pid" \
	    "$signer"; do
		set -- $s
		if pid=$(ours "$2" "$1"); then
			echo "$1: running (pid $pid)"
		else
			echo "$1: stopped"; bad=1
		fi
	done
	if pid=$(ours "$JOBS_PID" bash); then
		echo "jobs: running (pid $pid)"
	else
		echo "jobs: stopped"
	fi
	[ $bad = 0 ] || return 3
}

[ $# = 2 ] || usage
case $1 in
start)
	prepare_dir "$2"
	set_paths
	cmd_start
	;;
stop|status|env|jobs)
	[ -e "$2" ] || die "no stack in $2"
	RUN_DIR=$(readlink -f "$2")
	# shellcheck disable=SC1091
	[ ! -f "$RUN_DIR/node.env" ] || . "$RUN_DIR/node.env"
	set_paths
	if [ "$1" = env ]; then
		write_demo_env
	elif [ "$1" = jobs ]; then
		# Started by start_jobs, not by hand.
		set_prefix_paths
		run_jobs
	else
		[ "$(id -u)" = 0 ] || die "$1 needs root"
		find_bins
		"cmd_$1"
	fi
	;;
*)
	usage
	;;
esac
