/* A strict parser of one flat JSON object per line (jline.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "jline.h"

struct jl {
	const unsigned char	*p, *end;
	char			*out;	/* next free byte of mem */
	const char		*why;
};

static void
jl_ws(struct jl *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t'))
		s->p++;
}

/* One UTF-8 sequence at s->p copied to out: 0 or -1. */
static int
jl_utf8(struct jl *s)
{
	const unsigned char	*p = s->p;
	unsigned int		 c = *p, cp = 0;
	size_t			 n, i;

	if (c < 0x80)
		n = 0;
	else if (c >= 0xc2 && c <= 0xdf)
		n = 1, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 2, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 3, cp = c & 0x07;
	else
		return -1;
	if (n > 0) {
		if ((size_t)(s->end - p) <= n)
			return -1;
		for (i = 1; i <= n; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return -1;
			cp = cp << 6 | (p[i] & 0x3f);
		}
		/* Overlong, surrogates, beyond U+10FFFF. */
		if ((n == 2 && (cp < 0x800 || (cp >= 0xd800 &&
		    cp <= 0xdfff))) || (n == 3 && (cp < 0x10000 ||
		    cp > 0x10ffff)))
			return -1;
	}
	memcpy(s->out, p, n + 1);
	s->out += n + 1;
	s->p += n + 1;
	return 0;
}

static int
jl_hex4(struct jl *s, unsigned int *cp)
{
	int	 i, d;

	if (s->end - s->p < 4)
		return -1;
	for (*cp = 0, i = 0; i < 4; i++) {
		d = s->p[i];
		if (d >= '0' && d <= '9')
			d -= '0';
		else if (d >= 'a' && d <= 'f')
			d -= 'a' - 10;
		else if (d >= 'A' && d <= 'F')
			d -= 'A' - 10;
		else
			return -1;
		*cp = *cp << 4 | (unsigned int)d;
	}
	s->p += 4;
	return 0;
}

static void
jl_put(struct jl *s, unsigned int cp)
{
	unsigned char	*o = (unsigned char *)s->out;

	if (cp < 0x80)
		*o++ = (unsigned char)cp;
	else if (cp < 0x800) {
		*o++ = (unsigned char)(0xc0 | cp >> 6);
		*o++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		*o++ = (unsigned char)(0xe0 | cp >> 12);
		*o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (unsigned char)(0x80 | (cp & 0x3f));
	} else {
		*o++ = (unsigned char)(0xf0 | cp >> 18);
		*o++ = (unsigned char)(0x80 | (cp >> 12 & 0x3f));
		*o++ = (unsigned char)(0x80 | (cp >> 6 & 0x3f));
		*o++ = (unsigned char)(0x80 | (cp & 0x3f));
	}
	s->out = (char *)o;
}

/* A string at s->p (its opening quote), decoded into mem: its start,
 * or NULL with s->why.  The decoded form is never longer than the
 * quoted one, so mem (the line's length) holds every string. */
static const char *
jl_str(struct jl *s)
{
	const char	*start = s->out;
	unsigned int	 cp, lo;

	s->p++;
	for (;;) {
		if (s->p == s->end) {
			s->why = "unterminated string";
			return NULL;
		}
		if (*s->p == '"')
			break;
		if (*s->p < 0x20) {
			s->why = "control character in a string";
			return NULL;
		}
		if (*s->p != '\\') {
			if (jl_utf8(s) == -1) {
				s->why = "not UTF-8";
				return NULL;
			}
			continue;
		}
		if (++s->p == s->end) {
			s->why = "unterminated string";
			return NULL;
		}
		switch (*s->p++) {
		case '"':	*s->out++ = '"'; break;
		case '\\':	*s->out++ = '\\'; break;
		case '/':	*s->out++ = '/'; break;
		case 'b':	*s->out++ = '\b'; break;
		case 'f':	*s->out++ = '\f'; break;
		case 'n':	*s->out++ = '\n'; break;
		case 'r':	*s->out++ = '\r'; break;
		case 't':	*s->out++ = '\t'; break;
		case 'u':
			if (jl_hex4(s, &cp) == -1) {
				s->why = "bad \\u escape";
				return NULL;
			}
			if (cp >= 0xd800 && cp <= 0xdbff) {
				if (s->end - s->p < 6 || s->p[0] != '\\' ||
				    s->p[1] != 'u') {
					s->why = "lone surrogate";
					return NULL;
				}
				s->p += 2;
				if (jl_hex4(s, &lo) == -1 || lo < 0xdc00 ||
				    lo > 0xdfff) {
					s->why = "lone surrogate";
					return NULL;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp <= 0xdfff) {
				s->why = "lone surrogate";
				return NULL;
			} else if (cp == 0) {
				s->why = "\\u0000 in a string";
				return NULL;
			}
			jl_put(s, cp);
			break;
		default:
			s->why = "bad escape";
			return NULL;
		}
	}
	s->p++;
	*s->out++ = '\0';
	return start;
}

/* A number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, its text
 * copied into mem. */
static const char *
jl_num(struct jl *s)
{
	const unsigned char	*b = s->p, *p = s->p;
	const char		*start = s->out;

#define DIGITS(q)	((q) < s->end && *(q) >= '0' && *(q) <= '9')
	if (p < s->end && *p == '-')
		p++;
	if (p < s->end && *p == '0')
		p++;
	else if (DIGITS(p))
		while (DIGITS(p))
			p++;
	else
		goto bad;
	if (p < s->end && *p == '.') {
		p++;
		if (!DIGITS(p))
			goto bad;
		while (DIGITS(p))
			p++;
	}
	if (p < s->end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < s->end && (*p == '+' || *p == '-'))
			p++;
		if (!DIGITS(p))
			goto bad;
		while (DIGITS(p))
			p++;
	}
#undef DIGITS
	memcpy(s->out, b, (size_t)(p - b));
	s->out += p - b;
	*s->out++ = '\0';
	s->p = p;
	return start;
bad:
	s->why = "malformed number";
	return NULL;
}

static int
jl_word(struct jl *s, const char *w)
{
	size_t	 n = strlen(w);

	if ((size_t)(s->end - s->p) < n || memcmp(s->p, w, n) != 0)
		return -1;
	s->p += n;
	return 0;
}

int
jline_parse(const char *line, size_t len, struct jline *j, const char **why)
{
	struct jl	 s;
	size_t		 i;

	memset(j, 0, sizeof(*j));
	*why = "out of memory";
	if ((j->mem = malloc(len + 1)) == NULL)
		return -1;
	s.p = (const unsigned char *)line;
	s.end = s.p + len;
	s.out = j->mem;
	s.why = NULL;
	jl_ws(&s);
	if (s.p == s.end || *s.p != '{') {
		*why = "not a JSON object";
		return -1;
	}
	s.p++;
	jl_ws(&s);
	if (s.p < s.end && *s.p == '}')
		s.p++;
	else for (;;) {
		if (s.p == s.end || *s.p != '"') {
			s.why = "expected a key";
			break;
		}
		if (j->n == JLINE_KEYS) {
			s.why = "too many keys";
			break;
		}
		if ((j->f[j->n].key = jl_str(&s)) == NULL)
			break;
		for (i = 0; i < j->n; i++)
			if (strcmp(j->f[i].key, j->f[j->n].key) == 0)
				break;
		if (i < j->n) {
			s.why = "duplicate key";
			break;
		}
		jl_ws(&s);
		if (s.p == s.end || *s.p != ':') {
			s.why = "expected ':'";
			break;
		}
		s.p++;
		jl_ws(&s);
		if (s.p == s.end) {
			s.why = "expected a value";
			break;
		}
		if (*s.p == '"') {
			j->f[j->n].type = JLINE_STR;
			if ((j->f[j->n].val = jl_str(&s)) == NULL)
				break;
		} else if (*s.p == '-' || (*s.p >= '0' && *s.p <= '9')) {
			j->f[j->n].type = JLINE_NUM;
			if ((j->f[j->n].val = jl_num(&s)) == NULL)
				break;
		} else if (jl_word(&s, "null") == 0) {
			j->f[j->n].type = JLINE_NULL;
			j->f[j->n].val = NULL;
		} else if (jl_word(&s, "true") == 0) {
			j->f[j->n].type = JLINE_TRUE;
			j->f[j->n].val = "t";
		} else if (jl_word(&s, "false") == 0) {
			j->f[j->n].type = JLINE_FALSE;
			j->f[j->n].val = "f";
		} else {
			s.why = *s.p == '{' || *s.p == '[' ?
			    "nested value" : "expected a value";
			break;
		}
		j->n++;
		jl_ws(&s);
		if (s.p < s.end && *s.p == ',') {
			s.p++;
			jl_ws(&s);
			continue;
		}
		if (s.p < s.end && *s.p == '}') {
			s.p++;
			break;
		}
		s.why = "expected ',' or '}'";
		break;
	}
	if (s.why != NULL) {
		*why = s.why;
		return -1;
	}
	jl_ws(&s);
	if (s.p != s.end) {
		*why = "text after the object";
		return -1;
	}
	*why = NULL;
	return 0;
}

int
jline_get(const struct jline *j, const char *key, const char **val,
    enum jline_type *type)
{
	size_t	 i;

	for (i = 0; i < j->n; i++)
		if (strcmp(j->f[i].key, key) == 0) {
			*val = j->f[i].val;
			*type = j->f[i].type;
			return 1;
		}
	return 0;
}

void
jline_free(struct jline *j)
{
	free(j->mem);
	j->mem = NULL;
	j->n = 0;
}
