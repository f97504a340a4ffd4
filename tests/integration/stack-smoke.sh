#!/bin/bash
# The local stack answers: nginx (portal, app with mTLS), fcgiwrap behind
# it, pgbouncer in front of PostgreSQL.  Runs with demo.env sourced.
. "$(dirname "$0")/../lib.sh"

portal_get /
is "$HTTP_STATUS" 200 'portal answers 200 on /'

# No client certificate: nginx refuses (496, answered as 400) with the
# project's page for it, which points to its section of the portal's help.
http_get NONE /login
like "$HTTP_STATUS" '^(400|496)$' 'app refuses a client without a certificate'
like "$(cat "$HTTP_BODY")" '<h1>証明書が送信されませんでした</h1>' 'the refusal is the page for a certificate not sent'
like "$(cat "$HTTP_BODY")" "href=\"$PORTAL_URL/login-help/#no-certificate\"" \
    "the refusal links to the login help's section on it"
is "$(header X-Content-Type-Options)" nosniff 'the refusal page has nosniff'

# With STAFF1's certificate the request gets past TLS to the login CGI:
# whatever the CGI answers, it is not nginx's certificate error.
http_get STAFF1 /login
like "$HTTP_STATUS" '^[1-5][0-9][0-9]$' 'app with STAFF1 certificate completes TLS'
unlike "$HTTP_STATUS" '^(400|495|496|497)$' 'STAFF1 certificate is accepted by nginx'
unlike "$(cat "$HTTP_BODY")" '証明書を確認できませんでした' 'STAFF1 does not get the certificate error page'
isnt "$HTTP_STATUS" 502 'fcgiwrap runs the login CGI (no 502)'

# Unknown paths are 404, / redirects to /home.
http_get STAFF1 /no-such-page
is "$HTTP_STATUS" 404 'unknown path is 404'
http_get STAFF1 /
is "$HTTP_STATUS" 302 '/ redirects'
like "$HTTP_LOCATION" '/home$' '/ redirects to /home'

# A header that imitates nginx's verification never gets through TLS.
http_get NONE /login -H 'SSL-Client-Verify: SUCCESS'
like "$HTTP_STATUS" '^(400|496)$' 'a forged SSL-Client-Verify header does not replace the certificate'

is "$(psql_auditor 'select 1' 2>&1)" 1 'pgbouncer answers the auditor role'
is "$(psql_app 'select current_user' 2>&1)" renrakucho_app 'pgbouncer answers the app role'
# The app role logs in on pgbouncer's socket without a password: the
# socket's directory lets only renrakucho (and postgres, root) in.
ok 'pgbouncer refuses a wrong password (auditor, socket)' \
    bash -c '! psql "${AUDITOR_DSN%password=*}password=wrong" -X -tAc "select 1" >/dev/null 2>&1'
ok 'pgbouncer refuses a wrong password (app role, TCP)' \
    bash -c '! psql "host=127.0.0.1 port=$PGB_PORT dbname=renrakucho user=renrakucho_app password=wrong" -X -tAc "select 1" >/dev/null 2>&1'
is "$(cd / && setpriv --reuid=renrakucho --regid=renrakucho --init-groups -- \
    psql "${APP_DSN%password=*}" -X -tAc 'select current_user' 2>&1)" \
    renrakucho_app 'the CGIs'"'"' user reaches pgbouncer'"'"'s socket'
ok 'other users cannot reach pgbouncer'"'"'s socket' \
    bash -c 'cd / && ! setpriv --reuid=nobody --regid=nogroup --clear-groups -- psql "${APP_DSN%password=*}" -X -tAc "select 1" >/dev/null 2>&1'

done_testing
