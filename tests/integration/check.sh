#!/bin/bash
# renrakucho-admin check [--prometheus FILE]: on the test stack every item
# is ok and it exits 0; a mail stuck for two hours, or one given up,
# turns the mail line to FAIL and the exit status to 1; the prometheus
# file carries the same, with the CRL's nextUpdate, the certificates'
# notAfter and the outbox's counts as they are; a CRL near or past its
# nextUpdate, and a certificate near its end, are reported.  The cluster
# item: the stack's one server is the primary, reached on a local
# socket, with no standby; with cluster_sync_standbys = 1 it fails,
# naming what is missing.  Runs with demo.env sourced.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"
conf=${ADMIN##*--conf }
BIN=${ADMIN%% --conf *}
SCHEMA=$(sed -n 's/^schema_dir *= *//p' "$conf")
CA=$(sed -n 's/^tls_dir *= *//p' "$conf")
CRL=$(sed -n 's/^crl_file *= *//p' "$conf")
SOCK=$(sed -n 's/^signer_socket *= *//p' "$conf")
PROM=$TEST_TMP/renrakucho.prom
TAG=check-$$@example.jp
trap 'psql_owner "DELETE FROM renrakucho.mail_outbox WHERE to_addr = '"'$TAG'"'" > /dev/null; rm -rf "$TEST_TMP"' EXIT

# The stack runs no jobs: mail other tests queued waits, counted alike.
waiting() { psql_owner "SELECT count(*) FROM renrakucho.mail_outbox WHERE sent_at IS NULL AND next_attempt_at <> 'infinity'"; }
gaveup() { psql_owner "SELECT count(*) FROM renrakucho.mail_outbox WHERE sent_at IS NULL AND next_attempt_at = 'infinity'"; }
epoch() { date -u -d "$1" +%s; }
crl_next() { epoch "$(openssl crl -in "$1" -noout -nextupdate | cut -d= -f2)"; }
not_after() { epoch "$(openssl x509 -in "$1" -noout -enddate | cut -d= -f2)"; }
nfiles=$(cd "$SCHEMA" && ls base.sql [0-9]*.sql functions/*.sql | wc -l)

# --- all well ---------------------------------------------------------------
out=$($ADMIN check --prometheus "$PROM" 2>&1)
is "$?" 0 'check exits 0 on the test stack'
is "$(printf '%s\n' "$out" | grep -c .)" 7 'one line per item'
is "$(printf '%s\n' "$out" | sed -n 1p)" "ok   database: reachable, migrated ($nfiles files)" \
    'the database is reachable and migrated, with the number of schema files'
is "$(printf '%s\n' "$out" | sed -n 2p)" 'ok   cluster: primary local socket, single server (no standby)' \
    'the cluster: the primary, on a local socket (pgbouncer to PostgreSQL), no standby'
is "$(printf '%s\n' "$out" | sed -n 3p)" "ok   signer: answers on $SOCK" 'the signer answers'
like "$out" "^ok   crl: $CRL: next update [0-9-]+ [0-9:]+ UTC \(in [0-9]+ days\)\$" 'the CRL line'
like "$out" "^ok   server_cert: $CA/server.crt: expires " 'the server certificate line'
like "$out" "^ok   ca_cert: $CA/ca.crt: expires " 'the CA certificate line'
like "$out" "^ok   mail: $(waiting) waiting \(the oldest for [0-9]+ s\), $(gaveup) given up \(0 in the last 7 days\)\$" \
    'the mail line'
unlike "$out" '^(WARN|FAIL)' 'nothing is wrong'

# The file: exact values, read the same way.
val() { sed -n "s/^$1 //p" "$PROM"; }
for item in database cluster signer crl server_cert ca_cert mail; do
	is "$(val "renrakucho_check_ok{item=\"$item\"}")" 1 "prometheus: $item ok"
done
is "$(val renrakucho_crl_next_update_seconds)" "$(crl_next "$CRL")" \
    "prometheus: the CRL's nextUpdate"
is "$(val 'renrakucho_cert_not_after_seconds{cert="server"}')" "$(not_after "$CA/server.crt")" \
    "prometheus: the server certificate's notAfter"
is "$(val 'renrakucho_cert_not_after_seconds{cert="ca"}')" "$(not_after "$CA/ca.crt")" \
    "prometheus: the CA certificate's notAfter"
is "$(val renrakucho_schema_files)" "$nfiles" 'prometheus: the schema files'
is "$(val renrakucho_schema_unapplied_files)" 0 'prometheus: none unapplied'
is "$(val renrakucho_mail_waiting)" "$(waiting)" 'prometheus: mail waiting'
is "$(val renrakucho_mail_abandoned)" "$(gaveup)" 'prometheus: mail given up'
is "$(val renrakucho_cluster_standbys)" 0 'prometheus: no standby'
is "$(val renrakucho_cluster_sync_standbys)" 0 'prometheus: no synchronous standby'
is "$(val renrakucho_cluster_replay_lag_bytes)" 0 'prometheus: no replay lag'
is "$(grep -c '^# TYPE renrakucho_[a-z_]* gauge$' "$PROM")" 12 'prometheus: twelve gauges, typed'
is "$(grep -vc '^#' "$PROM")" 19 'prometheus: nineteen samples'
ok 'prometheus: no temporary file left' test ! -e "$PROM.tmp"
is "$(stat -c %a "$PROM")" 644 'prometheus: readable by node_exporter'

# --- a mail stuck for two hours ---------------------------------------------
w=$(waiting)
psql_owner "INSERT INTO renrakucho.mail_outbox (to_addr, subject, body, created_at)
    VALUES ('$TAG', 'stuck', 'b', now() - interval '2 hours')" > /dev/null
out=$($ADMIN check --prometheus "$PROM" 2>&1)
is "$?" 1 'a stuck mail: check exits 1'
like "$out" "^FAIL mail: $((w + 1)) waiting \(the oldest for 720[0-9] s\), " 'the mail line says FAIL, how many, how long'
like "$out" '^ok   database: ' 'the other items stay ok'
is "$(val 'renrakucho_check_ok{item="mail"}')" 0 'prometheus: mail not ok'
is "$(val renrakucho_mail_waiting)" "$((w + 1))" 'prometheus: one more waiting'
like "$(val renrakucho_mail_oldest_waiting_seconds)" '^720[0-9]$' 'prometheus: the oldest waits two hours'
psql_owner "DELETE FROM renrakucho.mail_outbox WHERE to_addr = '$TAG'" > /dev/null

# --- a mail given up ---------------------------------------------------------
g=$(gaveup)
psql_owner "INSERT INTO renrakucho.mail_outbox (to_addr, subject, body, attempts, next_attempt_at, last_error)
    VALUES ('$TAG', 'gave up', 'b', 10, 'infinity', 'gave up')" > /dev/null
out=$($ADMIN check --prometheus "$PROM" 2>&1)
is "$?" 1 'a mail given up: check exits 1'
like "$out" "^FAIL mail: [0-9]+ waiting .*, $((g + 1)) given up \(1 in the last 7 days\)\$" 'the mail line counts it'
is "$(val renrakucho_mail_abandoned)" "$((g + 1))" 'prometheus: one more given up'
psql_owner "DELETE FROM renrakucho.mail_outbox WHERE to_addr = '$TAG'" > /dev/null
$ADMIN check > /dev/null 2>&1
is "$?" 0 'once it is gone, check exits 0 again'

# --- a CRL near or past its nextUpdate, certificates near their end ---------
# A throwaway CA of the test's own: its CRLs, a CA certificate of one
# day and a server certificate of twenty.
T=$TEST_TMP/ca
mkdir -p "$T/dir"
: > "$T/index.txt"
echo 01 > "$T/crlnumber"
printf '[ca]\ndefault_ca = t\n[t]\ndatabase = %s/index.txt\ncrlnumber = %s/crlnumber\ndefault_md = sha256\n' \
    "$T" "$T" > "$T/ca.cnf"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/ca.key" \
    -out "$T/dir/ca.crt" -subj /CN=check-test -days 1 2> /dev/null || bail 'openssl req'
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/srv.key" \
    -out "$T/dir/server.crt" -subj /CN=server -days 20 2> /dev/null || bail 'openssl req'
gencrl() { openssl ca -config "$T/ca.cnf" -gencrl -keyfile "$T/ca.key" -cert "$T/dir/ca.crt" "$@" 2> /dev/null; }
gencrl -crlhours 2 -out "$T/near.pem" || bail 'openssl ca -gencrl'
gencrl -crl_lastupdate 20200101000000Z -crl_nextupdate 20200102000000Z -out "$T/past.pem" ||
    bail 'openssl ca -gencrl -crl_nextupdate'
gencrl -crlhours 60 -out "$T/soon.pem" || bail 'openssl ca -gencrl'
with() {	# with CRL_FILE: check with the stack's configuration but that CRL and the CA dir
	sed -e "s|^crl_file *=.*|crl_file = $1|" -e "s|^tls_dir *=.*|tls_dir = $T/dir|" "$conf" > "$TEST_TMP/c.conf"
	$BIN --conf "$TEST_TMP/c.conf" check --prometheus "$PROM" 2>&1
}
out=$(with "$T/near.pem")
is "$?" 1 'a CRL two hours from its nextUpdate: check exits 1'
like "$out" "^FAIL crl: $T/near.pem: next update .* \(in [12] h\); nginx refuses every client certificate once it passes" \
    'it says FAIL, when, and what follows'
is "$(val renrakucho_crl_next_update_seconds)" "$(crl_next "$T/near.pem")" 'prometheus: its nextUpdate'
is "$(val 'renrakucho_check_ok{item="crl"}')" 0 'prometheus: crl not ok'
out=$(with "$T/past.pem")
like "$out" "^FAIL crl: $T/past.pem: next update 2020-01-02 00:00:00 UTC \(passed [0-9]+ h ago\)" \
    'a CRL past its nextUpdate: FAIL, passed'
is "$(val renrakucho_crl_next_update_seconds)" 1577923200 'prometheus: that nextUpdate (2020-01-02)'
out=$(with "$T/soon.pem")
like "$out" "^WARN crl: $T/soon.pem: next update .* \(in 2 days\); " 'a CRL 60 hours from it: WARN'
like "$out" "^FAIL ca_cert: $T/dir/ca.crt: expires .* \(in (23|24) h\)\$" 'a CA certificate of one day: FAIL'
like "$out" "^WARN server_cert: $T/dir/server.crt: expires .* \(in (19|20) days\)\$" \
    'a server certificate of twenty days: WARN'
is "$(val 'renrakucho_cert_not_after_seconds{cert="ca"}')" "$(not_after "$T/dir/ca.crt")" \
    "prometheus: that CA certificate's notAfter"
rm "$T/dir/server.crt"
out=$(with "$T/soon.pem")
like "$out" "^FAIL server_cert: $T/dir/server.crt: No such file or directory\$" 'no server certificate: FAIL, named'
is "$(grep -c 'cert="server"' "$PROM")" 0 'prometheus: no notAfter for it'
is "$(val 'renrakucho_check_ok{item="server_cert"}')" 0 'prometheus: server_cert not ok'

# --- a synchronous standby wanted -------------------------------------------
printf 'cluster_sync_standbys = 1\n' | cat "$conf" - > "$TEST_TMP/sync.conf"
out=$($BIN --conf "$TEST_TMP/sync.conf" check --prometheus "$PROM" 2> /dev/null)
is "$?" 1 'cluster_sync_standbys = 1 on a single server: check exits 1'
is "$(printf '%s\n' "$out" | grep '^[A-Za-z ]* cluster: ')" \
    'FAIL cluster: synchronous standby missing: 0 of 1; primary local socket, no standby' \
    'the cluster line says FAIL and what is missing'
like "$out" '^ok   database: ' 'the other items stay ok'
is "$(val 'renrakucho_check_ok{item="cluster"}')" 0 'prometheus: cluster not ok'
printf 'cluster_sync_standbys = 9\n' | cat "$conf" - > "$TEST_TMP/sync9.conf"
out=$($BIN --conf "$TEST_TMP/sync9.conf" check 2>&1)
is "$?" 1 'bad: cluster_sync_standbys = 9 (over 8): the configuration is refused'
like "$out" 'cluster_sync_standbys refused \(0 to 8\)' 'naming the key and its bounds'

# --- no signer -------------------------------------------------------------
sed -e "s|^signer_socket *=.*|signer_socket = $TEST_TMP/nosigner.sock|" "$conf" > "$TEST_TMP/s.conf"
out=$($BIN --conf "$TEST_TMP/s.conf" check --prometheus "$PROM" 2> /dev/null)
is "$?" 1 'no signer: check exits 1'
like "$out" "^FAIL signer: $TEST_TMP/nosigner.sock: " 'the signer line says FAIL and names the socket'
is "$(val 'renrakucho_check_ok{item="signer"}')" 0 'prometheus: signer not ok'
is "$(val 'renrakucho_check_ok{item="database"}')" 1 'prometheus: the database still ok'

# --- no database ------------------------------------------------------------
sed -e "s|^db_jobs_dsn *=.*|db_jobs_dsn = host=$TEST_TMP/nowhere dbname=renrakucho|" "$conf" > "$TEST_TMP/n.conf"
out=$($BIN --conf "$TEST_TMP/n.conf" check --prometheus "$PROM" 2> /dev/null)
is "$?" 1 'no database: check exits 1'
like "$out" '^FAIL database: unreachable$' 'the database line says so'
like "$out" '^FAIL cluster: not checked: no database$' 'the cluster is not checked'
like "$out" '^FAIL mail: not checked: no database$' 'and the mail is not checked'
is "$(val 'renrakucho_check_ok{item="database"}')" 0 'prometheus: database not ok'
is "$(grep -c '^renrakucho_mail_waiting' "$PROM")" 0 'prometheus: no mail count'
like "$(val 'renrakucho_check_ok{item="crl"}')" '^1$' 'prometheus: the CRL still checked'

done_testing
