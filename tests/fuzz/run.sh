#!/bin/sh
# Builds each libFuzzer harness straight from the library sources it needs
# (not through automake) and runs it for a bounded time on a copy of its
# seed corpus.  TAP on stdout.  Usage: run.sh [seconds per harness, 15]
# Crash inputs are kept in $FUZZ_ARTIFACTS (default ./fuzz-artifacts).
set -u

secs=${1:-15}
case $secs in
''|*[!0-9]*) echo "usage: $0 [seconds]" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
CC=${CC:-clang}
artifacts=${FUZZ_ARTIFACTS:-$PWD/fuzz-artifacts}
work=$(mktemp -d "${TMPDIR:-/tmp}/rk-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM

cflags="-g -O1 -fsanitize=fuzzer,address,undefined"
cflags="$cflags -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cflags="$cflags -I$top/lib -I$here -I$work $(pkg-config --cflags libpq openssl 2>/dev/null)"
# The library sources the parsers need; req.c, req_v.c, log.c and
# upload.c (with libunistring; its config.h include is an empty file
# here) stand alone.
: > "$work/config.h"
libsrc="$top/lib/req.c $top/lib/req_v.c $top/lib/log.c $top/lib/upload.c"
libs=-lunistring

n=0
# harness:max_len
for h in fuzz_urlencoded:4096 fuzz_multipart:8192 fuzz_cookies:1024 \
    fuzz_utf8:512 fuzz_filename:1024; do
	name=${h%%:*}
	maxlen=${h#*:}
	n=$((n + 1))
	bin=$work/$name
	if ! $CC $cflags -o "$bin" "$here/$name.c" $libsrc $libs \
	    >"$work/$name.build" 2>&1; then
		echo "not ok $n - $name (build failed)"
		sed 's/^/# /' "$work/$name.build"
		continue
	fi
	mkdir -p "$work/corpus-$name" "$artifacts/$name"
	cp "$here/corpus/$name/"* "$work/corpus-$name/" 2>/dev/null
	dict=
	[ -f "$here/multipart.dict" ] && dict="-dict=$here/multipart.dict"
	start=$(date +%s)
	"$bin" -max_total_time="$secs" -max_len="$maxlen" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 $dict \
	    -artifact_prefix="$artifacts/$name/" \
	    "$work/corpus-$name" >"$work/$name.log" 2>&1
	rc=$?
	end=$(date +%s)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log")
	if [ $rc -eq 0 ]; then
		echo "ok $n - $name ($((end - start)) s, ${runs:-?} runs, no crash)"
		rmdir "$artifacts/$name" "$artifacts" 2>/dev/null
	else
		crash=$(ls -t "$artifacts/$name/" 2>/dev/null | head -1)
		echo "not ok $n - $name (exit $rc) crash file: $artifacts/$name/$crash"
		grep -E 'ERROR|SUMMARY|#[0-9]+ 0x' "$work/$name.log" | head -30 |
		    sed 's/^/# /'
	fi
done
echo "1..$n"
