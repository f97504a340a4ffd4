/* libFuzzer harness: upload_sniff (the content type of an upload by its
 * first bytes) and the type table lookups on what it returns. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "upload.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*t, *ext;
	uint8_t		*copy;
	char		*s;

	/* An exact-size copy: a look past the end is caught. */
	if ((copy = malloc(size ? size : 1)) == NULL)
		return 0;
	memcpy(copy, data, size);
	if ((t = upload_sniff(copy, size)) != NULL) {
		/* A sniffed type is one of the table's, and it has an
		 * extension. */
		if (upload_type(t) != t || (ext = upload_ext(t)) == NULL ||
		    ext[0] != '.')
			abort();
		(void)upload_inline(t);
	}
	free(copy);
	/* The input as a declared type string. */
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if ((t = upload_type(s)) != NULL && strcmp(t, s) != 0)
		abort();
	(void)upload_ext(s);
	(void)upload_inline(s);
	free(s);
	return 0;
}
