#!/bin/bash
# A POST body that is neither urlencoded nor multipart: 415 with the
# Japanese error page, before any database connection.  TAP
# (tests/cgi/run.sh).
. "$TOP/tests/lib.sh"
. "$TOP/tests/cgi/cgi-env.bash"

title='送信の形式が正しくありません'
body='login=staff1'
for ct in text/plain application/json application/xml \
    application/x-www-form-urlencodedx 'application/x-www-form-urlencoded,text/plain' \
    'text/html; charset=utf-8' ''; do
	cgi_run login REQUEST_METHOD=POST DOCUMENT_URI=/login \
	    "CONTENT_TYPE=$ct" CONTENT_LENGTH=${#body} <<< "$body"
	cgi_is_error 415 "$title" "POST /login as '$ct'"
done

# The form types, with parameters and in any case, are read (then 403:
# no certificate).
for ct in 'application/x-www-form-urlencoded; charset=UTF-8' \
    'Application/X-WWW-Form-Urlencoded'; do
	cgi_run login REQUEST_METHOD=POST DOCUMENT_URI=/login \
	    "CONTENT_TYPE=$ct" CONTENT_LENGTH=${#body} <<< "$body"
	is "$CGI_STATUS" 403 "POST /login as '$ct': read (403: no certificate)"
done
# An empty POST without a type is an empty form.
cgi_run logout REQUEST_METHOD=POST DOCUMENT_URI=/logout CONTENT_LENGTH=0 < /dev/null
is "$CGI_STATUS" 403 'empty POST /logout without a type: read (403: no certificate)'

is "$(cgi_connections)" 0 'no database connection for any of them'
done_testing
