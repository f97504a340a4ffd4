#!/bin/bash
# Runs every tests/cgi/*.sh and prints one TAP stream.  Each is a TAP
# script named <feature>-<case>.sh (refusals *-bad-*): the CGI binaries
# run directly with a CGI environment and no database (cgi-env.bash), or
# the admin CLI against a server of its own (admin-cli.sh).
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
