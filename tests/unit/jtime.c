/* jtime: Japan time in the UI's format at its boundaries (midnight in
 * Japan is 15:00 UTC the day before; the year changes in Japan nine
 * hours before it does in UTC), database text, calendar dates. */
#include <stdio.h>

#include "jtime.h"
#include "tap.h"

int
main(void)
{
	char	 b[JTIME_LEN], small[8];

	is_str(jtime_format(0, JTIME_MINUTE, b, sizeof(b)),
	    "1970年1月1日 09:00", "epoch 0 is 09:00 in Japan");
	/* 2025-12-31 14:59:59 UTC and one second later. */
	is_str(jtime_format(1767193199, JTIME_MINUTE, b, sizeof(b)),
	    "2025年12月31日 23:59", "the last minute of 2025 in Japan");
	is_str(jtime_format(1767193200, JTIME_MINUTE, b, sizeof(b)),
	    "2026年1月1日 00:00", "15:00 UTC on 31 Dec: New Year in Japan");
	is_str(jtime_format(1767193200, JTIME_DATE, b, sizeof(b)),
	    "2026年1月1日", "date only: Japan's date, not UTC's");
	/* 2026-03-31 14:59:59 / 15:00:00 UTC: midnight in Japan. */
	is_str(jtime_format(1774969199, JTIME_DATE, b, sizeof(b)),
	    "2026年3月31日", "a second before midnight in Japan");
	is_str(jtime_format(1774969200, JTIME_MINUTE, b, sizeof(b)),
	    "2026年4月1日 00:00", "midnight in Japan is 15:00 UTC");
	/* 2026-04-01 00:00 UTC: midnight in UTC is 09:00 the same day. */
	is_str(jtime_format(1775001600, JTIME_MINUTE, b, sizeof(b)),
	    "2026年4月1日 09:00", "midnight UTC is 09:00 in Japan");
	/* 2020-02-28 15:00 UTC: a leap day begins in Japan. */
	is_str(jtime_format(1582902000, JTIME_DATE, b, sizeof(b)),
	    "2020年2月29日", "leap day");
	is_str(jtime_format(1767193200, JTIME_MINUTE, small, sizeof(small)),
	    "", "too small a buffer: empty, never cut");
	is_str(jtime_format(253402300799LL, JTIME_MINUTE, b, sizeof(b)),
	    "", "beyond 9999 in Japan: empty");

	ok(jtime_today(1774969199) == 20260331, "today: 31 Mar until 15:00 UTC");
	ok(jtime_today(1774969200) == 20260401, "today: 1 Apr from 15:00 UTC");
	ok(jtime_today(1767193200) == 20260101, "today: the year changes in "
	    "Japan first");

	is_str(jtime_db("1767193200", JTIME_MINUTE, b, sizeof(b), "—"),
	    "2026年1月1日 00:00", "database text");
	is_str(jtime_db("-1", JTIME_MINUTE, b, sizeof(b), "—"),
	    "1970年1月1日 08:59", "before 1970");
	is_str(jtime_db("", JTIME_MINUTE, b, sizeof(b), "—"), "—",
	    "SQL NULL (\"\"): the caller's text");
	ok(jtime_db(NULL, JTIME_DATE, b, sizeof(b), NULL) == NULL,
	    "NULL: the caller's NULL");
	is_str(jtime_db("12x", JTIME_MINUTE, b, sizeof(b), "—"), "—",
	    "not a number: the caller's text");

	is_str(jtime_ymd(19890108, b, sizeof(b)), "1989年1月8日",
	    "a calendar date");
	is_str(jtime_ymd(20261301, b, sizeof(b)), "", "month 13: empty");
	is_str(jtime_ymd(0, b, sizeof(b)), "", "no date: empty");

	return tap_done();
}
