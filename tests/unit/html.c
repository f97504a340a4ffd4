/* html_*: one escaper per output context (lib/html.c). */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "html.h"
#include "tap.h"

static struct buf b;

/* Run one escaper on s and return what it wrote. */
static const char *
run(void (*fn)(struct buf *, const char *), const char *s)
{
	buf_reset(&b);
	fn(&b, s);
	return b.len == 0 ? "" : b.p;
}

static void
test_buf(void)
{
	struct buf	 x;
	size_t		 i;

	memset(&x, 0, sizeof(x));
	buf_puts(&x, "abc");
	buf_put(&x, "def", 2);
	is_str(x.p, "abcde", "buf_put/buf_puts append");
	buf_printf(&x, "-%d-%s", 42, "z");
	is_str(x.p, "abcde-42-z", "buf_printf appends formatted");
	for (i = 0; i < 10000; i++)
		buf_puts(&x, "0123456789");
	ok(x.len == 10 + 100000 && !x.oom && x.p[x.len] == '\0',
	    "buf grows to 100 kB, NUL-terminated");
	buf_printf(&x, "%s", "");
	ok(x.len == 100010, "empty buf_printf adds nothing");
	buf_reset(&x);
	ok(x.len == 0 && x.p[0] == '\0', "buf_reset empties");
	buf_puts(&x, NULL);
	ok(x.len == 0, "buf_puts(NULL) writes nothing");
	x.oom = 1;
	buf_puts(&x, "ignored");
	buf_printf(&x, "%s", "ignored");
	ok(x.len == 0, "writes after oom are ignored");
	buf_free(&x);
	ok(x.p == NULL && x.len == 0 && x.cap == 0, "buf_free clears");
}

static void
test_text(void)
{
	is_str(run(html_text, "<script>alert(1)</script>"),
	    "&lt;script&gt;alert(1)&lt;/script&gt;", "html_text: tags");
	is_str(run(html_text, "a & b \"q\" 'r'"),
	    "a &amp; b \"q\" 'r'", "html_text: & escaped, quotes kept");
	is_str(run(html_text, "連絡帳"), "連絡帳", "html_text: UTF-8 as is");
	is_str(run(html_text, NULL), "", "html_text: NULL writes nothing");
	is_str(run(html_text, ""), "", "html_text: empty");
}

static void
test_attr(void)
{
	is_str(run(html_attr, "\" onmouseover=\"x"),
	    "&quot; onmouseover=&quot;x", "html_attr: double quote");
	is_str(run(html_attr, "a'b<c>d&e"), "a&#39;b&lt;c&gt;d&amp;e",
	    "html_attr: ' < > &");
	is_str(run(html_attr, NULL), "", "html_attr: NULL writes nothing");
}

static void
test_url_ok(void)
{
	static const char *const good[] = {
		"/home", "home", "teams/1/messages", "?q=1", "#main", "",
		"http://example.jp/", "https://example.jp/a?b=c#d",
		"HTTPS://example.jp/", "HtTp://example.jp/",
		"./a:b", "1abc:x", "/login-help/", "/a//b",
		"https://例え.jp/パス",
		/* Relative: the & is escaped, no entity reaches a browser. */
		"javascript&colon;x:", NULL
	};
	static const char *const bad[] = {
		"javascript:alert(1)", "JaVaScRiPt:alert(1)",
		"java\tscript:alert(1)", "java\nscript:alert(1)",
		" javascript:alert(1)", "\x01javascript:alert(1)",
		"\tjavascript:alert(1)", "data:text/html,<script>",
		"DATA:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox",
		"//evil.example/", "/\\evil.example/", "\\\\evil.example/",
		"\\/evil.example/", "ftp://example.jp/", "mailto:a@b",
		"file:///etc/passwd", "https\x7f://x", " /home",
		"http:/\r/x", "httpx://x", NULL
	};
	size_t	 i;

	for (i = 0; good[i] != NULL; i++)
		ok(html_url_ok(good[i]), "html_url_ok accepts \"%s\"",
		    good[i]);
	for (i = 0; bad[i] != NULL; i++)
		ok(!html_url_ok(bad[i]), "html_url_ok refuses bad URL #%zu",
		    i);
	ok(!html_url_ok(NULL), "html_url_ok refuses NULL");
}

static void
test_url(void)
{
	is_str(run(html_url, "javascript:alert(1)"), "#",
	    "html_url: javascript: becomes #");
	is_str(run(html_url, " JAVASCRIPT:alert(1)"), "#",
	    "html_url: leading space, upper case becomes #");
	is_str(run(html_url, "data:text/html,x"), "#",
	    "html_url: data: becomes #");
	is_str(run(html_url, "//evil"), "#", "html_url: //evil becomes #");
	is_str(run(html_url, NULL), "#", "html_url: NULL becomes #");
	is_str(run(html_url, "/teams/1?a=1&b=\"2\""),
	    "/teams/1?a=1&amp;b=&quot;2&quot;",
	    "html_url: good URL is attribute-escaped");
	is_str(run(html_url, "https://example.jp/x'y"),
	    "https://example.jp/x&#39;y", "html_url: https kept");
}

static void
test_urlpart(void)
{
	is_str(run(html_urlpart, "a/b?c&d#e f"), "a%2Fb%3Fc%26d%23e%20f",
	    "html_urlpart: / ? & # space");
	is_str(run(html_urlpart, "AZaz09-._~"), "AZaz09-._~",
	    "html_urlpart: unreserved kept");
	is_str(run(html_urlpart, "出雲"), "%E5%87%BA%E9%9B%B2",
	    "html_urlpart: UTF-8 percent-encoded");
	is_str(run(html_urlpart, "\"<>'%+"), "%22%3C%3E%27%25%2B",
	    "html_urlpart: quotes, < > %% +");
	is_str(run(html_urlpart, "javascript:x"), "javascript%3Ax",
	    "html_urlpart: colon encoded");
	is_str(run(html_urlpart, NULL), "", "html_urlpart: NULL nothing");
}

int
main(void)
{
	int	 rc;

	test_buf();
	test_text();
	test_attr();
	test_url_ok();
	test_url();
	test_urlpart();
	rc = tap_done();
	buf_free(&b);
	return rc;
}
