/* libFuzzer harness: req_parse_multipart.  The first line of the input
 * is the content type, the rest the body. */
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
	const uint8_t	*nl;
	char		*ct, *body;
	size_t		 ctlen, blen, i;

	nl = memchr(data, '\n', size);
	ctlen = nl != NULL ? (size_t)(nl - data) : size;
	if ((ct = malloc(ctlen + 1)) == NULL)
		return 0;
	memcpy(ct, data, ctlen);
	ct[ctlen] = '\0';
	blen = nl != NULL ? size - ctlen - 1 : 0;
	/* An exact-size copy: reading past the body is caught. */
	if ((body = malloc(blen ? blen : 1)) == NULL) {
		free(ct);
		return 0;
	}
	if (blen)
		memcpy(body, nl + 1, blen);

	memset(&r, 0, sizeof(r));
	r.keys = fkeys;
	r.nkeys = F__MAX;
	(void)req_parse_multipart(&r, ct, body, blen);
	for (i = 0; i < F__MAX; i++) {
		if (r.vals == NULL || !r.vals[i].present)
			continue;
		if (r.vals[i].s[r.vals[i].len] != '\0' ||
		    r.vals[i].len > blen)
			abort();
		if (r.vals[i].filename != NULL &&
		    (strchr(r.vals[i].filename, '/') != NULL ||
		    strchr(r.vals[i].filename, '\\') != NULL))
			abort();
	}
	req_free(&r);
	free(body);
	free(ct);
	return 0;
}
