/* Uploaded files: the type by content (see upload.h). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unictype.h>
#include <unigbrk.h>
#include <uninorm.h>
#include <unistr.h>

#include "upload.h"

static const struct {
	const char	*magic;
	size_t		 len;
	const char	*type;
	const char	*ext;
	const char	*exts;	/* the extensions a name may keep, ASCII, any case */
	int		 show;	/* shown inline, not downloaded */
} upload_types[] = {
	{ "%PDF-", 5, "application/pdf", ".pdf", "pdf", 0 },
	{ "\xff\xd8\xff", 3, "image/jpeg", ".jpg", "jpg jpeg jpe jfif", 1 },
	{ "\x89PNG\r\n\x1a\n", 8, "image/png", ".png", "png", 1 },
};

#define UPLOAD_NTYPES	(sizeof(upload_types) / sizeof(upload_types[0]))

const char *
upload_sniff(const void *data, size_t len)
{
	size_t	 i;

	for (i = 0; data != NULL && i < UPLOAD_NTYPES; i++)
		if (len >= upload_types[i].len &&
		    memcmp(data, upload_types[i].magic,
		    upload_types[i].len) == 0)
			return upload_types[i].type;
	return NULL;
}

/* The row of a type string, or UPLOAD_NTYPES. */
static size_t
upload_row(const char *type)
{
	size_t	 i;

	for (i = 0; type != NULL && i < UPLOAD_NTYPES; i++)
		if (strcmp(type, upload_types[i].type) == 0)
			return i;
	return UPLOAD_NTYPES;
}

const char *
upload_type(const char *s)
{
	size_t	 i = upload_row(s);

	return i < UPLOAD_NTYPES ? upload_types[i].type : NULL;
}

const char *
upload_ext(const char *type)
{
	size_t	 i = upload_row(type);

	return i < UPLOAD_NTYPES ? upload_types[i].ext : "";
}

int
upload_inline(const char *type)
{
	size_t	 i = upload_row(type);

	return i < UPLOAD_NTYPES && upload_types[i].show;
}

/* Dropped from a file name: controls (Cc), format characters (Cf: the
 * bidirectional controls U+202A-U+202E, U+2066-U+2069, U+200E, U+200F,
 * U+061C, and U+00AD, U+200B-U+200D, U+2060-U+2064, U+FEFF...), line
 * and paragraph separators, and path separators. */
static int
name_drops(ucs4_t uc)
{
	return uc == '/' || uc == '\\' ||
	    uc_is_general_category(uc, UC_CATEGORY_Cc) ||
	    uc_is_general_category(uc, UC_CATEGORY_Cf) ||
	    uc_is_general_category(uc, UC_CATEGORY_Zl) ||
	    uc_is_general_category(uc, UC_CATEGORY_Zp);
}

/* Trimmed off either end of the stem: spaces of any width and dots. */
static int
name_trims(ucs4_t uc)
{
	return uc == '.' || uc_is_general_category(uc, UC_CATEGORY_Zs);
}

/* [*s, *e) without the trimmed characters at either end (at the start,
 * dots only if dots). */
static void
name_trim(const uint8_t **s, const uint8_t **e, int dots)
{
	const uint8_t	*p;
	ucs4_t		 uc;
	int		 n;

	while (*s < *e && (n = u8_mbtouc(&uc, *s, *e - *s)) > 0 &&
	    name_trims(uc) && (dots || uc != '.'))
		*s += n;
	while (*s < *e && (p = u8_prev(&uc, *e, *s)) != NULL &&
	    name_trims(uc))
		*e = p;
}

/* Does the extension [s, e) (without its dot) belong to the row? */
static int
name_ext_ok(size_t row, const uint8_t *s, const uint8_t *e)
{
	const char	*x = upload_types[row].exts, *w;
	size_t		 n = e - s, i;

	while (*x != '\0') {
		w = x + strcspn(x, " ");
		if ((size_t)(w - x) == n) {
			for (i = 0; i < n; i++)
				if ((s[i] | 0x20) != (unsigned char)x[i])
					break;
			if (i == n)
				return 1;
		}
		x = *w == ' ' ? w + 1 : w;
	}
	return 0;
}

/* Is [s, e) ASCII letters and digits only? */
static int
name_alnum(const uint8_t *s, const uint8_t *e)
{
	for (; s < e; s++)
		if (!((*s >= '0' && *s <= '9') || ((*s | 0x20) >= 'a' &&
		    (*s | 0x20) <= 'z')))
			return 0;
	return 1;
}

/* How many bytes of [s, e) fit in max, cut between graphemes (never
 * between a character and its marks), or between characters when not
 * even the first grapheme fits. */
static size_t
name_fit(const uint8_t *s, const uint8_t *e, size_t max)
{
	const uint8_t	*p = s, *q;
	ucs4_t		 uc;
	int		 n;

	while (p < e && (q = u8_grapheme_next(p, e)) != NULL &&
	    (size_t)(q - s) <= max)
		p = q;
	if (p == s)
		while (p < e && (n = u8_mbtouc(&uc, p, e - p)) > 0 &&
		    (size_t)(p + n - s) <= max)
			p += n;
	return p - s;
}

char *
upload_name(char *b, size_t n, const char *name, const char *type,
    const char *dflt)
{
	const uint8_t	*in = (const uint8_t *)(name != NULL ? name : "");
	const uint8_t	*ie = in + strlen((const char *)in);
	const uint8_t	*s, *e, *q, *dot, *xs = NULL, *xe = NULL;
	uint8_t		*kept, *nfc = NULL, *k;
	const char	*ext = "";
	size_t		 row = upload_row(type), nlen, slen, xlen, max, dlen;
	ucs4_t		 uc;
	int		 c;

	if (n == 0)
		return NULL;
	max = n - 1;
	if ((kept = malloc(ie - in + 1)) == NULL)
		return NULL;
	for (k = kept, s = in; s < ie; s += c) {
		if ((c = u8_mbtoucr(&uc, s, ie - s)) < 0)
			c = 1;		/* not UTF-8: dropped */
		else if (!name_drops(uc)) {
			memcpy(k, s, c);
			k += c;
		}
	}
	nlen = 0;
	if (k > kept && (nfc = u8_normalize(UNINORM_NFC, kept, k - kept,
	    NULL, &nlen)) == NULL) {
		free(kept);
		return NULL;
	}
	s = nfc != NULL ? nfc : kept;
	e = s + nlen;
	name_trim(&s, &e, 0);
	/* The last dot begins the extension. */
	for (dot = NULL, q = s; q < e; q++)
		if (*q == '.')
			dot = q;
	if (row < UPLOAD_NTYPES) {
		if (dot != NULL && name_ext_ok(row, dot + 1, e)) {
			xs = dot;
			xe = e;
			e = dot;
		} else
			ext = upload_types[row].ext;
	} else if (dot != NULL && e - dot > 1 && e - dot <= 16 &&
	    name_alnum(dot + 1, e)) {
		/* Any other type: a short extension survives a cut. */
		xs = dot;
		xe = e;
		e = dot;
	}
	name_trim(&s, &e, 1);
	if (s == e) {
		s = (const uint8_t *)(dflt != NULL ? dflt : "file");
		e = s + strlen((const char *)s);
	}
	if (xs == NULL) {
		xs = (const uint8_t *)ext;
		xe = xs + strlen(ext);
	}
	xlen = xe - xs;
	if (xlen > max)
		xlen = name_fit(xs, xe, max);
	/* A cut stem loses the spaces and dots it may now end with. */
	if ((slen = name_fit(s, e, max - xlen)) < (size_t)(e - s)) {
		e = s + slen;
		while (e > s && (q = u8_prev(&uc, e, s)) != NULL &&
		    name_trims(uc))
			e = q;
		slen = e - s;
	}
	dlen = slen + xlen;
	memcpy(b, s, slen);
	memcpy(b + slen, xs, xlen);
	b[dlen] = '\0';
	free(nfc);
	free(kept);
	return b;
}
