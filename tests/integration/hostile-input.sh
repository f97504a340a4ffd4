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
. "$(dirname "$0")/hostile/lib.sh"

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
