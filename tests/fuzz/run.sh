#!/bin/sh
# Builds each libFuzzer harness straight from the library sources it needs
# (not through automake), with ASan and UBSan, and runs it on a copy of
# its seed corpus (corpus/<harness>/).  TAP on stdout.
#
#   run.sh [SECONDS]   each harness for SECONDS (default 15); a harness
#                      fails on a finding, or when it ran fewer than its
#                      minimum executions (the table below: about a
#                      twentieth of what it did in 10 s on a 2-core
#                      machine busy with other builds; a harness that
#                      hangs or barely runs tells nothing)
#   run.sh --long      each harness for 1,000,000 executions (-runs);
#                      fewer, or a finding, fails it (tests/fuzz/run --long)
#
# FUZZ_ONLY="fuzz_csv fuzz_cfg" runs only those.  Crash inputs are kept in
# $FUZZ_ARTIFACTS (default ./fuzz-artifacts).
set -u

long=0
secs=15
case ${1:-} in
--long) long=1 ;;
'') ;;
*[!0-9]*) echo "usage: $0 [seconds | --long]" >&2; exit 2 ;;
*) secs=$1 ;;
esac
LONG_RUNS=1000000
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
CC=${CC:-clang}
artifacts=${FUZZ_ARTIFACTS:-$PWD/fuzz-artifacts}
work=$(mktemp -d "${TMPDIR:-/tmp}/rk-fuzz.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT INT TERM

cflags="-g -O1 -fsanitize=fuzzer,address,undefined"
cflags="$cflags -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cflags="$cflags -I$top/lib -I$here -I$work $(pkg-config --cflags libpq openssl libxml-2.0 2>/dev/null)"
# The library sources every harness links (they stand alone with
# libunistring; their config.h include is written here).
cat > "$work/config.h" <<'H'
#define SYSCONFDIR	"/etc"
#define PKGDATADIR	"/usr/share/renrakucho"
#define LIBEXECDIR	"/usr/libexec"
H
base="$top/lib/req.c $top/lib/req_v.c $top/lib/log.c $top/lib/upload.c"
L=$top/lib

n=0
# harness  max_len  minimum executions (10 s)  -close_fd_mask  extra sources and libraries
harnesses() {
	cat <<LIST
fuzz_urlencoded 4096  8000   0 -
fuzz_multipart  8192  3000   0 -
fuzz_cookies    1024  30000  0 -
fuzz_utf8       512   8000   0 -
fuzz_filename   1024  10000  0 -
fuzz_headers    4096  3000   0 -
fuzz_tmplc      4096  500    2 -lxml2
fuzz_csv        2048  8000   0 $L/csv.c $L/buf.c
fuzz_wareki     64    80000  0 $L/wareki.c $L/jtime.c
fuzz_cfg        4096  6000   2 $L/cfg.c
fuzz_sniff      64    150000 0 -
fuzz_mail       1024  30000  0 $L/cfg.c $L/db.c $L/auth.c $L/buf.c -lpq -lcrypto
fuzz_jline      4096  75000  0 $L/jline.c
LIST
}

harnesses > "$work/list"
while read -r name maxlen min mask extra; do
	if [ -n "${FUZZ_ONLY:-}" ]; then
		case " $FUZZ_ONLY " in *" $name "*) ;; *) continue ;; esac
	fi
	n=$((n + 1))
	[ "$extra" = - ] && extra=
	bin=$work/$name
	# shellcheck disable=SC2086
	if ! $CC $cflags -o "$bin" "$here/$name.c" $base $extra -lunistring \
	    >"$work/$name.build" 2>&1; then
		echo "not ok $n - $name (build failed)"
		sed 's/^/# /' "$work/$name.build" | head -40
		continue
	fi
	mkdir -p "$work/corpus-$name" "$artifacts/$name"
	cp "$here/corpus/$name/"* "$work/corpus-$name/" 2>/dev/null
	dict=
	[ "$name" = fuzz_multipart ] && dict="-dict=$here/multipart.dict"
	if [ $long = 1 ]; then
		limit="-runs=$LONG_RUNS"
		min=$LONG_RUNS
	else
		limit="-max_total_time=$secs"
	fi
	start=$(date +%s)
	# shellcheck disable=SC2086
	"$bin" $limit -max_len="$maxlen" -timeout=10 -close_fd_mask="$mask" \
	    -rss_limit_mb=2048 -print_final_stats=1 $dict \
	    -artifact_prefix="$artifacts/$name/" \
	    "$work/corpus-$name" >"$work/$name.log" 2>&1
	rc=$?
	end=$(date +%s)
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name.log")
	if [ $rc -ne 0 ]; then
		crash=$(ls -t "$artifacts/$name/" 2>/dev/null | head -1)
		echo "not ok $n - $name (exit $rc) crash file: $artifacts/$name/$crash"
		grep -E 'ERROR|SUMMARY|runtime error|#[0-9]+ 0x' "$work/$name.log" | head -30 |
		    sed 's/^/# /'
	elif [ "${runs:-0}" -lt "$min" ]; then
		echo "not ok $n - $name ($((end - start)) s, ${runs:-no} runs, fewer than its minimum $min)"
		tail -n 5 "$work/$name.log" | sed 's/^/# /'
	else
		echo "ok $n - $name ($((end - start)) s, $runs runs, no finding)"
		rmdir "$artifacts/$name" "$artifacts" 2>/dev/null
	fi
done < "$work/list"
echo "1..$n"
