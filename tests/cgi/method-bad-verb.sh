#!/bin/bash
# A method the page does not take: 405 with the Japanese error page,
# before any database connection.  TAP (tests/cgi/run.sh).
. "$TOP/tests/lib.sh"
. "$TOP/tests/cgi/cgi-env.bash"

# CGI PATH METHOD: every CGI on one of its own paths.
while read -r cgi path method; do
	cgi_run "$cgi" REQUEST_METHOD="$method" DOCUMENT_URI="$path"
	cgi_is_error 405 'この操作はできません' "$method $path ($cgi)"
done <<'LIST'
login /login PUT
login /login DELETE
logout /logout GET
home /home POST
profile /profile/password GET
facility /facility/devices/revoke GET
operator /operator/accounts POST
patient /patients/7/leave GET
join /teams/3/join-requests/4/approve GET
message /teams/3/messages/5/like GET
receipts /teams/3/receipts POST
certificate-pickup /certificate-pickup OPTIONS
LIST

# HEAD is GET without the body: HEAD on a POST-only page is refused too.
cgi_run logout REQUEST_METHOD=HEAD DOCUMENT_URI=/logout
cgi_is_error 405 'この操作はできません' 'HEAD /logout' 1
# No method at all is no method the page takes.
cgi_run login DOCUMENT_URI=/login
cgi_is_error 405 'この操作はできません' 'no REQUEST_METHOD'

is "$(cgi_connections)" 0 'no database connection for any of them'
done_testing
