#!/bin/bash
# A path none of the CGI's pages has: 404 with the Japanese error page,
# before any database connection.  Ids ("#" in a page's pattern) are
# decimal without a leading zero.  TAP (tests/cgi/run.sh).
. "$TOP/tests/lib.sh"
. "$TOP/tests/cgi/cgi-env.bash"

while read -r cgi path; do
	cgi_run "$cgi" REQUEST_METHOD=GET DOCUMENT_URI="$path"
	cgi_is_error 404 'ページが見つかりません' "GET $path ($cgi)"
done <<'LIST'
login /loginx
login /login/
login /login/extra
home /
home /home.php
profile /profile/passwords
facility /facility/staff/0
facility /facility/staff/07
facility /facility/staff/-1
facility /facility/staff/1x
operator /operator/accounts/1234567890123456789
patient /patients/abc
join /teams/3/join-requests/4
message /teams//messages
message /TEAMS/3/messages
receipts /teams/3/receipts/export.xlsx
certificate-pickup /certificate-pickup/1
LIST

# Without DOCUMENT_URI, SCRIPT_NAME + PATH_INFO is the path.
cgi_run home REQUEST_METHOD=GET SCRIPT_NAME=/home PATH_INFO=/x
cgi_is_error 404 'ページが見つかりません' 'SCRIPT_NAME /home + PATH_INFO /x'
# No path at all.
cgi_run home REQUEST_METHOD=GET
cgi_is_error 404 'ページが見つかりません' 'no DOCUMENT_URI, SCRIPT_NAME or PATH_INFO'

is "$(cgi_connections)" 0 'no database connection for any of them'
done_testing
