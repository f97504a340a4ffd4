#!/bin/bash
# The package's site: what nginx serves for renrakucho, rendered from the
# configuration into one directory (default /var/lib/renrakucho-www):
#   static/ manual/ portal/         the installed www
#   errors-root/.rk-error/cert.html        the refused-certificate page
#   errors-root/.rk-error/cert-none.html   the no-certificate page
#   errors-root/.rk-error/maintenance.html the maintenance page
#   errors-root/.rk-error/429.html 413.html 414.html 404.html too many requests,
#                                    too large a body, too long an address,
#                                    an address no location serves
# all filled by conf/render-site.sh (contact details, URLs, HTML-escaped)
# and swapped into place at once.  The package's postinst runs it; run it
# again (as root) after changing app_url, portal_url, service_name or the
# secretariat's details in /etc/renrakucho/renrakucho.conf.
#
#   /usr/share/renrakucho/deploy/render-site.sh [CONF [SHARE [DEST]]]
set -euo pipefail
conf=${1:-/etc/renrakucho/renrakucho.conf}
share=${2:-/usr/share/renrakucho}
dest=${3:-/var/lib/renrakucho-www}

src=$(mktemp -d)
trap 'rm -rf "$src"' EXIT
cp -R "$share/www/." "$src/"
mkdir -p "$src/errors-root/.rk-error"
# page TEMPLATE NAME: the header lines listing the variables are dropped
# (as conf/stack.sh does).  cert-error.html.in, shared with the demo,
# writes "@PORTAL_URL@/x", where render-site.sh's @PORTAL_URL@ already
# ends in "/".
page() {
	sed -e '/^[[:space:]]*[#;].*@[A-Z][A-Z_]*@/d' -e 's|@PORTAL_URL@/|@PORTAL_URL@|g' \
	    "$1" > "$src/errors-root/.rk-error/$2"
}
page "$share/conf/cert-error.html.in" cert.html
page "$share/conf/cert-none.html.in" cert-none.html
page "$share/deploy/maintenance.html.in" maintenance.html
page "$share/conf/error-429.html.in" 429.html
page "$share/conf/error-413.html.in" 413.html
page "$share/conf/error-414.html.in" 414.html
page "$share/conf/error-404.html.in" 404.html
bash "$share/conf/render-site.sh" "$conf" "$src" "$dest"
