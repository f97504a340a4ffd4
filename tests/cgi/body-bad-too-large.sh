#!/bin/bash
# A body over the CGI's limit: 413 with the Japanese error page, before
# any database connection; a body at the limit is read.  TAP
# (tests/cgi/run.sh).
. "$TOP/tests/lib.sh"
. "$TOP/tests/cgi/cgi-env.bash"

title='送信された内容が大きすぎます'
# cgi LIMIT PATH: each CGI's limit (its app_main call).
while read -r cgi limit path; do
	head -c $((limit + 1)) /dev/zero | tr '\0' a > "$TEST_TMP/big"
	cgi_run "$cgi" REQUEST_METHOD=POST DOCUMENT_URI="$path" \
	    CONTENT_TYPE=application/x-www-form-urlencoded \
	    CONTENT_LENGTH=$((limit + 1)) < "$TEST_TMP/big"
	cgi_is_error 413 "$title" "POST $path, $((limit + 1)) bytes ($cgi)"
	# One byte less is within the limit: refused later, for the missing
	# certificate (403).
	cgi_run "$cgi" REQUEST_METHOD=POST DOCUMENT_URI="$path" \
	    CONTENT_TYPE=application/x-www-form-urlencoded \
	    CONTENT_LENGTH="$limit" < "$TEST_TMP/big"
	is "$CGI_STATUS" 403 "POST $path, $limit bytes: read (403: no certificate)"
done <<'LIST'
login 16384 /login
logout 4096 /logout
LIST

# The length is what counts, not what is sent: a claim over the limit is
# refused without reading the body.
cgi_run login REQUEST_METHOD=POST DOCUMENT_URI=/login \
    CONTENT_TYPE=application/x-www-form-urlencoded \
    CONTENT_LENGTH=99999999999 <<< 'login=a'
cgi_is_error 413 "$title" 'POST /login claiming 99999999999 bytes'

is "$(cgi_connections)" 0 'no database connection for any of them'
done_testing
