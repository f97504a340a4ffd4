#!/bin/bash
# Integration tests: starts a throwaway stack (conf/stack.sh) in var/test
# on its own ports, seeds it like the demo (conf/seed.sh), runs every
# tests/integration/*.sh with var/test/demo.env in the environment, and
# stops the stack at the end.  Prints one TAP stream.
#
# Environment: PREFIX (the make install prefix, default var/install),
# KEEP_STACK=1 to leave the stack running afterwards (for debugging),
# LOG_DIR (default var/test-logs/integration), TEST_STACK_DIR (var/test),
# TEST_APP_PORT TEST_PORTAL_PORT TEST_PG_PORT TEST_PGB_PORT,
# INTEGRATION_ONLY="privsep signer" to run only those scripts.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
export TOP
export PREFIX=${PREFIX:-$TOP/var/install}
export APP_PORT=${TEST_APP_PORT:-18443} PORTAL_PORT=${TEST_PORTAL_PORT:-18444}
export PG_PORT=${TEST_PG_PORT:-18432} PGB_PORT=${TEST_PGB_PORT:-18433}
TEST_LOG_DIR=${LOG_DIR:-$TOP/var/test-logs/integration}
DIR=${TEST_STACK_DIR:-$TOP/var/test}
# shellcheck source=../lib.sh
. "$TOP/tests/lib.sh"
mkdir -p "$TEST_LOG_DIR"

if [ "${KEEP_STACK:-0}" != 1 ]; then
	trap 'stack_down "$DIR" "$TEST_LOG_DIR/stack.log"; rm -rf "$TEST_TMP"' EXIT
fi

mkdir -p "$TOP/var"
: > "$TEST_LOG_DIR/stack.log"
if ! stack_up "$DIR" "$TEST_LOG_DIR/stack.log"; then
	echo "not ok 1 - integration: the stack did not start or could not be seeded"
	echo "# log: $TEST_LOG_DIR/stack.log"
	tail -n 5 "$TEST_LOG_DIR/stack.log" | sed 's/^/# /'
	echo "1..1"
	exit 1
fi

scripts=()
for s in "$TOP"/tests/integration/*.sh; do
	[ -e "$s" ] || continue
	[ "$(basename "$s")" = run.sh ] && continue
	if [ -n "${INTEGRATION_ONLY:-}" ]; then
		case " $INTEGRATION_ONLY " in
		*" $(basename "$s" .sh) "*) ;;
		*) continue ;;
		esac
	fi
	scripts+=("$s")
done
tap_run_scripts "$TEST_LOG_DIR" "${scripts[@]}"
