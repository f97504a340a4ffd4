#!/bin/bash
# The portal and the manual as served: every page answers, carries the
# secretariat's contact details from configuration, and no @TOKEN@ is
# left unfilled.
. "$(dirname "$0")/../lib.sh"

conf() { sed -n "s/^$1 *= *//p" "$RUN_DIR/renrakucho.conf" | tail -n 1; }
phone=$(conf secretariat_phone)
email=$(conf secretariat_email)

for p in / login-help/ certificate/ consent-forms/ consent-forms/doui.html \
    consent-forms/setsumei.html faq/; do
	portal_get "/$p"
	p=${p#/}
	is "$HTTP_STATUS" 200 "portal /${p}: 200"
	unlike "$(cat "$HTTP_BODY")" '@[A-Z_]+@' "portal /${p}: no unfilled token"
done
portal_get /login-help/
body=$(cat "$HTTP_BODY")
like "$body" "$phone" 'login help shows the secretariat phone from configuration'
like "$body" "$email" 'login help shows the secretariat e-mail from configuration'
for a in no-certificate expired revoked wrong-password locked deleted other-device; do
	like "$body" "id=\"$a\"" "login help explains #$a"
done
portal_get /
like "$(header Content-Security-Policy)" "default-src 'self'" 'portal: CSP header'

for p in manual/ manual/login.html manual/patients.html manual/messages.html manual/admin.html; do
	http_get STAFF1 "/$p"
	is "$HTTP_STATUS" 200 "app /$p: 200"
	unlike "$(cat "$HTTP_BODY")" '@[A-Z_]+@' "app /$p: no unfilled token"
done
http_get STAFF1 /manual/
for f in login.html patients.html messages.html admin.html; do
	like "$(cat "$HTTP_BODY")" "href=\"$f" "manual index links $f"
done
done_testing
