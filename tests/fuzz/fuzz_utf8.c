/* libFuzzer harness: req_utf8_len, every stock validator, and
 * log_escape on arbitrary bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "req.h"
#include "log.h"
#include "keys.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req_val	 v;
	char		*s, esc[64], big[4096];
	size_t		 i;
	long		 n;

	n = req_utf8_len((const char *)data, size);
	if (n > (long)size)
		abort();
	for (i = 0; i < F__MAX; i++) {
		if (fkeys[i].valid == NULL)
			continue;
		if ((s = malloc(size + 1)) == NULL)
			return 0;
		memcpy(s, data, size);
		s[size] = '\0';
		memset(&v, 0, sizeof(v));
		v.present = 1;
		v.s = s;
		v.len = size;
		if (i == F_FILE)
			v.filename = (char *)"a.pdf";
		if (fkeys[i].valid(&v, &fkeys[i])) {
			/* Whatever passes a text validator is clean. */
			if (i != F_FILE && (memchr(v.s, '\0', v.len) != NULL ||
			    req_utf8_len(v.s, v.len) < 0))
				abort();
			if (v.err != NULL && i != F_FILE)
				abort();
		} else if (v.err == NULL)
			abort();
		if (v.s[v.len] != '\0')
			abort();
		free(s);
	}
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	log_escape(esc, sizeof(esc), s);
	log_escape(big, sizeof(big), s);
	if (strchr(big, '\n') != NULL || strlen(esc) >= sizeof(esc))
		abort();
	free(s);
	return 0;
}
