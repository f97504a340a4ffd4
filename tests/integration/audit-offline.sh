#!/bin/bash
# Archive a month, verify it offline from the export and seals alone:
# `audit verify --archive FILE.jsonl --pub PEM` run with no
# configuration and no database reachable checks the JSON lines of
# `audit export --format jsonl` (at_utc, prev_hash, hash) against seal
# lines the signer made for each run's end, says how many events, runs
# and seals it checked and writes no event; so does a month archived by
# `audit archive` with the seal it writes beside it.  A recomputation in Python
# of the README's content gives the exported hashes.  Then, each on a
# copy: a character of one detail changed, a line deleted, two lines
# swapped, a line cut short, an event relinked inside a run and at a
# run's start (prev_hash and hash forged consistently), a run's sealed
# end rewritten (detail and hash), a seal's signature altered, a run
# end's seal dropped, the file emptied: exit 1 naming the event by seq
# and id.  An archive from before at_utc (at alone) still verifies.
# Runs with demo.env sourced.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"
trap 'rm -rf "$TEST_TMP"' EXIT

CONF=${ADMIN##*--conf }
BIN=${ADMIN%% --conf *}
SOCK=$(sed -n 's/^signer_socket *= *//p' "$CONF")
TLS=$(sed -n 's/^tls_dir *= *//p' "$CONF")
PUB=$TLS/seal.pub
[ -S "$SOCK" ] || bail "no signer socket in $CONF"
[ -s "$PUB" ] || bail "no $PUB"
cp "$PUB" "$TEST_TMP/seal.pub"
PUB=$TEST_TMP/seal.pub
E=renrakucho-admin\ audit\ verify

# A day of late 2020 nobody else writes to (audit-export.sh uses days
# before it), and one three days later.
D=$(date -u -d "2020-01-01 + $(( $$ % 20 + 335 )) days" +%F)
LATER=$(date -u -d "$D + 3 days" +%F)
in_range() { psql_owner "SELECT count(*) FROM renrakucho.audit_event WHERE at >= '$1 00:00+09' AND at < '$2 00:00+09'"; }
[ "$(in_range "$D" "$(date -u -d "$LATER + 1 day" +%F)")" = 0 ] || bail "$D..$LATER is not empty"

ev() {	# ev AT DETAIL-SQL: one event as the owner; prints its id
	psql_owner "INSERT INTO renrakucho.audit_event (at, login, remote_addr, action, object_type, object_id, outcome, detail)
	    VALUES ('$1', 'cli:offline', '192.0.2.7', 'test.offline', 'test', 'o-$$', 'success', $2) RETURNING id"
}
seq_of() { psql_owner "SELECT seq FROM renrakucho.audit_event WHERE id = $1"; }
hash_of() { psql_owner "SELECT encode(hash, 'hex') FROM renrakucho.audit_event WHERE seq = $1"; }
n_events() { psql_owner "SELECT count(*) FROM renrakucho.audit_event"; }
# seal SEQ: the signer's seal line of event SEQ.
seal() { signer_req "$SOCK" renrakucho "SEAL $1 $(hash_of "$1")" | sed -n 2p; }

# Two runs of the day with one event of another day between them.
I1=$(ev "$D 09:00:00.123456+09" "'offline event 1'")
I2=$(ev "$D 09:00:01+09" "'q \" b \\ ' || chr(10) || chr(9) || chr(1) || ' é 😀'")
I3=$(ev "$D 09:00:02.5+09" "'offline event 3'")
IO=$(ev "$LATER 12:00:00+09" "'another day'")
I4=$(ev "$D 10:00:00+09" "NULL")
I5=$(ev "$D 10:00:01+09" "'offline event 5'")
I6=$(ev "$D 23:59:59.999999+09" "'offline event 6'")
A=$(seq_of "$I1")
is "$(for i in $I1 $I2 $I3 $IO $I4 $I5 $I6; do seq_of "$i"; done | tr '\n' ' ')" \
    "$A $((A + 1)) $((A + 2)) $((A + 3)) $((A + 4)) $((A + 5)) $((A + 6)) " \
    'seven events in a row: seq A to A+2 and A+4 to A+6 on the day, A+3 later'

F=$TEST_TMP/a.jsonl
out=$($ADMIN audit export --since "$D" --until "$D" --format jsonl --out "$F" 2>&1)
is "$?:$out" "0:$F: 6 events" 'the day exported as JSON lines'
# Seals of both runs' ends and of the event between them.
for s in $((A + 2)) $((A + 3)) $((A + 6)); do seal "$s"; done > "$TEST_TMP/a.seal"
like "$(cut -d' ' -f1 "$TEST_TMP/a.seal" | tr '\n' ' ')" "^$((A + 2)) $((A + 3)) $((A + 6)) \$" \
    'the signer sealed seq A+2, A+3 and A+6'

# The README's content recomputed in Python: the export's at_utc,
# prev_hash and hash are all it takes.
# hashes.py check FILE | relink FILE LINE | rewrite FILE LINE: "ok"
# when every line's hash recomputes; or the file with LINE's prev_hash
# forged, or its detail changed, and its hash recomputed.
cat > "$TEST_TMP/hashes.py" <<'PY'
import hashlib, json, sys
F = ['seq', 'at_utc', 'account_id', 'login', 'cert_serial', 'remote_addr',
     'action', 'object_type', 'object_id', 'patient_id', 'outcome', 'detail']
def h(o):
    c = b'\0'.join(b'-' if o[k] is None else b'+' + str(o[k]).encode() for k in F)
    return hashlib.sha256(bytes.fromhex(o['prev_hash']) + c).hexdigest()
lines = open(sys.argv[2], encoding='utf-8').read().splitlines()
if sys.argv[1] == 'check':
    print('ok' if all(h(json.loads(l)) == json.loads(l)['hash'] for l in lines) else 'bad')
else:
    n = int(sys.argv[3]) - 1
    o = json.loads(lines[n])
    if sys.argv[1] == 'relink':
        o['prev_hash'] = hashlib.sha256(b'forged').hexdigest()
    else:
        o['detail'] += ' (rewritten)'
    o['hash'] = h(o)
    lines[n] = json.dumps(o, ensure_ascii=False, separators=(',', ':'))
    print('\n'.join(lines))
PY
is "$(python3 "$TEST_TMP/hashes.py" check "$F")" ok \
    'SHA-256(prev_hash || the fields as the README documents them, at as at_utc) gives each hash'

# off ARGS: the verb with no configuration and no database to reach.
off() {
	env -i "${SAN_ENV[@]}" PATH=/usr/bin:/bin PGHOST=/nonexistent PGPORT=1 PGDATABASE=none \
	    RENRAKUCHO_CONF=/nonexistent/renrakucho.conf "$BIN" audit verify "$@"
}
out=$(off --archive "$F" 2>&1)
is "$?" 1 'without --pub and without a configuration it fails (the environment has none)'

GOOD="archive intact: 6 events in 2 runs (seq $A to $((A + 2)), $((A + 4)) to $((A + 6))), 3 seals verified; seq $A links to seq $((A - 1)), outside this file"
n0=$(n_events)
out=$(off --archive "$F" --pub "$PUB" 2> "$TEST_TMP/err")
is "$?" 0 'offline, from the file, FILE.seal and --pub alone: exit 0'
is "$out" "$GOOD" 'and it says what it checked: events, runs, seals, the link outside'
[ -s "$TEST_TMP/err" ] && diag "$(cat "$TEST_TMP/err")"
is "$(n_events)" "$n0" 'no audit event is written'
out=$($ADMIN audit verify --archive "$F" 2>&1)
is "$?:$out" "0:$GOOD" 'with the configuration: seal.pub from tls_dir, the same verdict'

# Without the seal of A+3 the second run links outside the file too.
grep -v "^$((A + 3)) " "$TEST_TMP/a.seal" > "$TEST_TMP/b.seal"
out=$(off --archive "$F" --seals "$TEST_TMP/b.seal" --pub "$PUB" 2>&1)
is "$?:$out" "0:archive intact: 6 events in 2 runs (seq $A to $((A + 2)), $((A + 4)) to $((A + 6))), 2 seals verified; seq $A links to seq $((A - 1)), seq $((A + 4)) links to seq $((A + 3)), outside this file" \
    '--seals FILE; a run whose predecessor is not sealed is said to link outside'

# An archive written before at_utc: its at (Japan time) is converted.
python3 -c '
import json, sys
for l in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(l); del o["at_utc"]
    print(json.dumps(o, ensure_ascii=False, separators=(",", ":")))
' "$F" > "$TEST_TMP/old.jsonl"
out=$(off --archive "$TEST_TMP/old.jsonl" --seals "$TEST_TMP/a.seal" --pub "$PUB" 2>&1)
is "$?:$out" "0:$GOOD" 'an export without at_utc verifies from at'

out=$(off --archive "$F" --from 3 --pub "$PUB" 2>&1)
is "$?" 2 'bad: --archive with --from is a usage error'

# --- a month archived (audit archive), its seal beside it ------------------------
# Archived in a copy of the database (rk_offline_arch), so that the
# other tests find audit_archive as they left it; the month (2019, after
# the ones zy-audit-archive.sh archives) stays in the stack's database.
M=2019-$(printf '%02d' $(( $$ % 10 + 3 )))
NM=$(date -u -d "$M-01 + 1 month" +%Y-%m)
COPY=rk_offline_arch
COPY_DSN=$(printf '%s\n' "$OWNER_DSN" | sed "s/dbname=[^ ]*/dbname=$COPY/")
trap 'psql_owner "DROP DATABASE IF EXISTS $COPY WITH (FORCE)" > /dev/null; rm -rf "$TEST_TMP"' EXIT
is "$(psql_owner "SELECT renrakucho.audit_partition_create('$M-01')")" t "a partition of $M"
J1=$(ev "$M-02 08:00:00+09" "'archived 1'")
J2=$(ev "$M-15 12:30:00.000001+09" "'archived 2'")
J3=$(ev "$M-28 23:00:00+09" "'archived 3'")
B=$(seq_of "$J1")
is "$(seq_of "$J3")" $((B + 2)) 'three events of the month in a row'
H3=$(hash_of $((B + 2)))
db_copy "$COPY" > /dev/null
sed -e "s|^db_owner_dsn *=.*|db_owner_dsn = $COPY_DSN|" \
    -e "s|^seal_file *=.*|seal_file = $TEST_TMP/seal_file|" "$CONF" > "$TEST_TMP/copy.conf"
out=$($BIN --conf "$TEST_TMP/copy.conf" audit archive --before "$NM" --dir "$TEST_TMP/archive" 2>&1)
like "$out" "^archived $M: 3 events, $TEST_TMP/archive/$M.jsonl" "the month archived (in a copy of the database)"
like "$(cat "$TEST_TMP/archive/$M.seal")" "^$((B + 2)) $H3 [^ ]+ [^ ]+\$" \
    'with YYYY-MM.seal beside it: the seal of its last event'
is "$(_psql "$COPY_DSN" "SELECT to_regclass('renrakucho.audit_event_y${M/-/m}') IS NULL,
    count(*) FROM renrakucho.audit_event WHERE id IN ($J1, $J2, $J3)")" 't|0' \
    'its partition and events are gone from that database'
out=$(off --archive "$TEST_TMP/archive/$M.jsonl" --pub "$PUB" 2>&1)
is "$?:$out" "0:archive intact: 3 events in 1 runs (seq $B to $((B + 2))), 1 seals verified; seq $B links to seq $((B - 1)), outside this file" \
    'the archived month verifies offline from YYYY-MM.jsonl and YYYY-MM.seal alone'

# bad NAME JSONL SEALS WANT: exit 1 and the message WANT.
bad() {
	out=$(off --archive "$2" --seals "$3" --pub "$PUB" 2>&1)
	is "$?" 1 "bad: $1: exit 1"
	is "$out" "$E: $4" "bad: $1: named"
}
S=$TEST_TMP/a.seal
T=$TEST_TMP/t.jsonl

sed '5s/offline event 5/offline evenT 5/' "$F" > "$T"
bad 'one character of a detail changed' "$T" "$S" \
    "event seq $((A + 5)) (id $I5, line 5) was changed: its content does not give its hash"
sed '2d' "$F" > "$T"
bad 'a line deleted in the middle of a run' "$T" "$S" \
    "event seq $A (id $I1, line 1) ends a run but no seal covers it: seq $((A + 1)) is missing (line 2 is seq $((A + 2)))"
awk 'NR == 2 { l2 = $0; next } NR == 3 { print; print l2; next } 1' "$F" > "$T"
bad 'two lines swapped' "$T" "$S" \
    "event seq $((A + 1)) (id $I2, line 3) is out of order: it comes after seq $((A + 2)) (id $I3)"
sed '3s/.....$//' "$F" > "$T"
bad 'a line cut short' "$T" "$S" "$T:3: malformed line: unterminated string"
python3 "$TEST_TMP/hashes.py" relink "$F" 5 > "$T"
bad 'an event relinked inside a run, its hash recomputed' "$T" "$S" \
    "event seq $((A + 5)) (id $I5, line 5) does not follow event seq $((A + 4)): its prev_hash is not that event's hash"
python3 "$TEST_TMP/hashes.py" relink "$F" 4 > "$T"
bad "a run's first event relinked, its hash recomputed" "$T" "$S" \
    "event seq $((A + 4)) (id $I4, line 4) does not follow event seq $((A + 3)): its prev_hash is not the hash sealed at $(sed -n 2p "$S" | cut -d' ' -f3)"

python3 "$TEST_TMP/hashes.py" rewrite "$F" 3 > "$T"
bad "a run's sealed end rewritten, its hash recomputed" "$T" "$S" \
    "event seq $((A + 2)) (id $I3, line 3) does not match its seal of $(sed -n 1p "$S" | cut -d' ' -f3)"

python3 -c '
import sys
l = open(sys.argv[1]).read().splitlines()
seq, h, t, sig = l[0].split(" ")
sig = sig[:10] + ("B" if sig[10] != "B" else "C") + sig[11:]
l[0] = " ".join((seq, h, t, sig))
print("\n".join(l))
' "$S" > "$TEST_TMP/x.seal"
bad "a byte of a seal's signature altered" "$F" "$TEST_TMP/x.seal" \
    "$TEST_TMP/x.seal:1: the seal of seq $((A + 2)) does not verify with $PUB: it was not made by the signer"
grep -v "^$((A + 6)) " "$S" > "$TEST_TMP/x.seal"
bad "the seal of the last run's end dropped" "$F" "$TEST_TMP/x.seal" \
    "event seq $((A + 6)) (id $I6, line 6) ends the file but no seal covers it"
grep -v "^$((A + 2)) " "$S" > "$TEST_TMP/x.seal"
bad "the seal of the first run's end dropped" "$F" "$TEST_TMP/x.seal" \
    "event seq $((A + 2)) (id $I3, line 3) ends a run but no seal covers it: seq $((A + 3)) is missing (line 4 is seq $((A + 4)))"
head -n 5 "$F" > "$T"
bad 'the last line deleted' "$T" "$S" \
    "event seq $((A + 5)) (id $I5, line 5) ends the file but no seal covers it"
: > "$T"
bad 'an empty file' "$T" "$S" "$T: no events: nothing to verify"

done_testing
