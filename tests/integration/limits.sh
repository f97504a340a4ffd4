#!/bin/bash
# nginx's limits: the login POST is rate limited per client address (the
# request after the burst is answered 429 with a Japanese page), a body
# over a location's client_max_body_size is answered 413 with a Japanese
# page, and only the attachment and consent locations take a large body.
# The rate limit is checked from a loopback address of this script's own
# (127.0.0.N), so that the suite's other logins from 127.0.0.1 neither
# spend nor refill its bucket.
. "$(dirname "$0")/../lib.sh"
[ -n "${RUN_DIR:-}" ] || bail "no RUN_DIR: source demo.env"
APPCONF=$RUN_DIR/nginx/renrakucho-app.conf
[ -r "$APPCONF" ] || bail "no $APPCONF"

# The stack's burst and rate for the login POST, from its rendered files.
BURST=$(sed -n 's/.*limit_req zone=rk_login burst=\([0-9]*\) nodelay;.*/\1/p' "$APPCONF")
RATE=$(sed -n 's/.*zone=rk_login:10m rate=\([0-9]*\)r\/m;.*/\1/p' "$RUN_DIR/nginx/nginx.conf")
{ [ -n "$BURST" ] && [ -n "$RATE" ]; } || bail "no rk_login burst or rate in the stack's nginx files"
ADDR=127.0.0.$((RANDOM % 200 + 20))
post_login() {	# one POST to /login from ADDR; prints the status
	curl -s --max-time 30 --cacert "$CA_CERT" --cert "$STAFF1_PEM" --interface "$ADDR" \
	    -o "$TEST_TMP/limit-body" -w '%{http_code}' --data 'login=x&password=y' \
	    "$APP_URL/login"
}

# --- the login POST: burst+1 pass at once, the next one is 429 -------------
start=$(date +%s%N)
first429=0 i=0
while [ $i -lt $((BURST + 6)) ]; do
	i=$((i + 1))
	st=$(post_login)
	if [ "$st" = 429 ]; then
		first429=$i
		break
	fi
done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
# nginx refills RATE per minute; the requests took ms milliseconds, in
# which at most leak more could pass (exactly burst+1 when none).
leak=$(( ms * RATE / 60000 ))
if [ "$leak" = 0 ]; then
	is "$first429" $((BURST + 2)) "login POST: $((BURST + 1)) pass at once (rate ${RATE}r/m, burst $BURST), the next is 429"
else
	ok "login POST: the first 429 after the burst ($first429, $leak refilled in ${ms} ms)" \
	    test "$first429" -ge $((BURST + 2)) -a "$first429" -le $((BURST + 2 + leak))
fi
like "$(cat "$TEST_TMP/limit-body")" 'しばらく時間をおいてから' '429: the Japanese page'
unlike "$(cat "$TEST_TMP/limit-body")" '<center>nginx</center>|429 Too Many' '429: not nginx'"'"'s own page'
# A GET of the login form is not counted: it still opens from ADDR.
st=$(curl -s --max-time 30 --cacert "$CA_CERT" --cert "$STAFF1_PEM" --interface "$ADDR" \
    -o /dev/null -w '%{http_code}' "$APP_URL/login")
is "$st" 200 'the login form (GET) opens from the limited address'
# Another address is not limited by ADDR's requests.
login STAFF1
is "$HTTP_STATUS" 303 'a login from another address still works'

# --- body sizes -------------------------------------------------------------
head -c 65537 /dev/zero | tr '\0' a > "$TEST_TMP/over"
head -c 65536 /dev/zero | tr '\0' a > "$TEST_TMP/under"
head -c 300000 /dev/zero | tr '\0' a > "$TEST_TMP/large"
http_post STAFF1 /profile -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$TEST_TMP/over"
is "$HTTP_STATUS" 413 'a form body of 64 KiB + 1 byte: 413'
like "$(cat "$HTTP_BODY")" 'ファイルが大きすぎます' '413: the Japanese page'
unlike "$(cat "$HTTP_BODY")" '送信された内容が大きすぎます' '413: nginx answered, the CGI did not read it'
# 64 KiB passes nginx; the profile CGI (16 KiB forms) refuses it itself,
# with its own page.
http_post STAFF1 /profile -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$TEST_TMP/under"
like "$(cat "$HTTP_BODY")" '送信された内容が大きすぎます' 'a form body of 64 KiB: nginx passes it on, the CGI answers'
unlike "$(cat "$HTTP_BODY")" 'ファイルが大きすぎます' 'a form body of 64 KiB: not nginx'"'"'s 413 page'
http_post STAFF1 /teams/1/messages -H 'Content-Type: application/x-www-form-urlencoded' --data-binary "@$TEST_TMP/large"
isnt "$HTTP_STATUS" 413 "the attachment location takes a body of 300 KB ($HTTP_STATUS)"
ok "the message CGI answers it itself ($HTTP_STATUS)" test "$HTTP_STATUS" -ge 200 -a "$HTTP_STATUS" -lt 500
_http NONE POST "$PORTAL_URL/certificate-pickup" --data-binary "@$TEST_TMP/over"
is "$HTTP_STATUS" 413 'the portal pickup: a body of 64 KiB + 1 byte is 413'
like "$(cat "$HTTP_BODY")" 'ファイルが大きすぎます' 'the portal 413: the Japanese page'

# --- the pickup: a malformed number fails at once, counted -----------------
# From an address of its own (the per-address failure limit is 20 an hour).
PADDR=127.0.0.$((RANDOM % 200 + 20))
[ "$PADDR" != "$ADDR" ] || PADDR=127.0.0.250
fails() { psql_owner "SELECT count(*) FROM renrakucho.pickup_failure WHERE remote_addr = '$PADDR'::inet"; }
pickup_ms() {	# pickup_ms NUMBER: POSTs it from PADDR; prints milliseconds
	local t0
	t0=$(date +%s%N)
	_http NONE POST "$PORTAL_URL/certificate-pickup" --interface "$PADDR" \
	    --data-urlencode "pickup_no=$1" --data-urlencode 'pickup_password=Wrong-password-1'
	echo $(( ($(date +%s%N) - t0) / 1000000 ))
}
before=$(fails)
pickup_ms '12x4-5678-9012' > "$TEST_TMP/ms"
bad_ms=$(cat "$TEST_TMP/ms")
is "$HTTP_STATUS" 403 "a malformed pickup number: the failure's status"
like "$(cat "$HTTP_BODY")" '証明書取得用Noまたはパスワードが違います' 'a malformed pickup number: the same message as a wrong one'
is "$(fails)" $((before + 1)) 'a malformed pickup number: one pickup_failure row for the address (+1)'
pickup_ms '0000-0000-0001' > "$TEST_TMP/ms"
wrong_ms=$(cat "$TEST_TMP/ms")
like "$(cat "$HTTP_BODY")" '証明書取得用Noまたはパスワードが違います' 'a well-formed unknown number: the same message'
is "$(fails)" $((before + 2)) 'a well-formed unknown number: +1 as well'
pickup_ms '1234-5678-90123' > "$TEST_TMP/ms"
bad2_ms=$(cat "$TEST_TMP/ms")
is "$(fails)" $((before + 3)) 'a 13-digit number: +1'
min_bad=$(( bad_ms < bad2_ms ? bad_ms : bad2_ms ))
diag "malformed: $bad_ms ms, $bad2_ms ms; well-formed (KDF): $wrong_ms ms"
ok "a malformed number is answered faster than a well-formed one ($min_bad < $wrong_ms ms: no KDF)" \
    test "$min_bad" -lt "$wrong_ms"

# --- the pickup's rate limit (nginx, before the CGI) ------------------------
PORTALCONF=$RUN_DIR/nginx/renrakucho-portal.conf
PBURST=$(sed -n 's/.*limit_req zone=rk_pickup burst=\([0-9]*\) nodelay;.*/\1/p' "$PORTALCONF")
PRATE=$(sed -n 's/.*zone=rk_pickup:10m rate=\([0-9]*\)r\/m;.*/\1/p' "$RUN_DIR/nginx/nginx.conf")
{ [ -n "$PBURST" ] && [ -n "$PRATE" ]; } || bail "no rk_pickup burst or rate in the stack's nginx files"
QADDR=127.0.0.251
start=$(date +%s%N)
first429=0 i=0
while [ $i -lt $((PBURST + 6)) ]; do
	i=$((i + 1))
	st=$(curl -s --max-time 30 --cacert "$CA_CERT" --interface "$QADDR" \
	    -o "$TEST_TMP/limit-body" -w '%{http_code}' \
	    --data 'pickup_no=x&pickup_password=y' "$PORTAL_URL/certificate-pickup")
	# The CGI's own limit (20 failures an hour per address) answers 429
	# too, with its page; nginx's is the static one.
	if [ "$st" = 429 ] && grep -q 'しばらく時間をおいてから' "$TEST_TMP/limit-body"; then
		first429=$i
		break
	fi
done
ms=$(( ($(date +%s%N) - start) / 1000000 ))
leak=$(( ms * PRATE / 60000 ))
ok "pickup: nginx's first 429 after $((PBURST + 1)) at once (request $first429, $leak refilled in ${ms} ms)" \
    test "$first429" -ge $((PBURST + 2)) -a "$first429" -le $((PBURST + 2 + leak))
like "$(cat "$TEST_TMP/limit-body")" 'しばらく時間をおいてから' 'pickup 429: the Japanese page'

done_testing
