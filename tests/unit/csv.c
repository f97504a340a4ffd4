/* csv: quoting, CRLF, and formula cells neutralised, ASCII and
 * full-width signs, after leading white space too. */
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "tap.h"

/* The row of one cell s, as a C string (static: the tests are short). */
static const char *
cell(const char *s, int last)
{
	static char	 out[256];
	struct buf	 b;

	memset(&b, 0, sizeof(b));
	csv_cell(&b, s, last);
	snprintf(out, sizeof(out), "%.*s", (int)b.len, b.len ? b.p : "");
	buf_free(&b);
	return out;
}

int
main(void)
{
	static const char row[] = "\xef\xbb\xbf\"a\",\"'=b\"\r\n";
	struct buf	 b;

	is_str(cell("abc", 0), "\"abc\",", "plain cell, comma");
	is_str(cell("abc", 1), "\"abc\"\r\n", "last cell ends with CRLF");
	is_str(cell(NULL, 0), "\"\",", "NULL is empty");
	is_str(cell("", 1), "\"\"\r\n", "empty cell");
	is_str(cell("a\"b\"\"", 0), "\"a\"\"b\"\"\"\"\",", "quotes doubled");
	is_str(cell("a,b\r\nc", 0), "\"a,b\r\nc\",", "comma and line break kept inside quotes");
	is_str(cell("連絡帳", 0), "\"連絡帳\",", "UTF-8 kept");

	is_str(cell("=1+1", 0), "\"'=1+1\",", "= neutralised");
	is_str(cell("+1", 0), "\"'+1\",", "+ neutralised");
	is_str(cell("-1", 0), "\"'-1\",", "- neutralised");
	is_str(cell("@SUM(A1)", 0), "\"'@SUM(A1)\",", "@ neutralised");
	is_str(cell("\tx", 0), "\"'\tx\",", "leading tab neutralised");
	is_str(cell("\rx", 0), "\"'\rx\",", "leading CR neutralised");
	is_str(cell("＝1+1", 0), "\"'＝1+1\",", "full-width ＝ neutralised");
	is_str(cell("＋1", 0), "\"'＋1\",", "full-width ＋ neutralised");
	is_str(cell("－1", 0), "\"'－1\",", "full-width － neutralised");
	is_str(cell("＠SUM(A1)", 0), "\"'＠SUM(A1)\",", "full-width ＠ neutralised");
	is_str(cell(" =1", 0), "\"' =1\",", "space before = neutralised");
	is_str(cell("  \t=cmd|' /C calc'!A0", 0), "\"'  \t=cmd|' /C calc'!A0\",",
	    "blanks and tab before = neutralised");
	is_str(cell("\n+1", 0), "\"'\n+1\",", "LF before + neutralised");
	is_str(cell("　＝1", 0), "\"'　＝1\",", "ideographic space before ＝ neutralised");
	is_str(cell(" ＠x", 0), "\"' ＠x\",", "space before ＠ neutralised");
	is_str(cell("a=1", 0), "\"a=1\",", "= not first: kept");
	is_str(cell(" a-1", 0), "\" a-1\",", "space then text: kept");
	is_str(cell("   ", 0), "\"   \",", "only blanks: kept");
	is_str(cell("ｰ1", 0), "\"ｰ1\",", "half-width katakana prolonged mark is no minus");
	is_str(cell("\xef\xbc", 0), "\"\xef\xbc\",", "truncated UTF-8 is no full-width sign");
	ok(csv_formula("=") && !csv_formula("") && !csv_formula(NULL),
	    "csv_formula: sign alone, empty, NULL");

	memset(&b, 0, sizeof(b));
	buf_puts(&b, CSV_BOM);
	csv_cell(&b, "a", 0);
	csv_cell(&b, "=b", 1);
	ok(b.len == strlen(row) && memcmp(b.p, row, b.len) == 0,
	    "a row: BOM, cells, CRLF");
	buf_free(&b);
	return tap_done();
}
