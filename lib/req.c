/* The request parser: CGI environment, urlencoded and multipart bodies,
 * cookies.  Modelled on kcgi: every parser takes (pointer, length) and
 * never relies on a NUL terminator, because bodies are binary and may
 * contain NUL bytes.  The typed validators are in req_v.c. */
#include <sys/types.h>

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "req.h"

#define REQ_DRAIN_MAX	(64UL * 1024 * 1024)	/* read at most this much of a refused body */
#define REQ_BOUNDARY_MAX 70			/* RFC 2046 */
#define REQ_HEADER_MAX	1024			/* one multipart header line */
#define REQ_HEADERS_MAX	16			/* header lines in one part */
#define REQ_PARTS_MAX	64

/* Refusals the parser itself makes (UI language is Japanese). */
#define E_FNAME		"ファイル名が正しくありません。"
#define E_INVALID	"入力内容が正しくありません。"

/*
 * Storing values.
 */

static int
vals_alloc(struct req *r)
{
	if (r->vals != NULL || r->nkeys == 0)
		return 1;
	r->vals = calloc(r->nkeys, sizeof(struct req_val));
	return r->vals != NULL;
}

static ssize_t
key_find(const struct req *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < r->nkeys; i++)
		if (r->keys[i].name != NULL && strcmp(r->keys[i].name, name) == 0)
			return (ssize_t)i;
	return -1;
}

/* Stores value s (malloc'd, len bytes + NUL; ownership passes here) for
 * declared key i and runs its validator.  For a file part filename and
 * ctype are copied; badname marks a filename we refuse. */
static enum req_err
val_store(struct req *r, size_t i, char *s, size_t len,
    const char *filename, const char *ctype, int badname)
{
	struct req_val		*v = &r->vals[i];
	const struct req_key	*k = &r->keys[i];

	if (v->present) {
		free(s);
		return REQ_ERR_DUPLICATE;
	}
	v->present = 1;
	v->s = s;
	v->len = len;
	if (filename != NULL) {
		if ((v->filename = strdup(filename)) == NULL ||
		    (v->ctype = strdup(ctype)) == NULL)
			return REQ_ERR_IO;
	}
	if (badname) {
		v->valid = 0;
		v->err = E_FNAME;
	} else if (k->valid == NULL) {
		v->valid = 1;
	} else {
		v->err = NULL;
		v->valid = k->valid(v, k) ? 1 : 0;
		if (v->valid)
			v->err = NULL;
		else if (v->err == NULL)
			v->err = E_INVALID;
	}
	return REQ_OK;
}

/*
 * urlencoded.
 */

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

long
req_urldecode(char *s, size_t len)
{
	size_t	 i, o;
	int	 hi, lo;

	if (len > LONG_MAX)
		return -1;
	for (i = o = 0; i < len; i++, o++) {
		if (s[i] == '+')
			s[o] = ' ';
		else if (s[i] != '%')
			s[o] = s[i];
		else {
			if (len - i < 3 ||
			    (hi = hexval((unsigned char)s[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)s[i + 2])) < 0)
				return -1;
			s[o] = (char)(hi << 4 | lo);
			i += 2;
		}
	}
	if (o < len)
		s[o] = '\0';
	return (long)o;
}

/* Checks the escapes of an undeclared value without decoding it. */
static int
url_wellformed(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (s[i] != '%')
			continue;
		if (len - i < 3 ||
		    hexval((unsigned char)s[i + 1]) < 0 ||
		    hexval((unsigned char)s[i + 2]) < 0)
			return 0;
		i += 2;
	}
	return 1;
}

/* Copies and decodes s into a fresh NUL-terminated buffer. */
static char *
url_dup(const char *s, size_t len, size_t *outlen, int *bad)
{
	char	*p;
	long	 n;

	*bad = 0;
	if (len == SIZE_MAX || (p = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	if ((n = req_urldecode(p, len)) < 0) {
		free(p);
		*bad = 1;
		return NULL;
	}
	p[n] = '\0';
	*outlen = (size_t)n;
	return p;
}

static enum req_err
url_pair(struct req *r, const char *s, size_t len)
{
	const char	*eq;
	char		*key = NULL, *val = NULL;
	size_t		 klen, kdlen, vlen, vdlen = 0;
	ssize_t		 i;
	int		 bad;
	enum req_err	 er = REQ_ERR_ENCODING;

	if ((eq = memchr(s, '=', len)) != NULL) {
		klen = (size_t)(eq - s);
		vlen = len - klen - 1;
		eq++;
	} else {
		klen = len;
		vlen = 0;
		eq = s + len;
	}
	if ((key = url_dup(s, klen, &kdlen, &bad)) == NULL) {
		er = bad ? REQ_ERR_ENCODING : REQ_ERR_IO;
		goto out;
	}
	/* A NUL (raw or decoded) in a key could alias another key. */
	if (memchr(key, '\0', kdlen) != NULL)
		goto out;
	if ((i = key_find(r, key)) < 0) {
		/* Ignored, but it must still be well-formed. */
		er = url_wellformed(eq, vlen) ? REQ_OK : REQ_ERR_ENCODING;
		goto out;
	}
	if ((val = url_dup(eq, vlen, &vdlen, &bad)) == NULL) {
		er = bad ? REQ_ERR_ENCODING : REQ_ERR_IO;
		goto out;
	}
	er = val_store(r, (size_t)i, val, vdlen, NULL, NULL, 0);
	val = NULL;
out:
	free(key);
	free(val);
	return er;
}

enum req_err
req_parse_urlencoded(struct req *r, const char *s, size_t len)
{
	const char	*p = s, *end = s + len, *amp;
	size_t		 n;
	enum req_err	 er;

	if (!vals_alloc(r))
		return REQ_ERR_IO;
	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		n = (amp != NULL ? amp : end) - p;
		/* Empty pairs ("a=1&&b=2", a trailing "&") are skipped. */
		if (n > 0 && (er = url_pair(r, p, n)) != REQ_OK)
			return er;
		if (amp == NULL)
			break;
		p = amp + 1;
	}
	return REQ_OK;
}

/*
 * Header parameters (Content-Type, Content-Disposition).
 */

static int
is_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL;
}

static int
is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

static const char *
skip_ows(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* Case-insensitive match of the token at p against word; returns the
 * position after it, or NULL. */
static const char *
token_is(const char *p, const char *end, const char *word)
{
	size_t	 n = strlen(word), i;

	if ((size_t)(end - p) < n)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char a = (unsigned char)p[i], b = (unsigned char)word[i];
		if (a >= 'A' && a <= 'Z')
			a = a - 'A' + 'a';
		if (a != b)
			return NULL;
	}
	if (p + n < end && is_tchar((unsigned char)p[n]))
		return NULL;
	return p + n;
}

struct param {
	char	 name[32];	/* lower-cased; "" if longer than that */
	char	 val[REQ_HEADER_MAX + 1];
	size_t	 vlen;		/* real length; > sizeof(val) - 1 if cut */
};

/* Parses the next `; name=value` at *pp.  Returns 1 with a parameter,
 * 0 at the end, -1 if malformed. */
static int
param_next(const char **pp, const char *end, struct param *pa)
{
	const char	*p = *pp;
	size_t		 n = 0;
	int		 quoted;

	pa->name[0] = '\0';
	pa->vlen = 0;
	p = skip_ows(p, end);
	if (p == end)
		return 0;
	if (*p != ';')
		return -1;
	p = skip_ows(p + 1, end);
	if (p == end)
		return 0;	/* a trailing ";" is harmless */
	while (p < end && is_tchar((unsigned char)*p)) {
		if (n < sizeof(pa->name) - 1) {
			char c = *p;
			pa->name[n++] = (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
		} else
			n = sizeof(pa->name);	/* too long: unknown */
		p++;
	}
	if (n == 0)
		return -1;
	pa->name[n < sizeof(pa->name) ? n : 0] = '\0';
	if (p == end || *p != '=')
		return -1;
	p++;
	quoted = p < end && *p == '"';
	if (quoted) {
		for (p++; ; p++) {
			if (p == end)
				return -1;	/* unterminated */
			if (*p == '"')
				break;
			if (*p == '\\') {
				if (++p == end)
					return -1;
			}
			if (is_ctl((unsigned char)*p) && *p != '\t')
				return -1;
			if (pa->vlen < sizeof(pa->val) - 1)
				pa->val[pa->vlen] = *p;
			pa->vlen++;
		}
		p++;
	} else {
		while (p < end && is_tchar((unsigned char)*p)) {
			if (pa->vlen < sizeof(pa->val) - 1)
				pa->val[pa->vlen] = *p;
			pa->vlen++;
			p++;
		}
		if (pa->vlen == 0)
			return -1;
	}
	pa->val[pa->vlen < sizeof(pa->val) ? pa->vlen : sizeof(pa->val) - 1] = '\0';
	*pp = p;
	return 1;
}

/*
 * multipart/form-data (RFC 7578, RFC 2046).
 */

static int
is_bchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return 1;
	return c != '\0' && strchr("'()+_,-./:=? ", c) != NULL;
}

/* Finds needle in haystack (binary safe). */
static const char *
mem_find(const char *h, size_t hlen, const char *n, size_t nlen)
{
	const char	*p, *last;

	if (nlen == 0 || hlen < nlen)
		return NULL;
	last = h + (hlen - nlen);
	for (p = h; p <= last; p++) {
		if ((p = memchr(p, n[0], (size_t)(last - p) + 1)) == NULL)
			return NULL;
		if (memcmp(p, n, nlen) == 0)
			return p;
	}
	return NULL;
}

/* Extracts the boundary from a multipart/form-data content type into b
 * (NUL-terminated).  Returns REQ_OK, REQ_ERR_CTYPE if not multipart/
 * form-data, or REQ_ERR_MULTIPART if the boundary is absent or bad. */
static enum req_err
mp_boundary(const char *ctype, char *b, size_t bsz)
{
	const char	*p, *end;
	struct param	 pa;
	size_t		 i;
	int		 rc, have = 0;

	if (ctype == NULL)
		return REQ_ERR_CTYPE;
	end = ctype + strlen(ctype);
	p = skip_ows(ctype, end);
	if ((p = token_is(p, end, "multipart/form-data")) == NULL)
		return REQ_ERR_CTYPE;
	while ((rc = param_next(&p, end, &pa)) > 0) {
		if (strcmp(pa.name, "boundary") != 0)
			continue;
		if (have || pa.vlen == 0 || pa.vlen > REQ_BOUNDARY_MAX ||
		    pa.vlen >= bsz)
			return REQ_ERR_MULTIPART;
		for (i = 0; i < pa.vlen; i++)
			if (!is_bchar((unsigned char)pa.val[i]))
				return REQ_ERR_MULTIPART;
		if (pa.val[pa.vlen - 1] == ' ')
			return REQ_ERR_MULTIPART;
		memcpy(b, pa.val, pa.vlen + 1);
		have = 1;
	}
	if (rc < 0 || !have)
		return REQ_ERR_MULTIPART;
	return REQ_OK;
}

struct part {
	int	 have_cd;
	int	 have_ct;
	int	 have_name;
	int	 have_filename;
	char	 name[REQ_HEADER_MAX + 1];
	char	 filename[REQ_HEADER_MAX + 1];
	char	 ctype[REQ_HEADER_MAX + 1];
};

/* Content-Disposition: form-data; name="x"; filename="y" */
static int
mp_disposition(struct part *pt, const char *p, const char *end)
{
	struct param	 pa;
	int		 rc;

	if ((p = token_is(p, end, "form-data")) == NULL)
		return 0;
	while ((rc = param_next(&p, end, &pa)) > 0) {
		if (pa.vlen >= sizeof(pa.val))
			return 0;
		if (strcmp(pa.name, "name") == 0) {
			if (pt->have_name)
				return 0;
			pt->have_name = 1;
			memcpy(pt->name, pa.val, pa.vlen + 1);
		} else if (strcmp(pa.name, "filename") == 0) {
			if (pt->have_filename)
				return 0;
			pt->have_filename = 1;
			memcpy(pt->filename, pa.val, pa.vlen + 1);
		}
		/* Other parameters (filename* etc.) are ignored. */
	}
	return rc == 0;
}

/* Parses one header line [p, end) into pt. */
static int
mp_header(struct part *pt, const char *p, const char *end)
{
	const char	*q, *v;
	size_t		 n;

	for (q = p; q < end; q++)
		if (is_ctl((unsigned char)*q) && *q != '\t')
			return 0;
	/* Obsolete line folding and empty names are refused. */
	for (q = p; q < end && is_tchar((unsigned char)*q); q++)
		continue;
	if (q == p || q == end || *q != ':')
		return 0;
	v = skip_ows(q + 1, end);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (token_is(p, q, "content-disposition") == q) {
		if (pt->have_cd)
			return 0;
		pt->have_cd = 1;
		return mp_disposition(pt, v, end);
	}
	if (token_is(p, q, "content-type") == q) {
		if (pt->have_ct)
			return 0;
		pt->have_ct = 1;
		n = (size_t)(end - v);
		if (n >= sizeof(pt->ctype))
			return 0;
		memcpy(pt->ctype, v, n);
		pt->ctype[n] = '\0';
	}
	return 1;
}

/* Keeps only the last path component of a client's file name and
 * reports whether it is acceptable text. */
static int
mp_filename(char *fn)
{
	char		*base, *p;
	const unsigned char *u;
	size_t		 len;

	for (base = p = fn; *p != '\0'; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	len = strlen(base);
	memmove(fn, base, len + 1);
	if (req_utf8_len(fn, len) < 0)
		return 0;
	/* Control characters: C0 and DEL are one byte; C1 (U+0080-U+009F)
	 * is 0xC2 0x80-0x9F, and in well-formed UTF-8 0xC2 only leads. */
	for (u = (const unsigned char *)fn; *u != '\0'; u++)
		if (*u < 0x20 || *u == 0x7f ||
		    (u[0] == 0xc2 && u[1] >= 0x80 && u[1] <= 0x9f))
			return 0;
	return 1;
}

enum req_err
req_parse_multipart(struct req *r, const char *ctype,
    const char *body, size_t len)
{
	char		 b[REQ_BOUNDARY_MAX + 1];
	char		 delim[REQ_BOUNDARY_MAX + 5];
	size_t		 blen, dlen, nparts = 0, nhdr, n;
	const char	*p, *end, *eol, *data, *next;
	struct part	*pt = NULL;
	char		*val;
	ssize_t		 ki;
	int		 badname;
	enum req_err	 er;

	if (!vals_alloc(r))
		return REQ_ERR_IO;
	if ((er = mp_boundary(ctype, b, sizeof(b))) != REQ_OK)
		return er;
	if ((pt = malloc(sizeof(*pt))) == NULL)
		return REQ_ERR_IO;
	er = REQ_ERR_MULTIPART;
	blen = strlen(b);
	memcpy(delim, "\r\n--", 4);
	memcpy(delim + 4, b, blen);
	dlen = blen + 4;

	/* No preamble: the body starts with the first delimiter. */
	if (body == NULL || len < dlen - 2 ||
	    memcmp(body, delim + 2, dlen - 2) != 0)
		goto out;
	p = body + dlen - 2;
	end = body + len;
	for (;;) {
		/* Just after a delimiter: "--" closes, else padding CRLF. */
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break;	/* the epilogue is ignored */
		p = skip_ows(p, end);
		if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
			goto out;
		p += 2;
		if (++nparts > REQ_PARTS_MAX)
			goto out;
		memset(pt, 0, sizeof(*pt));
		for (nhdr = 0; ; nhdr++) {
			n = (size_t)(end - p);
			if (n > REQ_HEADER_MAX + 2)
				n = REQ_HEADER_MAX + 2;
			if ((eol = mem_find(p, n, "\r\n", 2)) == NULL)
				goto out;	/* too long or truncated */
			if (eol == p)
				break;
			if (nhdr == REQ_HEADERS_MAX || !mp_header(pt, p, eol))
				goto out;
			p = eol + 2;
		}
		data = p + 2;
		if (!pt->have_cd || !pt->have_name)
			goto out;
		if ((next = mem_find(data, (size_t)(end - data),
		    delim, dlen)) == NULL)
			goto out;	/* no closing delimiter */
		p = next + dlen;
		if ((ki = key_find(r, pt->name)) < 0)
			continue;
		n = (size_t)(next - data);
		if ((val = malloc(n + 1)) == NULL) {
			er = REQ_ERR_IO;
			goto out;
		}
		memcpy(val, data, n);
		val[n] = '\0';
		badname = 0;
		if (pt->have_filename) {
			badname = !mp_filename(pt->filename);
			if (!pt->have_ct)
				strcpy(pt->ctype, "application/octet-stream");
		}
		if ((er = val_store(r, (size_t)ki, val, n,
		    pt->have_filename ? pt->filename : NULL,
		    pt->ctype, badname)) != REQ_OK)
			goto out;
		er = REQ_ERR_MULTIPART;
	}
	er = REQ_OK;
out:
	free(pt);
	return er;
}

/*
 * Cookies.
 */

static int
is_cookie_octet(unsigned char c)
{
	return c == 0x21 || (c >= 0x23 && c <= 0x2b) ||
	    (c >= 0x2d && c <= 0x3a) || (c >= 0x3c && c <= 0x5b) ||
	    (c >= 0x5d && c <= 0x7e);
}

enum req_err
req_parse_cookies(struct req *r, const char *h)
{
	const char	*p, *end, *semi, *eq, *ns, *ne, *vs, *ve;
	char		**slot;
	int		 seen_s = 0, seen_l = 0, *seen;
	size_t		 i;

	if (h == NULL)
		return REQ_OK;
	p = h;
	end = h + strlen(h);
	while (p < end) {
		if ((semi = memchr(p, ';', (size_t)(end - p))) == NULL)
			semi = end;
		ns = skip_ows(p, semi);
		p = semi + (semi < end);
		if ((eq = memchr(ns, '=', (size_t)(semi - ns))) == NULL)
			continue;
		for (ne = eq; ne > ns && (ne[-1] == ' ' || ne[-1] == '\t'); ne--)
			continue;
		vs = skip_ows(eq + 1, semi);
		for (ve = semi; ve > vs && (ve[-1] == ' ' || ve[-1] == '\t'); ve--)
			continue;
		if ((size_t)(ne - ns) == strlen(REQ_SESSION_COOKIE) &&
		    memcmp(ns, REQ_SESSION_COOKIE, (size_t)(ne - ns)) == 0) {
			slot = &r->session_cookie;
			seen = &seen_s;
		} else if ((size_t)(ne - ns) == strlen(REQ_LOGIN_COOKIE) &&
		    memcmp(ns, REQ_LOGIN_COOKIE, (size_t)(ne - ns)) == 0) {
			slot = &r->login_cookie;
			seen = &seen_l;
		} else
			continue;
		/* Two cookies of one name (e.g. one planted for a parent
		 * path) leave us unable to tell which is ours: use neither. */
		free(*slot);
		*slot = NULL;
		if ((*seen)++)
			continue;
		if (ve - vs >= 2 && vs[0] == '"' && ve[-1] == '"') {
			vs++;
			ve--;
		}
		for (i = 0; vs + i < ve; i++)
			if (!is_cookie_octet((unsigned char)vs[i]))
				break;
		if (vs + i < ve || ve == vs)
			continue;	/* malformed or empty: absent */
		if ((*slot = strndup(vs, (size_t)(ve - vs))) == NULL)
			return REQ_ERR_IO;
	}
	return REQ_OK;
}

/*
 * The CGI environment.
 */

static const char *
env(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL ? v : "";
}

/* CONTENT_LENGTH: digits only, no sign or space; "" or unset is 0. */
static int
parse_length(const char *s, size_t *out)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		if (n > (SIZE_MAX - 9) / 10)
			return 0;
		n = n * 10 + (size_t)(*s - '0');
	}
	*out = n;
	return 1;
}

/* Reads up to len bytes; returns how many were read before EOF/error. */
static size_t
read_full(int fd, char *buf, size_t len)
{
	size_t	 got = 0;
	ssize_t	 n;

	while (got < len) {
		n = read(fd, buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	return got;
}

/* Reads and discards a refused body so the client sees our answer
 * rather than a reset, up to a bound. */
static void
drain(int fd, size_t len)
{
	char	 buf[8192];
	size_t	 want;

	if (len > REQ_DRAIN_MAX)
		len = REQ_DRAIN_MAX;
	while (len > 0) {
		want = len < sizeof(buf) ? len : sizeof(buf);
		if (read_full(fd, buf, want) != want)
			break;
		len -= want;
	}
}

/* True if the media type of ct is t (parameters allowed). */
static int
ctype_is(const char *ct, const char *t)
{
	const char	*end = ct + strlen(ct), *p;

	p = skip_ows(ct, end);
	if ((p = token_is(p, end, t)) == NULL)
		return 0;
	p = skip_ows(p, end);
	return p == end || *p == ';';
}

enum req_err
req_init(struct req *r, const struct req_key *keys, size_t nkeys,
    size_t limit, int fd)
{
	const char	*m, *sn, *pi, *cl;
	size_t		 len, snl, pil;
	enum req_err	 er;

	memset(r, 0, sizeof(*r));
	r->keys = keys;
	r->nkeys = nkeys;
	r->path = "";
	if (!vals_alloc(r))
		return REQ_ERR_IO;

	m = env("REQUEST_METHOD");
	if (strcmp(m, "GET") == 0)
		r->method = REQ_GET;
	else if (strcmp(m, "HEAD") == 0)
		r->method = REQ_HEAD;
	else if (strcmp(m, "POST") == 0)
		r->method = REQ_POST;
	else
		r->method = REQ_OTHER;

	if (env("DOCUMENT_URI")[0] == '/')
		r->path = env("DOCUMENT_URI");
	else {
		sn = env("SCRIPT_NAME");
		pi = env("PATH_INFO");
		snl = strlen(sn);
		pil = strlen(pi);
		if ((r->path_buf = malloc(snl + pil + 1)) == NULL)
			return REQ_ERR_IO;
		memcpy(r->path_buf, sn, snl);
		memcpy(r->path_buf + snl, pi, pil + 1);
		if (r->path_buf[0] == '/')
			r->path = r->path_buf;
	}

	/* Only what nginx sets from the TLS layer; never an HTTP_ header. */
	r->remote_addr = env("REMOTE_ADDR");
	r->ssl_verify = env("SSL_CLIENT_VERIFY");
	r->ssl_serial = env("SSL_CLIENT_SERIAL");
	r->ssl_cert = env("SSL_CLIENT_CERT");
	r->ctype = env("CONTENT_TYPE");

	if ((er = req_parse_cookies(r, getenv("HTTP_COOKIE"))) != REQ_OK)
		return er;

	if (r->method == REQ_GET || r->method == REQ_HEAD) {
		m = env("QUERY_STRING");
		return req_parse_urlencoded(r, m, strlen(m));
	}
	if (r->method != REQ_POST)
		return REQ_OK;

	cl = env("CONTENT_LENGTH");
	if (!parse_length(cl, &len))
		return REQ_ERR_ENCODING;
	if (len > limit) {
		drain(fd, len);
		return REQ_ERR_TOO_LARGE;
	}
	if (len == SIZE_MAX || (r->body = malloc(len + 1)) == NULL)
		return REQ_ERR_IO;
	if (read_full(fd, r->body, len) != len)
		return REQ_ERR_IO;
	r->body[len] = '\0';
	r->body_len = len;

	/* A POST with nothing in it is an empty form (a button alone). */
	if (len == 0 && r->ctype[0] == '\0')
		return REQ_OK;
	if (ctype_is(r->ctype, "application/x-www-form-urlencoded"))
		return req_parse_urlencoded(r, r->body, len);
	if (ctype_is(r->ctype, "multipart/form-data"))
		return req_parse_multipart(r, r->ctype, r->body, len);
	return REQ_ERR_CTYPE;
}

void
req_free(struct req *r)
{
	size_t	 i;

	if (r->vals != NULL)
		for (i = 0; i < r->nkeys; i++) {
			free(r->vals[i].s);
			free(r->vals[i].filename);
			free(r->vals[i].ctype);
		}
	free(r->vals);
	free(r->session_cookie);
	free(r->login_cookie);
	free(r->body);
	free(r->path_buf);
	r->vals = NULL;
	r->session_cookie = r->login_cookie = NULL;
	r->body = r->path_buf = NULL;
	r->body_len = 0;
}
