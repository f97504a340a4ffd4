#!/bin/bash
# --- a throwaway stack (tests/integration/run.sh, tests/browser/run.sh) ---
#
# stack_up DIR LOG: stops and removes whatever an earlier run left in DIR,
# starts a fresh stack there (ports from APP_PORT PORTAL_PORT PG_PORT
# PGB_PORT, binaries from PREFIX), seeds it like the demo and exports its
# demo.env.  The jobs (mail delivery) are off unless STACK_JOBS=1: tests
# read the outbox before anything delivers it.  On failure it stops what did start and returns non-zero.
# stack_down DIR LOG: stops it.
# The test stacks' nginx rate limits: the suites log in and pick up many
# times from 127.0.0.1, faster than a person would; the limits are the
# package's directives with a larger rate and burst
# (tests/integration/limits.sh checks them from an address of its own).
export LOGIN_RATE=${LOGIN_RATE:-60r/m} LOGIN_BURST=${LOGIN_BURST:-30}
export PICKUP_RATE=${PICKUP_RATE:-60r/m} PICKUP_BURST=${PICKUP_BURST:-30}
stack_down() {
	[ -e "$1/stack.env" ] || return 0
	bash "$TOP/conf/stack.sh" stop "$1" >> "$2" 2>&1
}
stack_up() {
	local dir=$1 log=$2 target
	stack_down "$dir" "$log"
	if [ -L "$dir" ]; then
		target=$(readlink -f "$dir")
		case $target in /var/tmp/renrakucho-stack.*) rm -rf "$target" ;; esac
		rm -f "$dir"
	elif [ -d "$dir" ]; then
		rm -rf "$dir"
	fi
	mkdir -p "$(dirname "$dir")"
	if ! STACK_JOBS=${STACK_JOBS:-0} bash "$TOP/conf/stack.sh" start "$dir" >> "$log" 2>&1 ||
	    ! bash "$TOP/conf/seed.sh" "$dir" >> "$log" 2>&1; then
		stack_down "$dir" "$log"
		return 1
	fi
	set -a
	# shellcheck disable=SC1091
	. "$dir/demo.env"
	set +a
}
