/* Unit tests of lib/req.c: parsers, validators and req_init with a fake
 * CGI environment.  Negative cases are named after the bad input. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "req.h"
#include "tap.h"

enum key {
	KEY_NAME,
	KEY_NOTE,
	KEY_AGE,
	KEY_TOK,
	KEY_MAIL,
	KEY_DATE,
	KEY_FILE,
	KEY_LOGIN,
	KEY_RAW,
	KEY__MAX
};

static const struct req_key keys[KEY__MAX] = {
	{ "name", req_v_line, 0, 100 },		/* KEY_NAME */
	{ "note", req_v_multiline, 0, 1000 },	/* KEY_NOTE */
	{ "age", req_v_int, 0, 150 },		/* KEY_AGE */
	{ "tok", req_v_token, 4, 64 },		/* KEY_TOK */
	{ "mail", req_v_email, 0, 254 },	/* KEY_MAIL */
	{ "dob", req_v_date, 0, 0 },		/* KEY_DATE */
	{ "file", req_v_file, 1, 1024 },	/* KEY_FILE */
	{ "login", req_v_login, 3, 64 },	/* KEY_LOGIN */
	{ "raw", NULL, 0, 0 },			/* KEY_RAW */
};

static void
req_setup(struct req *r)
{
	memset(r, 0, sizeof(*r));
	r->keys = keys;
	r->nkeys = KEY__MAX;
}

static enum req_err
url(struct req *r, const char *s)
{
	req_setup(r);
	return req_parse_urlencoded(r, s, strlen(s));
}

static enum req_err
mp(struct req *r, const char *ct, const char *body, size_t len)
{
	req_setup(r);
	return req_parse_multipart(r, ct, body, len);
}

/* Runs validator f with bounds min..max on len bytes of s. */
static int
vcheck(req_validator f, int64_t min, int64_t max, const char *s, size_t len,
    struct req_val *out)
{
	struct req_key	 k = { "x", f, min, max };
	struct req_val	 v;
	int		 rc;

	memset(&v, 0, sizeof(v));
	v.present = 1;
	v.s = malloc(len + 1);
	memcpy(v.s, s, len);
	v.s[len] = '\0';
	v.len = len;
	rc = f(&v, &k);
	if (out != NULL)
		*out = v;
	else
		free(v.s);
	return rc;
}

static int	urlencoded_raw_nul_key(void);

#define V(f, min, max, lit)	vcheck(f, min, max, lit, sizeof(lit) - 1, NULL)

static void
test_urldecode(void)
{
	char	 b[64];
	long	 n;

	strcpy(b, "a+b%20c%2Fd%e3%81%82");
	n = req_urldecode(b, strlen(b));
	ok(n == 10 && memcmp(b, "a b c/d\xe3\x81\x82", 10) == 0,
	    "urldecode: '+' is space, %%XX decoded, mixed case hex");
	strcpy(b, "%");
	ok(req_urldecode(b, 1) == -1, "urldecode-bad-lone-percent");
	strcpy(b, "%4");
	ok(req_urldecode(b, 2) == -1, "urldecode-bad-truncated-percent");
	strcpy(b, "%zz");
	ok(req_urldecode(b, 3) == -1, "urldecode-bad-nonhex-percent");
	strcpy(b, "%4g");
	ok(req_urldecode(b, 3) == -1, "urldecode-bad-second-digit-nonhex");
	/* The escape must not be completed from bytes after len. */
	strcpy(b, "%41");
	ok(req_urldecode(b, 2) == -1, "urldecode-bad-escape-past-len");
	strcpy(b, "");
	ok(req_urldecode(b, 0) == 0, "urldecode: empty");
}

static void
test_urlencoded(void)
{
	struct req	 r;
	char		*big;
	size_t		 n;

	ok(url(&r, "name=%E5%B1%B1%E7%94%B0+%E5%A4%AA%E9%83%8E&age=42") ==
	    REQ_OK, "urlencoded: two keys");
	is_str(r.vals[KEY_NAME].s, "山田 太郎", "urlencoded: '+' and %%XX UTF-8");
	ok(r.vals[KEY_NAME].valid && r.vals[KEY_AGE].valid &&
	    r.vals[KEY_AGE].num == 42, "urlencoded: validators ran, num set");
	ok(!r.vals[KEY_NOTE].present, "urlencoded: absent key not present");
	req_free(&r);

	ok(url(&r, "name=%") == REQ_ERR_ENCODING, "urlencoded-bad-lone-percent");
	req_free(&r);
	ok(url(&r, "name=%4") == REQ_ERR_ENCODING, "urlencoded-bad-short-percent");
	req_free(&r);
	ok(url(&r, "name=%zz") == REQ_ERR_ENCODING, "urlencoded-bad-nonhex-percent");
	req_free(&r);
	ok(url(&r, "na%zzme=1") == REQ_ERR_ENCODING, "urlencoded-bad-percent-in-key");
	req_free(&r);
	ok(url(&r, "other=%4") == REQ_ERR_ENCODING,
	    "urlencoded-bad-percent-in-undeclared-value");
	req_free(&r);
	ok(url(&r, "name%00=1") == REQ_ERR_ENCODING, "urlencoded-bad-nul-in-key");
	req_free(&r);
	ok(urlencoded_raw_nul_key(), "urlencoded-bad-raw-nul-in-key");

	ok(url(&r, "name=a%00b") == REQ_OK && r.vals[KEY_NAME].present &&
	    !r.vals[KEY_NAME].valid && r.vals[KEY_NAME].len == 3 &&
	    r.vals[KEY_NAME].err != NULL, "urlencoded-bad-nul-in-value: invalid");
	req_free(&r);
	ok(url(&r, "raw=a%00b") == REQ_OK && r.vals[KEY_RAW].len == 3 &&
	    memcmp(r.vals[KEY_RAW].s, "a\0b", 4) == 0,
	    "urlencoded: NUL kept in value, len counts it");
	req_free(&r);

	ok(url(&r, "name=a&name=b") == REQ_ERR_DUPLICATE,
	    "urlencoded-bad-duplicate-key");
	req_free(&r);
	ok(url(&r, "name=a&n%61me=b") == REQ_ERR_DUPLICATE,
	    "urlencoded-bad-duplicate-key-encoded");
	req_free(&r);
	ok(url(&r, "x=1&x=2&name=a") == REQ_OK && r.vals[KEY_NAME].valid,
	    "urlencoded: undeclared keys ignored, even twice");
	req_free(&r);
	ok(url(&r, "name=&note") == REQ_OK && r.vals[KEY_NAME].present &&
	    r.vals[KEY_NAME].len == 0 && r.vals[KEY_NAME].valid &&
	    r.vals[KEY_NOTE].present && r.vals[KEY_NOTE].len == 0,
	    "urlencoded: empty values and key without '='");
	req_free(&r);
	ok(url(&r, "&&name=a&&") == REQ_OK && r.vals[KEY_NAME].valid,
	    "urlencoded: empty pairs skipped");
	req_free(&r);
	ok(url(&r, "") == REQ_OK && !r.vals[KEY_NAME].present,
	    "urlencoded: empty input");
	req_free(&r);
	ok(url(&r, "=1&name=x") == REQ_OK, "urlencoded: empty key ignored");
	req_free(&r);
	ok(url(&r, "name=a=b") == REQ_OK && strcmp(r.vals[KEY_NAME].s, "a=b") == 0,
	    "urlencoded: '=' in value kept");
	req_free(&r);

	/* 1 MiB value against a max of 100 code points. */
	n = 1024 * 1024;
	big = malloc(n + 6);
	memcpy(big, "name=", 5);
	memset(big + 5, 'a', n);
	big[n + 5] = '\0';
	ok(url(&r, big) == REQ_OK && r.vals[KEY_NAME].present &&
	    !r.vals[KEY_NAME].valid && r.vals[KEY_NAME].len == n,
	    "urlencoded-bad-huge-value: 1 MiB refused by max 100");
	req_free(&r);
	/* 1 MiB key. */
	memset(big, 'k', n);
	memcpy(big + n, "=v", 3);
	ok(url(&r, big) == REQ_OK && !r.vals[KEY_NAME].present,
	    "urlencoded: huge undeclared key ignored");
	req_free(&r);
	free(big);

	/* Not NUL-terminated input: the parser must use len only. */
	req_setup(&r);
	ok(req_parse_urlencoded(&r, "name=ab&age=1", 7) == REQ_OK &&
	    strcmp(r.vals[KEY_NAME].s, "ab") == 0 && !r.vals[KEY_AGE].present,
	    "urlencoded: honours len");
	req_free(&r);
}

static int
urlencoded_raw_nul_key(void)
{
	struct req	 r;
	enum req_err	 er;

	req_setup(&r);
	er = req_parse_urlencoded(&r, "name\0x=1", 8);
	req_free(&r);
	return er == REQ_ERR_ENCODING;
}

static void
test_utf8(void)
{
	ok(req_utf8_len("", 0) == 0, "utf8: empty");
	ok(req_utf8_len("abc", 3) == 3, "utf8: ascii");
	ok(req_utf8_len("日本語", 9) == 3, "utf8: Japanese counted in code points");
	ok(req_utf8_len("\xf0\x9f\x91\x8d", 4) == 1, "utf8: 4-byte emoji");
	ok(req_utf8_len("\xf4\x8f\xbf\xbf", 4) == 1, "utf8: U+10FFFF");
	ok(req_utf8_len("\xc0\xaf", 2) == -1, "utf8-bad-overlong-c0-af");
	ok(req_utf8_len("\xc1\xbf", 2) == -1, "utf8-bad-overlong-c1");
	ok(req_utf8_len("\xe0\x80\xaf", 3) == -1, "utf8-bad-overlong-e0-80-af");
	ok(req_utf8_len("\xf0\x80\x80\xaf", 4) == -1, "utf8-bad-overlong-4byte");
	ok(req_utf8_len("\xed\xa0\x80", 3) == -1, "utf8-bad-surrogate-ed-a0-80");
	ok(req_utf8_len("\xed\xbf\xbf", 3) == -1, "utf8-bad-surrogate-low");
	ok(req_utf8_len("\xf4\x90\x80\x80", 4) == -1, "utf8-bad-above-10ffff");
	ok(req_utf8_len("\xf5\x80\x80\x80", 4) == -1, "utf8-bad-lead-f5");
	ok(req_utf8_len("\xe3\x81", 2) == -1, "utf8-bad-truncated-3byte");
	ok(req_utf8_len("a\xe3", 2) == -1, "utf8-bad-truncated-lead-at-end");
	ok(req_utf8_len("\xf0\x9f\x91", 3) == -1, "utf8-bad-truncated-4byte");
	ok(req_utf8_len("\x80", 1) == -1, "utf8-bad-lone-continuation");
	ok(req_utf8_len("\xe3\x41\x82", 3) == -1, "utf8-bad-ascii-in-sequence");
	/* len must be honoured: the sequence is complete only past len. */
	ok(req_utf8_len("\xe3\x81\x82", 2) == -1, "utf8-bad-truncated-by-len");
}

static void
test_line(void)
{
	struct req_val	 v;

	ok(V(req_v_line, 1, 5, "あいうえお"), "line: 5 code points within max 5");
	ok(!V(req_v_line, 1, 4, "あいうえお"), "line-bad-too-long (code points)");
	ok(!vcheck(req_v_line, 1, 10, "", 0, &v) &&
	    strcmp(v.err, "入力してください。") == 0,
	    "line-bad-empty: 入力してください。");
	free(v.s);
	ok(V(req_v_line, 0, 10, ""), "line: empty allowed when min 0");
	ok(!V(req_v_line, 3, 10, "ab"), "line-bad-too-short");
	ok(!V(req_v_line, 0, 10, "a\nb"), "line-bad-newline");
	ok(!V(req_v_line, 0, 10, "a\tb"), "line-bad-tab");
	ok(!V(req_v_line, 0, 10, "a\rb"), "line-bad-cr");
	ok(!V(req_v_line, 0, 10, "a\x1b[0m"), "line-bad-escape-char");
	ok(!V(req_v_line, 0, 10, "a\x7f"), "line-bad-del");
	ok(!V(req_v_line, 0, 10, "a\xc2\x85"), "line-bad-c1-nel");
	ok(!V(req_v_line, 0, 10, "a\xc2\x9f"), "line-bad-c1-9f");
	ok(V(req_v_line, 0, 10, "a\xc2\xa0"), "line: U+00A0 is not a control");
	ok(!vcheck(req_v_line, 0, 10, "a\0b", 3, NULL), "line-bad-nul");
	ok(!V(req_v_line, 0, 10, "\xc0\xaf"), "line-bad-overlong");
	ok(!V(req_v_line, 0, 10, "\xe0\x80\xaf"), "line-bad-overlong-3byte");
	ok(!V(req_v_line, 0, 10, "\xed\xa0\x80"), "line-bad-surrogate");
	ok(!V(req_v_line, 0, 10, "\xf4\x90\x80\x80"), "line-bad-above-10ffff");
	ok(!V(req_v_line, 0, 10, "ab\xe3\x81"), "line-bad-truncated-utf8");
}

static void
test_multiline(void)
{
	struct req_val	 v;

	ok(vcheck(req_v_multiline, 0, 100, "a\r\nb\r\n\tc", 8, &v) &&
	    v.len == 6 && strcmp(v.s, "a\nb\n\tc") == 0,
	    "multiline: CRLF folded to LF in place, tab kept");
	free(v.s);
	ok(vcheck(req_v_multiline, 0, 3, "a\r\nb", 4, &v) && v.len == 3,
	    "multiline: length counted after folding");
	free(v.s);
	ok(!V(req_v_multiline, 0, 100, "a\rb"), "multiline-bad-lone-cr");
	ok(!V(req_v_multiline, 0, 100, "a\x0b"), "multiline-bad-vertical-tab");
	ok(!vcheck(req_v_multiline, 0, 100, "a\0b", 3, NULL), "multiline-bad-nul");
	ok(!V(req_v_multiline, 0, 100, "\xc2\x80"), "multiline-bad-c1");
	ok(!V(req_v_multiline, 0, 100, "\xed\xa0\x80"), "multiline-bad-surrogate");
}

static void
test_int(void)
{
	struct req_val	 v;

	ok(vcheck(req_v_int, -100, 100, "-42", 3, &v) && v.num == -42,
	    "int: negative");
	free(v.s);
	ok(vcheck(req_v_int, 0, 100, "007", 3, &v) && v.num == 7,
	    "int: leading zeros");
	free(v.s);
	ok(vcheck(req_v_int, INT64_MIN, INT64_MAX, "9223372036854775807", 19,
	    &v) && v.num == INT64_MAX, "int: INT64_MAX");
	free(v.s);
	ok(vcheck(req_v_int, INT64_MIN, INT64_MAX, "-9223372036854775808", 20,
	    &v) && v.num == INT64_MIN, "int: INT64_MIN");
	free(v.s);
	ok(!V(req_v_int, INT64_MIN, INT64_MAX, "9223372036854775808"),
	    "int-bad-overflow");
	ok(!V(req_v_int, INT64_MIN, INT64_MAX, "-9223372036854775809"),
	    "int-bad-negative-overflow");
	ok(!V(req_v_int, INT64_MIN, INT64_MAX, "99999999999999999999999"),
	    "int-bad-huge");
	ok(!V(req_v_int, 0, 100, "+1"), "int-bad-plus-sign");
	ok(!V(req_v_int, 0, 100, " 1"), "int-bad-leading-space");
	ok(!V(req_v_int, 0, 100, "1 "), "int-bad-trailing-space");
	ok(!V(req_v_int, 0, 100, "-"), "int-bad-lone-minus");
	ok(!V(req_v_int, 0, 100, ""), "int-bad-empty");
	ok(!V(req_v_int, 0, 100, "1e3"), "int-bad-exponent");
	ok(!V(req_v_int, 0, 100, "0x10"), "int-bad-hex");
	ok(!vcheck(req_v_int, 0, 100, "1\0002", 3, NULL), "int-bad-nul");
	ok(!V(req_v_int, 0, 100, "101"), "int-bad-above-max");
	ok(!V(req_v_int, 1, 100, "0"), "int-bad-below-min");
	ok(!V(req_v_int, 0, 100, "１"), "int-bad-fullwidth-digit");
}

static void
test_token_login(void)
{
	ok(V(req_v_token, 1, 10, "aZ09_-"), "token: allowed characters");
	ok(!V(req_v_token, 1, 10, "a.b"), "token-bad-dot");
	ok(!V(req_v_token, 1, 3, "abcd"), "token-bad-too-long");
	ok(!V(req_v_token, 4, 10, "abc"), "token-bad-too-short");
	ok(!vcheck(req_v_token, 0, 10, "ab\0", 3, NULL), "token-bad-nul");

	ok(V(req_v_login, 3, 64, "user.01@x!"), "login: printable ASCII");
	ok(!V(req_v_login, 3, 64, "ab"), "login-bad-too-short");
	ok(!V(req_v_login, 0, 64, "ab"), "login-bad-below-3-even-if-min-0");
	ok(!V(req_v_login, 3, 1000,
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"),
	    "login-bad-65-chars");
	ok(!V(req_v_login, 3, 64, "a b c"), "login-bad-space");
	ok(!V(req_v_login, 3, 64, "やまだ"), "login-bad-non-ascii");
	ok(!V(req_v_login, 3, 64, "abc\t"), "login-bad-tab");
}

static void
test_email(void)
{
	ok(V(req_v_email, 0, 254, "taro.yamada+x@example.co.jp"), "email: ok");
	ok(V(req_v_email, 0, 254, ""), "email: empty with min 0 is optional");
	ok(!V(req_v_email, 1, 254, ""), "email-bad-empty-required");
	ok(!V(req_v_email, 0, 254, "a@b"), "email-bad-domain-without-dot");
	ok(!V(req_v_email, 0, 254, "ab.example.jp"), "email-bad-no-at");
	ok(!V(req_v_email, 0, 254, "a@b@c.jp"), "email-bad-two-at");
	ok(!V(req_v_email, 0, 254, "@example.jp"), "email-bad-empty-local");
	ok(!V(req_v_email, 0, 254, "a@"), "email-bad-empty-domain");
	ok(!V(req_v_email, 0, 254, "a..b@example.jp"), "email-bad-double-dot-local");
	ok(!V(req_v_email, 0, 254, "a@example..jp"), "email-bad-double-dot-domain");
	ok(!V(req_v_email, 0, 254, ".a@example.jp"), "email-bad-leading-dot");
	ok(!V(req_v_email, 0, 254, "a.@example.jp"), "email-bad-dot-before-at");
	ok(!V(req_v_email, 0, 254, "a@example.jp."), "email-bad-trailing-dot");
	ok(!V(req_v_email, 0, 254, "a b@example.jp"), "email-bad-space");
	ok(!V(req_v_email, 0, 254, "a@exa mple.jp"), "email-bad-space-domain");
	ok(!V(req_v_email, 0, 254, "山田@example.jp"), "email-bad-non-ascii");
	ok(!V(req_v_email, 0, 254, "a@example.jp\n"), "email-bad-newline");
	ok(!vcheck(req_v_email, 0, 254, "a@b.jp\0", 7, NULL), "email-bad-nul");
	ok(!V(req_v_email, 0, 10, "abcdef@example.jp"), "email-bad-over-max");
}

static void
test_date(void)
{
	struct req_val	 v;

	ok(vcheck(req_v_date, 0, 0, "1930-04-29", 10, &v) && v.num == 19300429,
	    "date: num is yyyymmdd");
	free(v.s);
	ok(V(req_v_date, 0, 0, "2000-02-29"), "date: 2000 is a leap year");
	ok(V(req_v_date, 0, 0, "2024-02-29"), "date: 2024 is a leap year");
	ok(!V(req_v_date, 0, 0, "1900-02-29"), "date-bad-1900-not-leap");
	ok(!V(req_v_date, 0, 0, "2023-02-29"), "date-bad-2023-not-leap");
	ok(!V(req_v_date, 0, 0, "2023-04-31"), "date-bad-april-31");
	ok(!V(req_v_date, 0, 0, "2023-13-01"), "date-bad-month-13");
	ok(!V(req_v_date, 0, 0, "2023-00-10"), "date-bad-month-0");
	ok(!V(req_v_date, 0, 0, "2023-01-00"), "date-bad-day-0");
	ok(V(req_v_date, 0, 0, "1868-01-01"), "date: 1868 accepted");
	ok(!V(req_v_date, 0, 0, "1867-12-31"), "date-bad-before-1868");
	ok(V(req_v_date, 0, 0, "2200-12-31"), "date: 2200 accepted");
	ok(!V(req_v_date, 0, 0, "2201-01-01"), "date-bad-after-2200");
	ok(!V(req_v_date, 0, 0, "2023-1-01"), "date-bad-short-month");
	ok(!V(req_v_date, 0, 0, "2023/01/01"), "date-bad-slashes");
	ok(!V(req_v_date, 0, 0, "2023-01-01 "), "date-bad-trailing-space");
	ok(!V(req_v_date, 0, 0, "+023-01-01"), "date-bad-sign");
	ok(!V(req_v_date, 0, 0, ""), "date-bad-empty");
}

#define CT	"multipart/form-data; boundary=XyZ"

static void
test_multipart(void)
{
	struct req	 r;
	/* Binary content: NUL, CR, and "\r\n--" lookalikes of the boundary
	 * (a prefix, another case) that are not the delimiter. */
	static const char content[] =
	    "%PDF\0\r\n--X\r\n-\r\n--\r\r\n--Xy\r\n--xyZ--\xff\xfe";
	const size_t	 clen = sizeof(content) - 1;
	char		 ct[200], body[4096], bnd[80];
	int		 i;
	size_t		 n;

	n = (size_t)snprintf(body, sizeof(body),
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"name\"\r\n"
	    "\r\n"
	    "山田\r\n"
	    "--XyZ\r\n"
	    "content-disposition: form-data; name=\"file\"; "
	    "filename=\"C:\\\\Users\\\\a\\\\同意書.pdf\"\r\n"
	    "Content-Type: application/pdf\r\n"
	    "\r\n");
	memcpy(body + n, content, clen);
	n += clen;
	n += (size_t)snprintf(body + n, sizeof(body) - n,
	    "\r\n--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"other\"\r\n"
	    "\r\n"
	    "ignored\r\n"
	    "--XyZ--\r\n");
	ok(mp(&r, CT, body, n) == REQ_OK, "multipart: good upload parses");
	is_str(r.vals[KEY_NAME].s, "山田", "multipart: text field");
	ok(r.vals[KEY_FILE].present && r.vals[KEY_FILE].valid &&
	    r.vals[KEY_FILE].len == clen &&
	    memcmp(r.vals[KEY_FILE].s, content, clen) == 0 &&
	    r.vals[KEY_FILE].s[clen] == '\0',
	    "multipart: binary content with NUL and \\r\\n-- lookalikes kept");
	is_str(r.vals[KEY_FILE].filename, "同意書.pdf",
	    "multipart: filename path stripped (backslashes)");
	is_str(r.vals[KEY_FILE].ctype, "application/pdf", "multipart: file ctype");
	ok(r.vals[KEY_NAME].filename == NULL, "multipart: text field has no filename");
	req_free(&r);

	/* Filename with a Unix path. */
	n = (size_t)snprintf(body, sizeof(body),
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"file\"; filename=\"../../etc/passwd\"\r\n"
	    "\r\n"
	    "x\r\n--XyZ--");
	ok(mp(&r, CT, body, n) == REQ_OK &&
	    strcmp(r.vals[KEY_FILE].filename, "passwd") == 0 &&
	    strcmp(r.vals[KEY_FILE].ctype, "application/octet-stream") == 0,
	    "multipart: filename with ../ stripped, default ctype");
	req_free(&r);

	n = (size_t)snprintf(body, sizeof(body),
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"file\"; filename=\"a\xff.pdf\"\r\n"
	    "\r\n"
	    "x\r\n--XyZ--");
	ok(mp(&r, CT, body, n) == REQ_OK && r.vals[KEY_FILE].present &&
	    !r.vals[KEY_FILE].valid, "multipart-bad-filename-invalid-utf8");
	req_free(&r);

	/* Control characters in a file name: C1 (U+0085) refused, U+00A0
	 * (0xC2 0xA0, the same lead byte as C1's) kept.  C0 and DEL never
	 * get this far: the header parser refuses them. */
	{
		static const struct {
			const char	*fn;
			int		 valid;
			const char	*name;
		} fns[] = {
			{ "a\xc2\x85.pdf", 0, "multipart-bad-filename-c1" },
			{ "a\xc2\xa0" "b\xc3\xa9.pdf", 1,
			    "multipart: filename with U+00A0 and é kept" },
		};
		size_t	 j;

		for (j = 0; j < sizeof(fns) / sizeof(fns[0]); j++) {
			n = (size_t)snprintf(body, sizeof(body),
			    "--XyZ\r\n"
			    "Content-Disposition: form-data; name=\"file\";"
			    " filename=\"%s\"\r\n"
			    "\r\n"
			    "x\r\n--XyZ--", fns[j].fn);
			ok(mp(&r, CT, body, n) == REQ_OK &&
			    r.vals[KEY_FILE].present &&
			    r.vals[KEY_FILE].valid == fns[j].valid, "%s",
			    fns[j].name);
			req_free(&r);
		}
	}

	/* Quoted boundary with a space and other bchars. */
	n = (size_t)snprintf(body, sizeof(body),
	    "--a'()+_,-./:=? b\r\n"
	    "Content-Disposition: form-data; name=name\r\n"
	    "\r\n"
	    "v\r\n--a'()+_,-./:=? b--\r\n");
	ok(mp(&r, "Multipart/Form-Data; charset=utf-8; boundary=\"a'()+_,-./:=? b\"",
	    body, n) == REQ_OK && strcmp(r.vals[KEY_NAME].s, "v") == 0,
	    "multipart: quoted boundary, token name, case-insensitive type");
	req_free(&r);

	/* Missing final boundary. */
	n = (size_t)snprintf(body, sizeof(body),
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"name\"\r\n"
	    "\r\n"
	    "v\r\n");
	ok(mp(&r, CT, body, n) == REQ_ERR_MULTIPART,
	    "multipart-bad-missing-final-boundary");
	req_free(&r);
	n = (size_t)snprintf(body, sizeof(body),
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"name\"\r\n"
	    "\r\n"
	    "v\r\n--XyZ\r\n");
	ok(mp(&r, CT, body, n) == REQ_ERR_MULTIPART,
	    "multipart-bad-delimiter-without-close");
	req_free(&r);
	n = (size_t)snprintf(body, sizeof(body),
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"name\"\r\n");
	ok(mp(&r, CT, body, n) == REQ_ERR_MULTIPART,
	    "multipart-bad-truncated-headers");
	req_free(&r);

	ok(mp(&r, "multipart/form-data", "--XyZ--", 7) == REQ_ERR_MULTIPART,
	    "multipart-bad-boundary-absent-from-content-type");
	req_free(&r);
	ok(mp(&r, "multipart/form-data; boundary=", "----", 4) ==
	    REQ_ERR_MULTIPART, "multipart-bad-empty-boundary");
	req_free(&r);
	ok(mp(&r, "multipart/form-data; boundary=a; boundary=b", "--a--", 5) ==
	    REQ_ERR_MULTIPART, "multipart-bad-two-boundaries");
	req_free(&r);
	ok(mp(&r, "multipart/form-data; boundary=\"abc", "--abc--", 7) ==
	    REQ_ERR_MULTIPART, "multipart-bad-unterminated-quoted-boundary");
	req_free(&r);
	ok(mp(&r, "text/plain; boundary=a", "--a--", 5) == REQ_ERR_CTYPE,
	    "multipart-bad-not-multipart-ctype");
	req_free(&r);

	memset(bnd, 'b', 71);
	bnd[71] = '\0';
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%s", bnd);
	n = (size_t)snprintf(body, sizeof(body), "--%s--", bnd);
	ok(mp(&r, ct, body, n) == REQ_ERR_MULTIPART,
	    "multipart-bad-boundary-over-70-chars");
	req_free(&r);
	bnd[70] = '\0';
	snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%s", bnd);
	n = (size_t)snprintf(body, sizeof(body), "--%s--", bnd);
	ok(mp(&r, ct, body, n) == REQ_OK, "multipart: 70-char boundary, no parts");
	req_free(&r);

	n = (size_t)snprintf(body, sizeof(body),
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; filename=\"a.txt\"\r\n"
	    "\r\n"
	    "v\r\n--XyZ--");
	ok(mp(&r, CT, body, n) == REQ_ERR_MULTIPART, "multipart-bad-part-without-name");
	req_free(&r);
	n = (size_t)snprintf(body, sizeof(body),
	    "--XyZ\r\n"
	    "Content-Type: text/plain\r\n"
	    "\r\n"
	    "v\r\n--XyZ--");
	ok(mp(&r, CT, body, n) == REQ_ERR_MULTIPART,
	    "multipart-bad-part-without-disposition");
	req_free(&r);
	n = (size_t)snprintf(body, sizeof(body),
	    "--XyZ\r\n"
	    "Content-Disposition: attachment; name=\"name\"\r\n"
	    "\r\n"
	    "v\r\n--XyZ--");
	ok(mp(&r, CT, body, n) == REQ_ERR_MULTIPART,
	    "multipart-bad-disposition-not-form-data");
	req_free(&r);

	n = (size_t)snprintf(body, sizeof(body),
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"name\"\r\n"
	    "\r\n"
	    "a\r\n--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"name\"\r\n"
	    "\r\n"
	    "b\r\n--XyZ--");
	ok(mp(&r, CT, body, n) == REQ_ERR_DUPLICATE, "multipart-bad-duplicate-key");
	req_free(&r);

	n = (size_t)snprintf(body, sizeof(body),
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"n\\\"a\\\\me\"\r\n"
	    "\r\n"
	    "a\r\n--XyZ--");
	ok(mp(&r, CT, body, n) == REQ_OK && !r.vals[KEY_NAME].present,
	    "multipart: backslash escapes in quoted name (undeclared)");
	req_free(&r);
	n = (size_t)snprintf(body, sizeof(body),
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"n\\ame\"\r\n"
	    "\r\n"
	    "a\r\n--XyZ--");
	ok(mp(&r, CT, body, n) == REQ_OK && r.vals[KEY_NAME].present,
	    "multipart: \\a in a quoted string is a");
	req_free(&r);

	/* A header line over 1 KiB. */
	n = (size_t)snprintf(body, sizeof(body),
	    "--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\nX-Pad: ");
	memset(body + n, 'p', 1100);
	n += 1100;
	n += (size_t)snprintf(body + n, sizeof(body) - n, "\r\n\r\nv\r\n--XyZ--");
	ok(mp(&r, CT, body, n) == REQ_ERR_MULTIPART, "multipart-bad-header-over-1k");
	req_free(&r);

	/* More than 64 parts. */
	n = 0;
	for (i = 0; i < 65; i++)
		n += (size_t)snprintf(body + n, sizeof(body) - n,
		    "--XyZ\r\nContent-Disposition: form-data; name=\"p%d\"\r\n\r\n\r\n",
		    i);
	n += (size_t)snprintf(body + n, sizeof(body) - n, "--XyZ--");
	ok(n < sizeof(body) - 1 && mp(&r, CT, body, n) == REQ_ERR_MULTIPART,
	    "multipart-bad-over-64-parts");
	req_free(&r);

	ok(mp(&r, CT, "garbage", 7) == REQ_ERR_MULTIPART, "multipart-bad-garbage");
	req_free(&r);
	ok(mp(&r, CT, "", 0) == REQ_ERR_MULTIPART, "multipart-bad-empty-body");
	req_free(&r);
	ok(mp(&r, CT, "--XyZx\r\n", 8) == REQ_ERR_MULTIPART,
	    "multipart-bad-garbage-after-boundary");
	req_free(&r);
	n = (size_t)snprintf(body, sizeof(body),
	    "--XyZ\r\n"
	    " Content-Disposition: form-data; name=\"name\"\r\n"
	    "\r\n"
	    "a\r\n--XyZ--");
	ok(mp(&r, CT, body, n) == REQ_ERR_MULTIPART, "multipart-bad-folded-header");
	req_free(&r);
	n = (size_t)snprintf(body, sizeof(body),
	    "--XyZ  \r\n"
	    "Content-Disposition: form-data; name=\"name\"\r\n"
	    "\r\n"
	    "a\r\n--XyZ--\r\nepilogue");
	ok(mp(&r, CT, body, n) == REQ_OK && r.vals[KEY_NAME].valid,
	    "multipart: transport padding and epilogue allowed");
	req_free(&r);

	/* A plain field sent for a file key is not a file. */
	n = (size_t)snprintf(body, sizeof(body),
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"file\"\r\n"
	    "\r\n"
	    "abc\r\n--XyZ--");
	ok(mp(&r, CT, body, n) == REQ_OK && r.vals[KEY_FILE].present &&
	    !r.vals[KEY_FILE].valid, "multipart-bad-file-key-as-plain-field");
	req_free(&r);
	/* Empty file input (filename=""), required. */
	n = (size_t)snprintf(body, sizeof(body),
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"file\"; filename=\"\"\r\n"
	    "Content-Type: application/octet-stream\r\n"
	    "\r\n"
	    "\r\n--XyZ--");
	ok(mp(&r, CT, body, n) == REQ_OK && r.vals[KEY_FILE].present &&
	    !r.vals[KEY_FILE].valid &&
	    strcmp(r.vals[KEY_FILE].err, "ファイルを選択してください。") == 0,
	    "multipart-bad-no-file-chosen");
	req_free(&r);
	/* File over max (1024). */
	n = (size_t)snprintf(body, sizeof(body),
	    "--XyZ\r\n"
	    "Content-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n"
	    "\r\n");
	memset(body + n, 'z', 1025);
	n += 1025;
	n += (size_t)snprintf(body + n, sizeof(body) - n, "\r\n--XyZ--");
	ok(mp(&r, CT, body, n) == REQ_OK && !r.vals[KEY_FILE].valid,
	    "multipart-bad-file-over-max");
	req_free(&r);
	/* The file validator must not be fooled by urlencoded input. */
	ok(url(&r, "file=abc") == REQ_OK && !r.vals[KEY_FILE].valid,
	    "urlencoded-bad-file-key");
	req_free(&r);
}

static void
test_cookies(void)
{
	struct req	 r;

	req_setup(&r);
	ok(req_parse_cookies(&r, "a=b; __Host-rk=abc_DEF-123;__Host-rkl=xyz") ==
	    REQ_OK && r.session_cookie != NULL &&
	    strcmp(r.session_cookie, "abc_DEF-123") == 0 &&
	    r.login_cookie != NULL && strcmp(r.login_cookie, "xyz") == 0,
	    "cookies: session and login cookie among others");
	req_free(&r);
	req_setup(&r);
	ok(req_parse_cookies(&r, "  __Host-rk = tok  ;  x=1 ") == REQ_OK &&
	    r.session_cookie != NULL && strcmp(r.session_cookie, "tok") == 0,
	    "cookies: spaces around names and values");
	req_free(&r);
	req_setup(&r);
	ok(req_parse_cookies(&r, "__Host-rk=a; __Host-rk=b") == REQ_OK &&
	    r.session_cookie == NULL, "cookies-bad-duplicate-session: absent");
	req_free(&r);
	req_setup(&r);
	ok(req_parse_cookies(&r, "__Host-rkl=a; __Host-rk=s; __Host-rkl=a; "
	    "__Host-rkl=c") == REQ_OK &&
	    r.login_cookie == NULL && r.session_cookie != NULL,
	    "cookies-bad-duplicate-login (three times): absent");
	req_free(&r);
	req_setup(&r);
	ok(req_parse_cookies(&r, "__host-rk=a; __Host-rkx=b; rk=c") == REQ_OK &&
	    r.session_cookie == NULL && r.login_cookie == NULL,
	    "cookies: names are exact and case-sensitive");
	req_free(&r);
	req_setup(&r);
	ok(req_parse_cookies(&r, "__Host-rk=\"q\"") == REQ_OK &&
	    r.session_cookie != NULL && strcmp(r.session_cookie, "q") == 0,
	    "cookies: quoted value");
	req_free(&r);
	req_setup(&r);
	ok(req_parse_cookies(&r, "__Host-rk=a\\b") == REQ_OK &&
	    r.session_cookie == NULL, "cookies-bad-backslash-in-value: absent");
	req_free(&r);
	req_setup(&r);
	ok(req_parse_cookies(&r, "__Host-rk=") == REQ_OK &&
	    r.session_cookie == NULL, "cookies-bad-empty-value: absent");
	req_free(&r);
	req_setup(&r);
	ok(req_parse_cookies(&r, ";;=;__Host-rk;x") == REQ_OK &&
	    r.session_cookie == NULL, "cookies: junk tolerated");
	req_free(&r);
	req_setup(&r);
	ok(req_parse_cookies(&r, NULL) == REQ_OK && r.session_cookie == NULL,
	    "cookies: no header");
	req_free(&r);
}

/* Clears every variable req_init reads. */
static void
env_clear(void)
{
	static const char *const vars[] = {
		"REQUEST_METHOD", "DOCUMENT_URI", "SCRIPT_NAME", "PATH_INFO",
		"REMOTE_ADDR", "SSL_CLIENT_VERIFY", "SSL_CLIENT_SERIAL",
		"SSL_CLIENT_CERT", "HTTP_SSL_CLIENT_VERIFY",
		"HTTP_SSL_CLIENT_SERIAL", "HTTP_COOKIE", "QUERY_STRING",
		"CONTENT_LENGTH", "CONTENT_TYPE",
	};
	size_t	 i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		unsetenv(vars[i]);
}

/* A file descriptor that reads back len bytes of s. */
static int
body_fd(FILE **fp, const char *s, size_t len)
{
	*fp = tmpfile();
	if (*fp == NULL)
		return -1;
	if (len > 0)
		fwrite(s, 1, len, *fp);
	fflush(*fp);
	rewind(*fp);
	lseek(fileno(*fp), 0, SEEK_SET);
	return fileno(*fp);
}

static enum req_err
post(struct req *r, const char *ct, const char *cl, const char *body,
    size_t len, size_t limit)
{
	FILE		*fp;
	int		 fd;
	enum req_err	 er;

	env_clear();
	setenv("REQUEST_METHOD", "POST", 1);
	setenv("DOCUMENT_URI", "/patients/new", 1);
	setenv("QUERY_STRING", "name=fromquery", 1);
	if (ct != NULL)
		setenv("CONTENT_TYPE", ct, 1);
	if (cl != NULL)
		setenv("CONTENT_LENGTH", cl, 1);
	fd = body_fd(&fp, body, len);
	er = req_init(r, keys, KEY__MAX, limit, fd);
	if (fp != NULL)
		fclose(fp);
	return er;
}

static void
test_init(void)
{
	struct req	 r;
	char		*big, cl[32];
	size_t		 n;
	FILE		*fp;
	int		 fd, p[2];

	env_clear();
	setenv("REQUEST_METHOD", "GET", 1);
	setenv("DOCUMENT_URI", "/teams/1/messages", 1);
	setenv("REMOTE_ADDR", "192.0.2.1", 1);
	setenv("QUERY_STRING", "name=%E5%B1%B1&age=7", 1);
	setenv("SSL_CLIENT_VERIFY", "SUCCESS", 1);
	setenv("SSL_CLIENT_SERIAL", "0A1B", 1);
	setenv("HTTP_COOKIE", "__Host-rk=sess; theme=dark", 1);
	ok(req_init(&r, keys, KEY__MAX, 1024, -1) == REQ_OK && r.method == REQ_GET,
	    "init: GET");
	is_str(r.path, "/teams/1/messages", "init: path from DOCUMENT_URI");
	is_str(r.remote_addr, "192.0.2.1", "init: REMOTE_ADDR");
	is_str(r.vals[KEY_NAME].s, "山", "init: GET query parsed");
	ok(r.vals[KEY_AGE].valid && r.vals[KEY_AGE].num == 7, "init: GET int");
	is_str(r.ssl_verify, "SUCCESS", "init: SSL_CLIENT_VERIFY");
	is_str(r.ssl_serial, "0A1B", "init: SSL_CLIENT_SERIAL");
	is_str(r.ssl_cert, "", "init: SSL_CLIENT_CERT unset is empty");
	is_str(r.session_cookie, "sess", "init: session cookie");
	req_free(&r);

	env_clear();
	setenv("REQUEST_METHOD", "GET", 1);
	setenv("HTTP_SSL_CLIENT_VERIFY", "SUCCESS", 1);
	setenv("HTTP_SSL_CLIENT_SERIAL", "01", 1);
	setenv("SCRIPT_NAME", "/home", 1);
	setenv("PATH_INFO", "/x", 1);
	ok(req_init(&r, keys, KEY__MAX, 1024, -1) == REQ_OK &&
	    strcmp(r.ssl_verify, "") == 0 && strcmp(r.ssl_serial, "") == 0,
	    "init-bad-http-ssl-client-verify-header ignored");
	is_str(r.path, "/home/x", "init: path from SCRIPT_NAME + PATH_INFO");
	req_free(&r);

	env_clear();
	setenv("REQUEST_METHOD", "GET", 1);
	setenv("DOCUMENT_URI", "relative", 1);
	ok(req_init(&r, keys, KEY__MAX, 1024, -1) == REQ_OK &&
	    strcmp(r.path, "") == 0, "init-bad-relative-path: empty path");
	req_free(&r);

	env_clear();
	setenv("REQUEST_METHOD", "GET", 1);
	setenv("HTTP_COOKIE", "__Host-rk=a; __Host-rk=b", 1);
	ok(req_init(&r, keys, KEY__MAX, 1024, -1) == REQ_OK &&
	    r.session_cookie == NULL, "init-bad-duplicate-cookie: absent");
	req_free(&r);

	env_clear();
	setenv("REQUEST_METHOD", "GET", 1);
	setenv("QUERY_STRING", "name=%zz", 1);
	ok(req_init(&r, keys, KEY__MAX, 1024, -1) == REQ_ERR_ENCODING,
	    "init-bad-query-encoding");
	req_free(&r);

	env_clear();
	setenv("REQUEST_METHOD", "DELETE", 1);
	ok(req_init(&r, keys, KEY__MAX, 1024, -1) == REQ_OK &&
	    r.method == REQ_OTHER, "init: other method");
	req_free(&r);

	ok(post(&r, "application/x-www-form-urlencoded; charset=UTF-8", "12",
	    "name=a&age=3", 12, 1024) == REQ_OK && r.method == REQ_POST &&
	    strcmp(r.vals[KEY_NAME].s, "a") == 0 && r.vals[KEY_AGE].num == 3 &&
	    r.body_len == 12, "init: POST urlencoded, query string ignored");
	req_free(&r);
	{
		static const char b[] =
		    "--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n"
		    "\r\nmp\r\n--XyZ--\r\n";
		snprintf(cl, sizeof(cl), "%zu", sizeof(b) - 1);
		ok(post(&r, CT, cl, b, sizeof(b) - 1, 1024) == REQ_OK &&
		    strcmp(r.vals[KEY_NAME].s, "mp") == 0, "init: POST multipart");
		req_free(&r);
	}
	ok(post(&r, "text/plain", "3", "a=b", 3, 1024) == REQ_ERR_CTYPE,
	    "init-bad-post-text-plain");
	req_free(&r);
	ok(post(&r, NULL, "3", "a=b", 3, 1024) == REQ_ERR_CTYPE,
	    "init-bad-post-no-content-type");
	req_free(&r);
	ok(post(&r, "application/x-www-form-urlencodedx", "3", "a=b", 3, 1024) ==
	    REQ_ERR_CTYPE, "init-bad-post-ctype-prefix");
	req_free(&r);
	ok(post(&r, "application/x-www-form-urlencoded", "10", "name=a", 6,
	    1024) == REQ_ERR_IO, "init-bad-short-body");
	req_free(&r);
	ok(post(&r, "application/x-www-form-urlencoded", "+6", "name=a", 6,
	    1024) == REQ_ERR_ENCODING, "init-bad-content-length-sign");
	req_free(&r);
	ok(post(&r, "application/x-www-form-urlencoded", " 6", "name=a", 6,
	    1024) == REQ_ERR_ENCODING, "init-bad-content-length-space");
	req_free(&r);
	ok(post(&r, "application/x-www-form-urlencoded", "6x", "name=a", 6,
	    1024) == REQ_ERR_ENCODING, "init-bad-content-length-garbage");
	req_free(&r);
	ok(post(&r, "application/x-www-form-urlencoded",
	    "99999999999999999999999999", "name=a", 6, 1024) ==
	    REQ_ERR_ENCODING, "init-bad-content-length-overflow");
	req_free(&r);
	/* Only CONTENT_LENGTH bytes are read, not what follows. */
	ok(post(&r, "application/x-www-form-urlencoded", "6", "name=abcdef", 11,
	    1024) == REQ_OK && strcmp(r.vals[KEY_NAME].s, "a") == 0,
	    "init: reads exactly CONTENT_LENGTH bytes");
	req_free(&r);

	/* Over the limit: drained, then refused. */
	n = 200000;
	big = malloc(n);
	memset(big, 'a', n);
	memcpy(big, "name=", 5);
	snprintf(cl, sizeof(cl), "%zu", n);
	fd = body_fd(&fp, big, n);
	env_clear();
	setenv("REQUEST_METHOD", "POST", 1);
	setenv("CONTENT_TYPE", "application/x-www-form-urlencoded", 1);
	setenv("CONTENT_LENGTH", cl, 1);
	ok(req_init(&r, keys, KEY__MAX, 1024, fd) == REQ_ERR_TOO_LARGE,
	    "init-bad-post-over-limit: REQ_ERR_TOO_LARGE");
	ok(lseek(fd, 0, SEEK_CUR) == (off_t)n, "init: refused body drained");
	req_free(&r);
	fclose(fp);
	/* Claimed huge, sent little: draining stops at EOF. */
	fd = body_fd(&fp, big, 100);
	setenv("CONTENT_LENGTH", "9000000000", 1);
	ok(req_init(&r, keys, KEY__MAX, 1024, fd) == REQ_ERR_TOO_LARGE,
	    "init-bad-post-huge-claim: stops at EOF");
	req_free(&r);
	fclose(fp);
	free(big);

	/* A pipe as the body. */
	if (pipe(p) == 0) {
		if (write(p[1], "name=p", 6) != 6)
			ok(0, "pipe write");
		close(p[1]);
		env_clear();
		setenv("REQUEST_METHOD", "POST", 1);
		setenv("CONTENT_TYPE", "application/x-www-form-urlencoded", 1);
		setenv("CONTENT_LENGTH", "6", 1);
		ok(req_init(&r, keys, KEY__MAX, 1024, p[0]) == REQ_OK &&
		    strcmp(r.vals[KEY_NAME].s, "p") == 0, "init: POST from a pipe");
		req_free(&r);
		close(p[0]);
	}

	/* req_free on a zeroed request, twice. */
	memset(&r, 0, sizeof(r));
	req_free(&r);
	req_free(&r);
	ok(1, "req_free: zeroed request");
}

int
main(void)
{
	test_urldecode();
	test_urlencoded();
	test_utf8();
	test_line();
	test_multiline();
	test_int();
	test_token_login();
	test_email();
	test_date();
	test_multipart();
	test_cookies();
	test_init();
	return tap_done();
}
