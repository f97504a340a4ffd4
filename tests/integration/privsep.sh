#!/bin/bash
# Privilege separation in the stack (the layout the Debian package has):
# nginx's workers (www-data) reach the CGIs' fcgiwrap socket and nothing
# else; the CGIs run as renrakucho, which alone reads the configuration
# with the database password and reaches the app's pgbouncer socket and
# the signer's; renrakucho-signer alone reads the CA key.
# Runs with demo.env sourced.
. "$(dirname "$0")/../lib.sh"

CONF=$RUN_DIR/renrakucho.conf
SOCK=$RUN_DIR/run/fcgi/fcgiwrap.sock
PGB_SOCK_DIR=$(printf '%s\n' "$APP_DSN" | sed -n 's/^host=\([^ ]*\) .*/\1/p')

# as USER CMD...: CMD as USER with USER's groups, from / (stderr kept).
as() { local u=$1; shift; (cd / && runuser -u "$u" -- "$@"); }

# --- the configuration: the password is renrakucho's ------------------
is "$(stat -c '%U:%G %a' "$CONF")" 'root:renrakucho 640' 'renrakucho.conf is 0640 root:renrakucho'
out=$(as www-data cat "$CONF" 2>&1); rc=$?
isnt "$rc" 0 'www-data cannot cat renrakucho.conf'
like "$out" 'Permission denied' 'refused by permissions'
unlike "$out" 'db_password' 'and nothing of it is shown'
ok 'renrakucho reads renrakucho.conf' as renrakucho test -r "$CONF"

# --- the CA key: the signer's alone -----------------------------------
CA_KEY=$RUN_DIR/signer/ca/ca.key
ok 'the CA key exists' test -s "$CA_KEY"
is "$(stat -c '%U %a' "$CA_KEY")" 'renrakucho-signer 600' 'ca.key is 0600 renrakucho-signer'
out=$(as renrakucho cat "$CA_KEY" 2>&1); rc=$?
isnt "$rc" 0 'renrakucho (the CGIs) cannot cat the CA key'
like "$out" 'Permission denied' 'refused by permissions'
ok 'www-data cannot read the CA key' bash -c '! (cd / && runuser -u www-data -- test -r "$1")' _ "$CA_KEY"
ok 'renrakucho cannot even list the CA directory' bash -c '! (cd / && runuser -u renrakucho -- ls "$1") 2>/dev/null' _ "$(dirname "$CA_KEY")"
ok 'no CA key where nginx reads the CA certificate' test ! -e "$RUN_DIR/ca/ca.key"
ok 'renrakucho-signer reads the CA key' as renrakucho-signer test -r "$CA_KEY"
ok 'renrakucho cannot read the server key' bash -c '! (cd / && runuser -u renrakucho -- test -r "$1")' _ "$RUN_DIR/ca/server.key"
ok 'renrakucho-signer cannot read the server key' bash -c '! (cd / && runuser -u renrakucho-signer -- test -r "$1")' _ "$RUN_DIR/ca/server.key"

# The CGIs are not even linked with the CA's side of the PKI (lib/pki_ca.c).
if command -v nm > /dev/null; then
	signers=$(for f in "$RUN_DIR"/cgi-bin/*; do
		nm "$f" 2> /dev/null | grep -qE ' T (pki_ca_sign|pki_crl|pki_ca_init)$' && echo "${f##*/}"
	done)
	is "$signers" '' 'no CGI holds code that signs'
	ok 'the signer does' bash -c 'nm "$1" | grep -qE " T pki_ca_sign$"' _ "$RUN_DIR/bin/renrakucho-signer"
else
	skip 'no CGI holds code that signs' 'no nm'
fi

# --- the signer's socket: the CGIs' group only --------------------------
SSOCK=$RUN_DIR/run/signer/signer.sock
is "$(stat -c '%U:%G %a %F' "$SSOCK")" 'renrakucho-signer:renrakucho 660 socket' 'the signer socket is 0660 renrakucho-signer:renrakucho'
is "$(stat -c '%U:%G %a' "$(dirname "$SSOCK")")" 'renrakucho-signer:renrakucho 750' 'its directory is 0750 renrakucho-signer:renrakucho'
ok 'renrakucho reaches the signer socket' as renrakucho test -w "$SSOCK"
ok 'www-data cannot reach the signer socket' bash -c '! (cd / && runuser -u www-data -- test -x "$1/.")' _ "$(dirname "$SSOCK")"

# --- fcgiwrap: its own user, its socket for nginx's group only --------
FPID=$(cat "$RUN_DIR/run/fcgiwrap.pid")
is "$(ps -o user= -p "$FPID" | tr -d ' ')" renrakucho 'fcgiwrap runs as renrakucho'
is "$(ps -o group= -p "$FPID" | tr -d ' ')" renrakucho 'with group renrakucho'
is "$(ps -o user= --ppid "$FPID" | sort -u | tr -d ' ')" renrakucho 'its workers run as renrakucho'
is "$(stat -c '%U:%G %a %F' "$SOCK")" 'renrakucho:www-data 660 socket' 'fcgiwrap socket is 0660 renrakucho:www-data'
is "$(stat -c '%U:%G %a' "$(dirname "$SOCK")")" 'renrakucho:www-data 750' 'its directory is 0750 renrakucho:www-data'
ok 'nobody cannot reach the fcgiwrap socket' bash -c '! (cd / && runuser -u nobody -- test -x "$1/.")' _ "$(dirname "$SOCK")"

# --- nginx: the workers stay www-data ---------------------------------
NPID=$(cat "$RUN_DIR/run/nginx.pid")
is "$(ps -o user= --ppid "$NPID" | sort -u | tr -d ' ')" www-data 'nginx workers run as www-data'
http_get STAFF1 /login
is "$HTTP_STATUS" 200 'and reach the CGIs through the socket'

# --- pgbouncer's socket: renrakucho's only ----------------------------
is "$(stat -c '%G %a' "$PGB_SOCK_DIR")" 'renrakucho 750' "pgbouncer's socket directory is 0750, group renrakucho"
out=$(as www-data psql "${APP_DSN%password=*}" -X -tAc 'select 1' 2>&1); rc=$?
isnt "$rc" 0 "www-data cannot connect to the app's pgbouncer socket"
like "$out" 'Permission denied' 'psql: permission denied'
is "$(as renrakucho psql "${APP_DSN%password=*}" -X -tAc 'select current_user' 2>&1)" \
    renrakucho_app 'renrakucho connects there as the app role'

# --- what the CGIs write is renrakucho's -------------------------------
is "$(stat -c '%U:%G %a' "$MAIL_DIR")" 'renrakucho:renrakucho 750' 'the mail directory is renrakucho'"'"'s'
ok 'the CGIs'"'"' user can write a mail' as renrakucho "$RUN_DIR/bin/capture-mail" < /dev/null
find "$MAIL_DIR" -maxdepth 1 -name '*.eml' -empty -delete
ok 'www-data cannot read the mail' bash -c '! (cd / && runuser -u www-data -- ls "$1") 2>/dev/null' _ "$MAIL_DIR"

# --- the CGIs run from the stack's directory, not from PREFIX ----------
is "$(tr '\0' '\n' < "/proc/$FPID/cmdline" | grep -c "^$RUN_DIR/cgi-bin/")" \
    "$(find "$RUN_DIR/cgi-bin" -maxdepth 1 -type f -perm -u+x | wc -l)" \
    "fcgiwrap's allow-list is the stack's own cgi-bin"

done_testing
