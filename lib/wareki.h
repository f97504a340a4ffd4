/* Japanese era dates (和暦): 明治 from 1868-01-25 to 令和.  Birth dates of
 * elderly patients are often known only this way. */
#ifndef RK_WAREKI_H
#define RK_WAREKI_H
#include <stddef.h>

enum wareki_era {
	WAREKI_MEIJI,	/* 明治 1868-01-25 … 1912-07-29 */
	WAREKI_TAISHO,	/* 大正 1912-07-30 … 1926-12-24 */
	WAREKI_SHOWA,	/* 昭和 1926-12-25 … 1989-01-07 */
	WAREKI_HEISEI,	/* 平成 1989-01-08 … 2019-04-30 */
	WAREKI_REIWA,	/* 令和 2019-05-01 … */
	WAREKI__MAX
};

/* The era's name (明治 …), or NULL for an unknown era. */
const char	*wareki_era_name(enum wareki_era);
/* The era by its form value ("meiji" …), or WAREKI__MAX. */
enum wareki_era	 wareki_era_by_key(const char *);
/* Its form value ("meiji" …). */
const char	*wareki_era_key(enum wareki_era);
/* 1 if y-m-d is a real Gregorian calendar date (1 ≤ y ≤ 9999). */
int		 wareki_valid_date(long y, long m, long d);
/* Era year (元年 = 1), month, day -> yyyymmdd, or -1 when the date does
 * not exist or lies outside the era. */
long		 wareki_to_ymd(enum wareki_era, long year, long month, long day);
/* yyyymmdd -> "昭和10年3月4日 (1935年3月4日)" ("元年" for year 1; only
 * the 西暦 part before 明治).  Returns b, "" for an impossible date. */
const char	*wareki_format(long ymd, char *b, size_t n);
#endif
