/* Japan time in the UI's format (see jtime.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "jtime.h"

/* The broken-down Japan time of t; 0, or -1 outside years 1..9999. */
static int
jtime_tm(int64_t t, struct tm *tm)
{
	time_t	 j;

	/* Years 1..9999 are -62135596800 .. 253402300799 in UTC. */
	if (t < -62135596800LL + JTIME_OFFSET ||
	    t > 253402300799LL - JTIME_OFFSET)
		return -1;
	j = (time_t)(t + JTIME_OFFSET);
	if (gmtime_r(&j, tm) == NULL)
		return -1;
	return 0;
}

const char *
jtime_format(int64_t t, enum jtime_fmt f, char *b, size_t n)
{
	struct tm	 tm;
	int		 w;

	if (n == 0)
		return b;
	b[0] = '\0';
	if (jtime_tm(t, &tm) == -1)
		return b;
	if (f == JTIME_DATE)
		w = snprintf(b, n, "%d年%d月%d日", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday);
	else
		w = snprintf(b, n, "%d年%d月%d日 %02d:%02d", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
	if (w < 0 || (size_t)w >= n)
		b[0] = '\0';
	return b;
}

const char *
jtime_db(const char *epoch, enum jtime_fmt f, char *b, size_t n,
    const char *none)
{
	char		*end;
	long long	 t;

	if (epoch == NULL || *epoch == '\0')
		return none;
	errno = 0;
	t = strtoll(epoch, &end, 10);
	if (errno != 0 || *end != '\0')
		return none;
	return jtime_format((int64_t)t, f, b, n);
}

const char *
jtime_ymd(long ymd, char *b, size_t n)
{
	long	 y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
	int	 w;

	if (n == 0)
		return b;
	b[0] = '\0';
	if (ymd < 10101 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31)
		return b;
	w = snprintf(b, n, "%ld年%ld月%ld日", y, m, d);
	if (w < 0 || (size_t)w >= n)
		b[0] = '\0';
	return b;
}

long
jtime_today(time_t t)
{
	struct tm	 tm;

	if (jtime_tm((int64_t)t, &tm) == -1)
		return 0;
	return (tm.tm_year + 1900L) * 10000 + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday;
}
