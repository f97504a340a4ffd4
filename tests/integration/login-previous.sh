#!/bin/bash
# The home page shows when the account last logged in before this
# session, so that a login that was not the person's own stands out.
. "$(dirname "$0")/../lib.sh"

psql_owner "UPDATE renrakucho.account SET last_login_at = '2026-01-02 03:04:00+00' WHERE login = '$FACILITY_ADMIN_LOGIN'" > /dev/null
login_ok FACILITY_ADMIN
http_get FACILITY_ADMIN /home
like "$(cat "$HTTP_BODY")" '前回のログイン日時' 'home names the previous login'
like "$(cat "$HTTP_BODY")" '2026年1月2日 12:04' 'the previous login in Japan time'
login_ok FACILITY_ADMIN
http_get FACILITY_ADMIN /home
unlike "$(cat "$HTTP_BODY")" '2026年1月2日 12:04' 'after another login, the one before it'
done_testing
