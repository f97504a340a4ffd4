/* CSV for spreadsheets (RFC 4180, read by Japanese Excel): UTF-8 with a
 * BOM, CRLF, every cell quoted, and a cell a spreadsheet would take for
 * a formula neutralised.  One writer for every CSV the project makes
 * (receipts export, renrakucho-admin audit export). */
#ifndef RK_CSV_H
#define RK_CSV_H
#include "buf.h"

/* The UTF-8 byte order mark that makes Excel read UTF-8. */
#define CSV_BOM	"\xef\xbb\xbf"

/* Whether a spreadsheet would take s for a formula: its first character
 * is = + - @ or their full-width forms ＝ ＋ － ＠, after any leading
 * white space (ASCII blanks, CR, LF, the ideographic space), or s
 * begins with a tab or CR. */
int	csv_formula(const char *s);
/* One cell of s (NULL: empty): quoted, quotes doubled, a formula
 * neutralised with a leading apostrophe; then "," or, for the last
 * cell of the row, CRLF. */
void	csv_cell(struct buf *, const char *s, int last);
#endif
