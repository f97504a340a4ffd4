#!/bin/bash
# Every CGI's page table passes the front line's start-up check
# (app_pages_check, lib/app.c): a path no page has is answered 404, never
# the 500 of a refused table, and nothing is logged.  The check itself,
# on good and bad tables, is tests/unit/app.c.
. "$TOP/tests/lib.sh"

conf=$(mktemp)
err=$(mktemp)
trap 'rm -f "$conf" "$err"' EXIT
for cgi in certificate-pickup facility home join login logout message \
    operator patient profile receipts portal-notices; do
	out=$(env -i "${SAN_ENV[@]}" REQUEST_METHOD=GET PATH_INFO=/no-such-page \
	    RENRAKUCHO_CONF="$conf" "$CGI_BIN/$cgi" < /dev/null 2> "$err" |
	    head -n 1 | tr -d '\r')
	is "$out" 'Status: 404 Not Found' "$cgi: its page table is accepted"
	unlike "$(cat "$err")" 'page table refused' "$cgi: nothing logged"
done
done_testing
