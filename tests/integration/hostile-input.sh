#!/bin/bash
# Hostile input, every field of the forms below with each payload: NUL,
# overlong UTF-8, a lone surrogate, 100,000 characters, markup, SQL,
# "\r\n" header injection, full-width and combining characters.  Each
# answer is either a 4xx with a Japanese page and nothing written, or an
# acceptance that stored exactly what was sent (the text of a payload that
# is UTF-8; a payload that is not is never accepted) and shows it escaped.
# Never a 500, never a broken connection, never a half-written row.
#
# Forms: a team message (multipart), a staff account by a facility
# administrator, a facility by the operator, the login form, the
# operator's account search (a query string).
. "$(dirname "$0")/team-home.sh"

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
EOF
)
[ ${#PAYLOADS[@]} = 9 ] || bail "payloads: ${PAYLOADS[*]}"
U=$(date +%s)$$
INITIAL_PW=$(new_password Hostile)
q() { psql_owner "$1"; }
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
BAD=()
verdict() {
	local form=$1 field=$2 p=$3 csql=$4 c0=$5 ssql=$6 page=${7:-} who=${8:-} \
	    what="$1 $2 $3" c1 why=''
	c1=$(q "$csql")
	case $HTTP_STATUS in
	4??)
		japanese "$HTTP_BODY" || why="a $HTTP_STATUS without a Japanese message"
		[ "$c1" = "$c0" ] || why="${why:+$why; }refused but $((c1 - c0)) rows written"
		;;
	2??|3??)
		if [ ! -f "$P/$p.txt" ]; then
			why="accepted ($HTTP_STATUS) a payload that is not UTF-8 text"
		elif [ "$c1" != $((c0 + 1)) ]; then
			why="accepted ($HTTP_STATUS) but $((c1 - c0)) rows written"
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
	if [ -n "$why" ]; then
		BAD+=("$what: $why")
		fail "$what: never a 500, never a partial write" "$why"
	else
		pass "$what: $HTTP_STATUS"
	fi
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

# --- a team message (multipart) --------------------------------------------------
S1=$(account_id "$STAFF1_LOGIN")
PID=$(make_patient "敵対 入力$U" "$(rand_kana)" 1940-01-02 male "${MUNI_NAME}今市町3番地" "$S1") ||
    bail 'make_patient'
TID=$(make_team "$PID" "$S1") || bail 'make_team'
login_ok STAFF1
C1=$(csrf_of STAFF1 /home)
for p in "${PAYLOADS[@]}"; do
	tok=hostile${U}m$p
	c0=$(q "SELECT count(*) FROM renrakucho.message WHERE team_id = $TID")
	http_post STAFF1 "/teams/$TID/messages" --form-string "csrf=$C1" \
	    --form-string "client_token=${tok:0:64}" -F "body=<$P/$p.raw"
	LF=1 verdict message body "$p" "SELECT count(*) FROM renrakucho.message WHERE team_id = $TID" "$c0" \
	    "SELECT body FROM renrakucho.message WHERE team_id = $TID AND client_token = '${tok:0:64}'" \
	    "/teams/$TID/messages" STAFF1
done

# --- a staff account (facility administrator) ---------------------------------------
login_ok FACILITY_ADMIN
FIELDS=(login name kana profession email password password2)
declare -A COL=([login]=login [name]=name [kana]=kana [profession]=profession [email]=email)
i=0
for f in "${FIELDS[@]}"; do
	for p in "${PAYLOADS[@]}"; do
		i=$((i + 1))
		tok=$(csrf_of FACILITY_ADMIN /facility/staff/new)
		mail=hx$U-$i%40example.jp
		c0=$(q "SELECT count(*) FROM renrakucho.account")
		urlencoded FACILITY_ADMIN /facility/staff/new "$f" "$P/$p.pct" \
		    "csrf=$tok" "login=hx$U-$i" "name=%E6%95%B5%E5%AF%BE%20%E5%A4%AA%E9%83%8E" \
		    "kana=%E3%83%86%E3%82%AD%E3%82%BF%E3%82%A4" \
		    "profession=%E7%9C%8B%E8%AD%B7%E5%B8%AB" "email=$mail" \
		    "password=$INITIAL_PW" "password2=$INITIAL_PW"
		key="login = 'hx$U-$i'"
		[ "$f" = login ] && key="email = 'hx$U-$i@example.jp'"
		stored=
		[ -n "${COL[$f]:-}" ] && stored="SELECT ${COL[$f]} FROM renrakucho.account WHERE $key"
		verdict staff "$f" "$p" "SELECT count(*) FROM renrakucho.account" "$c0" "$stored"
	done
done
q "UPDATE renrakucho.account SET deleted_at = now() WHERE (login LIKE 'hx$U-%'
    OR email LIKE 'hx$U-%') AND deleted_at IS NULL" > /dev/null

# --- a facility (operator) --------------------------------------------------------------
login_ok OPERATOR
FIELDS=(fac_name address municipality_name municipality_code fac_email phone)
declare -A COL=([fac_name]=name [address]=address [municipality_name]=municipality_name
    [municipality_code]=municipality_code [fac_email]=email [phone]=phone)
for f in "${FIELDS[@]}"; do
	for p in "${PAYLOADS[@]}"; do
		i=$((i + 1))
		tok=$(csrf_of OPERATOR /operator/facilities/new)
		c0=$(q "SELECT count(*) FROM renrakucho.facility")
		urlencoded OPERATOR /operator/facilities/new "$f" "$P/$p.pct" \
		    "csrf=$tok" "fac_name=hx$U-$i" "address=%E5%87%BA%E9%9B%B2%E5%B8%821" \
		    "municipality_name=%E5%87%BA%E9%9B%B2%E5%B8%82" "municipality_code=32203" \
		    "fac_email=hx$U-$i%40example.jp" "phone=0853-00-0000"
		key="name = 'hx$U-$i'"
		[ "$f" = fac_name ] && key="email = 'hx$U-$i@example.jp'"
		verdict facility "$f" "$p" "SELECT count(*) FROM renrakucho.facility" "$c0" \
		    "SELECT ${COL[$f]} FROM renrakucho.facility WHERE $key"
	done
done

# --- the login form (an unknown login ID: nobody is locked) ---------------------------------
for f in login password; do
	for p in "${PAYLOADS[@]}"; do
		forget_cookies STAFF2
		http_get STAFF2 /login
		tok=$(input_value csrf)
		c0=$(q "SELECT count(*) FROM renrakucho.session")
		urlencoded STAFF2 /login "$f" "$P/$p.pct" "csrf=$tok" "login=hx-nobody-$U" \
		    "password=not-the-password"
		verdict login "$f" "$p" "SELECT count(*) FROM renrakucho.session" "$c0" ''
	done
done

# --- the operator's account search ----------------------------------------------------------
for p in "${PAYLOADS[@]}"; do
	# The query string from a file (-G).  Of the long payload, 3,000
	# characters (27 KB encoded, over nginx's 8 KB for a request line):
	# with all 100,000 curl would still be sending when nginx answers
	# 414 and closes, and report a broken pipe instead of the answer.
	if [ "$p" = long ]; then
		printf 'q=%s' "$(head -c 27000 "$P/$p.pct")"
	else
		printf 'q=%s' "$(cat "$P/$p.pct")"
	fi > "$TEST_TMP/query"
	http_get OPERATOR /operator/accounts -G --data-binary "@$TEST_TMP/query"
	case $HTTP_STATUS in
	200)
		if grep -q '<script>alert(1)\|<img src=x onerror' "$HTTP_BODY"; then
			fail "search q $p: shown escaped"
		else
			pass "search q $p: 200, escaped"
		fi
		;;
	4??)
		ok "search q $p: $HTTP_STATUS in Japanese" japanese "$HTTP_BODY"
		[ "$p" = long ] && is "$HTTP_STATUS" 414 'a search too long for nginx: 414'
		;;
	*)
		fail "search q $p: never a 500" "answered $HTTP_STATUS"
		;;
	esac
done

is "$(q "SELECT count(*) FROM renrakucho.account WHERE deleted_at IS NULL AND login = '$STAFF1_LOGIN'")" 1 \
    'the SQL payloads changed nothing: the accounts are there'
[ ${#BAD[@]} = 0 ] || diag "${BAD[@]}"
done_testing
