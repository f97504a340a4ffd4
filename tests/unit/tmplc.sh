#!/bin/sh
# tmplc, the template compiler: malformed or unsafe templates are refused
# (non-zero exit, "file:line: message", no output left behind), and the C
# generated from good ones escapes every slot for its context.  TAP.
# Run by make check with top_srcdir, top_builddir, CC, CPPFLAGS, CFLAGS,
# LIBRK, UNISTRING_LIBS, PQ_LIBS and SSL_LIBS set (Makefile.am, TESTS_ENVIRONMENT).
: "${top_srcdir:=.}" "${top_builddir:=.}" "${CC:=cc}"
: "${LIBRK:=$top_builddir/lib/librk.a}"
TMPLC=$top_builddir/tmplc
FIX=$top_srcdir/tests/unit/tmpl
WARN="-Wall -Wextra -Wformat=2 -Wshadow -Wmissing-prototypes
    -Wstrict-prototypes -Wpointer-arith -Werror"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tmplc.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM HUP

n=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
	fi
}
diag() {
	sed 's/^/# /' "$@"
}

# refuse FIXTURE MESSAGE: tmplc fails on FIXTURE with MESSAGE in a
# "file:line: " line, and removes a stale output it would have replaced.
refuse() {
	rm -f "$tmp"/out.*
	echo stale >"$tmp/out.c"
	echo stale >"$tmp/out.h"
	"$TMPLC" -o "$tmp/out" "$FIX/$1.xhtml" 2>"$tmp/err"
	rc=$?
	r=0
	[ "$rc" -ne 0 ] || r=1
	grep -E ":[0-9]+: " "$tmp/err" | grep -qF -- "$2" || r=1
	[ ! -e "$tmp/out.c" ] && [ ! -e "$tmp/out.h" ] || r=1
	ok $r "tmplc-bad-$1: refused ($2)"
	[ $r -eq 0 ] || diag "$tmp/err"
}

refuse bad_unclosed "mismatch"
refuse bad_entity "nbsp"
refuse bad_mismatch "mismatch"
refuse bad_undeclared_ns "Namespace prefix t"
refuse bad_xxe "DOCTYPE"
refuse bad_script_slot "inside <script>"
refuse bad_script_attr "inside <script>"
refuse bad_onclick "attribute onclick"
refuse bad_style_attr "attribute style"
refuse bad_url_prefix "a URL with slots"
refuse bad_url_host "a URL with slots"
refuse bad_url_suffix "a URL with slots"
refuse bad_url_fixed "not allowed"
refuse bad_unknown_element "unknown template element t:raw"
refuse bad_unknown_attr "unknown template attribute t:bogus"
refuse bad_name "not a valid slot name"
refuse bad_text_and_if "used as a text slot and as a condition"
refuse bad_unclosed_brace "unclosed"
refuse bad_content_in_fragment "only in a layout"
refuse bad_content_in_if "not allowed inside"
refuse bad_void_content "void element"

# One bad template fails the whole run.
"$TMPLC" -o "$tmp/mix" "$FIX/good_frag.xhtml" "$FIX/bad_onclick.xhtml" \
    2>/dev/null
r=$?
[ $r -ne 0 ] && [ ! -e "$tmp/mix.c" ] && [ ! -e "$tmp/mix.h" ]
ok $? "tmplc-bad-mixed: a good and a bad template give no output"

"$TMPLC" -o "$tmp/x" 2>/dev/null
[ $? -ne 0 ]
ok $? "tmplc-bad-usage: no template is an error"

# The project's own templates compile, warning-free.
"$TMPLC" -o "$tmp/real" "$top_srcdir"/www/templates/*.xhtml 2>"$tmp/err"
ok $? "tmplc: www/templates compile"
diag "$tmp/err"
mkdir "$tmp/real.d" && cp "$tmp/real.c" "$tmp/real.d/tmpl.c" &&
    cp "$tmp/real.h" "$tmp/real.d/tmpl.h" &&
    $CC -I"$tmp/real.d" -I"$top_srcdir/lib" $CPPFLAGS $CFLAGS $WARN \
    -c -o "$tmp/real.o" "$tmp/real.d/tmpl.c" 2>"$tmp/err"
ok $? "tmplc: generated C for www/templates compiles with -Werror"
diag "$tmp/err"

# The fixtures: every slot context.
"$TMPLC" -o "$tmp/tmpl" "$FIX/good_frag.xhtml" "$FIX/good_page.xhtml" \
    2>"$tmp/err"
ok $? "tmplc: good fixtures compile"
diag "$tmp/err"

cat >"$tmp/main.c" <<'EOC'
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "tmpl.h"

static int
save(const char *path, struct buf *b)
{
	FILE	*f;
	int	 rc;

	if (b->oom || (f = fopen(path, "w")) == NULL)
		return 1;
	rc = fwrite(b->p, 1, b->len, f) != b->len;
	rc |= fclose(f) != 0;
	buf_reset(b);
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct tmpl_good_frag_rows_cells c0[] = {
		{ .v = "c0" }
	};
	static const struct tmpl_good_frag_rows_cells c2[] = {
		{ .v = "x" }, { .v = "<y>" }
	};
	static const struct tmpl_good_frag_rows rows[] = {
		{ .cls = "r0", .label = "R0", .cells = c0, .cells_n = 1 },
		{ .cls = "r1\"", .label = "R1" },
		{ .cls = "r2", .label = "R2", .cells = c2, .cells_n = 2 },
	};
	const struct tmpl_good_frag f = {
		.body = "<script>alert(1)</script>",
		.link = "javascript:alert(1)",
		.good_link = "https://example.jp/a?b=1&c=2",
		.id = "1/../x",
		.q = "a&b c#d",
		.title = "\" onmouseover=\"x",
		.on = 1,
		.off = 0,
		.yes = 1,
		.no = 0,
		.rows = rows,
		.rows_n = 3,
	};
	const struct tmpl_good_frag empty = { .rows_n = 5 };
	const struct tmpl_good_page p = {
		.title = "<t>",
		.help = "https://portal.example/login-help/",
	};
	struct buf	 b;
	int		 rc = 0;

	if (argc != 4)
		return 2;
	memset(&b, 0, sizeof(b));
	tmpl_good_frag(&b, &f);
	rc |= save(argv[1], &b);
	tmpl_good_frag(&b, &empty);
	rc |= save(argv[2], &b);
	tmpl_good_page_begin(&b, &p);
	buf_puts(&b, "CONTENT");
	tmpl_good_page_end(&b, &p);
	rc |= save(argv[3], &b);
	buf_free(&b);
	return rc;
}
EOC
$CC -I"$tmp" -I"$top_srcdir/lib" $CPPFLAGS $CFLAGS $WARN \
    -c -o "$tmp/tmpl.o" "$tmp/tmpl.c" 2>"$tmp/err"
ok $? "tmplc: generated C compiles with -Werror"
diag "$tmp/err"
$CC -I"$tmp" -I"$top_srcdir/lib" $CPPFLAGS $CFLAGS $WARN \
    -o "$tmp/main" "$tmp/main.c" "$tmp/tmpl.o" $LIBRK ${UNISTRING_LIBS--lunistring} $PQ_LIBS $SSL_LIBS \
    2>"$tmp/err"
ok $? "tmplc: test program links against librk"
diag "$tmp/err"
"$tmp/main" "$tmp/frag.html" "$tmp/empty.html" "$tmp/page.html" \
    2>"$tmp/err"
ok $? "tmplc: test program renders"
diag "$tmp/err"
touch "$tmp/frag.html" "$tmp/empty.html" "$tmp/page.html"

has() {
	grep -qF -- "$2" "$1"
	ok $? "$3"
}
hasnt() {
	! grep -qF -- "$2" "$1"
	ok $? "$3"
}
F=$tmp/frag.html
E=$tmp/empty.html
P=$tmp/page.html

has $F '<p id="text">&lt;script&gt;alert(1)&lt;/script&gt;</p>' \
    "text slot: markup escaped"
hasnt $F '<script>alert' "text slot: no live <script>"
has $F '<p id="null">[]</p>' "text slot: NULL writes nothing"
has $F '<a id="whole" href="#">' "URL slot: javascript: becomes #"
has $F '<a id="good" href="https://example.jp/a?b=1&amp;c=2">' \
    "URL slot: https kept, attribute-escaped"
has $F 'href="/teams/1%2F..%2Fx/messages?q=a%26b%20c%23d"' \
    "URL component slots: / & space # percent-encoded"
has $F 'title="&quot; onmouseover=&quot;x"' "attribute slot: quote escaped"
hasnt $F '" onmouseover="' "attribute slot: cannot break out"
has $F 'class="fixed &amp; &quot;more&quot;" data-x="{lit}">a &lt; b &amp; 日本語</p>' \
    "fixed attribute and text re-escaped, {{ is a literal {"
has $F '<input type="checkbox" name="c" checked>' "boolean attribute on"
has $F '<input type="checkbox" name="d">' "boolean attribute off"
has $F '<option value="1" selected>' "t:selected"
has $F '<br>' "void element <br>"
has $F '<img src="/x.png" alt="">' "void element <img>"
hasnt $F '</br>' "no </br>"
hasnt $F '</input>' "no </input>"
hasnt $F '</img>' "no </img>"
has $F '<textarea name="ta"></textarea>' "empty textarea has its end tag"
has $F '<script src="/static/app.js"></script>' \
    "empty script has its end tag"
has $F '<p>IF-YES</p>' "t:if true shows"
hasnt $F 'UNLESS-YES' "t:unless true hides"
hasnt $F 'IF-NO' "t:if false hides"
has $F '<p>UNLESS-NO</p>' "t:unless false shows"
has $F '<ul><li class="row-r0">R0<span>c0</span></li><li class="row-r1&quot;">R1</li><li class="row-r2">R2<span>x</span><span>&lt;y&gt;</span></li></ul>' \
    "loop of 3 rows with a nested loop"
[ "$(grep -o '<li ' $F | wc -l)" -eq 3 ]
ok $? "loop: exactly 3 items"
hasnt $F 'xmlns' "no namespace declarations in the output"
hasnt $F '<t:' "no template elements in the output"
hasnt $F 'urn:renrakucho' "no template namespace in the output"
hasnt $F '<!DOCTYPE' "fragment has no DOCTYPE"
has $E '<a id="whole" href="#">' "NULL URL becomes #"
has $E '<ul></ul>' "loop with NULL rows and rows_n > 0 writes nothing"
has $E '<input type="checkbox" name="c">' "zeroed struct: no checked"
[ "$(head -n 1 $P)" = '<!DOCTYPE html>' ]
ok $? "layout starts with <!DOCTYPE html>"
has $P '<html lang="ja">' "layout: <html> without xmlns"
has $P '<head><meta charset="UTF-8"><title>&lt;t&gt;</title></head>' \
    "layout: <meta> void, title escaped"
has $P '<body>CONTENT<footer>' "layout: t:content splits begin and end"
has $P 'href="https://portal.example/login-help/"' "layout: URL slot"
[ "$(tail -c 8 $P)" = '</html>' ]
ok $? "layout ends with </html>"

echo "1..$n"
