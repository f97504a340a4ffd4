/* CSV cells: see csv.h. */
#include "config.h"

#include <string.h>

#include "csv.h"

/* The full-width forms a spreadsheet also reads as formula signs:
 * ＝ U+FF1D, ＋ U+FF0B, － U+FF0D, ＠ U+FF20. */
static const char *const csv_wide[] = {
	"\xef\xbc\x9d", "\xef\xbc\x8b", "\xef\xbc\x8d", "\xef\xbc\xa0"
};

/* The length of the white space at s: ASCII blanks, CR, LF, vertical
 * tab, form feed, or the ideographic space U+3000; 0 when none. */
static size_t
csv_space(const char *s)
{
	if (*s != '\0' && strchr(" \t\r\n\v\f", *s) != NULL)
		return 1;
	if (strncmp(s, "\xe3\x80\x80", 3) == 0)
		return 3;
	return 0;
}

int
csv_formula(const char *s)
{
	size_t	 i, n;

	if (s == NULL || *s == '\0')
		return 0;
	if (*s == '\t' || *s == '\r')
		return 1;
	while ((n = csv_space(s)) > 0)
		s += n;
	if (*s != '\0' && strchr("=+-@", *s) != NULL)
		return 1;
	for (i = 0; i < sizeof(csv_wide) / sizeof(csv_wide[0]); i++)
		if (strncmp(s, csv_wide[i], 3) == 0)
			return 1;
	return 0;
}

void
csv_cell(struct buf *b, const char *s, int last)
{
	const char	*q;

	if (s == NULL)
		s = "";
	buf_puts(b, "\"");
	if (csv_formula(s))
		buf_puts(b, "'");
	while ((q = strchr(s, '"')) != NULL) {
		buf_put(b, s, (size_t)(q - s));
		buf_puts(b, "\"\"");
		s = q + 1;
	}
	buf_puts(b, s);
	buf_puts(b, last ? "\"\r\n" : "\",");
}
