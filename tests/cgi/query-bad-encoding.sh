#!/bin/bash
# Malformed %-encoding or a NUL in a key, in the query or a form body: 400
# with the Japanese error page, before any database connection.  TAP
# (tests/cgi/run.sh).
. "$TOP/tests/lib.sh"
. "$TOP/tests/cgi/cgi-env.bash"

title='送信内容が正しくありません'
for q in 'n=%zz' 'n=%4' 'n=%' 'n=ab%g1' '%zz=1' 'n%00x=1'; do
	cgi_run login REQUEST_METHOD=GET DOCUMENT_URI=/login "QUERY_STRING=$q"
	cgi_is_error 400 "$title" "GET /login?$q"
done
body='login=%E3%81&password=%%'
cgi_run login REQUEST_METHOD=POST DOCUMENT_URI=/login \
    CONTENT_TYPE=application/x-www-form-urlencoded \
    CONTENT_LENGTH=${#body} <<< "$body"
cgi_is_error 400 "$title" "POST /login with $body"
# CONTENT_LENGTH is digits only.
for cl in -1 +5 ' 5' 5x 0x10; do
	cgi_run login REQUEST_METHOD=POST DOCUMENT_URI=/login \
	    CONTENT_TYPE=application/x-www-form-urlencoded \
	    "CONTENT_LENGTH=$cl" <<< 'login=a'
	cgi_is_error 400 "$title" "POST /login with CONTENT_LENGTH '$cl'"
done

is "$(cgi_connections)" 0 'no database connection for any of them'
done_testing
