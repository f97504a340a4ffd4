# Shell TAP helpers for tests/cgi/*.sh and tests/integration/*.sh (bash).
#
#   . "$(dirname "$0")/../lib.sh"
#   ok 'portal answers' test "$(portal_get /)" = 200
#   http_get STAFF1 /login;  is "$HTTP_STATUS" 200 'login page'
#   like "$(cat "$HTTP_BODY")" 'ログイン' 'login form shown'
#   skip 'NSS import' 'no certutil'
#   done_testing
#
# Each script prints "ok N - name" / "not ok N - name" lines ("ok N -
# name # SKIP reason" for a check that could not run), "# ..."
# diagnostics, and its plan "1..N", and exits non-zero when a test failed.
# The plan: every script ends with done_testing, which prints "1..N" for
# the N results printed; a script may also declare "plan N" up front
# (then done_testing checks that exactly N results came).  The harness
# (tap_run_scripts, run-tests) fails a script without a plan line (it died
# or exited before done_testing), with a plan that does not match its
# results, or with no result (unless its plan is "1..0 # SKIP reason").
# Integration scripts run with demo.env sourced (APP_URL, CA_CERT,
# <WHO>_PEM, OWNER_DSN ...; see DESIGN.md).

TAP_N=0
TAP_FAILED=0
TAP_PLAN=
TAP_DONE=0
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/rktest.XXXXXXXX")
# The sanitizer build's options (./run-tests sanitize), as arguments for
# a program run with a clean environment: env -i "${SAN_ENV[@]}" ...
SAN_ENV=()
for _v in ASAN_OPTIONS UBSAN_OPTIONS LSAN_OPTIONS; do
	[ -z "${!_v:-}" ] || SAN_ENV+=("$_v=${!_v}")
done
unset _v
# A script that ends before done_testing says so (its missing plan line
# is what fails it).
_tap_exit() {
	if [ "$TAP_DONE" = 0 ] && [ "$TAP_N" -gt 0 ]; then
		printf '# ended after %d results without done_testing\n' "$TAP_N"
	fi
	rm -rf "$TEST_TMP"
}
trap _tap_exit EXIT

diag() {
	local a
	for a in "$@"; do printf '%s\n' "$a" | sed 's/^/# /'; done
}

_tap() {	# _tap PASSED NAME
	TAP_N=$((TAP_N + 1))
	if [ "$1" = 1 ]; then
		printf 'ok %d - %s\n' "$TAP_N" "$2"
	else
		printf 'not ok %d - %s\n' "$TAP_N" "$2"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

pass() { _tap 1 "$1"; }
fail() { _tap 0 "$1"; [ $# -gt 1 ] && diag "$2"; return 0; }

# ok NAME COMMAND...: passes when COMMAND exits 0.
ok() {
	local name=$1
	shift
	if "$@"; then _tap 1 "$name"; else _tap 0 "$name"; diag "failed: $*"; fi
}

# is GOT WANT NAME
is() {
	if [ "$1" = "$2" ]; then
		_tap 1 "$3"
	else
		_tap 0 "$3"
		diag "     got: '$1'" "expected: '$2'"
	fi
}

# isnt GOT UNWANTED NAME
isnt() {
	if [ "$1" != "$2" ]; then
		_tap 1 "$3"
	else
		_tap 0 "$3"
		diag "got the unwanted '$1'"
	fi
}

# like GOT ERE NAME / unlike GOT ERE NAME (grep -E, any line)
like() {
	if printf '%s\n' "$1" | grep -qE -- "$2"; then
		_tap 1 "$3"
	else
		_tap 0 "$3"
		diag "no match for /$2/ in: $(printf '%s' "$1" | head -c 400)"
	fi
}
unlike() {
	if ! printf '%s\n' "$1" | grep -qE -- "$2"; then
		_tap 1 "$3"
	else
		_tap 0 "$3"
		diag "unwanted match for /$2/: $(printf '%s\n' "$1" | grep -E -- "$2" | head -n 3)"
	fi
}

# skip NAME REASON: a check that could not run ("ok N - NAME # SKIP
# REASON"); the harness counts it as skipped, neither passed nor failed.
skip() { TAP_N=$((TAP_N + 1)); printf 'ok %d - %s # SKIP %s\n' "$TAP_N" "$1" "${2:-no reason given}"; }

# BAIL reason: stop the script; the harness counts it as a failure.
bail() { printf 'Bail out! %s\n' "$*"; exit 1; }

# plan N: declares up front that the script prints N results ("1..N"
# first); done_testing then fails the script unless exactly N came.
plan() {
	case ${1:-} in
	''|*[!0-9]*) bail "plan: not a number: '${1:-}'" ;;
	esac
	[ -z "$TAP_PLAN" ] || bail "plan: declared twice"
	TAP_PLAN=$1
	printf '1..%d\n' "$1"
}

# done_testing [N]: the end of a script.  Prints the plan "1..N" (N: the
# number of results printed, or the N given) unless "plan" declared it up
# front; a script whose results do not match its plan fails (here and in
# the harness).  Returns non-zero when a test failed.
done_testing() {
	local want=${1:-${TAP_PLAN:-$TAP_N}}
	TAP_DONE=1
	[ -n "$TAP_PLAN" ] || printf '1..%d\n' "$want"
	if [ "$want" != "$TAP_N" ]; then
		printf '# planned %d results, printed %d\n' "$want" "$TAP_N"
		return 1
	fi
	[ "$TAP_FAILED" = 0 ]
}

# --- HTTP (curl) ---------------------------------------------------------
#
# http_get WHO PATH [CURL-ARGS...]
# http_post WHO PATH [CURL-ARGS...]   e.g. --data-urlencode "login=$STAFF1_LOGIN"
# portal_get PATH [CURL-ARGS...]
#
# WHO is a demo account (STAFF1, OPERATOR, ...): its certificate ($WHO_PEM)
# is presented and its own cookie jar kept for the script's lifetime; NONE
# presents no certificate.  PATH is appended to $APP_URL (or a full URL).
# Afterwards: HTTP_STATUS (000 when TLS or the connection failed),
# HTTP_BODY and HTTP_HEADERS (file names), HTTP_LOCATION.

_http() {
	local who=$1 method=$2 url=$3 pem
	shift 3
	local args=(-sS --max-time 30 --cacert "$CA_CERT"
	    -D "$TEST_TMP/headers" -o "$TEST_TMP/body" -w '%{http_code}')
	case $url in https://*|http://*) ;; *) url=$APP_URL$url ;; esac
	if [ "$who" != NONE ]; then
		pem=${who}_PEM
		[ -n "${!pem:-}" ] || bail "no ${who}_PEM in the environment"
		args+=(--cert "${!pem}" -b "$TEST_TMP/cookies-$who"
		    -c "$TEST_TMP/cookies-$who")
	fi
	[ "$method" = GET ] || args+=(-X "$method")
	: > "$TEST_TMP/headers"
	: > "$TEST_TMP/body"
	HTTP_STATUS=$(curl "${args[@]}" "$@" "$url" 2> "$TEST_TMP/curl.err") || true
	[ -n "$HTTP_STATUS" ] || HTTP_STATUS=000
	HTTP_BODY=$TEST_TMP/body
	HTTP_HEADERS=$TEST_TMP/headers
	# shellcheck disable=SC2034
	HTTP_LOCATION=$(sed -n 's/^[Ll]ocation: *//p' "$HTTP_HEADERS" | tr -d '\r' | tail -n 1)
}

http_get() { local w=$1 p=$2; shift 2; _http "$w" GET "$p" "$@"; }
http_post() { local w=$1 p=$2; shift 2; _http "$w" POST "$p" "$@"; }
portal_get() { local p=$1; shift; _http NONE GET "$PORTAL_URL$p" "$@"; }

# header NAME: the value of a header of the last response ("" if absent).
header() {
	grep -i "^$1:" "$HTTP_HEADERS" | head -n 1 | sed 's/^[^:]*: *//' | tr -d '\r'
}

# input_value NAME: value="" of <input name="NAME"> in the last body
# (for CSRF tokens and ids; the templates write name before value).
input_value() {
	grep -o "<input[^>]*name=\"$1\"[^>]*>" "$HTTP_BODY" | head -n 1 |
	    sed -n 's/.*value="\([^"]*\)".*/\1/p'
}

# forget_cookies WHO: start a fresh session for WHO.
forget_cookies() { rm -f "$TEST_TMP/cookies-$1"; }

# --- logging in -------------------------------------------------------------
#
# login WHO [PASSWORD]: a fresh session for WHO through the login form:
# opens /login for its CSRF token and POSTs $WHO_LOGIN with PASSWORD
# (default $WHO_PASSWORD).  The session is left in WHO's cookie jar;
# HTTP_STATUS is the POST's (303 when it worked).
# login_ok WHO: the same, bailing out unless it worked.
# csrf_of WHO PATH: opens PATH as WHO and prints its form's CSRF token.

# The test stack's login rate limit (nginx's, tested by limits.sh from
# an address of its own) is shared by every script from 127.0.0.1: a
# login answered 429 waits for the bucket and tries again (at most 20 s).
login() {
	local who=$1 l=${1}_LOGIN p=${1}_PASSWORD i
	for i in $(seq 20); do
		forget_cookies "$who"
		http_get "$who" /login
		http_post "$who" /login --data-urlencode "login=${!l}" \
		    --data-urlencode "password=${2:-${!p}}" \
		    --data-urlencode "csrf=$(input_value csrf)"
		[ "$HTTP_STATUS" = 429 ] || return 0
		sleep 1
	done
}
login_ok() {
	login "$1"
	[ "$HTTP_STATUS" = 303 ] || bail "login $1 failed ($HTTP_STATUS)"
}
csrf_of() { http_get "$1" "$2"; input_value csrf; }

# --- PostgreSQL ------------------------------------------------------------
# psql_owner SQL / psql_auditor SQL / psql_app SQL: one statement, rows
# as unaligned "a|b" lines; exit status non-zero on error.

_psql() {
	local dsn=$1
	shift
	psql "$dsn" -X -q -tA -v ON_ERROR_STOP=1 -c "$*"
}
psql_owner() { _psql "$OWNER_DSN" "$@"; }
psql_auditor() { _psql "$AUDITOR_DSN" "$@"; }
psql_app() { _psql "$APP_DSN" "$@"; }

# db_copy NAME [PG_DUMP_OPTION...]: a database NAME in the stack's
# PostgreSQL, made afresh, holding a copy of the stack's database
# (pg_dump OPTIONS, e.g. --schema-only); prints its owner DSN.  The
# caller drops it (DROP DATABASE ... WITH (FORCE)) in its EXIT trap.
db_copy() {
	local name=$1 dsn
	shift
	dsn=$(printf '%s\n' "$OWNER_DSN" | sed "s/dbname=[^ ]*/dbname=$name/")
	psql_owner "DROP DATABASE IF EXISTS $name WITH (FORCE)" > /dev/null &&
	    psql_owner "CREATE DATABASE $name" > /dev/null || return 1
	pg_dump "$@" -d "$OWNER_DSN" 2> "$TEST_TMP/dump.err" |
	    psql -X -q -v ON_ERROR_STOP=1 -d "$dsn" > /dev/null 2> "$TEST_TMP/restore.err" ||
	    return 1
	printf '%s\n' "$dsn"
}

# new_password PREFIX [LENGTH]: a random password the service accepts,
# PREFIX and LENGTH characters more (14 by default; at most 150). Random
# material alone is sometimes "too simplistic/systematic" to cracklib
# (about 1 in 270 of PREFIX-NNNNNNNN, 1 in 200 of 128 base64 characters),
# so a test that needs a good password asks cracklib itself, as the
# service does, rather than hoping.
new_password() {
	local pw i n=${2:-14}
	for i in 1 2 3 4 5 6 7 8 9 10; do
		pw="$1-$(openssl rand -base64 160 | tr -dc A-Za-z0-9 | head -c $((n - 2)))-x"
		if [ "$(printf '%s\n' "$pw" | /usr/sbin/cracklib-check)" = "$pw: OK" ]; then
			printf '%s\n' "$pw"
			return 0
		fi
	done
	bail "new_password: cracklib refused ten random passwords"
}

# conf_value KEY: KEY's value in the stack's renrakucho.conf (ADMIN's
# --conf; the last line of KEY counts, as for lib/cfg.c).
conf_value() {
	sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "${ADMIN##*--conf }" |
	    tail -n 1 | sed 's/[[:space:]]*$//'
}
# subject WHAT: a mail's subject as the service writes it (lib/mail.c
# mail_subject): 【service_name】WHAT.
subject() { printf '【%s】%s' "$(conf_value service_name)" "$1"; }

# account_id LOGIN: the id of the live account with that login ID.
account_id() {
	psql_owner "SELECT id FROM renrakucho.account WHERE login = '$1' AND deleted_at IS NULL"
}

# audit_n ACTION OBJECT_ID [OUTCOME]: how many audit events of ACTION on
# OBJECT_ID with OUTCOME (default success).
audit_n() {
	psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = '$1' AND object_id = '$2' AND outcome = '${3:-success}'"
}

# crl_refuses WHO NAME: `crl update` (which must exit 0), then waits (at
# most 10 s) for nginx to re-read the CRL, and checks that WHO's revoked
# certificate is refused by nginx itself at the TLS check: 400 with the
# certificate page, not the CGI's 403 of before the reload.
crl_refuses() {
	local who=$1 name=$2 out rc i
	out=$($ADMIN crl update 2>&1)
	rc=$?
	is "$rc" 0 "$name: crl update exits 0"
	[ "$rc" = 0 ] || diag "$out"
	for i in $(seq 50); do
		http_get "$who" /login
		[ "$HTTP_STATUS" = 400 ] && break
		sleep 0.2
	done
	is "$HTTP_STATUS" 400 "$name: nginx refuses the revoked certificate (400)"
	like "$(cat "$HTTP_BODY")" '<h1>証明書を確認できませんでした</h1>' \
	    "$name: with its certificate page"
	like "$(cat "$HTTP_BODY")" "href=\"$PORTAL_URL/login-help/#revoked\"" \
	    "$name: which links to the login help's section on revoked certificates"
}

# cli_account WHO LOGIN NAME: a staff account of the inside facility
# (renrakucho-admin account add, its own password) with a CLI
# certificate; sets WHO_LOGIN, WHO_PASSWORD, WHO_PEM, WHO_ID.
cli_account() {
	local pw=$(new_password Cli)
	printf '%s\n' "$pw" | $ADMIN account add --own-password --facility "$INSIDE_FACILITY_ID" --login "$2" \
	    --name "$3" --email "$2@example.jp" > /dev/null || bail "account add $1"
	$ADMIN cert issue --login "$2" --label "cli $2" --p12 "$TEST_TMP/$1.p12" \
	    --pem "$TEST_TMP/$1.pem" > /dev/null || bail "cert issue $1"
	printf -v "${1}_LOGIN" '%s' "$2"
	printf -v "${1}_PASSWORD" '%s' "$pw"
	printf -v "${1}_PEM" '%s' "$TEST_TMP/$1.pem"
	printf -v "${1}_ID" '%s' "$(account_id "$2")"
}

# A patient and a team straight in the database, for tests of the team
# pages that need no registration through the form (names must not hold
# a quote):
# make_patient NAME KANA BIRTH SEX ADDRESS REGISTRANT_ID: a patient of the
# service area with a comprehensive consent (a 5-byte stand-in PDF);
# prints the patient id.
# make_team PATIENT_ID LEAD_ID [MEMBER_ID...]: the patient's support team,
# LEAD its person in charge (担当者), the others members; prints its id.
# The consent is obtained today, Japan time, as a person registering one
# would say (the server's current_date is UTC's: the day before from
# 00:00 to 09:00 JST).
make_patient() {
	local pid
	pid=$(psql_owner "INSERT INTO renrakucho.patient (name, kana, kana_key,
	    birth_date, sex, address, municipality_code, registered_by)
	    SELECT '$1', '$2', renrakucho.kana_key('$2'), '$3', '$4', '$5',
	    '$MUNICIPALITY_CODE', $6 RETURNING id") || return 1
	psql_owner "INSERT INTO renrakucho.consent (patient_id, obtained_by,
	    obtained_on, signer, explainer_name, explainer_facility, form_kind,
	    doc_type, doc_name, doc_size, doc_sha256, doc) VALUES ($pid, $6,
	    (now() AT TIME ZONE 'Asia/Tokyo')::date, 'patient', '斐川 次郎',
	    '出雲中央クリニック', 'city',
	    'application/pdf', 'consent.pdf', 5, repeat('0', 64), '\\x255044462d')" \
	    > /dev/null || return 1
	printf '%s\n' "$pid"
}
make_team() {
	local tid rows m
	tid=$(psql_owner "INSERT INTO renrakucho.team (patient_id) VALUES ($1) RETURNING id") ||
	    return 1
	rows="($tid, $2, 'lead')"
	for m in "${@:3}"; do rows+=", ($tid, $m, 'member')"; done
	psql_owner "INSERT INTO renrakucho.team_member (team_id, account_id, role)
	    VALUES $rows" > /dev/null || return 1
	printf '%s\n' "$tid"
}

# shellcheck source=stack-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/stack-lib.sh"

# --- running a set of TAP scripts (tests/cgi/run.sh, tests/integration/run.sh)
#
# tap_run_scripts LOGDIR SCRIPT...: runs each script (bash), its output to
# LOGDIR/<name>.log, and prints one aggregated TAP stream: each result as
# "ok N - <name>: <test>" (a skip keeps its "# SKIP reason"), and one
# "not ok N - <name>: ..." more when the script exits non-zero without
# reporting a failure, bails out, reports no test, prints no plan line
# (it died or exited before done_testing), more than one, or a plan that
# does not match the number of its results.  A script whose only output
# is the plan "1..0 # SKIP reason" is one skipped result.  Each failure is
# followed by "# log: <path>".  Returns non-zero if anything failed.
tap_run_scripts() {
	local logdir=$1 s name log rc n=0 failed=0 nres nfail line
	local nplan plan why
	shift
	mkdir -p "$logdir"
	for s in "$@"; do
		name=$(basename "$s" .sh)
		log=$logdir/$name.log
		rc=0
		bash "$s" > "$log" 2>&1 < /dev/null || rc=$?
		nres=0
		nfail=0
		nplan=0
		plan=
		while IFS= read -r line; do
			case $line in
			'ok '*|'not ok '*)
				n=$((n + 1))
				nres=$((nres + 1))
				line=${line#ok }
				if [ "${line#not ok }" != "$line" ]; then
					line=${line#not ok }
					printf 'not ok %d - %s: %s\n' "$n" "$name" "${line#* - }"
					printf '# log: %s\n' "$log"
					nfail=$((nfail + 1))
				else
					printf 'ok %d - %s: %s\n' "$n" "$name" "${line#* - }"
				fi
				;;
			1..[0-9]*)
				nplan=$((nplan + 1))
				plan=$line
				;;
			esac
		done < "$log"
		why=
		if grep -q '^Bail out!' "$log"; then
			why="bailed out: $(grep -m 1 '^Bail out!' "$log" | cut -c 11-)"
		elif [ $nplan = 0 ]; then
			why="no plan line (it ended before done_testing; status $rc)"
		elif [ $nplan -gt 1 ]; then
			why="$nplan plan lines"
		elif [ $nres = 0 ] && [ "${plan#1..0 \# [Ss][Kk][Ii][Pp]}" != "$plan" ]; then
			n=$((n + 1))
			printf 'ok %d - %s # SKIP%s\n' "$n" "$name" "${plan#1..0 \# [Ss][Kk][Ii][Pp]}"
		elif [ $nres = 0 ]; then
			why="reported no test (status $rc)"
		elif line=${plan#1..} && line=${line%%[!0-9]*} && [ "$line" != $nres ]; then
			why="planned $line results, printed $nres"
		elif [ $rc != 0 ] && [ $nfail = 0 ]; then
			why="exited with status $rc without a failing test (crashed?)"
		fi
		if [ -n "$why" ]; then
			n=$((n + 1))
			printf 'not ok %d - %s: %s\n' "$n" "$name" "$why"
			printf '# log: %s\n' "$log"
			nfail=$((nfail + 1))
		fi
		[ $nfail = 0 ] || failed=1
	done
	printf '1..%d\n' "$n"
	[ $failed = 0 ]
}

# signer_req SOCKET USER LINE: LINE sent to renrakucho-signer's SOCKET as
# the OS user USER; prints its whole answer.
signer_req() {
	(cd / && runuser -u "$2" -- python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.settimeout(20)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
s.shutdown(socket.SHUT_WR)
out = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    out += b
sys.stdout.write(out.decode())
' "$1" "$3")
}
