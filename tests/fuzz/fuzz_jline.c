/* libFuzzer harness: jline_parse, the audit export's JSON lines as
 * `audit verify --archive` reads them back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jline.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jline	 j;
	const char	*why = NULL, *val;
	enum jline_type	 t;
	char		*line;
	size_t		 i, k;

	/* Its own allocation, so that reading past len is caught. */
	if ((line = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(line, data, size);
	memset(&j, 0, sizeof(j));
	if (jline_parse(line, size, &j, &why) == 0) {
		if (j.n > JLINE_KEYS)
			abort();
		for (i = 0; i < j.n; i++) {
			if (j.f[i].key == NULL)
				abort();
			/* No duplicate keys, and each one found again. */
			for (k = 0; k < i; k++)
				if (strcmp(j.f[k].key, j.f[i].key) == 0)
					abort();
			if (jline_get(&j, j.f[i].key, &val, &t) != 1 ||
			    t != j.f[i].type)
				abort();
			if ((t == JLINE_STR || t == JLINE_NUM) &&
			    (val == NULL || strlen(val) > size))
				abort();
		}
	} else if (why == NULL)
		abort();
	jline_free(&j);
	free(line);
	return 0;
}
