/* libFuzzer harness: req_parse_cookies (a NUL-terminated header). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "req.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct req	 r;
	char		*h;

	if ((h = malloc(size + 1)) == NULL)
		return 0;
	memcpy(h, data, size);
	h[size] = '\0';
	memset(&r, 0, sizeof(r));
	(void)req_parse_cookies(&r, h);
	/* What we keep must be plain cookie octets. */
	if (r.session_cookie != NULL &&
	    (r.session_cookie[0] == '\0' ||
	    strpbrk(r.session_cookie, " \t;,\"\\") != NULL))
		abort();
	req_free(&r);
	free(h);
	return 0;
}
