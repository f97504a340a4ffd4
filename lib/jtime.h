/* Times and dates as the UI shows them: Japan time, Japanese format,
 * "2026年4月1日 09:05" or "2026年4月1日".  Japan has kept UTC+9 all year
 * since 1951, so no time zone database is needed.  Page queries hand the
 * CGIs a timestamptz as JTIME_SQL(col) (epoch seconds) and format it
 * here; the *_view functions in schema/ format theirs in SQL the same
 * way. */
#ifndef RK_JTIME_H
#define RK_JTIME_H
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define JTIME_OFFSET	(9 * 3600)	/* JST = UTC+9 */
#define JTIME_LEN	40		/* room for any result */

/* A timestamptz column as whole epoch seconds (NULL stays NULL). */
#define JTIME_SQL(col)	"floor(extract(epoch FROM " col "))::bigint"

enum jtime_fmt {
	JTIME_MINUTE,	/* 2026年4月1日 09:05 */
	JTIME_DATE	/* 2026年4月1日 */
};

/* The instant t (epoch seconds) in Japan time into b; returns b ("" when
 * n is too small or the year is outside 1..9999). */
const char	*jtime_format(int64_t t, enum jtime_fmt, char *b, size_t n);
/* A JTIME_SQL column's text; NULL or "" (SQL NULL) or not a number give
 * none. */
const char	*jtime_db(const char *epoch, enum jtime_fmt, char *b, size_t n,
		    const char *none);
/* A calendar date yyyymmdd (no time zone) as 2026年4月1日; "" when it is
 * not one. */
const char	*jtime_ymd(long ymd, char *b, size_t n);
/* The date in Japan at the instant t, as yyyymmdd. */
long		 jtime_today(time_t t);
#endif
