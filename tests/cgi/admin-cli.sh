#!/bin/bash
# The admin CLI against a throwaway PostgreSQL cluster of its own: migrate,
# CA, facility, account (password on stdin, duplicates refused), device
# certificate (PEM serial = database serial, PKCS#12 opens), revocation and
# CRL, the audit trail (written, and append-only).  TAP on stdout.
#
# Needs root (the cluster runs as postgres) and PostgreSQL 15's binaries;
# otherwise it skips.  Environment:
#   ADMIN_BIN   the CLI (default build/renrakucho-admin, from the cwd)
#   SIGNER_BIN  renrakucho-signer (default: beside ADMIN_BIN); it signs
#               the certificates and the CRL from the CA that ca init makes
#   SCHEMA_DIR  the schema: base.sql, deltas, functions/ (default: schema/
#               beside this test's tree)
#   PGBIN       PostgreSQL's bin directory (default /usr/lib/postgresql/15/bin)
set -u

here=$(cd "$(dirname "$0")" && pwd)
ADMIN_BIN=${ADMIN_BIN:-build/renrakucho-admin}
case $ADMIN_BIN in /*) ;; *) ADMIN_BIN=$(pwd)/$ADMIN_BIN ;; esac
SIGNER_BIN=${SIGNER_BIN:-$(dirname "$ADMIN_BIN")/renrakucho-signer}
SCHEMA_DIR=${SCHEMA_DIR:-$here/../../schema}
SCHEMA_DIR=$(cd "$SCHEMA_DIR" 2>/dev/null && pwd) || SCHEMA_DIR=
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}
[ "$(id -u)" = 0 ] || skip_all "needs root to run a cluster as postgres"
[ -x "$PGBIN/initdb" ] || skip_all "no PostgreSQL binaries in $PGBIN"
id postgres > /dev/null 2>&1 || skip_all "no postgres user"
command -v openssl > /dev/null || skip_all "no openssl"
[ -x "$ADMIN_BIN" ] || { echo "Bail out! no admin CLI at $ADMIN_BIN"; exit 1; }
[ -x "$SIGNER_BIN" ] || { echo "Bail out! no signer at $SIGNER_BIN"; exit 1; }
[ -n "$SCHEMA_DIR" ] && [ -f "$SCHEMA_DIR/base.sql" ] ||
    { echo "Bail out! no schema directory"; exit 1; }

# Everything of this run under one directory; the socket directory is
# private, so the port only names the socket and cannot collide.
T=$(mktemp -d /var/tmp/rk-admin-test.XXXXXX) || exit 1
chmod 0755 "$T"
PGDATA=$T/pg
SOCK=$T/sock
PORT=25433
mkdir -p "$PGDATA" "$SOCK" "$T/pglog" "$T/ca-parent" "$T/out"
chown postgres "$PGDATA" "$SOCK" "$T/pglog"
chmod 0700 "$PGDATA"

SIGNER_PID=
cleanup() {
	[ -z "$SIGNER_PID" ] || kill "$SIGNER_PID" 2> /dev/null
	if [ -f "$PGDATA/postmaster.pid" ]; then
		runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate \
		    -w stop > /dev/null 2>&1
	fi
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

n=0 failed=0
ok() {	# ok COND-STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=$((failed + 1))
	fi
}
check() {	# check DESCRIPTION COMMAND...
	local d=$1
	shift
	"$@"
	ok $? "$d"
}
diag() {
	sed 's/^/# /' "$@" >&2
}

runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -E UTF8 \
    --locale=C.UTF-8 -A trust > "$T/initdb.log" 2>&1 ||
    { diag "$T/initdb.log"; echo "Bail out! initdb failed"; exit 1; }
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$T/pglog/pg.log" -w \
    -o "-c listen_addresses='' -c unix_socket_directories=$SOCK -p $PORT" \
    start > /dev/null 2>&1 ||
    { diag "$T/pglog/pg.log"; echo "Bail out! PostgreSQL did not start"; exit 1; }
runuser -u postgres -- "$PGBIN/createdb" -h "$SOCK" -p "$PORT" renrakucho ||
    { echo "Bail out! createdb failed"; exit 1; }

psql_q() {	# one value, unaligned
	"$PGBIN/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h "$SOCK" -p "$PORT" \
	    -U postgres -d renrakucho -c "$1"
}

CONF=$T/renrakucho.conf
CA=$T/ca-parent/ca
CRL=$T/crl.pem
cat > "$CONF" <<EOF
db_owner_dsn = host=$SOCK port=$PORT dbname=renrakucho user=postgres
ca_dir = $CA
crl_file = $CRL
schema_dir = $SCHEMA_DIR
reload_cmd =
cert_days = 30
signer_socket = $T/signer.sock
EOF
admin() {
	SUDO_USER=tester "$ADMIN_BIN" --conf "$CONF" "$@"
}
out=$T/stdout err=$T/stderr

# --- usage ---------------------------------------------------------------
"$ADMIN_BIN" --help > "$out" 2>&1
ok $? "--help exits 0"
check "--help lists the verbs" grep -q "cert revoke" "$out"
"$ADMIN_BIN" --version > "$out"; ok $? "--version exits 0"
"$ADMIN_BIN" cert issue --help > "$out" 2> "$err"
ok $? "cert issue --help exits 0 without a configuration"
check "cert issue --help prints its usage" grep -q -- "--p12 FILE" "$out"
admin facility add --name x --bogus > "$out" 2> "$err"
[ $? = 2 ] && grep -q usage "$err"
ok $? "an unknown option: usage on stderr, exit 2"
admin facility add --name x > "$out" 2> "$err"
[ $? = 2 ] && [ ! -s "$out" ]
ok $? "a missing required option: exit 2"
admin frobnicate > "$out" 2> "$err"
[ $? = 2 ]; ok $? "an unknown verb: exit 2"

# --- migrate ---------------------------------------------------------------
# (The migrate cases on a schema of their own: tests/integration/migrate.sh.)
admin migrate > "$out" 2> "$err"
[ $? = 0 ] && grep -qx "applied base.sql" "$out"
ok $? "migrate applies base.sql" || diag "$err"
admin migrate > "$out" 2> "$err"
[ $? = 0 ] && [ "$(cat "$out")" = "up to date" ]
ok $? "a second migrate is up to date"
schema_files() {	# base.sql, the deltas, functions/*.sql of $1, byte order
	(cd "$1" && ls base.sql [0-9][0-9][0-9]_*.sql functions/*.sql \
	    2> /dev/null | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')
}
NMIG=$(psql_q "SELECT count(*) FROM renrakucho.schema_migration")
[ "$(psql_q "SELECT string_agg(file, ' ' ORDER BY file COLLATE \"C\")
    FROM renrakucho.schema_migration")" = "$(schema_files "$SCHEMA_DIR")" ]
ok $? "schema_migration records every schema file"

# A broken delta stops the run, names the file and line, applies nothing
# of itself and nothing after it.
mkdir "$T/schema2"
cp -R "$SCHEMA_DIR"/. "$T/schema2/"
printf -- '-- broken\nCREATE TABLE renrakucho.t_bad (x int);\n\nSELEC 1;\n' \
    > "$T/schema2/900_bad.sql"
printf 'CREATE TABLE renrakucho.t_after (x int);\n' > "$T/schema2/901_after.sql"
sed "s#^schema_dir = .*#schema_dir = $T/schema2#" "$CONF" > "$T/bad.conf"
SUDO_USER=tester "$ADMIN_BIN" --conf "$T/bad.conf" migrate > "$out" 2> "$err"
[ $? = 1 ] && grep -q '900_bad.sql, line 4: syntax error' "$err"
ok $? "migrate-bad-sql: exit 1 with file, line and message" || diag "$err"
[ "$(psql_q "SELECT count(*) FROM renrakucho.schema_migration")" = "$NMIG" ] &&
    [ -z "$(psql_q "SELECT to_regclass('renrakucho.t_bad')")" ] &&
    [ -z "$(psql_q "SELECT to_regclass('renrakucho.t_after')")" ]
ok $? "migrate-bad-sql: nothing of it or after it applied"

# --- CA ------------------------------------------------------------------
admin ca init --cn "renrakucho test CA" > "$out" 2> "$err"
[ $? = 0 ] && [ -f "$CA/ca.crt" ] && [ -f "$CA/ca.key" ]
ok $? "ca init creates ca.crt and ca.key" || diag "$err"
[ "$(stat -c %a "$CA/ca.key")" = 600 ]; ok $? "ca.key is 0600"
admin ca init > "$out" 2> "$err"
[ $? = 1 ]; ok $? "ca init refuses to overwrite the CA"
admin ca server-cert --san DNS:rk.example.test > "$out" 2> "$err"
[ $? = 0 ] && openssl verify -CAfile "$CA/ca.crt" "$CA/server.crt" > /dev/null
ok $? "ca server-cert: server.crt verifies against the CA" || diag "$err"
openssl x509 -in "$CA/server.crt" -noout -ext subjectAltName 2> /dev/null |
    grep -q 'DNS:rk.example.test'
ok $? "ca server-cert: the extra SAN is present"

# The signer, on the CA just made: cert issue and crl update go through it.
"$SIGNER_BIN" serve --ca-dir "$CA" --listen "$T/signer.sock" \
    --dsn "host=$SOCK port=$PORT dbname=renrakucho user=renrakucho_signer" \
    2> "$T/signer.log" &
SIGNER_PID=$!
for _ in $(seq 50); do [ -S "$T/signer.sock" ] && break; sleep 0.1; done
[ -S "$T/signer.sock" ]; ok $? "the signer listens" || diag "$T/signer.log"

# --- facility --------------------------------------------------------------
FAC=$(admin facility add --name "出雲ケアセンター" --municipality-code 32203 \
    --municipality "島根県出雲市" --email care@example.jp --phone 0853-00-0000 \
    2> "$err")
[ $? = 0 ] && [[ $FAC =~ ^[0-9]+$ ]]
ok $? "facility add prints the new id alone" || diag "$err"
admin facility list > "$out" 2> "$err"
head -1 "$out" | grep -q "^id	name	municipality	email	status$" &&
    grep -q "^$FAC	出雲ケアセンター	" "$out"
ok $? "facility list: header and the new facility, tab-separated"
admin facility add --name x --municipality-code 1234 --municipality y \
    --email a@example.jp > "$out" 2> "$err"
[ $? = 2 ] && grep -q -- "--municipality-code: 市区町村コードは5桁または6桁の数字です。" "$err"
ok $? "facility-add-bad-code: refused with the web form's message"
# The web form's limits and messages (lib/facility.c), the schema's CHECK.
NFAC=$(psql_q "SELECT count(*) FROM renrakucho.facility")
name200=$(printf '事%.0s' $(seq 200))
admin facility add --name "${name200}業" --municipality-code 32203 \
    --municipality y --email a@example.jp > "$out" 2> "$err"
[ $? = 2 ] && grep -q -- "--name: 事業所名を200文字までの1行で入力してください。" "$err" &&
    [ ! -s "$out" ]
ok $? "facility-add-bad-name-201-characters: the web form's message" || diag "$err"
admin facility add --name x --municipality-code 32203 --municipality y \
    --email a@example.jp --phone "call me" > "$out" 2> "$err"
[ $? = 2 ] && grep -q -- "--phone: 電話番号は数字とハイフンで30文字までです。" "$err"
ok $? "facility-add-bad-phone: letters refused as on the web" || diag "$err"
admin facility add --name x --municipality-code 32203 --municipality y \
    --email fwd-1-abc@placeholder.invalid > "$out" 2> "$err"
[ $? = 2 ] && grep -q -- "--email: 代表メールアドレスに転送用アドレス" "$err"
ok $? "facility-add-bad-placeholder-email: refused" || diag "$err"
[ "$(psql_q "SELECT count(*) FROM renrakucho.facility")" = "$NFAC" ]
ok $? "refused facility adds stored nothing"
FAC200=$(admin facility add --name "$name200" --municipality-code 32203 \
    --municipality y --email a200@example.jp 2> "$err")
[ $? = 0 ] && [ "$(psql_q "SELECT length(name) || ' ' || status || ' ' ||
    address || '|' || phone FROM renrakucho.facility WHERE id = ${FAC200:-0}")" = "200 active |" ]
ok $? "facility add: a 200-character name is stored, active" || diag "$err"

# --- accounts --------------------------------------------------------------
ACC=$(echo 'correct horse 1' | admin account add --facility "$FAC" \
    --login staff01 --name "山田 花子" --kana "ヤマダ ハナコ" \
    --profession 看護師 --email hanako@example.jp 2> "$err")
[ $? = 0 ] && [[ $ACC =~ ^[0-9]+$ ]]
ok $? "account add (password on stdin) prints the new id" || diag "$err"
h=$(psql_q "SELECT password_hash FROM renrakucho.account WHERE id = $ACC")
[[ $h == pbkdf2-sha256\$600000\$* ]]
ok $? "the password is stored as a PBKDF2 hash"
echo 'correct horse 1' | admin account add --facility "$FAC" --login STAFF01 \
    --name x --email other@example.jp > "$out" 2> "$err"
[ $? = 1 ] && grep -q -- "--login: このログインIDは既に使われています。" "$err" &&
    [ ! -s "$out" ]
ok $? "account-add-bad-duplicate-login (other case): refused" || diag "$err"
echo 'correct horse 1' | admin account add --facility "$FAC" --login staff02 \
    --name x --email HANAKO@example.jp > "$out" 2> "$err"
[ $? = 1 ] && grep -q -- "--email: このメールアドレスは既に使われています。" "$err"
ok $? "account-add-bad-duplicate-email (other case): refused" || diag "$err"
echo 'correct horse 1' | admin account add --facility "$FAC" --login staff02 \
    --name x --kana "Yamada" > "$out" 2> "$err"
[ $? = 2 ] && grep -q -- "--kana: ふりがなはカタカナまたはひらがなで100文字までで入力してください。" "$err"
ok $? "account-add-bad-kana: the web form's message" || diag "$err"
echo 'correct horse 1' | admin account add --facility "$FAC" --login staff02 \
    --name x --profession "魔法使い" > "$out" 2> "$err"
[ $? = 2 ] && grep -q -- "--profession: 職種を選んでください。" "$err"
ok $? "account-add-bad-profession: one of the web form's list" || diag "$err"
echo 'correct horse 1' | admin account add --facility "$FAC" --login staff02 \
    --name x --email fwd-1-abc@placeholder.invalid > "$out" 2> "$err"
[ $? = 2 ] && grep -q -- "--email: このアドレスは転送用アドレス専用です。" "$err"
ok $? "account-add-bad-placeholder-email: refused" || diag "$err"
echo 'short' | admin account add --facility "$FAC" --login staff02 \
    --name x > "$out" 2> "$err"
[ $? = 1 ] && grep -q "password: パスワードは12文字以上にしてください。" "$err"
ok $? "account-add-bad-short-password: refused"
admin account add --facility "$FAC" --login staff02 --name x \
    < /dev/null > "$out" 2> "$err"
[ $? = 1 ]; ok $? "account-add-bad-no-password: refused"
echo 'correct horse 1' | admin account add --facility 999999 --login staff02 \
    --name x > "$out" 2> "$err"
[ $? = 1 ] && grep -q "no facility" "$err"
ok $? "account-add-bad-facility: refused"
ACC2=$(echo 'correct horse 2' | admin account add --facility "$FAC" \
    --login staff02 --name "佐藤" --placeholder --role staff \
    --role facility-admin 2> "$err")
ok $? "account add --placeholder with two roles" || diag "$err"
r=$(psql_q "SELECT email || ' ' || email_is_placeholder || ' ' ||
    is_staff || is_facility_admin || is_operator
    FROM renrakucho.account WHERE id = ${ACC2:-0}")
[[ $r =~ ^fwd-$FAC-[a-z0-9]{10}@placeholder\.invalid\ true\ truetruefalse$ ]]
ok $? "placeholder address and roles stored ($r)"
admin account list --facility "$FAC" > "$out" 2> "$err"
grep -q "^$ACC	staff01	山田 花子	$FAC 出雲ケアセンター	staff	-	-$" "$out" &&
    grep -q "	staff,facility-admin	" "$out"
ok $? "account list shows both accounts with their roles"

psql_q "UPDATE renrakucho.account SET fail_count = 5,
    locked_until = now() + interval '1 hour' WHERE id = $ACC" > /dev/null
admin account unlock --login staff01 > "$out" 2> "$err"
[ $? = 0 ] && [ "$(psql_q "SELECT fail_count || coalesce(locked_until::text,
    'null') FROM renrakucho.account WHERE id = $ACC")" = 0null ]
ok $? "account unlock clears the lock"
admin account unlock --login nobody > "$out" 2> "$err"
[ $? = 1 ]; ok $? "account-unlock-bad-login: exit 1"
echo 'new password 3' | admin account passwd --login staff01 > "$out" 2> "$err"
[ $? = 0 ] && [ "$(psql_q "SELECT password_hash <> '$h'
    FROM renrakucho.account WHERE id = $ACC")" = t ]
ok $? "account passwd replaces the hash" || diag "$err"

# --- certificates ----------------------------------------------------------
cd "$T/out" || exit 1
P12PW=$(admin cert issue --login Staff01 --label "ナースステーションPC" \
    --p12 dev1.p12 --pem dev1.pem 2> "$err")
[ $? = 0 ] && [ -n "$P12PW" ] && [ "$(echo "$P12PW" | wc -l)" = 1 ]
ok $? "cert issue prints the PKCS#12 password alone" || diag "$err"
[ "$(stat -c %a dev1.p12)" = 600 ] && [ "$(stat -c %a dev1.pem)" = 600 ]
ok $? "the .p12 and .pem files are 0600"
SERIAL=$(openssl x509 -in dev1.pem -noout -serial | sed 's/^serial=//')
[ -n "$SERIAL" ] && [ "$(psql_q "SELECT facility_id || ' ' || label FROM
    renrakucho.device_cert WHERE serial = '$SERIAL'")" = "$FAC ナースステーションPC" ]
ok $? "the PEM's serial is in device_cert, for the account's facility"
fp=$(openssl x509 -in dev1.pem -outform DER | sha256sum | cut -d' ' -f1)
[ "$(psql_q "SELECT sha256 FROM renrakucho.device_cert
    WHERE serial = '$SERIAL'")" = "$fp" ]
ok $? "device_cert.sha256 is the DER certificate's SHA-256"
openssl pkey -in dev1.pem -noout 2> /dev/null
ok $? "the .pem also holds the private key"
openssl pkcs12 -in dev1.p12 -nokeys -passin "pass:$P12PW" 2> /dev/null |
    openssl x509 -noout -serial | grep -qx "serial=$SERIAL"
ok $? "the .p12 opens with the printed password"
openssl verify -CAfile "$CA/ca.crt" dev1.pem > /dev/null 2>&1
ok $? "the device certificate verifies against the CA"
admin cert issue --login staff01 --label x --p12 dev1.p12 --pem dev2.pem \
    > "$out" 2> "$err"
[ $? = 1 ] && [ ! -e dev2.pem ]
ok $? "cert-issue-bad-existing-file: refused, nothing written"
admin cert issue --login nobody --label x --p12 dev3.p12 --pem dev3.pem \
    > "$out" 2> "$err"
[ $? = 1 ] && [ ! -e dev3.p12 ] && [ ! -e dev3.pem ]
ok $? "cert-issue-bad-login: refused, nothing written"
[ -z "$(ls "$T/out" | grep -v '^dev1\.p12$' | grep -v '^dev1\.pem$')" ]
ok $? "no temporary files left behind"
admin cert list --facility "$FAC" > "$out" 2> "$err"
grep -q "^$SERIAL	$FAC 出雲ケアセンター	ナースステーションPC	.*	-$" "$out"
ok $? "cert list shows the certificate, not revoked"

# --- revocation, CRL, sessions ---------------------------------------------
psql_q "INSERT INTO renrakucho.session (token_hash, csrf, account_id,
    cert_serial) VALUES (repeat('a', 64), 'c', $ACC, '$SERIAL')" > /dev/null
psql_q "INSERT INTO renrakucho.session (token_hash, csrf, account_id,
    cert_serial, created_at, expires_at, ended_at) VALUES (repeat('b', 64),
    'c', $ACC, '$SERIAL', now() - interval '60 days',
    now() - interval '60 days', now() - interval '60 days')" > /dev/null
lower=$(echo "$SERIAL" | tr 'A-F' 'a-f')
admin cert revoke --serial "$lower" --reason "lost tablet" > "$out" 2> "$err"
[ $? = 0 ] && grep -q "^revoked $SERIAL (1 sessions ended)" "$out"
ok $? "cert revoke (lower-case serial) ends the live session" || diag "$err"
[ "$(psql_q "SELECT revoked_at IS NOT NULL AND revoke_reason = 'lost tablet'
    AND revoked_by IS NULL
    FROM renrakucho.device_cert WHERE serial = '$SERIAL'")" = t ]
ok $? "device_cert is marked revoked with the reason, by no account"
[ "$(psql_q "SELECT object_type || ' ' || detail FROM renrakucho.audit_event
    WHERE action = 'cli.cert.revoke' AND object_id = '$SERIAL'")" = \
    "device_cert 1 sessions ended" ]
ok $? "the audit event names the certificate and the sessions ended"
[ "$(psql_q "SELECT end_reason FROM renrakucho.session
    WHERE token_hash = repeat('a', 64)")" = "certificate revoked" ]
ok $? "the session's end_reason says why"
openssl crl -in "$CRL" -noout -text 2> /dev/null |
    grep -q "Serial Number: $SERIAL"
ok $? "the CRL lists the revoked serial"
openssl crl -in "$CRL" -noout -CAfile "$CA/ca.crt" > /dev/null 2>&1
ok $? "the CRL's signature verifies against the CA"
admin cert revoke --serial "$SERIAL" > "$out" 2> "$err"
[ $? = 1 ] && grep -q "already revoked" "$err"
ok $? "cert-revoke-bad-twice: exit 1"
admin cert revoke --serial 0BAD > "$out" 2> "$err"
[ $? = 1 ] && grep -q "no certificate" "$err"
ok $? "cert-revoke-bad-unknown: exit 1"
admin cert revoke --serial xyz > "$out" 2> "$err"
[ $? = 2 ]; ok $? "cert-revoke-bad-hex: exit 2"
admin crl update --days 3 > "$out" 2> "$err"
[ $? = 0 ] && grep -q "1 revoked serial, next update" "$out"
ok $? "crl update reports the count and nextUpdate" || diag "$err"
sed 's#^reload_cmd =.*#reload_cmd = exit 3#' "$CONF" > "$T/r3.conf"
SUDO_USER=tester "$ADMIN_BIN" --conf "$T/r3.conf" crl update > "$out" 2> "$err"
[ $? = 0 ] && grep -q "warning: reload_cmd exited with 3" "$err"
ok $? "crl update: a failing reload_cmd is a warning, exit 0"
sed "s#^reload_cmd =.*#reload_cmd = $T/no-such-reload#" "$CONF" > "$T/r4.conf"
SUDO_USER=tester "$ADMIN_BIN" --conf "$T/r4.conf" crl update > "$out" 2> "$err"
[ $? = 1 ]; ok $? "crl-update-bad-reload-cmd (not found): exit 1"

# A certificate issued by an account (from the web): its revocation is
# mailed to that account, as when the web menus revoke it.
admin cert issue --login staff01 --label "訪問用タブレット" --p12 dev4.p12 \
    --pem dev4.pem > /dev/null 2> "$err"
SERIAL4=$(openssl x509 -in dev4.pem -noout -serial | sed 's/^serial=//')
psql_q "UPDATE renrakucho.device_cert SET issued_by = $ACC
    WHERE serial = '$SERIAL4'" > /dev/null
mails() { psql_q "SELECT count(*) FROM renrakucho.mail_outbox
    WHERE account_id = $ACC AND subject = '【電子連絡帳】端末の証明書の失効のお知らせ'
    AND body LIKE '%「訪問用タブレット」%'"; }
m0=$(mails)
admin cert revoke --serial "$SERIAL4" > "$out" 2> "$err"
[ $? = 0 ] && [ "$(mails)" = $((m0 + 1)) ]
ok $? "cert revoke mails the account that issued the certificate" || diag "$err"

admin session purge > "$out" 2> "$err"
[ $? = 0 ] && [ "$(cat "$out")" = 1 ]
ok $? "session purge deletes the old session and prints 1" || diag "$err"

# --- the audit trail -------------------------------------------------------
acts=$(psql_q "SELECT string_agg(DISTINCT action, ' ' ORDER BY action)
    FROM renrakucho.audit_event WHERE login = 'cli:tester'
    AND outcome = 'success'")
for want in cli.migrate cli.facility.add cli.account.add cli.account.unlock \
    cli.account.passwd cli.cert.issue cli.cert.revoke cli.crl.update \
    cli.session.purge; do
	case " $acts " in
	*" $want "*) ok 0 "audit event $want by cli:tester" ;;
	*) ok 1 "audit event $want by cli:tester (have: $acts)" ;;
	esac
done
[ "$(psql_q "SELECT count(*) FROM renrakucho.audit_event
    WHERE action = 'cli.account.add'")" = 2 ]
ok $? "refused account adds left no audit event"
psql_q "UPDATE renrakucho.audit_event SET detail = 'x'" > /dev/null 2>&1
[ $? != 0 ]; ok $? "UPDATE of audit_event is refused"
psql_q "DELETE FROM renrakucho.audit_event" > /dev/null 2>&1
[ $? != 0 ]; ok $? "DELETE from audit_event is refused"

echo "1..$n"
[ $failed = 0 ]
