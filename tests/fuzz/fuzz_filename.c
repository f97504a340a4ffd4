/* libFuzzer harness: upload_name(), the file names of uploads.  The
 * first byte picks the type, the second the buffer's size; the rest is
 * the client's name.  Whatever comes out is valid UTF-8 in NFC, without
 * controls, format characters, line separators or path separators, fits
 * the buffer, and, for the uploads' types, is its own cleaning (with the
 * full buffer; for another type a cut may leave a new extension). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "upload.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const types[] = {
	"application/pdf", "image/jpeg", "image/png",
	"application/x-pkcs12", NULL,
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 b[UPLOAD_NAME_MAX + 1], again[UPLOAD_NAME_MAX + 1];
	char		*name, *r;
	const char	*type;
	const uint8_t	*p, *e;
	uint8_t		*nfc;
	size_t		 n, len, nlen;
	ucs4_t		 uc;
	int		 c;

	if (size < 2)
		return 0;
	type = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	n = data[1] % 4 == 0 ? 1 + data[1] % (UPLOAD_NAME_MAX + 1) :
	    sizeof(b);
	if ((name = malloc(size - 1)) == NULL)
		return 0;
	memcpy(name, data + 2, size - 2);
	name[size - 2] = '\0';
	memset(b, 'X', sizeof(b));
	if ((r = upload_name(b, n, name, type, "添付ファイル")) == NULL) {
		free(name);
		return 0;	/* out of memory */
	}
	len = strlen(r);
	if (r != b || len >= n || u8_check((const uint8_t *)r, len) != NULL)
		abort();
	for (p = (const uint8_t *)r, e = p + len; p < e; p += c) {
		if ((c = u8_mbtouc(&uc, p, e - p)) <= 0)
			abort();
		if (uc == '/' || uc == '\\' ||
		    uc_is_general_category(uc, UC_CATEGORY_Cc) ||
		    uc_is_general_category(uc, UC_CATEGORY_Cf) ||
		    uc_is_general_category(uc, UC_CATEGORY_Zl) ||
		    uc_is_general_category(uc, UC_CATEGORY_Zp))
			abort();
	}
	if (len > 0) {
		nlen = 0;
		nfc = u8_normalize(UNINORM_NFC, (const uint8_t *)r, len,
		    NULL, &nlen);
		if (nfc != NULL && (nlen != len || memcmp(nfc, r, len) != 0))
			abort();
		free(nfc);
	}
	if (n == sizeof(b)) {
		if (len == 0)
			abort();
		if (upload_type(type) != NULL && upload_name(again,
		    sizeof(again), r, type, "添付ファイル") != NULL &&
		    strcmp(again, r) != 0)
			abort();
	}
	free(name);
	return 0;
}
