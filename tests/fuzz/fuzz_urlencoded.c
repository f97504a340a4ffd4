/* libFuzzer harness: req_parse_urlencoded and req_urldecode. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "req.h"
#include "keys.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req	 r;
	char		*copy;
	size_t		 i;

	memset(&r, 0, sizeof(r));
	r.keys = fkeys;
	r.nkeys = F__MAX;
	/* data is exactly size bytes, no NUL: overreads are caught. */
	(void)req_parse_urlencoded(&r, (const char *)data, size);
	for (i = 0; i < F__MAX; i++)
		if (r.vals != NULL && r.vals[i].present &&
		    r.vals[i].s[r.vals[i].len] != '\0')
			abort();
	req_free(&r);

	if ((copy = malloc(size + 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	if (req_urldecode(copy, size) > (long)size)
		abort();
	free(copy);
	return 0;
}
