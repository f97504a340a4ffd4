#!/bin/bash
# A declared key given twice, in the query or in a form body: 400 with the
# Japanese error page, before any database connection.  Keys a CGI does
# not declare are ignored, twice or not.  TAP (tests/cgi/run.sh).
. "$TOP/tests/lib.sh"
. "$TOP/tests/cgi/cgi-env.bash"

title='送信内容が正しくありません'
cgi_run login REQUEST_METHOD=GET DOCUMENT_URI=/login 'QUERY_STRING=n=a&n=b'
cgi_is_error 400 "$title" 'GET /login?n=a&n=b'
cgi_run login REQUEST_METHOD=GET DOCUMENT_URI=/login 'QUERY_STRING=n=a&x=1&n=a'
cgi_is_error 400 "$title" 'GET /login?n=a&x=1&n=a (the same value twice)'
cgi_run login REQUEST_METHOD=GET DOCUMENT_URI=/login 'QUERY_STRING=%6E=a&n=b'
cgi_is_error 400 "$title" 'GET /login?%6E=a&n=b (the key %-encoded)'

body='login=staff1&password=x&login=operator'
cgi_run login REQUEST_METHOD=POST DOCUMENT_URI=/login \
    CONTENT_TYPE=application/x-www-form-urlencoded \
    CONTENT_LENGTH=${#body} <<< "$body"
cgi_is_error 400 "$title" 'POST /login with login twice'

b=XyZb0undary
printf -- '--%s\r\nContent-Disposition: form-data; name="body"\r\n\r\none\r\n--%s\r\nContent-Disposition: form-data; name="body"\r\n\r\ntwo\r\n--%s--\r\n' \
    "$b" "$b" "$b" > "$TEST_TMP/multipart"
cgi_run message REQUEST_METHOD=POST DOCUMENT_URI=/teams/3/messages \
    CONTENT_TYPE="multipart/form-data; boundary=$b" \
    CONTENT_LENGTH="$(wc -c < "$TEST_TMP/multipart")" < "$TEST_TMP/multipart"
cgi_is_error 400 "$title" 'POST /teams/3/messages with body twice (multipart)'

# An undeclared key twice is not refused: the request goes on to the
# certificate check (403 without one).
cgi_run login REQUEST_METHOD=GET DOCUMENT_URI=/login 'QUERY_STRING=zz=1&zz=2'
is "$CGI_STATUS" 403 'GET /login?zz=1&zz=2: not refused for zz (403: no certificate)'

is "$(cgi_connections)" 0 'no database connection for any of them'
done_testing
