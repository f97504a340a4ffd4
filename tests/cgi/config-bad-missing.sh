#!/bin/bash
# No readable configuration: 500 with the Japanese error page and the
# security headers, before any database connection; the reason is
# logged.  TAP (tests/cgi/run.sh).
. "$TOP/tests/lib.sh"
. "$TOP/tests/cgi/cgi-env.bash"

title='設定の誤り'
conf=$CGI_CONF
CGI_CONF=$TEST_TMP/absent.conf
cgi_run home REQUEST_METHOD=GET DOCUMENT_URI=/home
cgi_is_error 500 "$title" 'GET /home, no configuration file'
like "$(cat "$TEST_TMP/stderr")" "absent\\.conf: No such file or directory" \
    'the missing file is logged'

CGI_CONF=$TEST_TMP/bad.conf
{ cat "$conf"; echo 'db_hots = /tmp'; } > "$CGI_CONF"
cgi_run home REQUEST_METHOD=GET DOCUMENT_URI=/home
cgi_is_error 500 "$title" 'GET /home, an unknown key in the configuration'
like "$(cat "$TEST_TMP/stderr")" 'bad\.conf:5: unknown key db_hots' \
    'the unknown key is logged with its line'

# A request refused for its own sake is still refused first for the
# configuration: nothing is answered from a configuration not read.
cgi_run home REQUEST_METHOD=PUT DOCUMENT_URI=/home
cgi_is_error 500 "$title" 'PUT /home, an unknown key in the configuration'

is "$(cgi_connections)" 0 'no database connection for any of them'
done_testing
