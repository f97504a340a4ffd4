#!/bin/bash
# audit_event partitioned by month (Japan time), still append-only; and
# renrakucho-admin audit archive --before YYYY-MM [--dir DIR]: months
# before YYYY-MM and past audit_retention_months are exported (JSON
# lines) with a manifest whose SHA-256 and counts match, recorded in
# audit_archive, and only then their partitions dropped; a failed export
# leaves the partition; a month within the retention is kept.  The last
# event of each piece of the hash chain a month held is sealed (YYYY-MM.seal
# and seal_file), so that audit verify takes the gap the month leaves as
# archived, and only as far as the seals reach.  Runs with demo.env
# sourced (OWNER_DSN is the superuser: old events are put in place with
# an old time; the chain's trigger gives them their places).  Named to
# run last but one (the runner takes name order): it takes pieces out of
# the stack's chain for good, which the tests that read the whole chain
# from seq 1 (audit-chain.sh) must not meet.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"
trap 'rm -rf "$TEST_TMP"' EXIT
conf=${ADMIN##*--conf }
BIN=${ADMIN%% --conf *}
q() { psql_owner "$@"; }
refused() {	# refused SQL NAME
	local out
	if out=$(q "$1" 2>&1); then
		fail "$2" "it succeeded"
	else
		like "$out" 'audit_event is append-only' "$2"
	fi
}
part() { q "SELECT coalesce((SELECT relname FROM pg_class WHERE oid = to_regclass('renrakucho.$1')), 'none')"; }

# --- the partitioned table ----------------------------------------------
is "$(q "SELECT relkind FROM pg_class WHERE oid = 'renrakucho.audit_event'::regclass")" p \
    'audit_event is partitioned'
is "$(q "SELECT pg_get_partkeydef('renrakucho.audit_event'::regclass)")" 'RANGE (at)' 'by range of at'
is "$(q "SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM pg_index i,
    unnest(i.indkey) WITH ORDINALITY k(attnum, n)
    JOIN pg_attribute a ON a.attrelid = 'renrakucho.audit_event'::regclass AND a.attnum = k.attnum
    WHERE i.indrelid = 'renrakucho.audit_event'::regclass AND i.indisprimary")" 'id,at' 'its key is (id, at)'
THIS=$(q "SELECT to_char(now() AT TIME ZONE 'Asia/Tokyo', '\"y\"YYYY\"m\"MM')")
NEXTM=$(q "SELECT to_char((now() AT TIME ZONE 'Asia/Tokyo') + interval '1 month', '\"y\"YYYY\"m\"MM')")
is "$(part "audit_event_$THIS"),$(part "audit_event_$NEXTM"),$(part audit_event_default)" \
    "audit_event_$THIS,audit_event_$NEXTM,audit_event_default" \
    "this month's and the next month's partitions, and a default one, exist"
is "$(q "SELECT split_part(tableoid::regclass::text, '.', 2) FROM renrakucho.audit_event ORDER BY id DESC LIMIT 1")" \
    "audit_event_$THIS" "today's events are in this month's partition"
is "$(q "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = 'audit_event_$THIS'")" \
    "$(q "SELECT format('FOR VALUES FROM (%L) TO (%L)', date_trunc('month', now() AT TIME ZONE 'Asia/Tokyo') AT TIME ZONE 'Asia/Tokyo',
        (date_trunc('month', now() AT TIME ZONE 'Asia/Tokyo') + interval '1 month') AT TIME ZONE 'Asia/Tokyo')")" \
    'bounded by midnight of the first in Japan time'
out=$($ADMIN audit partitions 2>&1)
is "$?:$out" '0:0' 'audit partitions (the purge timer) makes none when they are there'
is "$(q "SELECT has_table_privilege('renrakucho_app', 'renrakucho.audit_event', 'INSERT'),
    has_table_privilege('renrakucho_app', 'renrakucho.audit_event', 'SELECT'),
    has_table_privilege('renrakucho_auditor', 'renrakucho.audit_event', 'SELECT'),
    has_table_privilege('renrakucho_auditor', 'renrakucho.audit_log', 'SELECT')")" 'f|f|t|t' \
    'the app may neither insert (it writes through page_audit) nor read; the auditor reads the table and audit_log'
is "$(psql_auditor "SELECT count(*) > 0 FROM renrakucho.audit_log")" t 'audit_log works for the auditor'
like "$(q "SELECT obj_description('renrakucho.audit_event'::regclass, 'pg_class') || ' / ' || col_description('renrakucho.audit_event'::regclass, 2)")" \
    '^The audit trail, append-only.* / When the event was written' 'the comments are kept'

# --- old months, put in place by the superuser -------------------------------
q "SELECT renrakucho.audit_partition_create('2018-12-01'), renrakucho.audit_partition_create('2019-01-01')" > /dev/null
# In one statement, so that they take consecutive places in the chain
# (the chain's lock): December's, January's four, and one of a month
# without its partition, which lands in the default one.
ids=$(q "INSERT INTO renrakucho.audit_event (at, login, action, outcome, detail)
    VALUES ('2018-12-31 23:59:59+09', 'cli:archive-$$', 'test.archive', 'success', 'last second of December, Japan time'),
	('2019-01-01 00:00:00+09', 'cli:archive-$$', 'test.archive', 'success', 'first second of January, Japan time'),
	('2019-01-10 12:00:00+09', 'cli:archive-$$', 'test.archive', 'success', 'January'),
	('2019-01-20 12:00:00+09', 'cli:archive-$$', 'test.archive', 'success', '＝January'),
	('2019-01-31 23:59:59+09', 'cli:archive-$$', 'test.archive', 'success', 'last second of January'),
	('2017-05-10 12:00:00+09', 'cli:dflt-$$', 'test.archive', 'success', 'a month without a partition')
    RETURNING id")
read -r d1 j1 j2 j3 j4 dflt <<< "$(echo $ids)"
is "$(q "SELECT string_agg(split_part(tableoid::regclass::text, '.', 2), ',' ORDER BY id) FROM renrakucho.audit_event WHERE login = 'cli:archive-$$'")" \
    'audit_event_y2018m12,audit_event_y2019m01,audit_event_y2019m01,audit_event_y2019m01,audit_event_y2019m01' \
    'each in its Japan-time month'
# An event of a month without its partition lands in the default one;
# the month's partition is then not made (its rows could not move).
is "$(q "SELECT split_part(tableoid::regclass::text, '.', 2) FROM renrakucho.audit_event WHERE id = $dflt")" \
    audit_event_default 'an event of a month without a partition is kept in the default one'
is "$(q "SELECT renrakucho.audit_partition_create('2017-05-01')" 2>/dev/null)" f \
    "that month's partition is not made over it"
is "$(part audit_event_y2017m05)" none 'no partition, the event stays where it is'
refused "UPDATE renrakucho.audit_event SET detail = 'x' WHERE id = $j2" 'UPDATE is refused'
refused "DELETE FROM renrakucho.audit_event WHERE id = $j2" 'DELETE is refused'
refused "DELETE FROM renrakucho.audit_event_y2019m01 WHERE id = $j2" 'DELETE on the partition is refused'
refused 'TRUNCATE renrakucho.audit_event' 'TRUNCATE is refused'
refused 'TRUNCATE renrakucho.audit_event_y2019m01' 'TRUNCATE of one partition is refused'
refused 'TRUNCATE renrakucho.audit_event_default' 'TRUNCATE of the default partition is refused'
n_all=$(q "SELECT count(*) FROM renrakucho.audit_event")
archived() { q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'cli.audit.archive'"; }
a0=$(archived)

# --- a month within the retention is kept --------------------------------
sed 's/^audit_retention_months *=.*/audit_retention_months = 1200/' "$conf" > "$TEST_TMP/keep.conf"
out=$($BIN --conf "$TEST_TMP/keep.conf" audit archive --before 2019-02 --dir "$TEST_TMP/keep" 2>&1)
is "$?" 0 'with a retention of 1200 months: exit 0'
like "$out" '2019-01 kept: within audit_retention_months \(1200\)' 'says the month is kept'
like "$out" 'nothing to archive before 2019-02' 'and that nothing was archived'
is "$(part audit_event_y2019m01)" audit_event_y2019m01 'the partition stays'

# --- a failed export leaves the partition ------------------------------------
: > "$TEST_TMP/file"
out=$($ADMIN audit archive --before 2019-02 --dir "$TEST_TMP/file/sub" 2>&1)
is "$?" 1 'an unwritable directory: exit 1'
like "$out" 'file/sub: Not a directory' 'says why'
is "$(part audit_event_y2018m12),$(part audit_event_y2019m01)" 'audit_event_y2018m12,audit_event_y2019m01' \
    'the partitions stay'
is "$(q "SELECT count(*) FROM renrakucho.audit_event")" "$n_all" 'every event stays'
is "$(q "SELECT count(*) FROM renrakucho.audit_archive")" 0 'nothing is recorded as archived'
is "$(archived)" "$a0" 'no archive event'

# --- archive --------------------------------------------------------------
DIR=$TEST_TMP/archive
seq_of() { q "SELECT seq FROM renrakucho.audit_event WHERE id = $1"; }
hash_of() { q "SELECT encode(hash, 'hex') FROM renrakucho.audit_event WHERE id = $1"; }
sd1=$(seq_of "$d1") sj1=$(seq_of "$j1") sj4=$(seq_of "$j4") hd1=$(hash_of "$d1") hj4=$(hash_of "$j4")
is "$sj1:$sj4" "$((sd1 + 1)):$((sd1 + 4))" 'the old events hold places sd1 to sd1 + 4 in the chain'
seals0=$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'signer.seal'")
SEAL_FILE=$(sed -n 's/^seal_file *= *//p' "$conf")
out=$($ADMIN audit archive --before 2019-02 --dir "$DIR" 2>&1)
is "$?" 0 'audit archive --before 2019-02: exit 0'
is "$out" "archived 2018-12: 1 events, $DIR/2018-12.jsonl
archived 2019-01: 4 events, $DIR/2019-01.jsonl" 'archives December and January, oldest first'
is "$(cd "$DIR" && ls)" '2018-12.jsonl
2018-12.manifest
2018-12.seal
2019-01.jsonl
2019-01.manifest
2019-01.seal' 'an export, a manifest and the seals per month, nothing else'
is "$(stat -c %a "$DIR")" 700 'the archive directory is made for its owner alone'
SUM=$(sha256sum < "$DIR/2019-01.jsonl" | cut -d' ' -f1)
is "$(cat "$DIR/2019-01.manifest")" "month: 2019-01
file: 2019-01.jsonl
first_id: $j1
last_id: $j4
count: 4
sha256: $SUM
seqs: {[$sj1,$((sj4 + 1)))}
seals: 2019-01.seal" 'the manifest: month, file, first and last id, count, the SHA-256 of the export, its places in the chain and its seals'
is "$(cut -d' ' -f1,2 "$DIR/2019-01.seal")" "$sj4 $hj4" "January's seal is of its last event, seq and hash"
is "$(cut -d' ' -f1,2 "$DIR/2018-12.seal")" "$sd1 $hd1" "December's of its one event"
line=$(cat "$DIR/2019-01.seal")
printf '%s' "${line% *}" > "$TEST_TMP/seal.msg"
printf '%s' "${line##* }" | base64 -d > "$TEST_TMP/seal.sig"
like "$(openssl pkeyutl -verify -pubin -inkey "$(sed -n 's/^tls_dir *= *//p' "$conf")/seal.pub" \
    -rawin -in "$TEST_TMP/seal.msg" -sigfile "$TEST_TMP/seal.sig" 2>&1)" 'Signature Verified Successfully' \
    'plain openssl verifies the seal with seal.pub'
is "$(grep -cFx -e "$line" -e "$(cat "$DIR/2018-12.seal")" "$SEAL_FILE")" 2 'both seals are in seal_file too'
is "$(q "SELECT count(*) FROM renrakucho.audit_event WHERE action = 'signer.seal'")" $((seals0 + 2)) \
    'the signer audited the two seals'
is "$(python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    print(o["id"], o["at"], o["detail"])
' "$DIR/2019-01.jsonl")" "$j1 2019-01-01 00:00:00+09 first second of January, Japan time
$j2 2019-01-10 12:00:00+09 January
$j3 2019-01-20 12:00:00+09 ＝January
$j4 2019-01-31 23:59:59+09 last second of January" 'the export holds exactly the month, in id order'
is "$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["id"])' "$DIR/2018-12.jsonl")" \
    "$d1" "December's export holds its one event"
is "$(part audit_event_y2018m12),$(part audit_event_y2019m01)" 'none,none' 'both partitions are gone'
is "$(q "SELECT count(*) FROM renrakucho.audit_event")" "$((n_all - 5 + 2 + 2))" \
    'the five events left the table with them (and two archive and two seal events joined it)'
is "$(q "SELECT string_agg(concat_ws('|', month, file, sha256, count, first_id, last_id, seqs), ',' ORDER BY month) FROM renrakucho.audit_archive")" \
    "2018-12-01|$DIR/2018-12.jsonl|$(sha256sum < "$DIR/2018-12.jsonl" | cut -d' ' -f1)|1|$d1|$d1|{[$sd1,$sj1)},2019-01-01|$DIR/2019-01.jsonl|$SUM|4|$j1|$j4|{[$sj1,$((sj4 + 1)))}" \
    'audit_archive records each month: file, SHA-256, count, first and last id, places in the chain'

# --- the chain across the archived months ----------------------------------
live=$(q "SELECT count(*) FROM renrakucho.audit_event")
top=$(q "SELECT max(seq) FROM renrakucho.audit_event")
out=$($ADMIN audit verify 2>&1)
is "$?" 0 'audit verify: exit 0 across the archived months'
like "$out" "^audit chain intact: $live events checked \\(seq 1 to $top, 5 archived\\), [0-9]+ seals verified\$" \
    'it counts the live events and the five archived ones'
: > "$TEST_TMP/no-seals"
sed "s|^seal_file *=.*|seal_file = $TEST_TMP/no-seals|" "$conf" > "$TEST_TMP/noseal.conf"
out=$($BIN --conf "$TEST_TMP/noseal.conf" audit verify 2>&1)
is "$?" 1 'without the archive'"'"'s seals: exit 1'
like "$out" "events seq $sd1 to $sj4 are archived \\(audit_archive\\) but no seal of seq $sj4 gives the prev_hash of event seq $((sj4 + 1)) " \
    'and it says no seal bridges the archived events'
# The event after the archived ones deleted (and put back): not archived.
q "CREATE TABLE public.rk_saved AS SELECT * FROM renrakucho.audit_event WHERE seq = $((sj4 + 1));
    SET session_replication_role = replica;
    DELETE FROM renrakucho.audit_event WHERE seq = $((sj4 + 1))" > /dev/null
out=$($ADMIN audit verify 2>&1)
is "$?" 1 'an event after the archived ones deleted: exit 1'
like "$out" "event seq $sd1 was deleted: the chain goes from seq $((sd1 - 1)) to seq $((sj4 + 2)) " \
    'the gap is no longer only what was archived'
q "SET session_replication_role = replica;
    INSERT INTO renrakucho.audit_event OVERRIDING SYSTEM VALUE SELECT * FROM public.rk_saved;
    DROP TABLE public.rk_saved" > /dev/null
out=$($ADMIN audit verify 2>&1)
is "$?" 0 'put back: intact again'
is "$(archived)" $((a0 + 2)) 'two archive events'
is "$(q "SELECT concat_ws('|', object_type, object_id, detail) FROM renrakucho.audit_event WHERE action = 'cli.audit.archive' ORDER BY id DESC LIMIT 1")" \
    "audit_event|2019-01|2019-01: 4 events, ids $j1 to $j4, sha256 $SUM" 'the event names the month, its ids and the SHA-256'
is "$(psql_auditor "SELECT count(*) FROM renrakucho.audit_archive")" 2 'the auditor reads audit_archive'
refused "DELETE FROM renrakucho.audit_event WHERE id = (SELECT max(id) FROM renrakucho.audit_event)" \
    'DELETE is still refused after an archive'
out=$($ADMIN audit archive --before 2019-02 --dir "$DIR" 2>&1)
is "$?:$out" '0:nothing to archive before 2019-02' 'a second run has nothing to archive'
out=$($ADMIN audit archive --before 2019-13 2>&1)
is "$?" 2 '--before 2019-13 is a usage error'

done_testing
