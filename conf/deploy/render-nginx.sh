#!/bin/sh
# Renders the Debian package's nginx files from the demo stack's templates
# (conf/renrakucho-*.conf.in), so that the two cannot drift: the same
# locations, FastCGI parameters and headers, with the package's paths.
#
#   conf/deploy/render-nginx.sh CONF_SRC OUT
#
# writes OUT/snippets/renrakucho-{app,portal,fastcgi,fastcgi-client,
# headers}.conf (installed in /etc/nginx/snippets/) and
# OUT/examples/renrakucho-{app,portal} (complete sites, installed in
# /usr/share/doc/renrakucho/examples/).  The app and portal snippets are
# the templates' server blocks without what belongs to the operator's own
# server {}: listen, server_name, the server certificate and the TLS
# protocol settings; the examples hold exactly those lines around an
# include of the snippet.  OUT/conf.d/renrakucho-log.conf (installed in
# /etc/nginx/conf.d/, which Debian's nginx.conf includes at http level,
# the only level where log_format is allowed) is the access log format
# of conf/nginx.conf.in, which the app snippet uses;
# OUT/conf.d/renrakucho-limits.conf its rate limit zones (the login POST,
# the pickup), which the app and portal snippets use.  A placeholder left
# unfilled (a template that gained a variable) fails the build.
set -eu
[ $# = 2 ] || { echo "usage: $0 CONF_SRC OUT" >&2; exit 2; }
src=$1 out=$2

SNIPPETS=/etc/nginx/snippets
SITE=/var/lib/renrakucho-www
# tls_dir: what renrakucho-admin setup writes for nginx (the CA key
# stays in the signer's own directory).
TLS_DIR=/etc/renrakucho/tls

mkdir -p "$out/snippets" "$out/examples" "$out/conf.d"

# fill FILE: the package's values; the header comment that lists the
# variables is dropped (as conf/stack.sh does).  errors-root is the
# rendered site's, not the snippets' directory.
fill() {
	sed -e '/^[[:space:]]*[#;].*@[A-Z][A-Z_]*@/d' \
	    -e '/^#[[:space:]]*Variables:/d' -e 's/[[:space:]]*Variables:$//' "$1" | sed \
	    -e "s|@NGINX_DIR@/errors-root|$SITE/errors-root|g" \
	    -e "s|@NGINX_DIR@|$SNIPPETS|g" \
	    -e "s|@WWW_DIR@|$SITE|g" \
	    -e "s|@CGI_DIR@|/usr/lib/renrakucho/cgi-bin|g" \
	    -e "s|@LOG_DIR@|/var/log/nginx|g" \
	    -e "s|@APP_CONF@|/etc/renrakucho/renrakucho.conf|g" \
	    -e "s|@FCGI_SOCKET@|/run/renrakucho/fcgiwrap.sock|g" \
	    -e "s|@CA_CERT@|$TLS_DIR/ca.crt|g" \
	    -e "s|@CRL_FILE@|/var/lib/renrakucho/crl.pem|g" \
	    -e "s|@SERVER_CERT@|$TLS_DIR/server.crt|g" \
	    -e "s|@SERVER_KEY@|$TLS_DIR/server.key|g" \
	    -e "s|@APP_ADDR@:@APP_PORT@|8443|g" \
	    -e "s|@PORTAL_ADDR@:@PORTAL_PORT@|443|g" \
	    -e "s|@LOGIN_BURST@|5|g" -e "s|@PICKUP_BURST@|5|g" \
	    -e "s|server_name _;|server_name renrakucho.example.jp;|"
}

# The operator's lines in a server block.
OWN='^	(listen|server_name|ssl_certificate|ssl_certificate_key|ssl_protocols|ssl_ciphers|ssl_prefer_server_ciphers|ssl_session_[a-z]+)[ 	]'

# snippet NAME HEADER: the server block's body without the operator's
# lines, one tab less, blank runs squeezed; maintenance is the page nginx
# shows when fcgiwrap does not answer (502, 504) or on "return 503".
snippet() {
	{
		printf '%s\n' "$2"
		fill "$src/renrakucho-$1.conf.in" | awk -v own="$OWN" '
			/^server \{/ { body = 1; next }
			!body { next }
			/^\}/ { exit }
			$0 ~ own { next }
			{ sub(/^\t/, ""); print }' | cat -s
		cat <<-EOT

		# Shown when the CGIs' fcgiwrap does not answer, and by "return 503;"
		# (maintenance).
		error_page 502 503 504 /.rk-error/maintenance.html;
		EOT
	} > "$out/snippets/renrakucho-$1.conf"
}

# example NAME HEADER: the operator's lines of the server block around
# an include of the snippet, and the access log in renrakucho's format
# (conf.d/renrakucho-log.conf) when the snippet has none of its own.
example() {
	{
		printf '%s\n' "$2"
		fill "$src/renrakucho-$1.conf.in" | awk -v own="$OWN" '
			/^server \{/ { print; body = 1; next }
			!body { next }
			/^\}/ { exit }
			$0 ~ own { print }'
		if ! grep -q '^access_log ' "$out/snippets/renrakucho-$1.conf"; then
			printf '\n\taccess_log /var/log/nginx/renrakucho-%s-access.log renrakucho;' "$1"
		fi
		printf '\n\tinclude %s/renrakucho-%s.conf;\n}\n' "$SNIPPETS" "$1"
	} > "$out/examples/renrakucho-$1"
}

snippet app "# renrakucho: the app (client certificate required, checked against
# renrakucho's CA and CRL).  Include it inside a server {} block of your
# own that holds listen (a port of its own), server_name and the server
# certificate: see /usr/share/doc/renrakucho/examples/renrakucho-app.
# Every dynamic location maps to a fixed CGI; nothing from the URL
# reaches SCRIPT_FILENAME.  Rendered from conf/renrakucho-app.conf.in."
# The portal template has its own internal error location (429, 413);
# an older one without it gets this one.
snippet portal "# renrakucho: the public portal (no client certificate): help pages,
# consent forms and the first-certificate pickup.  Include it inside a
# server {} block of your own (listen, server_name, certificate): see
# /usr/share/doc/renrakucho/examples/renrakucho-portal.  Rendered from
# conf/renrakucho-portal.conf.in."
if ! grep -q '/.rk-error/' "$src/renrakucho-portal.conf.in"; then
	printf '%s\n' 'location ^~ /.rk-error/ {' '	internal;' \
	    "	root $SITE/errors-root;" \
	    "	include $SNIPPETS/renrakucho-headers.conf;" \
	    '	add_header Cache-Control no-store always;' '}' \
	    >> "$out/snippets/renrakucho-portal.conf"
fi

# The access log format: its comment and the log_format line of the
# stack's nginx.conf.
awk '/^\t# renrakucho.s access log format/ { f = 1 }
    f { sub(/^\t/, ""); print }
    f && /^log_format renrakucho / { done = 1; exit }
    END { exit !done }' "$src/nginx.conf.in" > "$out/conf.d/renrakucho-log.conf" || {
	echo "render-nginx: no log_format renrakucho in $src/nginx.conf.in" >&2
	exit 1
}

# The rate limit zones (http level only): the block of the stack's
# nginx.conf from its comment to the last zone, the package's rates.
awk '/^\t# renrakucho.s rate limits/ { f = 1 }
    f { sub(/^\t/, ""); print }
    f && /^limit_conn_zone / { done = 1; exit }
    END { exit !done }' "$src/nginx.conf.in" |
    sed -e 's|@LOGIN_RATE@|10r/m|g' -e 's|@PICKUP_RATE@|6r/m|g' \
    > "$out/conf.d/renrakucho-limits.conf" || {
	echo "render-nginx: no rate limit zones in $src/nginx.conf.in" >&2
	exit 1
}

for f in fastcgi fastcgi-client headers; do
	fill "$src/renrakucho-$f.conf.in" > "$out/snippets/renrakucho-$f.conf"
done

example app "# renrakucho's app as a site of its own: copy to
# /etc/nginx/sites-available/renrakucho-app, set server_name (and
# app_url in /etc/renrakucho/renrakucho.conf) to yours, link it into
# sites-enabled, nginx -t, systemctl reload nginx.
# The server certificate here is the one \"renrakucho-admin ca
# server-cert\" writes; your own works as well.  The client certificates
# (ssl_verify_client on, renrakucho's CA, its CRL) are required by the
# snippet."
example portal "# renrakucho's public portal (no client certificate) as a site of its
# own: copy to /etc/nginx/sites-available/renrakucho-portal, set
# server_name (and portal_url in /etc/renrakucho/renrakucho.conf), link
# it into sites-enabled, nginx -t, systemctl reload nginx."

if left=$(grep -lE '@[A-Z][A-Z_]*@' "$out"/snippets/* "$out"/examples/* "$out"/conf.d/*); then
	echo "render-nginx: unfilled placeholder in: $left" >&2
	grep -hoE '@[A-Z][A-Z_]*@' $left | sort -u >&2
	exit 1
fi
