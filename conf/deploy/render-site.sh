#!/bin/bash
# The package's site: renders what nginx serves for renrakucho from the
# configuration, into one directory (default /var/lib/renrakucho-www):
#   static/ manual/ portal/         conf/render-site.sh's copy of the
#                                   installed www, contact details filled
#   errors-root/.rk-error/cert.html        the refused-certificate page
#   errors-root/.rk-error/maintenance.html the maintenance page
# The package's postinst runs it; run it again (as root) after changing
# app_url, portal_url, service_name or the secretariat's details in
# /etc/renrakucho/renrakucho.conf.
#
#   /usr/share/renrakucho/deploy/render-site.sh [CONF [SHARE [DEST]]]
set -euo pipefail
conf=${1:-/etc/renrakucho/renrakucho.conf}
share=${2:-/usr/share/renrakucho}
dest=${3:-/var/lib/renrakucho-www}
die() { printf 'render-site: error: %s\n' "$*" >&2; exit 1; }

bash "$share/conf/render-site.sh" "$conf" "$share/www" "$dest"

cfg() {
	sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$conf" |
	    tail -n 1 | sed 's/[[:space:]]*$//'
}
# html VALUE: escaped for element text and attribute values, then for
# sed's replacement side.
html() {
	printf '%s' "$1" | sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g' \
	    -e 's/"/\&quot;/g' -e "s/'/\&#39;/g" | sed -e 's/[\\|&]/\\&/g'
}
portal_url=$(cfg portal_url)
script="s|@PORTAL_URL@|$(html "${portal_url%/}")|g
s|@SERVICE_NAME@|$(html "$(cfg service_name)")|g
s|@SECRETARIAT_NAME@|$(html "$(cfg secretariat_name)")|g
s|@SECRETARIAT_PHONE@|$(html "$(cfg secretariat_phone)")|g"

err=$dest/errors-root/.rk-error
mkdir -p "$err"
chmod 0755 "$dest/errors-root" "$err"
# page TEMPLATE NAME: the header lines listing the variables are dropped,
# as conf/stack.sh does.
page() {
	sed -e '/^[[:space:]]*[#;].*@[A-Z][A-Z_]*@/d' "$1" | sed -e "$script" > "$err/$2.tmp"
	if grep -qE '@[A-Z][A-Z_]*@' "$err/$2.tmp"; then
		rm -f "$err/$2.tmp"
		die "$1: unfilled placeholder"
	fi
	chmod 0644 "$err/$2.tmp"
	mv -f "$err/$2.tmp" "$err/$2"
}
page "$share/conf/cert-error.html.in" cert.html
page "$share/deploy/maintenance.html.in" maintenance.html
