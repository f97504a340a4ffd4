/* libFuzzer harness: a mail's Subject: header (RFC 2047 encoded words,
 * lib/mail.c's mail_subject_header) and the header check.  The words must
 * decode back to the subject, each to whole UTF-8 characters when the
 * subject is UTF-8, each line within RFC 2047's 76 characters. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "req.h"
#include "../../lib/mail.c"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*s, *out = NULL, *p, *line, *q, *e;
	unsigned char	 dec[256];
	size_t		 outlen = 0, got = 0, slen;
	FILE		*f;
	int		 n, utf8, ok;

	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	slen = strlen(s);
	utf8 = req_utf8_len(s, slen) >= 0;
	ok = mail_header_ok(s);
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			if (ok)
				abort();
			break;
		}
	if ((f = open_memstream(&out, &outlen)) == NULL)
		abort();
	mail_subject_header(f, s);
	fclose(f);
	/* "Subject:" then " =?UTF-8?B?...?=" words, one per line. */
	if (strncmp(out, "Subject:", 8) != 0)
		abort();
	p = out + 8;
	while (*p != '\0' && strcmp(p, "\n") != 0) {
		if (p != out + 8 && *p++ != '\n')
			abort();
		line = p;
		if (strncmp(p, " =?UTF-8?B?", 11) != 0)
			abort();
		q = p + 11;
		if ((e = strstr(q, "?=")) == NULL)
			abort();
		if ((size_t)(e - q) > 4 * sizeof(dec) / 3 - 4)
			abort();
		if ((n = EVP_DecodeBlock(dec, (unsigned char *)q,
		    (int)(e - q))) < 0)
			abort();
		/* EVP_DecodeBlock counts the padding's zero bytes. */
		if (e - q >= 1 && e[-1] == '=')
			n--;
		if (e - q >= 2 && e[-2] == '=')
			n--;
		if (n == 0 || got + (size_t)n > slen ||
		    memcmp(s + got, dec, (size_t)n) != 0)
			abort();
		if (utf8 && req_utf8_len((const char *)dec, (size_t)n) < 0)
			abort();
		got += (size_t)n;
		p = e + 2;
		if (p - line > 76)
			abort();
	}
	if (got != slen)
		abort();
	free(out);
	free(s);
	return 0;
}
