#!/bin/bash
# renrakucho-admin audit export --since D --until D --format csv|jsonl
# [--out FILE]: every column of audit_event (as the catalogue lists
# them) and at_utc for those days in Japan time, in id order, nothing
# outside them; the CSV has a BOM, CRLF line ends, every cell quoted
# and formula cells neutralised (full-width ＝, a blank before =); the
# JSON lines parse; the export is itself an event (cli.audit.export
# with the range).  Runs with demo.env sourced.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"
trap 'rm -rf "$TEST_TMP"' EXIT

# A day of 2020 nobody else writes to (events there go to the default
# partition), and its neighbours, as YYYY-MM-DD.
D=$(date -u -d "2020-01-01 + $(( $$ % 300 + 30 )) days" +%F)
PREV=$(date -u -d "$D - 1 day" +%F)
NEXT=$(date -u -d "$D + 1 day" +%F)
TAG=export-$$
ev() {	# ev AT DETAIL: one event as the owner; prints its id
	psql_owner "INSERT INTO renrakucho.audit_event (at, login, action, object_type, outcome, detail)
	    VALUES ('$1', 'cli:$TAG', 'test.export', 'test', 'success', \$d\$$2\$d\$) RETURNING id"
}
in_range() { psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE at >= '$1 00:00+09' AND at < '$2 00:00+09'"; }
[ "$(in_range "$PREV" "$(date -u -d "$NEXT + 1 day" +%F)")" = 0 ] || bail "$PREV..$NEXT is not empty"

before=$(ev "$PREV 23:59:59.999+09" 'the day before')
e1=$(ev "$D 00:00:00+09" '＝SUM(A1)')
e2=$(ev "$D 12:00:00+09" ' =1+1')
e3=$(ev "$D 23:59:59.999999+09" 'a "quote", a comma')
after=$(ev "$NEXT 00:00:00+09" '＠next day')
is "$(in_range "$D" "$NEXT")" 3 'three events on the day (Japan time), one either side'

exports() { psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'cli.audit.export' AND object_type = 'audit_event' AND detail = '$1'"; }
# Every column, then at_utc: the time as the hash chain hashes it.
COLS=$(psql_owner "SELECT string_agg(attname, ',' ORDER BY attnum) FROM pg_attribute
    WHERE attrelid = 'renrakucho.audit_event'::regclass AND attnum > 0 AND NOT attisdropped"),at_utc

# --- CSV ------------------------------------------------------------------
n0=$(exports "$D..$D, csv, 3 events")
out=$($ADMIN audit export --since "$D" --until "$D" --format csv --out "$TEST_TMP/a.csv" 2>&1)
is "$?:$out" "0:$TEST_TMP/a.csv: 3 events" 'CSV export of one day: exit 0, says how many'
is "$(exports "$D..$D, csv, 3 events")" $((n0 + 1)) 'the export is one event cli.audit.export with the range and count'
is "$(head -c 3 "$TEST_TMP/a.csv" | od -An -tx1 | tr -d ' ')" efbbbf 'the CSV starts with the UTF-8 BOM'
is "$(stat -c %a "$TEST_TMP/a.csv")" 600 'the file is for its owner alone'
lines=$(wc -l < "$TEST_TMP/a.csv")
is "$lines" 4 'a header and three rows'
is "$(grep -c $'\r$' "$TEST_TMP/a.csv")" "$lines" 'every line ends with CRLF'
is "$(python3 - "$TEST_TMP/a.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding='utf-8-sig', newline='')))
print(','.join(rows[0]))
for r in rows[1:]:
    d = dict(zip(rows[0], r))
    print(d['id'], d['detail'], d['login'], d['account_id'] == '')
PY
)" "$COLS
$e1 '＝SUM(A1) cli:$TAG True
$e2 ' =1+1 cli:$TAG True
$e3 a \"quote\", a comma cli:$TAG True" \
    'header: every column of audit_event and at_utc; the rows in id order; ＝ and " =" neutralised, quotes kept'
ok 'every cell is quoted' python3 -c '
import sys
for line in open(sys.argv[1], encoding="utf-8-sig", newline=""):
    line = line.rstrip("\r\n")
    assert line.startswith("\"") and line.endswith("\""), line
' "$TEST_TMP/a.csv"
like "$(sed -n 2p "$TEST_TMP/a.csv")" "\"$D 00:00:00\\+09\"" 'times in Japan time with the offset'
like "$(sed -n 2p "$TEST_TMP/a.csv")" "\"${PREV}T15:00:00\\.000000Z\"" \
    'and at_utc in UTC as the chain hashes it, six fractional digits'

# --- JSON lines -----------------------------------------------------------
n0=$(exports "$PREV..$NEXT, jsonl, 5 events")
$ADMIN audit export --since "$PREV" --until "$NEXT" --format jsonl > "$TEST_TMP/a.jsonl" 2> "$TEST_TMP/err"
is "$?" 0 'JSON lines to standard output: exit 0'
is "$(exports "$PREV..$NEXT, jsonl, 5 events")" $((n0 + 1)) 'its event names the range, the format and the count'
is "$(python3 - "$TEST_TMP/a.jsonl" "$COLS" <<'PY'
import json, sys
cols = sys.argv[2].split(',')
for line in open(sys.argv[1], encoding='utf-8'):
    o = json.loads(line)
    assert list(o) == cols, list(o)
    assert isinstance(o['id'], int) and o['account_id'] is None
    print(o['id'], o['detail'])
PY
)" "$before the day before
$e1 ＝SUM(A1)
$e2  =1+1
$e3 a \"quote\", a comma
$after ＠next day" 'each line one JSON object with every column, ids as numbers, NULL as null, text as written'

# --- refused ------------------------------------------------------------
out=$($ADMIN audit export --since "$D" --until "$D" --format xml 2>&1)
is "$?" 2 '--format xml is a usage error'
like "$out" 'csv or jsonl' 'and says what is allowed'
out=$($ADMIN audit export --since "$NEXT" --until "$D" --format csv 2>&1)
is "$?" 2 '--since after --until is a usage error'
out=$($ADMIN audit export --since 2020-1-1 --until "$D" --format csv 2>&1)
is "$?" 2 'a malformed date is a usage error'
out=$($ADMIN audit export --since 2021-02-30 --until 2021-03-01 --format csv 2>&1)
is "$?" 1 'a day that does not exist fails'
out=$($ADMIN audit export --since "$D" --format csv 2>&1)
is "$?" 2 '--until is required'
n0=$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'cli.audit.export'")
out=$($ADMIN audit export --since "$D" --until "$D" --format csv --out "$TEST_TMP/nodir/a.csv" 2>&1)
is "$?" 1 'an unwritable --out fails'
is "$(psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'cli.audit.export'")" "$n0" \
    'and writes no export event'

done_testing
