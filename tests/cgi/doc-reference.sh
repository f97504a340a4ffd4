#!/bin/bash
# The manual pages and the documented configuration files against the
# program, so that a verb or a key added in one place and forgotten in
# another fails here: renrakucho-admin(8) lists every verb of --help and
# no other; renrakucho.conf(5), conf/deploy/renrakucho.conf (the
# package's) and conf/renrakucho.conf.in (the stack's) every key of the
# parser's table ("renrakucho-admin help --conf") and no other; the built
# and installed pages are what the program prints now, and render
# without a groff warning.  TAP (tests/cgi/run.sh).
. "$TOP/tests/lib.sh"

ADMIN=$BUILD_DIR/renrakucho-admin
MAN8=$BUILD_DIR/doc/renrakucho-admin.8
MAN5=$BUILD_DIR/doc/renrakucho.conf.5
INSTALLED=${PREFIX:-$TOP/var/install}/share/man
[ -x "$ADMIN" ] || bail "no $ADMIN"

# The verbs --help lists: its two-space-indented lines, name in the
# first 18 columns.
"$ADMIN" --help | sed -n 's/^  \(.\{18\}\) .*/\1/p' | sed 's/ *$//' |
    sort > "$TEST_TMP/verbs.help"
# man_items FILE SECTION: the tags of the .TP items of that section
# (".B "ca init" [--cn NAME]" -> ca init).
man_items() {
	awk -v sect="$2" '
		/^\.SH / { in_s = ($2 == sect); next }
		in_s && /^\.TP$/ { tp = 1; next }
		in_s && tp {
			tp = 0
			s = $0
			if (sub(/^\.B "/, "", s))
				sub(/".*/, "", s)
			else {
				sub(/^\.B /, "", s)
				sub(/ .*/, "", s)
			}
			print s
		}' "$1" | sort
}
# conf_keys FILE: the keys a configuration file sets.
conf_keys() {
	sed -n 's/^\([a-z_][a-z_0-9]*\) =\( .*\)\{0,1\}$/\1/p' "$1" | sort
}
"$ADMIN" help --conf > "$TEST_TMP/reference.conf"
conf_keys "$TEST_TMP/reference.conf" > "$TEST_TMP/keys"

n=$(wc -l < "$TEST_TMP/verbs.help")
ok "--help lists the verbs (got $n)" test "$n" -gt 15
like "$(cat "$TEST_TMP/verbs.help")" '^ca init$' '--help lists "ca init"'
n=$(wc -l < "$TEST_TMP/keys")
ok "help --conf lists the keys (got $n)" test "$n" -gt 20
like "$(cat "$TEST_TMP/keys")" '^db_owner_dsn$' 'help --conf lists db_owner_dsn'

# --- the pages are the program's, built and installed ---------------------
"$ADMIN" help --man > "$TEST_TMP/admin.8"
"$ADMIN" help --conf --man > "$TEST_TMP/conf.5"
ok 'build/doc/renrakucho-admin.8 is what "help --man" prints' cmp -s "$MAN8" "$TEST_TMP/admin.8"
ok 'build/doc/renrakucho.conf.5 is what "help --conf --man" prints' cmp -s "$MAN5" "$TEST_TMP/conf.5"
ok 'make install put renrakucho-admin(8) in man8' cmp -s "$INSTALLED/man8/renrakucho-admin.8" "$MAN8"
ok 'make install put renrakucho.conf(5) in man5' cmp -s "$INSTALLED/man5/renrakucho.conf.5" "$MAN5"

# --- the verbs ------------------------------------------------------------
man_items "$MAN8" VERBS > "$TEST_TMP/verbs.man"
is "$(diff "$TEST_TMP/verbs.help" "$TEST_TMP/verbs.man")" '' \
    'renrakucho-admin(8) lists exactly the verbs of --help'
# The check itself: a page without a verb, or with one --help lacks.
grep -v '^\.B "cert revoke"' "$MAN8" > "$TEST_TMP/less.8"
like "$(diff "$TEST_TMP/verbs.help" <(man_items "$TEST_TMP/less.8" VERBS))" '^< cert revoke$' \
    'a page lacking "cert revoke" is caught'
sed 's/^\.B "cert revoke"/.B "cert forge"/' "$MAN8" > "$TEST_TMP/more.8"
like "$(diff "$TEST_TMP/verbs.help" <(man_items "$TEST_TMP/more.8" VERBS))" '^> cert forge$' \
    'a page with a verb --help lacks is caught'

# --- the keys -------------------------------------------------------------
man_items "$MAN5" KEYS > "$TEST_TMP/keys.man"
is "$(diff "$TEST_TMP/keys" "$TEST_TMP/keys.man")" '' \
    'renrakucho.conf(5) lists exactly the keys of the parser'
# keys_documented FILE: each key of the parser set once, right below a
# comment, and no other key; prints what is wrong.
keys_documented() {
	local k n
	for k in $(cat "$TEST_TMP/keys"); do
		n=$(grep -cE "^$k =( |\$)" "$1")
		[ "$n" = 1 ] || echo "$k set $n times"
		awk -v k="$k" '$0 ~ "^" k " =( |$)" { exit !(prev ~ /^#/) } { prev = $0 }' "$1" ||
		    echo "$k has no comment above it"
	done
	conf_keys "$1" | grep -vxF -f "$TEST_TMP/keys" | sed 's/$/ is no key of the parser/'
}
for f in conf/deploy/renrakucho.conf conf/renrakucho.conf.in; do
	is "$(keys_documented "$TOP/$f")" '' "$f sets and comments every key of the parser, and no other"
done
# The package's file names the key in its comment, with the default.
bad=
for k in $(cat "$TEST_TMP/keys"); do
	awk -v k="$k" '$0 ~ "^" k " =( |$)" { exit !(c ~ "# " k ":") }
	    /^#/ { c = c $0; next } { c = "" }' "$TOP/conf/deploy/renrakucho.conf" || bad+=" $k"
done
is "$bad" '' 'conf/deploy/renrakucho.conf: the comment above each key names it'
# The check itself: a key dropped, a key added.
grep -v '^cert_days =' "$TOP/conf/deploy/renrakucho.conf" > "$TEST_TMP/less.conf"
is "$(keys_documented "$TEST_TMP/less.conf")" 'cert_days set 0 times' \
    'a documented file lacking cert_days is caught'
{ cat "$TOP/conf/renrakucho.conf.in"; printf '# x\nsigner_sockett = /x\n'; } > "$TEST_TMP/more.conf"
is "$(keys_documented "$TEST_TMP/more.conf")" 'signer_sockett is no key of the parser' \
    'a documented file with an unknown key is caught'

# --- rendering --------------------------------------------------------------
# What lintian runs on a manual page, and groff's own warnings.
for f in "$MAN8" "$MAN5"; do
	out=$(LC_ALL=C.UTF-8 man --warnings -E UTF-8 -l -Tutf8 -Z "$f" 2>&1 > /dev/null)
	is "$out" '' "man --warnings renders ${f##*/} without a message"
	out=$(LC_ALL=C.UTF-8 groff -k -man -Tutf8 -wall -z "$f" 2>&1)
	is "$out" '' "groff -wall renders ${f##*/} without a warning"
done
page=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$MAN8" 2>/dev/null)
like "$page" '^       ca server-cert \[--san DNS:name,IP:addr,\.\.\.\] \[--days N\]$' \
    'renrakucho-admin(8) shows a verb with its options as --help does'
page=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$MAN5" 2>/dev/null)
like "$page" '^              Default: 6432$' 'renrakucho.conf(5) gives a default'
like "$page" '^              Default: 島根県出雲市$' 'renrakucho.conf(5) shows a default in Japanese'
done_testing
