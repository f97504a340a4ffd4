/* Japanese era dates (see wareki.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "jtime.h"
#include "wareki.h"

static const struct {
	const char	*key;
	const char	*name;
	long		 first;	/* yyyymmdd of its first day */
} eras[WAREKI__MAX] = {
	/* WAREKI_MEIJI */	{ "meiji", "明治", 18680125 },
	/* WAREKI_TAISHO */	{ "taisho", "大正", 19120730 },
	/* WAREKI_SHOWA */	{ "showa", "昭和", 19261225 },
	/* WAREKI_HEISEI */	{ "heisei", "平成", 19890108 },
	/* WAREKI_REIWA */	{ "reiwa", "令和", 20190501 },
};

const char *
wareki_era_name(enum wareki_era e)
{
	return (unsigned)e < WAREKI__MAX ? eras[e].name : NULL;
}

const char *
wareki_era_key(enum wareki_era e)
{
	return (unsigned)e < WAREKI__MAX ? eras[e].key : NULL;
}

enum wareki_era
wareki_era_by_key(const char *s)
{
	int	 e;

	for (e = 0; s != NULL && e < WAREKI__MAX; e++)
		if (strcmp(s, eras[e].key) == 0)
			return (enum wareki_era)e;
	return WAREKI__MAX;
}

int
wareki_valid_date(long y, long m, long d)
{
	static const int mdays[12] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int	 leap;

	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return 0;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return d <= mdays[m - 1] + (m == 2 && leap);
}

/* The era a date belongs to, or WAREKI__MAX before 明治. */
static enum wareki_era
wareki_era_of(long ymd)
{
	int	 e;

	for (e = WAREKI__MAX - 1; e >= 0; e--)
		if (ymd >= eras[e].first)
			return (enum wareki_era)e;
	return WAREKI__MAX;
}

long
wareki_to_ymd(enum wareki_era e, long year, long month, long day)
{
	long	 y, ymd;

	if ((unsigned)e >= WAREKI__MAX || year < 1 || year > 99)
		return -1;
	y = eras[e].first / 10000 + year - 1;
	if (!wareki_valid_date(y, month, day))
		return -1;
	ymd = y * 10000 + month * 100 + day;
	/* Both ends: 昭和64年1月8日 is 平成元年, 平成元年1月7日 never was. */
	if (wareki_era_of(ymd) != e)
		return -1;
	return ymd;
}

const char *
wareki_format(long ymd, char *b, size_t n)
{
	long		 y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	enum wareki_era	 e;
	char		 ey[24], ad[JTIME_LEN];

	if (n == 0)
		return b;
	b[0] = '\0';
	if (!wareki_valid_date(y, m, d))
		return b;
	if ((e = wareki_era_of(ymd)) == WAREKI__MAX)
		return jtime_ymd(ymd, b, n);
	if (y - eras[e].first / 10000 + 1 == 1)
		snprintf(ey, sizeof(ey), "元");
	else
		snprintf(ey, sizeof(ey), "%ld", y - eras[e].first / 10000 + 1);
	snprintf(b, n, "%s%s年%ld月%ld日 (%s)", eras[e].name, ey, m, d,
	    jtime_ymd(ymd, ad, sizeof(ad)));
	return b;
}
