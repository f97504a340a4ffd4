#!/bin/bash
# CR/LF in whatever a request controls (path, query, cookie, content
# type, method, certificate serial) never becomes a header line of the
# answer: the head is exactly the status and the headers every answer
# carries.  TAP (tests/cgi/run.sh).
. "$TOP/tests/lib.sh"
. "$TOP/tests/cgi/cgi-env.bash"

inj=$'\r\nSet-Cookie: __Host-rks=attacker; Path=/\r\nLocation: https://evil.example/'
cgi_run login REQUEST_METHOD=GET "DOCUMENT_URI=/login$inj"
cgi_is_error 404 'ページが見つかりません' 'CR/LF in DOCUMENT_URI'
cgi_run login REQUEST_METHOD=GET SCRIPT_NAME=/login "PATH_INFO=$inj"
cgi_is_error 404 'ページが見つかりません' 'CR/LF in PATH_INFO'
cgi_run login REQUEST_METHOD=GET DOCUMENT_URI=/login \
    'QUERY_STRING=n=%0D%0ASet-Cookie:%20__Host-rks=attacker'
cgi_is_error 403 '端末の証明書が確認できません' 'CR/LF %-encoded in the query'
cgi_run login REQUEST_METHOD=GET DOCUMENT_URI=/login "HTTP_COOKIE=__Host-rks=abc$inj"
cgi_is_error 403 '端末の証明書が確認できません' 'CR/LF in the cookie header'
cgi_run login REQUEST_METHOD=POST DOCUMENT_URI=/login \
    "CONTENT_TYPE=application/x-www-form-urlencoded$inj" CONTENT_LENGTH=7 <<< 'login=a'
cgi_is_error 415 '送信の形式が正しくありません' 'CR/LF in CONTENT_TYPE'
cgi_run login "REQUEST_METHOD=GET$inj" DOCUMENT_URI=/login
cgi_is_error 405 'この操作はできません' 'CR/LF in REQUEST_METHOD'
cgi_run login REQUEST_METHOD=GET DOCUMENT_URI=/login SSL_CLIENT_VERIFY=SUCCESS \
    "SSL_CLIENT_SERIAL=01$inj" SSL_CLIENT_CERT=x
cgi_is_error 403 '端末の証明書が確認できません' 'CR/LF in SSL_CLIENT_SERIAL'

unlike "$(cat "$CGI_RAW")" 'attacker|evil\.example' \
    'the injected text appears nowhere in the last answer'
is "$(cgi_connections)" 0 'no database connection for any of them'
done_testing
