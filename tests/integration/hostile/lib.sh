# The payloads and the checks of the hostile-input tests (sourced by
# tests/integration/hostile-*.sh after team-home.sh).
#
# PAYLOADS: the names of the nine payloads: NUL, overlong UTF-8, a lone
# surrogate, 100,000 characters, markup, SQL, "\r\n" header injection,
# full-width and combining characters; $P/NAME.raw the bytes,
# $P/NAME.pct percent-encoded, $P/NAME.txt the text (only a payload that
# is UTF-8 without NUL: a payload without .txt is never to be accepted).
P=$TEST_TMP/payloads
mkdir -p "$P"
mapfile -t PAYLOADS < <(python3 - "$P" <<'EOF'
import sys, urllib.parse, os
d = sys.argv[1]
for name, raw in [
    ('nul', b'a\x00b'),
    ('overlong', b'\xc0\xaf\xc0\xae/etc'),
    ('surrogate', b'x\xed\xa0\x80y'),
    ('long', ('あ' * 100000).encode()),
    ('markup', b'<script>alert(1)</script><img src=x onerror=alert(2)>"\'&'),
    ('sql', b"x'); DROP TABLE renrakucho.account;-- ' OR '1'='1"),
    ('crlf', b'a\r\nSet-Cookie: rk=1\r\nX-Injected: 1'),
    ('fullwidth', 'ＡＢＣ＜ｓｃｒｉｐｔ＞１２３＠ｅｘａｍｐｌｅ'.encode()),
    ('combining', 'か\u3099ﾞe\u0301 👩\u200d⚕️'.encode()),
]:
    open(os.path.join(d, name + '.raw'), 'wb').write(raw)
    open(os.path.join(d, name + '.pct'), 'w').write(urllib.parse.quote(raw, safe=''))
    try:
        t = raw.decode('utf-8')
        if '\x00' not in t:
            open(os.path.join(d, name + '.txt'), 'w', newline='').write(t)
    except UnicodeDecodeError:
        pass
    print(name)
# Ids in a path or a number field besides: beyond bigint, negative,
# full-width digits (not in PAYLOADS: see IDS below).
for name, raw in [
    ('bignum', b'99999999999999999999999'),
    ('negative', b'-1'),
    ('widedigit', '１２'.encode()),
]:
    open(os.path.join(d, name + '.raw'), 'wb').write(raw)
    open(os.path.join(d, name + '.pct'), 'w').write(urllib.parse.quote(raw, safe=''))
    open(os.path.join(d, name + '.txt'), 'w', newline='').write(raw.decode())
EOF
)
[ ${#PAYLOADS[@]} = 9 ] || bail "payloads: ${PAYLOADS[*]}"
U=$(date +%s)$$
INITIAL_PW=$(new_password Hostile)
# q SQL: psql_owner through one psql kept open (a psql a statement costs
# a connection each: a third of a second on a busy machine).
coproc HOSTILE_PSQL { psql "$OWNER_DSN" -X -q -tA 2>&1; }
q() {
	local line out='' rc=0
	printf '%s;\n\\echo __q_end__\n' "$1" >&"${HOSTILE_PSQL[1]}"
	while IFS= read -r line <&"${HOSTILE_PSQL[0]}"; do
		[ "$line" = __q_end__ ] && break
		case $line in ERROR:*) rc=1 ;; esac
		out+=${out:+$'\n'}$line
	done
	[ -z "$out" ] || printf '%s\n' "$out"
	return $rc
}
# japanese FILE: the page says something in Japanese.
japanese() { LC_ALL=C.UTF-8 grep -qP '[\x{3041}-\x{30FF}\x{4E00}-\x{9FFF}]' "$1"; }
# hex TEXT-FILE / hex_of SQL: what was sent and what was stored, as hex
# (psql's output would lose a trailing newline or a NUL).  With LF=1, a
# textarea's line ends as stored: "\r\n" is "\n" (what browsers send for
# a line break is CRLF; the app keeps LF).
hex() {
	if [ "${LF:-0}" = 1 ]; then sed 's/\r$//' "$1"; else cat "$1"; fi | xxd -p | tr -d '\n'
}
hex_of() { q "SELECT encode(convert_to(($1), 'UTF8'), 'hex')"; }

# verdict FORM FIELD PAYLOAD COUNT-SQL COUNT-BEFORE STORED-SQL [PAGE-PATH WHO]:
# one check for the answer just received (HTTP_STATUS, HTTP_BODY):
# a 4xx in Japanese with COUNT-SQL unchanged, or 2xx/3xx with one row
# more whose STORED-SQL is the payload's text, shown escaped on PAGE-PATH.
# COUNT-SQL may count several tables in one row ("a|b|c"): all or none
# grow by one.  With EXPECT set, a 422 must say it.
BAD=()
verdict() {
	local form=$1 field=$2 p=$3 csql=$4 c0=$5 ssql=$6 page=${7:-} who=${8:-} \
	    what="$1 $2 $3" c1 why=''
	ST=$HTTP_STATUS
	c1=$(q "$csql")
	case $HTTP_STATUS in
	4??)
		japanese "$HTTP_BODY" || why="a $HTTP_STATUS without a Japanese message"
		expected || why="${why:+$why; }not the message \"$EXPECT\""
		[ "$c1" = "$c0" ] || why="${why:+$why; }refused but rows written ($c0 -> $c1)"
		;;
	2??|3??)
		if [ ! -f "$P/$p.txt" ]; then
			why="accepted ($HTTP_STATUS) a payload that is not UTF-8 text"
		elif [ "$(deltas "$c0" "$c1")" != 1 ]; then
			why="accepted ($HTTP_STATUS) but rows $c0 -> $c1, not one more each"
		elif [ -n "$ssql" ] && [ "$(hex_of "$ssql")" != "$(hex "$P/$p.txt")" ]; then
			why="stored differently: $(q "$ssql" | head -c 80)"
		elif [ -n "$page" ]; then
			http_get "$who" "$page"
			grep -q '<script>alert(1)\|<img src=x onerror' "$HTTP_BODY" &&
			    why="shown unescaped on $page"
		fi
		;;
	*)
		why="answered $HTTP_STATUS"
		;;
	esac
	judge "$what" "$why"
}

# urlencoded WHO PATH FIELD PCT BASE...: POSTs BASE (name=percent-encoded
# value pairs) with FIELD's value replaced by the contents of PCT.
urlencoded() {
	local who=$1 path=$2 field=$3 pct=$4 kv body=''
	shift 4
	for kv in "$@"; do
		[ "${kv%%=*}" = "$field" ] && kv="$field=$(cat "$pct")"
		body+=${body:+&}$kv
	done
	printf '%s' "$body" > "$TEST_TMP/form-body"
	http_post "$who" "$path" -H 'Content-Type: application/x-www-form-urlencoded' \
	    --data-binary "@$TEST_TMP/form-body"
}


# IDS: the payloads for an id in a path, a token, a number, a date or a
# select's value: their validators refuse what is not ASCII of their
# own shape, so of the nine, those that differ in kind (NUL, 100,000
# characters, markup, CRLF), and numbers beyond bigint and in full-width
# digits.
IDS=(nul long markup crlf bignum widedigit)

# expected: a 422 says $EXPECT (when set).
expected() {
	[ -z "${EXPECT:-}" ] || [ "$HTTP_STATUS" != 422 ] ||
	    grep -qF -- "$EXPECT" "$HTTP_BODY"
}
# deltas BEFORE AFTER: the distinct changes of "|"-separated counts.
deltas() {
	paste -d' ' <(tr '|' '\n' <<< "$1") <(tr '|' '\n' <<< "$2") |
	    awk '{ print $2 - $1 }' | sort -u | tr '\n' ' ' | sed 's/ $//'
}
# unescaped FILE: the markup payload appears as markup.
unescaped() { grep -q '<script>alert(1)\|<img src=x onerror' "$1"; }

# form_post WHO PATH PCT NAME=VALUE...: POSTs the (percent-encoded) pairs
# urlencoded, each VALUE "@" replaced by the contents of PCT (and the
# other pairs of its NAME left out).
form_post() {
	local who=$1 path=$2 pct=$3 kv body='' mine=' '
	shift 3
	for kv in "$@"; do
		[ "${kv#*=}" = @ ] && mine+="${kv%%=*} "
	done
	for kv in "$@"; do
		if [ "${kv#*=}" = @ ]; then
			kv="${kv%%=*}=$(cat "$pct")"
		else
			case $mine in *" ${kv%%=*} "*) continue ;; esac
		fi
		body+=${body:+&}$kv
	done
	printf '%s' "$body" > "$TEST_TMP/form-body"
	http_post "$who" "$path" -H 'Content-Type: application/x-www-form-urlencoded' \
	    --data-binary "@$TEST_TMP/form-body"
}

# multipart_post WHO PATH RAW SPEC...: POSTs multipart/form-data built
# byte for byte; SPEC is NAME=TEXT, NAME=@ (the bytes of RAW), or
# NAME:FILENAME<PATH, a file part of PATH's bytes, FILENAME "@" for RAW's.
multipart_post() {
	local who=$1 path=$2 raw=$3 b
	shift 3
	b=hostile$RANDOM$RANDOM
	python3 - "$TEST_TMP/mp-body" "$b" "$raw" "$@" <<'PYEOF' || bail multipart
import re, sys
out, b, raw = sys.argv[1], sys.argv[2].encode(), open(sys.argv[3], 'rb').read()
body = b''
for spec in sys.argv[4:]:
    if re.match(r'[a-z_0-9]+:[^=]*<', spec):
        head, path = spec.split('<', 1)
        name, fn = head.split(':', 1)
        fn = raw if fn == '@' else fn.encode()
        body += (b'--' + b + b'\r\nContent-Disposition: form-data; name="' +
            name.encode() + b'"; filename="' + fn.replace(b'"', b'%22') +
            b'"\r\nContent-Type: application/pdf\r\n\r\n' +
            open(path, 'rb').read() + b'\r\n')
    else:
        name, v = spec.split('=', 1)
        v = raw if v == '@' else v.encode()
        body += (b'--' + b + b'\r\nContent-Disposition: form-data; name="' +
            name.encode() + b'"\r\n\r\n' + v + b'\r\n')
body += b'--' + b + b'--\r\n'
open(out, 'wb').write(body)
PYEOF
	http_post "$who" "$path" -H "Content-Type: multipart/form-data; boundary=$b" \
	    --data-binary "@$TEST_TMP/mp-body"
}

# path_id PAYLOAD: the payload percent-encoded for a path segment (of the
# 100,000 characters, 3,000: over nginx's 8 KB for a request line, short
# enough for curl to read nginx's 414 rather than a broken pipe).
path_id() {
	if [ "$1" = long ]; then head -c 27000 "$P/$1.pct"; else cat "$P/$1.pct"; fi
}

# judge WHAT WHY: one result.
judge() {
	if [ -n "$2" ]; then
		BAD+=("$1: $2")
		fail "$1: never a 500, never a partial write" "$2"
	else
		pass "$1: ${ST:-$HTTP_STATUS}"
	fi
	ST=
}

# verdict_update FORM FIELD PAYLOAD STORED-SQL BEFORE-HEX [PAGE-PATH WHO]:
# an edit of an existing row: a 4xx in Japanese with STORED-SQL as it
# was (BEFORE-HEX, from hex_of), or 2xx/3xx with STORED-SQL the payload's
# text, shown escaped on PAGE-PATH.
verdict_update() {
	local what="$1 $2 $3" p=$3 ssql=$4 h0=$5 page=${6:-} who=${7:-} h1 why=''
	ST=$HTTP_STATUS
	h1=$(hex_of "$ssql")
	case $HTTP_STATUS in
	4??)
		japanese "$HTTP_BODY" || why="a $HTTP_STATUS without a Japanese message"
		expected || why="${why:+$why; }not the message \"$EXPECT\""
		[ "$h1" = "$h0" ] || why="${why:+$why; }refused but changed"
		;;
	2??|3??)
		if [ ! -f "$P/$p.txt" ]; then
			why="accepted ($HTTP_STATUS) a payload that is not UTF-8 text"
		elif [ "$h1" != "$(hex "$P/$p.txt")" ]; then
			why="stored differently: $(q "$ssql" | head -c 80)"
		elif [ -n "$page" ]; then
			http_get "$who" "$page"
			unescaped "$HTTP_BODY" && why="shown unescaped on $page"
		fi
		;;
	*)	why="answered $HTTP_STATUS" ;;
	esac
	judge "$what" "$why"
}

# verdict_none FORM FIELD PAYLOAD STATE-SQL STATE-BEFORE: a form whose
# payload may be refused (a 4xx in Japanese) or ignored (a checkbox or
# an id it does not name: 2xx/3xx), but never takes effect: STATE-SQL
# (what the payload would have changed) is still STATE-BEFORE (or, when
# STATE-AFTER-OK is set, that), and a page answered shows no markup.
verdict_none() {
	local what="$1 $2 $3" s1 why=''
	s1=$(q "$4")
	case $HTTP_STATUS in
	4??)
		japanese "$HTTP_BODY" || why="a $HTTP_STATUS without a Japanese message"
		expected || why="${why:+$why; }not the message \"$EXPECT\""
		[ "$s1" = "$5" ] || why="${why:+$why; }refused but changed ($5 -> $s1)"
		;;
	2??|3??)
		[ "$s1" = "$5" ] || [ "$s1" = "${STATE_AFTER_OK:-$5}" ] ||
		    why="took effect ($5 -> $s1)"
		unescaped "$HTTP_BODY" && why="${why:+$why; }shown unescaped"
		;;
	*)	why="answered $HTTP_STATUS" ;;
	esac
	judge "$what" "$why"
}
