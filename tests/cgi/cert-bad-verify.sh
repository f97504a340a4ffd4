#!/bin/bash
# Without a certificate nginx verified (SSL_CLIENT_VERIFY=SUCCESS, a
# serial, the certificate itself), every page but the certificate pickup
# is refused with 403 and the Japanese error page, before any database
# connection.  Only nginx's own variables count: HTTP_SSL_CLIENT_* (what
# a client's "SSL-Client-Verify:" header becomes) do not.  With a
# verified certificate and no database, the CGI answers 503.  TAP
# (tests/cgi/run.sh).
. "$TOP/tests/lib.sh"
. "$TOP/tests/cgi/cgi-env.bash"

title='端末の証明書が確認できません'
cgi_make_cert

while read -r cgi path; do
	cgi_run "$cgi" REQUEST_METHOD=GET DOCUMENT_URI="$path"
	cgi_is_error 403 "$title" "GET $path without a certificate ($cgi)"
	like "$(cat "$CGI_BODY")" 'href="https://portal\.example\.jp/login-help/#no-certificate"' \
	    "GET $path: the help link to no-certificate"
done <<'LIST'
login /login
home /home
profile /profile
facility /facility
operator /operator
patient /patients/5
join /teams/3/join-requests
message /teams/3/messages
receipts /teams/3/receipts
LIST

# One variable wrong at a time.
v=SSL_CLIENT_VERIFY s=SSL_CLIENT_SERIAL c=SSL_CLIENT_CERT
while IFS='|' read -r name a b d; do
	# shellcheck disable=SC2086
	cgi_run login REQUEST_METHOD=GET DOCUMENT_URI=/login $a $b $d
	cgi_is_error 403 "$title" "$name"
done <<LIST
verify NONE|$v=NONE|$s=$CGI_SERIAL|$c=$CGI_CERT
verify FAILED|$v=FAILED:certificate_has_expired|$s=$CGI_SERIAL|$c=$CGI_CERT
verify success (lower case)|$v=success|$s=$CGI_SERIAL|$c=$CGI_CERT
verify SUCCESS_ (a longer word)|$v=SUCCESS_|$s=$CGI_SERIAL|$c=$CGI_CERT
no serial|$v=SUCCESS|$s=|$c=$CGI_CERT
no certificate|$v=SUCCESS|$s=$CGI_SERIAL|$c=
a certificate that is no PEM|$v=SUCCESS|$s=$CGI_SERIAL|$c=not-a-certificate
crafted HTTP_SSL_CLIENT_* headers only|HTTP_$v=SUCCESS|HTTP_$s=$CGI_SERIAL|HTTP_$c=$CGI_CERT
LIST
cgi_run login REQUEST_METHOD=GET DOCUMENT_URI=/login "$v=SUCCESS " \
    "$s=$CGI_SERIAL" "$c=$CGI_CERT"
cgi_is_error 403 "$title" 'verify "SUCCESS " (a trailing space)'
# nginx's NONE next to a crafted header: the header does not count.
cgi_run login REQUEST_METHOD=GET DOCUMENT_URI=/login "$v=NONE" \
    "HTTP_$v=SUCCESS" "$s=$CGI_SERIAL" "$c=$CGI_CERT"
cgi_is_error 403 "$title" 'verify NONE with a crafted HTTP_SSL_CLIENT_VERIFY: SUCCESS'

is "$(cgi_connections)" 0 'no database connection for any refusal'

# The same request with nginx's variables right goes on to the database:
# none here, so 503, and the listener saw one connection.
cgi_run login REQUEST_METHOD=GET DOCUMENT_URI=/login "$v=SUCCESS" \
    "$s=$CGI_SERIAL" "$c=$CGI_CERT"
cgi_is_error 503 'ただいま利用できません' 'GET /login with a verified certificate, no database'
is "$(cgi_connections)" 1 'one database connection, for that request'
like "$(cat "$TEST_TMP/stderr")" '^renrakucho\[login\]: database: ' \
    'the failed connection is logged'
done_testing
