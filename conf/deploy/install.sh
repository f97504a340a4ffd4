#!/bin/sh
# Installs what only the Debian package has, into DEST (debian/renrakucho)
# after "make install DESTDIR=DEST": /etc/renrakucho (renrakucho.conf,
# renrakucho's own pgbouncer), the nginx snippets, access log format
# (conf.d) and example sites rendered from the demo's templates, the
# systemd units, and the site renderer the package's postinst runs.
#
#   sh conf/deploy/install.sh TOP DEST
set -eu
[ $# = 2 ] || { echo "usage: $0 TOP DEST" >&2; exit 2; }
top=$1 dest=$2
d=$top/conf/deploy

install -d "$dest/etc/renrakucho" "$dest/etc/nginx/snippets" "$dest/etc/nginx/conf.d" \
    "$dest/usr/share/doc/renrakucho/examples" "$dest/lib/systemd/system" \
    "$dest/usr/share/renrakucho/deploy"
install -m 0644 "$d/renrakucho.conf" "$d/pgbouncer.ini" \
    "$d/pgbouncer_hba.conf" "$d/pgbouncer_userlist.txt" "$dest/etc/renrakucho/"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$d/render-nginx.sh" "$top/conf" "$tmp"
install -m 0644 "$tmp"/snippets/* "$dest/etc/nginx/snippets/"
install -m 0644 "$tmp"/conf.d/renrakucho-log.conf "$dest/etc/nginx/conf.d/"
install -m 0644 "$tmp"/conf.d/renrakucho-limits.conf "$dest/etc/nginx/conf.d/"
install -m 0644 "$tmp"/examples/* "$dest/usr/share/doc/renrakucho/examples/"

install -m 0755 "$d/render-site.sh" "$dest/usr/share/renrakucho/deploy/"
install -m 0644 "$d/maintenance.html.in" "$dest/usr/share/renrakucho/deploy/"

# The units; fcgiwrap's allow-list is every CGI that make install put in
# place, so it follows cgi_PROGRAMS.
for f in "$d"/systemd/*; do
	case $f in *.in) continue ;; esac
	install -m 0644 "$f" "$dest/lib/systemd/system/"
done
allow=
for f in "$dest"/usr/lib/renrakucho/cgi-bin/*; do
	[ -f "$f" ] && [ -x "$f" ] || continue
	allow="$allow -p /usr/lib/renrakucho/cgi-bin/${f##*/}"
done
[ -n "$allow" ] || { echo "install.sh: no CGI in $dest/usr/lib/renrakucho/cgi-bin" >&2; exit 1; }
sed -e '/^#.*@ALLOW@/d' -e '/^# installed CGI, the only programs/d' \
    -e "s|@ALLOW@|${allow# }|" "$d/systemd/renrakucho-fcgiwrap.service.in" \
    > "$dest/lib/systemd/system/renrakucho-fcgiwrap.service"
chmod 0644 "$dest/lib/systemd/system/renrakucho-fcgiwrap.service"
