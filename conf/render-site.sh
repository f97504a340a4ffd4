#!/bin/bash
# Renders the static site (portal, manual, static files) for one
# installation: copies SRC (the installed share/renrakucho/www) to DEST,
# filling the @TOKENS@ of the HTML pages from the app's configuration
# file, HTML-escaped.  nginx serves DEST.  Run it again after changing
# the secretariat's contact details or the URLs.
#
#   conf/render-site.sh CONF SRC DEST
#
# Tokens: @APP_URL@ (no trailing slash), @PORTAL_URL@ (with one),
# @SERVICE_NAME@, @MUNICIPALITY_NAME@, @SECRETARIAT_NAME@,
# @SECRETARIAT_PHONE@, @SECRETARIAT_FAX@, @SECRETARIAT_EMAIL@,
# @SECRETARIAT_HOURS@.  Every value is HTML-escaped (& < > " '), so a
# page's markup is the source's whatever the configuration holds; the
# values are those lib/cfg.c validates (one line, bounded) when the CGIs
# and renrakucho-admin read the same file.
set -euo pipefail
[ $# = 3 ] || { echo "usage: $0 CONF SRC DEST" >&2; exit 2; }
conf=$1 src=$2 dest=$3
die() { printf 'render-site: error: %s\n' "$*" >&2; exit 1; }
[ -r "$conf" ] || die "cannot read $conf"
[ -d "$src/portal" ] && [ -d "$src/manual" ] || die "$src is not the installed www directory"

# cfg KEY: the value of "key = value" in the configuration file.
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

app_url=$(cfg app_url)
portal_url=$(cfg portal_url)
[ -n "$app_url" ] && [ -n "$portal_url" ] || die "app_url and portal_url must be set in $conf"
script=
add() { script+="s|@$1@|$(html "$2")|g"$'\n'; }
add APP_URL "${app_url%/}"
add PORTAL_URL "${portal_url%/}/"
add SERVICE_NAME "$(cfg service_name)"
add MUNICIPALITY_NAME "$(cfg municipality_name)"
add SECRETARIAT_NAME "$(cfg secretariat_name)"
add SECRETARIAT_PHONE "$(cfg secretariat_phone)"
add SECRETARIAT_FAX "$(cfg secretariat_fax)"
add SECRETARIAT_EMAIL "$(cfg secretariat_email)"
add SECRETARIAT_HOURS "$(cfg secretariat_hours)"

tmp=$(mktemp -d "$(dirname "$dest")/.site.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cp -R "$src/." "$tmp/"
find "$tmp" -type f -name '*.html' -print0 | while IFS= read -r -d '' f; do
	sed -e "$script" "$f" > "$f.new"
	mv -f "$f.new" "$f"
done
if left=$(grep -rlE '@[A-Z_]+@' --include='*.html' "$tmp"); then
	die "unfilled tokens in: $left"
fi
find "$tmp" -type d -exec chmod 0755 {} +
find "$tmp" -type f -exec chmod 0644 {} +
# Swap the whole tree at once so nginx never serves half a site.
if [ -d "$dest" ]; then
	mv "$dest" "$tmp.old"
	mv "$tmp" "$dest"
	rm -rf "$tmp.old"
else
	mv "$tmp" "$dest"
fi
trap - EXIT
