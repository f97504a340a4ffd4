#!/bin/bash
# Runs every tests/cgi/*.sh (each a TAP script that runs a built CGI
# binary directly with a CGI environment) and prints one TAP stream.
# Environment given to the scripts:
#   TOP       the source tree          BUILD_DIR  the build directory
#   CGI_BIN   BUILD_DIR/cgi-bin        LOG_DIR    where the logs go
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
export TOP
export BUILD_DIR=${BUILD_DIR:-$TOP/build}
export CGI_BIN=${CGI_BIN:-$BUILD_DIR/cgi-bin}
export LOG_DIR=${LOG_DIR:-$TOP/var/test-logs/cgi}
# shellcheck source=../lib.sh
. "$TOP/tests/lib.sh"

scripts=()
for s in "$TOP"/tests/cgi/*.sh; do
	[ -e "$s" ] || continue
	[ "$(basename "$s")" = run.sh ] && continue
	scripts+=("$s")
done
if [ ${#scripts[@]} = 0 ]; then
	echo "# no tests/cgi/*.sh yet"
	echo "1..0"
	exit 0
fi
tap_run_scripts "$LOG_DIR" "${scripts[@]}"
