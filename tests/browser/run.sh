#!/bin/bash
# Browser end-to-end tests: Debian's chromium, driven headless by
# playwright-core, against the real stack over mTLS, each demo account in
# its own browser profile whose NSS database holds that account's device
# certificate (the way a user's browser has it).  Prints one TAP stream
# (run.js); run by `./run-tests browser`.
#
#   tests/browser/run.sh [FLOW...]      FLOW: a file name in flows/ without
#                                       .js, or part of one (default: all)
#
# The stack: with APP_URL in the environment (demo.env of a running stack
# sourced), that stack is used; otherwise a throwaway stack is started in
# var/browser-test (conf/stack.sh + conf/seed.sh) and stopped at the end.
#
# Environment: PREFIX (make install prefix, default var/install),
# BROWSER_STACK_DIR, BROWSER_APP_PORT BROWSER_PORTAL_PORT BROWSER_PG_PORT
# BROWSER_PGB_PORT (18543 18544 18532 18533), KEEP_STACK=1,
# SCREENSHOT_DIR (default var/screenshots), LOG_DIR (var/test-logs/browser).
#
# Needs root: apt-get for chromium (+l10n), libnss3-tools and fonts when missing, the
# stack (PostgreSQL as postgres), and Chromium's managed policy file
# /etc/chromium/policies/managed/renrakucho-test-<port>.json, which makes
# Chromium present the profile's certificate to the app's origin without
# asking (AutoSelectCertificateForUrls); it is removed at the end.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
export TOP
export PREFIX=${PREFIX:-$TOP/var/install}
LOG_DIR=${LOG_DIR:-$TOP/var/test-logs/browser}
export SCREENSHOT_DIR=${SCREENSHOT_DIR:-$TOP/var/screenshots}
POLICY_DIR=/etc/chromium/policies/managed
# Accounts that get a browser profile (flows name them).
ACCOUNTS="STAFF1 STAFF2 FACILITY_ADMIN OPERATOR"
mkdir -p "$LOG_DIR"

# bail REASON: one failing test, so the harness never sees "no tests".
bail() {
	echo "not ok 1 - browser: $1"
	[ -z "${2:-}" ] || echo "# log: $2"
	echo "1..1"
	exit 1
}

pkg_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# --- what the tests need: chromium, NSS tools, node, npm packages -----
install_packages() {
	local missing=() p
	# Japanese and emoji fonts (without them the screenshots show boxes)
	# and Chromium's Japanese UI strings (file inputs, date fields).
	for p in chromium chromium-l10n libnss3-tools fonts-ipafont-gothic \
	    fonts-noto-color-emoji; do
		pkg_installed "$p" || missing+=("$p")
	done
	command -v npm > /dev/null || missing+=(nodejs npm)
	[ ${#missing[@]} = 0 ] && return 0
	[ "$(id -u)" = 0 ] || { echo "missing packages (run as root): ${missing[*]}"; return 1; }
	apt-get update -q &&
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends "${missing[@]}"
}

# npm ci when node_modules is missing or older than the lock file;
# playwright-core never downloads a browser (Debian's chromium is used).
install_npm() {
	cd "$HERE" || return 1
	export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
	if [ ! -f package-lock.json ]; then
		npm install --no-audit --no-fund
	elif [ ! -f node_modules/.package-lock.json ] ||
	    [ package-lock.json -nt node_modules/.package-lock.json ]; then
		npm ci --no-audit --no-fund
	fi
}

install_packages > "$LOG_DIR/setup.log" 2>&1 ||
    bail "installing chromium/libnss3-tools failed" "$LOG_DIR/setup.log"
install_npm >> "$LOG_DIR/setup.log" 2>&1 ||
    bail "npm ci failed" "$LOG_DIR/setup.log"
[ "$(id -u)" = 0 ] ||
    bail "needs root (the stack and Chromium's managed policy directory)"

# --- the stack ----------------------------------------------------------
# shellcheck source=../stack-lib.sh
. "$TOP/tests/stack-lib.sh"
STACK_DIR=
stop_stack() { [ -z "$STACK_DIR" ] || stack_down "$STACK_DIR" "$LOG_DIR/stack.log"; }

if [ -z "${APP_URL:-}" ]; then
	STACK_DIR=${BROWSER_STACK_DIR:-$TOP/var/browser-test}
	export APP_PORT=${BROWSER_APP_PORT:-18543}
	export PORTAL_PORT=${BROWSER_PORTAL_PORT:-18544}
	export PG_PORT=${BROWSER_PG_PORT:-18532}
	export PGB_PORT=${BROWSER_PGB_PORT:-18533}
	: > "$LOG_DIR/stack.log"
	stack_up "$STACK_DIR" "$LOG_DIR/stack.log" ||
	    bail "the stack did not start or could not be seeded" "$LOG_DIR/stack.log"
	[ "${KEEP_STACK:-0}" = 1 ] && STACK_DIR=
fi

# --- browser profiles: one per account, its certificate in NSS ---------
# Chromium on Linux reads $HOME/.pki/nssdb, so each profile has its own
# HOME (run.js starts each browser with it).
PROFILES=$(mktemp -d /tmp/renrakucho-browser.XXXXXXXX)
export PROFILES
origin=${APP_URL%/}
port=${origin##*:}
case $port in ''|*[!0-9]*) port=443 ;; esac
POLICY=$POLICY_DIR/renrakucho-test-$port.json
cleanup() {
	rm -f "$POLICY"
	rm -rf "$PROFILES"
	stop_stack
}
trap cleanup EXIT

make_profile() {	# make_profile NAME [WHO]
	local home=$PROFILES/$1 who=${2:-} p12 pw
	mkdir -p "$home/.pki/nssdb" "$home/profile"
	certutil -N -d "sql:$home/.pki/nssdb" --empty-password || return 1
	certutil -A -n renrakucho-ca -t "C,," -i "$CA_CERT" \
	    -d "sql:$home/.pki/nssdb" || return 1
	[ -n "$who" ] || return 0
	p12=${who}_P12
	pw=${who}_P12_PASSWORD
	[ -n "${!p12:-}" ] || { echo "no ${who}_P12 in demo.env"; return 1; }
	pk12util -i "${!p12}" -d "sql:$home/.pki/nssdb" -W "${!pw}"
}

: > "$LOG_DIR/profiles.log"
make_profile NONE >> "$LOG_DIR/profiles.log" 2>&1 ||
    bail "creating the browser profile without certificate failed" "$LOG_DIR/profiles.log"
for who in $ACCOUNTS; do
	make_profile "$who" "$who" >> "$LOG_DIR/profiles.log" 2>&1 ||
	    bail "importing ${who}'s certificate into NSS failed" "$LOG_DIR/profiles.log"
done

# REVOKED: a device whose certificate was revoked (a second one of
# STAFF2's, revoked at once), for the page nginx gives it (flow
# cert-errors).  Its PKCS#12 is made again from the PEM with a password
# of its own; the CRL nginx reads is in force once the certificate is
# refused at the TLS handshake (400).
make_revoked() {
	local d=$PROFILES/revoked serial i
	mkdir -p "$d"
	$ADMIN cert issue --login "$STAFF2_LOGIN" --label "browser revoked $$" \
	    --p12 "$d/issued.p12" --pem "$d/cert.pem" || return 1
	openssl pkcs12 -export -in "$d/cert.pem" -passout pass:revoked \
	    -out "$d/revoked.p12" || return 1
	serial=$(openssl x509 -in "$d/cert.pem" -noout -serial | sed 's/^serial=//')
	$ADMIN cert revoke --serial "$serial" --reason 'browser test: a revoked device' ||
	    return 1
	$ADMIN crl update || return 1
	for i in $(seq 100); do
		[ "$(curl -sk -o /dev/null -w '%{http_code}' --cert "$d/cert.pem" \
		    "${APP_URL%/}/login")" = 400 ] && break
		sleep 0.2
	done
	REVOKED_P12=$d/revoked.p12 REVOKED_P12_PASSWORD=revoked make_profile REVOKED REVOKED
}
make_revoked >> "$LOG_DIR/profiles.log" 2>&1 ||
    bail "making the profile with a revoked certificate failed" "$LOG_DIR/profiles.log"

# Chromium merges every file in the policy directory, and of two files
# naming the same policy only one counts: runs on other ports would take
# each other's certificate selection away.  So browser runs take turns
# (a lock held until this script exits), and a policy file left by a run
# that was killed goes.
mkdir -p "$POLICY_DIR"
exec 9> /tmp/renrakucho-browser-policy.lock
flock -w 900 9 || bail "another browser test run held the policy lock for 15 minutes"
rm -f "$POLICY_DIR"/renrakucho-test-*.json
printf '{"AutoSelectCertificateForUrls": ["{\\"pattern\\":\\"%s\\",\\"filter\\":{}}"]}\n' \
    "$origin" > "$POLICY"

mkdir -p "$SCREENSHOT_DIR"
node "$HERE/run.js" "$@" 9>&-
