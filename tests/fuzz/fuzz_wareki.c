/* libFuzzer harness: the 和暦 date of the patient form (an era's form
 * value, year, month, day, as patient-register reads them) and the
 * two-calendar display of any yyyymmdd. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wareki.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*in, *f[4], *p, *end, b[128], small[8];
	long		 v[4], ymd;
	enum wareki_era	 era;
	int		 i;

	if ((in = malloc(size + 1)) == NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	/* "era\nyear\nmonth\nday" */
	p = in;
	for (i = 0; i < 4; i++) {
		f[i] = p;
		if ((p = strchr(p, '\n')) != NULL)
			*p++ = '\0';
		else
			p = in + size;
	}
	for (i = 1; i < 4; i++) {
		v[i] = strtol(f[i], &end, 10);
		if (*end != '\0')
			v[i] = 0;
	}
	era = wareki_era_by_key(f[0]);
	if (era != WAREKI__MAX) {
		if (wareki_era_name(era) == NULL ||
		    strcmp(wareki_era_key(era), f[0]) != 0)
			abort();
		ymd = wareki_to_ymd(era, v[1], v[2], v[3]);
		if (ymd != -1) {
			/* A date of that era, shown with that era's name. */
			if (!wareki_valid_date(ymd / 10000, ymd / 100 % 100,
			    ymd % 100) || v[1] < 1)
				abort();
			wareki_format(ymd, b, sizeof(b));
			if (strncmp(b, wareki_era_name(era),
			    strlen(wareki_era_name(era))) != 0)
				abort();
		}
	}
	/* Any number at all as yyyymmdd, in a large and a small buffer. */
	memcpy(&v[0], data, size < sizeof(v[0]) ? size : sizeof(v[0]));
	if (size < sizeof(v[0]))
		v[0] = v[1];
	wareki_format(v[0], b, sizeof(b));
	if (strlen(b) >= sizeof(b))
		abort();
	wareki_format(v[0], small, sizeof(small));
	if (strlen(small) >= sizeof(small))
		abort();
	(void)wareki_valid_date(v[1], v[2], v[3]);
	free(in);
	return 0;
}
