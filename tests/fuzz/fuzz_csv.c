/* libFuzzer harness: csv_cell, the one CSV writer.  The input is cut
 * into cells at NUL bytes; the row written must read back (RFC 4180)
 * as the same cells, a formula behind its apostrophe. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 b;
	char		*in, *cell, *p, *e;
	size_t		 off, n;
	int		 last;

	if ((in = malloc(size + 1)) == NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	memset(&b, 0, sizeof(b));
	for (off = 0; ; off += n + 1) {
		n = strlen(in + off);
		last = off + n >= size;
		csv_cell(&b, in + off, last);
		if (last)
			break;
	}
	if (b.oom)
		goto out;
	/* Read it back: every cell quoted, "" inside, then "," or CRLF. */
	p = b.p;
	e = b.p + b.len;
	for (off = 0; ; off += n + 1) {
		cell = in + off;
		n = strlen(cell);
		if (p >= e || *p++ != '"')
			abort();
		if (csv_formula(cell) && (p >= e || *p++ != '\''))
			abort();
		for (; *cell != '\0'; cell++) {
			if (p >= e || *p != *cell)
				abort();
			p++;
			if (*cell == '"' && (p >= e || *p++ != '"'))
				abort();
		}
		if (p >= e || *p++ != '"')
			abort();
		if (off + n >= size) {
			if (e - p != 2 || memcmp(p, "\r\n", 2) != 0)
				abort();
			break;
		}
		if (p >= e || *p++ != ',')
			abort();
	}
out:
	buf_free(&b);
	free(in);
	return 0;
}
