#!/bin/bash
# The Debian package: builds it with "make deb" in BUILD_DIR, then checks
# what an operator installing it would get: lintian without errors, the
# files at their paths, the conffiles, every configuration key
# documented, the maintainer scripts, "systemd-analyze verify" on the
# units, and "nginx -t" for the example sites and snippets under Debian's
# stock nginx.conf next to its default site.  Nothing is installed on
# this machine: the package is extracted into a scratch directory.
#
#   BUILD_DIR=build PREFIX=var/install TOP=. bash tests/deb/run.sh
#
# (PREFIX: the plain build's install, whose CGIs the package must hold.)
# The lintian report is in $LOG_DIR/lintian.txt.
set -uo pipefail
. "$(dirname "$0")/../lib.sh"
: "${TOP:?}" "${BUILD_DIR:?}" "${PREFIX:?}"
LOG_DIR=${LOG_DIR:-$TOP/var/test-logs/deb}
mkdir -p "$LOG_DIR"
T=$TEST_TMP

# --- the build ---------------------------------------------------------------
rm -f "$BUILD_DIR"/deb/*.deb
if ! make -C "$BUILD_DIR" deb > "$LOG_DIR/build.log" 2>&1; then
	fail 'make deb builds the package' "$(tail -n 20 "$LOG_DIR/build.log")"
	diag "log: $LOG_DIR/build.log"
	done_testing
	exit 1
fi
debs=("$BUILD_DIR"/deb/renrakucho_*.deb)
is "${#debs[@]}" 1 'make deb builds one renrakucho package'
DEB=${debs[0]}
[ -f "$DEB" ] || bail "no package in $BUILD_DIR/deb"

# --- lintian -----------------------------------------------------------------
lintian --allow-root --info "$DEB" > "$LOG_DIR/lintian.txt" 2>&1
lrc=$?
errs=$(grep -E '^E: ' "$LOG_DIR/lintian.txt")
is "$lrc:$errs" '0:' 'lintian reports no error (exit 0, no E: line)'
# The static CGIs are an error lintian's override (debian/
# renrakucho.lintian-overrides, with the reason) turns into "O:": seeing
# it proves lintian examined the binaries.  (Shown overrides count in
# lintian's exit status, hence a second run.)
lintian --allow-root --show-overrides "$DEB" > "$LOG_DIR/lintian-overrides.txt" 2>&1
like "$(cat "$LOG_DIR/lintian-overrides.txt")" '^O: renrakucho: statically-linked-binary \[usr/lib/renrakucho/cgi-bin/login\]' \
    'lintian examined the CGIs (the static-binary override applies)'
diag "lintian warnings: $(grep -cE '^W: ' "$LOG_DIR/lintian.txt") (see $LOG_DIR/lintian.txt)"

# --- contents ----------------------------------------------------------------
dpkg-deb -c "$DEB" > "$T/contents"
# has PATH [MODE-OWNER]: a line of dpkg-deb -c for ./PATH (with that
# "perms owner/group" prefix when given).
has() {
	local line
	line=$(awk -v p="./$1" '$6 == p || $6 == p "/" { print $1, $2 }' "$T/contents")
	if [ -z "$line" ]; then
		fail "package holds /$1"
	elif [ $# -gt 1 ] && [ "$line" != "$2" ]; then
		fail "package holds /$1 as $2" "got: $line"
	else
		pass "package holds /$1${2:+ as $2}"
	fi
}
cgis=$(cd "$PREFIX/libexec/renrakucho/cgi-bin" && ls)
[ -n "$cgis" ] || bail "no CGI in $PREFIX/libexec/renrakucho/cgi-bin"
for c in $cgis; do
	has "usr/lib/renrakucho/cgi-bin/$c" '-rwxr-xr-x root/root'
done
is "$(grep -c '\./usr/lib/renrakucho/cgi-bin/[^/]' "$T/contents")" \
    "$(printf '%s\n' $cgis | wc -l)" 'package holds the CGIs of the build and no other'
has usr/sbin/renrakucho-admin '-rwxr-xr-x root/root'
has usr/lib/renrakucho/renrakucho-signer '-rwxr-xr-x root/root'
has usr/share/renrakucho/schema/base.sql
for f in "$TOP"/schema/functions/*.sql; do
	has "usr/share/renrakucho/schema/functions/${f##*/}"
done
for d in static portal manual; do
	has "usr/share/renrakucho/www/$d"
done
has etc/renrakucho/renrakucho.conf '-rw-r----- root/root'
has etc/renrakucho/pgbouncer_userlist.txt '-rw-r----- root/root'
has etc/renrakucho/pgbouncer.ini
has etc/renrakucho/pgbouncer_hba.conf
for s in app portal fastcgi fastcgi-client headers; do
	has "etc/nginx/snippets/renrakucho-$s.conf"
done
has usr/share/doc/renrakucho/examples/renrakucho-app
has usr/share/doc/renrakucho/examples/renrakucho-portal
UNITS="renrakucho-fcgiwrap.socket renrakucho-fcgiwrap.service
renrakucho-pgbouncer.service renrakucho-crl.timer renrakucho-crl.service
renrakucho-mail.timer renrakucho-mail.service renrakucho-purge.timer
renrakucho-purge.service renrakucho-signer.socket renrakucho-signer.service
renrakucho-crl.path renrakucho-crl-reload.service
renrakucho-audit-report.timer renrakucho-audit-report.service
renrakucho-seal.timer renrakucho-seal.service
renrakucho-cert-expiry.timer renrakucho-cert-expiry.service"
for u in $UNITS; do
	has "lib/systemd/system/$u"
done
has usr/lib/sysusers.d/renrakucho.conf
has usr/lib/tmpfiles.d/renrakucho.conf
has usr/share/renrakucho/deploy/render-site.sh '-rwxr-xr-x root/root'
# conf.d: only the access log format and the rate limit zones, which
# must be at http level.
has etc/nginx/conf.d/renrakucho-log.conf
has etc/nginx/conf.d/renrakucho-limits.conf
unlike "$(grep -E '\./etc/(nginx/(sites-|conf\.d/.|nginx\.conf)|pgbouncer/)' "$T/contents" |
    grep -vE '\./etc/nginx/conf\.d/renrakucho-(log|limits)\.conf$')" '.' \
    'package ships nothing else in nginx sites, conf.d, nginx.conf or /etc/pgbouncer'
has usr/share/man/man8/renrakucho-admin.8.gz
has usr/share/man/man5/renrakucho.conf.5.gz

X=$T/x
dpkg-deb -x "$DEB" "$X"
dpkg-deb -e "$DEB" "$T/ctl"

# --- conffiles and maintainer scripts ---------------------------------------
for f in renrakucho.conf pgbouncer.ini pgbouncer_hba.conf pgbouncer_userlist.txt; do
	ok "conffiles lists /etc/renrakucho/$f" grep -qx "/etc/renrakucho/$f" "$T/ctl/conffiles"
done
ok 'conffiles lists /etc/nginx/snippets/renrakucho-app.conf' \
    grep -qx /etc/nginx/snippets/renrakucho-app.conf "$T/ctl/conffiles"
post=$T/ctl/postinst
ok 'postinst creates the users (systemd-sysusers renrakucho.conf)' \
    grep -qE '^[[:space:]]*systemd-sysusers .*renrakucho\.conf' "$post"
like "$(cat "$post")" '^[[:space:]]*dpkg-statoverride --update --add root renrakucho 0640 "\$f"$' \
    'postinst sets root:renrakucho 0640 by dpkg-statoverride'
like "$(cat "$post")" '^[[:space:]]*for f in /etc/renrakucho/renrakucho.conf /etc/renrakucho/pgbouncer_userlist.txt; do$' \
    'postinst does so for renrakucho.conf and pgbouncer_userlist.txt'
n_sys=$(grep -n 'systemd-sysusers' "$post" | head -n 1 | cut -d: -f1)
n_tmp=$(grep -n 'systemd-tmpfiles' "$post" | head -n 1 | cut -d: -f1)
n_so=$(grep -n 'dpkg-statoverride --update' "$post" | head -n 1 | cut -d: -f1)
ok 'postinst creates the users before tmpfiles.d and the statoverride' \
    test "${n_sys:-0}" -gt 0 -a "${n_sys:-0}" -lt "${n_tmp:-0}" -a "${n_sys:-0}" -lt "${n_so:-0}"
scripts=$(cat "$T"/ctl/preinst "$T"/ctl/postinst "$T"/ctl/prerm "$T"/ctl/postrm 2>/dev/null)
unlike "$scripts" '/etc/nginx/(sites-|conf\.d|nginx\.conf)|/etc/pgbouncer' \
    "maintainer scripts leave the operator's nginx sites and pgbouncer alone"
like "$(cat "$X/usr/lib/sysusers.d/renrakucho.conf")" '^u renrakucho - .* / /usr/sbin/nologin$' \
    'sysusers.d: renrakucho, no home, no login shell'
tf=$(cat "$X/usr/lib/tmpfiles.d/renrakucho.conf")
like "$tf" '^d /run/renrakucho/pgbouncer 0750 renrakucho renrakucho -$' 'tmpfiles.d: pgbouncer socket directory 0750 renrakucho'
like "$tf" '^d /var/lib/renrakucho 0750 renrakucho renrakucho -$' 'tmpfiles.d: /var/lib/renrakucho 0750 renrakucho'
like "$(cat "$X/usr/lib/sysusers.d/renrakucho.conf")" '^u renrakucho-signer - .* / /usr/sbin/nologin$' \
    'sysusers.d: renrakucho-signer, no home, no login shell'
like "$tf" '^d /run/renrakucho-signer 0750 renrakucho-signer renrakucho -$' \
    "tmpfiles.d: the signer's socket directory 0750 renrakucho-signer:renrakucho"
like "$tf" '^d /var/lib/renrakucho-signer/ca 0700 renrakucho-signer renrakucho-signer -$' \
    "tmpfiles.d: the CA directory 0700 renrakucho-signer"

# --- renrakucho.conf documents every key lib/cfg.c reads ---------------------
CONF=$X/etc/renrakucho/renrakucho.conf
keys=$(sed -n 's/^[[:space:]]*\/\* CFG_[A-Z_]* \*\/[[:space:]]*{ "\([a-z_]*\)",.*/\1/p' "$TOP/lib/cfg.c")
[ "$(printf '%s\n' "$keys" | wc -l)" -gt 10 ] || bail "could not read the keys of lib/cfg.c"
missing= undocumented=
for k in $keys; do
	n=$(grep -cE "^$k =( |\$)" "$CONF")
	[ "$n" = 1 ] || missing+=" $k($n)"
	# The comment block right above the key names it.
	awk -v k="$k" '$0 ~ "^" k " =( |$)" { exit !(c ~ "# " k ":") }
	    /^#/ { c = c $0; next } { c = "" }' "$CONF" || undocumented+=" $k"
done
is "$missing" '' 'renrakucho.conf sets every key of lib/cfg.c once'
is "$undocumented" '' 'renrakucho.conf documents every key in a comment above it'
extra=$(sed -n 's/^\([a-z_]*\) =\( .*\)\{0,1\}$/\1/p' "$CONF" | grep -vxF -f <(printf '%s\n' $keys))
is "$extra" '' 'renrakucho.conf has no key lib/cfg.c does not read'
like "$(cat "$CONF")" '^db_host = /run/renrakucho/pgbouncer$' 'renrakucho.conf: the CGIs connect through /run/renrakucho/pgbouncer'
like "$(cat "$CONF")" '^sendmail = /usr/sbin/sendmail -t -i$' 'renrakucho.conf: mail through /usr/sbin/sendmail'
like "$(cat "$X/etc/renrakucho/pgbouncer.ini")" '^unix_socket_dir = /run/renrakucho/pgbouncer$' \
    'pgbouncer.ini: the socket in /run/renrakucho/pgbouncer'
like "$(cat "$X/etc/renrakucho/pgbouncer.ini")" '^listen_addr = *$' 'pgbouncer.ini: no TCP listener'

# --- systemd units -------------------------------------------------------------
# A root of the package's files plus the host's units and the programs
# the units run that the package does not ship (fcgiwrap, pgbouncer, env,
# systemctl), so --root resolves everything the way an installed system
# would.
R=$T/root
cp -a "$X" "$R"
mkdir -p "$R/lib/systemd/system"
cp -an /lib/systemd/system/. "$R/lib/systemd/system/"
sed -n 's/^Exec[A-Za-z]*=[-+@!:]*\([^ ]*\).*/\1/p' "$X"/lib/systemd/system/renrakucho-* |
    sort -u | while read -r b; do
	[ -e "$R$b" ] || [ ! -e "$b" ] || cp -L --parents "$b" "$R/"
done
verify() {	# verify UNIT-FILE...: status and every line it prints
	systemd-analyze verify --root="$R" "$@" 2>&1
}
for u in $UNITS; do
	out=$(verify "$R/lib/systemd/system/$u")
	rc=$?
	if [ $rc = 0 ] && [ -z "$out" ]; then
		pass "systemd-analyze verify $u"
	else
		fail "systemd-analyze verify $u" "exit $rc: $out"
	fi
done
# The check itself: a unit whose command does not exist, and a misspelt
# setting, do not pass it.
sed 's|^ExecStart=/usr/sbin/renrakucho-admin|ExecStart=/usr/sbin/renrakucho-nothere|' \
    "$R/lib/systemd/system/renrakucho-mail.service" > "$R/lib/systemd/system/rk-broken.service"
out=$(verify "$R/lib/systemd/system/rk-broken.service")
like "$out" 'renrakucho-nothere is not executable' 'systemd-analyze verify refuses a missing command'
sed 's|^NoNewPrivileges=|NoNewPrivilegs=|' \
    "$R/lib/systemd/system/renrakucho-purge.service" > "$R/lib/systemd/system/rk-typo.service"
out=$(verify "$R/lib/systemd/system/rk-typo.service")
like "$out" "Unknown key 'NoNewPrivilegs'" 'systemd-analyze verify reports a misspelt setting'

sock=$(cat "$X/lib/systemd/system/renrakucho-fcgiwrap.socket")
for l in ListenStream=/run/renrakucho/fcgiwrap.sock SocketUser=renrakucho \
    SocketGroup=www-data SocketMode=0660; do
	like "$sock" "^$l\$" "fcgiwrap socket: $l"
done
sock=$(cat "$X/lib/systemd/system/renrakucho-signer.socket")
for l in ListenStream=/run/renrakucho-signer/signer.sock SocketUser=renrakucho-signer \
    SocketGroup=renrakucho SocketMode=0660 Accept=no; do
	like "$sock" "^$l\$" "signer socket: $l"
done
m=
for l in User=renrakucho-signer NoNewPrivileges=yes ProtectSystem=strict PrivateTmp=yes \
    ProtectHome=yes PrivateNetwork=yes RestrictAddressFamilies=AF_UNIX CapabilityBoundingSet=; do
	grep -qE "^$l\$" "$X/lib/systemd/system/renrakucho-signer.service" || m+=" $l"
done
is "$m" '' 'renrakucho-signer.service runs as renrakucho-signer, hardened'
like "$(cat "$X/lib/systemd/system/renrakucho-signer.service")" \
    '^ExecStart=/usr/lib/renrakucho/renrakucho-signer serve --ca-dir /var/lib/renrakucho-signer/ca ' \
    'the signer serves the CA of /var/lib/renrakucho-signer'
like "$(cat "$X/lib/systemd/system/renrakucho-crl.service")" \
    '^ExecStart=/usr/sbin/renrakucho-admin crl update --if-changed$' 'the CRL job writes only a changed CRL'
unlike "$(grep '^Exec' "$X/lib/systemd/system/renrakucho-crl.service")" 'reload' 'and reloads nothing itself'
like "$(cat "$X/lib/systemd/system/renrakucho-crl.path")" '^PathChanged=/var/lib/renrakucho/crl\.pem$' \
    'renrakucho-crl.path watches the CRL file'
like "$(cat "$X/lib/systemd/system/renrakucho-crl-reload.service")" \
    '^ExecStart=/bin/systemctl try-reload-or-restart nginx\.service$' 'and has root reload nginx'
svc=$(cat "$X/lib/systemd/system/renrakucho-fcgiwrap.service")
exec_line=$(printf '%s\n' "$svc" | grep '^ExecStart=')
like "$exec_line" '^ExecStart=/usr/bin/env -i ' 'fcgiwrap runs with a cleared environment'
# The CGIs' messages reach the journal: without -f a CGI's standard
# error is fcgiwrap's (lib/log.c), which the unit sends there.
like "$svc" '^StandardError=journal$' "fcgiwrap's standard error goes to the journal"
unlike "$exec_line" ' -f( |$)' "fcgiwrap leaves the CGIs' standard error its own (no -f)"
allowed=$(printf '%s\n' "$exec_line" | grep -oE -- '-p [^ ]+' | sed 's/^-p //' | sort | tr '\n' ' ')
want=$(printf '/usr/lib/renrakucho/cgi-bin/%s\n' $cgis | sort | tr '\n' ' ')
is "$allowed" "$want" 'fcgiwrap -p allows exactly the packaged CGIs'
# The mail job is the exception: the host's sendmail is set-user-ID or
# set-group-ID and writes the MTA's queue (the unit says so).
m=
for l in User=renrakucho ProtectSystem=full PrivateTmp=yes ProtectHome=yes; do
	grep -qE "^$l\$" "$X/lib/systemd/system/renrakucho-mail.service" || m+=" $l"
done
is "$m" '' 'renrakucho-mail.service runs as renrakucho, sandboxed short of blocking sendmail'
for u in renrakucho-fcgiwrap.service renrakucho-pgbouncer.service \
    renrakucho-crl.service renrakucho-purge.service \
    renrakucho-seal.service renrakucho-cert-expiry.service; do
	f=$X/lib/systemd/system/$u
	m=
	for l in User=renrakucho NoNewPrivileges=yes ProtectSystem=strict \
	    PrivateTmp=yes ProtectHome=yes 'RestrictAddressFamilies=AF_UNIX'; do
		grep -qE "^$l( |\$)" "$f" || m+=" $l"
	done
	is "$m" '' "$u runs as renrakucho, hardened"
done
like "$(grep '^RestrictAddressFamilies=' "$X/lib/systemd/system/renrakucho-fcgiwrap.service")" \
    '^RestrictAddressFamilies=AF_UNIX$' 'the CGIs may open unix sockets only'
for j in 'crl:crl update' 'mail:mail deliver' 'purge:pickup purge' 'purge:session purge' \
    'purge:mail purge' 'cert-expiry:cert expiry-notice'; do
	like "$(cat "$X/lib/systemd/system/renrakucho-${j%%:*}.service")" \
	    "^ExecStart=/usr/sbin/renrakucho-admin ${j#*:}( |\$)" "renrakucho-${j%%:*}.service runs '${j#*:}'"
done
# Of several web nodes, one does the work of a period (--once, job_run);
# every node delivers mail, writes its CRL and seals into its own file.
for j in 'purge:pickup purge' 'purge:session purge' 'purge:mail purge' \
    'purge:audit partitions' 'cert-expiry:cert expiry-notice' \
    'audit-report:audit report --mail'; do
	like "$(cat "$X/lib/systemd/system/renrakucho-${j%%:*}.service")" \
	    "^ExecStart=/usr/sbin/renrakucho-admin ${j#*:} --once\$" "renrakucho-${j%%:*}.service runs '${j#*:}' --once"
done
for u in mail crl seal; do
	unlike "$(grep '^ExecStart=' "$X/lib/systemd/system/renrakucho-$u.service")" '--once' \
	    "renrakucho-$u.service runs on every node (no --once)"
done
# The verbs the timers run exist in renrakucho-admin.
help=$("$PREFIX/sbin/renrakucho-admin" --help 2>&1)
for v in 'crl update' 'mail deliver' 'pickup purge' 'session purge' 'mail purge' \
    'cert expiry-notice'; do
	like "$help" "^  $v( |\$)" "renrakucho-admin has the verb '$v'"
done

# --- the site the package renders -------------------------------------------
W=$T/www
sed -e 's/^secretariat_name = .*/secretariat_name = 検査 事務局 <\&>/' \
    -e 's/^secretariat_phone =.*/secretariat_phone = 0853-00-1234/' "$CONF" > "$T/site.conf"
ok 'render-site.sh renders the site from renrakucho.conf' \
    bash "$X/usr/share/renrakucho/deploy/render-site.sh" "$T/site.conf" "$X/usr/share/renrakucho" "$W"
for p in cert cert-none maintenance; do
	f=$W/errors-root/.rk-error/$p.html
	ok "error page $p.html rendered" test -s "$f"
	like "$(cat "$f" 2>/dev/null)" '検査 事務局 &lt;&amp;&gt;（電話 0853-00-1234）' \
	    "$p.html names the secretariat, escaped"
	unlike "$(cat "$f" 2>/dev/null)" '@[A-Z_]+@' "$p.html has no placeholder left"
done
like "$(cat "$W/errors-root/.rk-error/cert.html" 2>/dev/null)" '<a href="https://renrakucho\.example\.jp/login-help/">' \
    'cert.html links to the portal_url of renrakucho.conf'
like "$(cat "$W/errors-root/.rk-error/cert-none.html" 2>/dev/null)" '<a href="https://renrakucho\.example\.jp/login-help/#no-certificate">' \
    "cert-none.html links to the login help's section on a certificate not sent"
like "$(cat "$W/errors-root/.rk-error/maintenance.html" 2>/dev/null)" '<a href="https://renrakucho\.example\.jp/">' \
    'maintenance.html links to the portal_url of renrakucho.conf'
like "$(cat "$W/errors-root/.rk-error/maintenance.html" 2>/dev/null)" 'ただいまご利用いただけません' \
    'the maintenance page is in Japanese'
ok 'the portal is rendered' test -s "$W/portal/index.html"

# --- nginx -t with Debian's stock nginx.conf and default site ---------------
# The stock files as dpkg recorded them (a changed /etc/nginx/nginx.conf
# would not prove anything about a fresh server).
stock() {	# stock PATH: PATH if it is nginx-common's unchanged conffile
	local want
	want=$(dpkg-query -W -f='${Conffiles}\n' nginx-common | awk -v p="$1" '$1 == p { print $2 }')
	[ -n "$want" ] && [ "$(md5sum < "$1" | cut -d' ' -f1)" = "$want" ]
}
N=$T/nginx
if stock /etc/nginx/nginx.conf && stock /etc/nginx/sites-available/default; then
	pass "this machine's nginx.conf and default site are Debian's stock ones"
else
	fail "this machine's nginx.conf and default site are Debian's stock ones" \
	    "changed: compare with nginx-common's conffiles"
fi
mkdir -p "$N/etc/nginx/sites-enabled" "$N/etc/nginx/conf.d" "$N/etc/nginx/modules-enabled"
cp /etc/nginx/nginx.conf /etc/nginx/mime.types "$N/etc/nginx/"
cp -r /etc/nginx/snippets "$N/etc/nginx/" 2>/dev/null || mkdir -p "$N/etc/nginx/snippets"
cp "$X"/etc/nginx/snippets/* "$N/etc/nginx/snippets/"
cp "$X"/etc/nginx/conf.d/* "$N/etc/nginx/conf.d/"
cp /etc/nginx/sites-available/default "$N/etc/nginx/sites-enabled/default"
cp "$X"/usr/share/doc/renrakucho/examples/renrakucho-* "$N/etc/nginx/sites-enabled/"
# The paths the package's files name, under the scratch root; the files
# nginx opens at -t: the server certificate and the CA's certificate
# in tls_dir (setup writes them there; the CA key stays the signer's),
# the CRL.
find "$N/etc/nginx" -type f -exec sed -i \
    -e "s#/etc/nginx/#$N/etc/nginx/#g" -e "s#/var/lib/renrakucho#$N/var/lib/renrakucho#g" \
    -e "s#/etc/renrakucho/#$N/etc/renrakucho/#g" {} +
ca=$N/etc/renrakucho/tls
mkdir -p "$ca" "$N/var/lib/renrakucho" "$T/ca"
(
	set -e
	cd "$T/ca"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$ca/ca.key" -out "$ca/ca.crt" -subj /CN=test-ca -days 2
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$ca/server.key" -out "$ca/server.crt" -subj /CN=renrakucho.example.jp -days 2
	: > index.txt
	printf '[ca]\ndefault_ca=c\n[c]\ndatabase=index.txt\ndefault_md=sha256\ndefault_crl_days=1\n' > ca.cnf
	openssl ca -batch -config ca.cnf -gencrl -keyfile "$ca/ca.key" -cert "$ca/ca.crt" \
	    -out "$N/var/lib/renrakucho/crl.pem"
) > "$LOG_DIR/nginx-certs.log" 2>&1 || bail "could not make test certificates (see $LOG_DIR/nginx-certs.log)"
nginx -t -c "$N/etc/nginx/nginx.conf" > "$LOG_DIR/nginx-t.log" 2>&1
rc=$?
is "$rc" 0 'nginx -t: stock nginx.conf, default site, the example sites and the snippets'
[ $rc = 0 ] || diag "$(cat "$LOG_DIR/nginx-t.log")"
dump=$(nginx -T -c "$N/etc/nginx/nginx.conf" 2> /dev/null)
app_server=$(printf '%s\n' "$dump" | awk '/^# configuration file .*renrakucho-app.conf:$/ { f = 1; next } /^# configuration file / { f = 0 } f')
like "$app_server" '^ssl_verify_client on;$' 'the app snippet requires a client certificate'
like "$app_server" "^ssl_client_certificate $ca/ca.crt;\$" "the app snippet trusts renrakucho's CA"
like "$app_server" "^ssl_crl $N/var/lib/renrakucho/crl.pem;\$" 'the app snippet checks the CRL'
like "$app_server" '^access_log /var/log/nginx/renrakucho-app-access.log renrakucho;$' \
    'the app snippet logs in the format renrakucho'
fmt=$(printf '%s\n' "$dump" | grep '^log_format renrakucho ')
like "$fmt" '\$ssl_client_serial' 'log_format renrakucho (conf.d) logs the client certificate serial'
like "$fmt" ' \$uri ' 'log_format renrakucho logs the path'
unlike "$fmt" 'request_uri|\$request |\$args|\$query_string|\$http_referer|\$http_cookie' \
    'log_format renrakucho logs no query string, referer or cookie'
unlike "$(cat "$N/etc/nginx/snippets/renrakucho-portal.conf")" 'ssl_verify_client' \
    'the portal asks for no client certificate'
like "$(cat "$N/etc/nginx/sites-enabled/renrakucho-app")" '^	listen 8443 ssl;$' 'the example app site has a port of its own'
like "$(cat "$N/etc/nginx/sites-enabled/renrakucho-portal")" '^	access_log /var/log/nginx/renrakucho-portal-access.log renrakucho;$' \
    'the example portal site logs in the format renrakucho'
# The check itself: the snippets at http level (conf.d/, as a
# full-server template would have been) are refused.
cp "$X/etc/nginx/snippets/renrakucho-app.conf" "$N/etc/nginx/conf.d/renrakucho-app.conf"
sed -i -e "s#/etc/nginx/#$N/etc/nginx/#g" "$N/etc/nginx/conf.d/renrakucho-app.conf"
out=$(nginx -t -c "$N/etc/nginx/nginx.conf" 2>&1)
like "$out" 'is not allowed here|test failed' 'nginx -t refuses the app snippet outside a server block'
rm -f "$N/etc/nginx/conf.d/renrakucho-app.conf"

done_testing
