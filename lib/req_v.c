/* The typed validators of struct req_key (req_v_*) and the UTF-8 check
 * they and the CGIs share.  Each takes (pointer, length), never a NUL
 * terminator; each stores its Japanese reason in v->err when it refuses. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "req.h"

/* Validator messages (UI language is Japanese). */
#define E_EMPTY		"入力してください。"
#define E_SHORT		"短すぎます。"
#define E_LONG		"長すぎます。"
#define E_CHARS		"使用できない文字が含まれています。"
#define E_UTF8		"文字コードが正しくありません。"
#define E_INT		"整数で入力してください。"
#define E_RANGE		"範囲外の値です。"
#define E_TOKEN		"英数字、「-」、「_」のみ使用できます。"
#define E_LOGIN		"半角英数字と記号（空白を除く）で入力してください。"
#define E_EMAIL		"メールアドレスの形式が正しくありません。"
#define E_DATE		"日付が正しくありません。"
#define E_NOFILE	"ファイルを選択してください。"
#define E_NOTFILE	"ファイルとして送信されていません。"
#define E_FSMALL	"ファイルが小さすぎます。"
#define E_FLARGE	"ファイルが大きすぎます。"

/*
 * UTF-8.
 */

/* Length of the well-formed UTF-8 sequence at s (at most n bytes), with
 * its code point in *cp, or 0 if ill-formed (overlong, surrogate, above
 * U+10FFFF, truncated, stray continuation byte). */
static size_t
utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t	 c;
	size_t		 len, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return 0;	/* continuation byte, C0/C1 overlong lead, F5+ */
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000))
		return 0;	/* overlong */
	if (c >= 0xd800 && c <= 0xdfff)
		return 0;	/* surrogate */
	if (c > 0x10ffff)
		return 0;
	*cp = c;
	return len;
}

long
req_utf8_len(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n;
	long			 count = 0;
	uint32_t		 cp;

	while (i < len) {
		if ((n = utf8_seq(p + i, len - i, &cp)) == 0)
			return -1;
		i += n;
		count++;
	}
	return count;
}

/*
 * Validators.
 */

static int
fail(struct req_val *v, const char *why)
{
	v->err = why;
	return 0;
}

/* Text checks shared by line and multiline: UTF-8, no NUL, no control
 * characters but (multiline) \n and \t, length in code points. */
static int
text_check(struct req_val *v, const struct req_key *k, int multi)
{
	const unsigned char	*s = (const unsigned char *)v->s;
	size_t			 i, n;
	long			 count = 0;
	uint32_t		 cp;

	if (v->s == NULL)
		return fail(v, E_EMPTY);
	if (v->len == 0)
		return k->min > 0 ? fail(v, E_EMPTY) : 1;
	for (i = 0; i < v->len; i += n) {
		if ((n = utf8_seq(s + i, v->len - i, &cp)) == 0)
			return fail(v, E_UTF8);
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) {
			if (!multi || (cp != '\n' && cp != '\t'))
				return fail(v, E_CHARS);
		}
		count++;
	}
	if (count < k->min)
		return fail(v, E_SHORT);
	if (count > k->max)
		return fail(v, E_LONG);
	return 1;
}

int
req_v_line(struct req_val *v, const struct req_key *k)
{
	return text_check(v, k, 0);
}

int
req_v_multiline(struct req_val *v, const struct req_key *k)
{
	size_t	 i, o;

	/* Browsers send CRLF for textarea newlines; store \n.  A lone CR
	 * stays and is refused as a control character. */
	if (v->s != NULL) {
		for (i = o = 0; i < v->len; i++, o++) {
			if (v->s[i] == '\r' && i + 1 < v->len &&
			    v->s[i + 1] == '\n')
				i++;
			v->s[o] = v->s[i];
		}
		v->s[o] = '\0';
		v->len = o;
	}
	return text_check(v, k, 1);
}

int
req_v_int(struct req_val *v, const struct req_key *k)
{
	const char	*s = v->s;
	size_t		 i = 0;
	int64_t		 n = 0;
	int		 neg = 0, d;

	if (s == NULL || v->len == 0)
		return fail(v, E_EMPTY);
	if (s[0] == '-') {
		neg = 1;
		i = 1;
	}
	if (i == v->len)
		return fail(v, E_INT);
	/* Accumulate negatively so INT64_MIN fits. */
	for (; i < v->len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return fail(v, E_INT);
		d = s[i] - '0';
		if (n < (INT64_MIN + d) / 10)
			return fail(v, E_RANGE);
		n = n * 10 - d;
	}
	if (!neg) {
		if (n == INT64_MIN)
			return fail(v, E_RANGE);
		n = -n;
	}
	if (n < k->min || n > k->max)
		return fail(v, E_RANGE);
	v->num = n;
	return 1;
}

int
req_v_token(struct req_val *v, const struct req_key *k)
{
	size_t	 i;
	char	 c;

	if (v->s == NULL)
		return fail(v, E_EMPTY);
	if (v->len == 0)
		return k->min > 0 ? fail(v, E_EMPTY) : 1;
	for (i = 0; i < v->len; i++) {
		c = v->s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return fail(v, E_TOKEN);
	}
	if ((int64_t)v->len < k->min)
		return fail(v, E_SHORT);
	if ((int64_t)v->len > k->max)
		return fail(v, E_LONG);
	return 1;
}

int
req_v_login(struct req_val *v, const struct req_key *k)
{
	int64_t	 lo = k->min > 3 ? k->min : 3;
	int64_t	 hi = k->max > 0 && k->max < 64 ? k->max : 64;
	size_t	 i;

	if (v->s == NULL || v->len == 0)
		return fail(v, E_EMPTY);
	for (i = 0; i < v->len; i++)
		if (v->s[i] < 0x21 || v->s[i] > 0x7e)
			return fail(v, E_LOGIN);
	if ((int64_t)v->len < lo)
		return fail(v, E_SHORT);
	if ((int64_t)v->len > hi)
		return fail(v, E_LONG);
	return 1;
}

static int
email_atext(char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL;
}

int
req_v_email(struct req_val *v, const struct req_key *k)
{
	const char	*s = v->s, *at = NULL;
	int64_t		 hi = k->max > 0 && k->max < 254 ? k->max : 254;
	size_t		 i, local;
	int		 dot = 0;
	char		 c;

	if (s == NULL)
		return fail(v, E_EMPTY);
	if (v->len == 0)
		return k->min > 0 ? fail(v, E_EMPTY) : 1;
	if (v->len < 3 || (int64_t)v->len < k->min)
		return fail(v, E_EMAIL);
	if ((int64_t)v->len > hi)
		return fail(v, E_LONG);
	for (i = 0; i < v->len; i++) {
		c = s[i];
		if (c == '@') {
			if (at != NULL)
				return fail(v, E_EMAIL);
			at = s + i;
		} else if (c == '.') {
			/* No leading, trailing or consecutive dots in
			 * either half. */
			if (i == 0 || i + 1 == v->len || s[i - 1] == '.' ||
			    s[i - 1] == '@' || s[i + 1] == '@')
				return fail(v, E_EMAIL);
			if (at != NULL)
				dot = 1;
		} else if (at == NULL ? !email_atext(c) :
		    !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-'))
			return fail(v, E_EMAIL);
	}
	if (at == NULL)
		return fail(v, E_EMAIL);
	local = (size_t)(at - s);
	if (local == 0 || local > 64 || local + 1 == v->len || !dot)
		return fail(v, E_EMAIL);
	return 1;
}

int
req_v_date(struct req_val *v, const struct req_key *k)
{
	static const int mdays[] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	const char	*s = v->s;
	int		 y, m, d, i, md;

	if (s == NULL || v->len == 0)
		return fail(v, E_EMPTY);
	if (v->len != 10 || s[4] != '-' || s[7] != '-')
		return fail(v, E_DATE);
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return fail(v, E_DATE);
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
	    (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	/* Meiji 1 (1868) is the first year 和暦 input can name. */
	if (y < 1868 || y > 2200 || m < 1 || m > 12)
		return fail(v, E_DATE);
	md = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		md = 29;
	if (d < 1 || d > md)
		return fail(v, E_DATE);
	v->num = (int64_t)y * 10000 + m * 100 + d;
	if ((k->min > 0 && v->num < k->min) || (k->max > 0 && v->num > k->max))
		return fail(v, E_RANGE);
	return 1;
}

int
req_v_file(struct req_val *v, const struct req_key *k)
{
	if (v->filename == NULL)
		return fail(v, E_NOTFILE);
	/* A file input left empty: valid only if the file is optional. */
	if (v->filename[0] == '\0' && v->len == 0)
		return k->min > 0 ? fail(v, E_NOFILE) : 1;
	if ((int64_t)v->len < k->min)
		return fail(v, v->len == 0 ? E_NOFILE : E_FSMALL);
	if ((int64_t)v->len > k->max)
		return fail(v, E_FLARGE);
	return 1;
}
