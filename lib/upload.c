/* Uploaded files: the type by content (see upload.h). */
#include "config.h"

#include <string.h>

#include "upload.h"

static const struct {
	const char	*magic;
	size_t		 len;
	const char	*type;
	const char	*ext;
} upload_types[] = {
	{ "%PDF-", 5, "application/pdf", ".pdf" },
	{ "\xff\xd8\xff", 3, "image/jpeg", ".jpg" },
	{ "\x89PNG\r\n\x1a\n", 8, "image/png", ".png" },
};

#define UPLOAD_NTYPES	(sizeof(upload_types) / sizeof(upload_types[0]))

const char *
upload_sniff(const void *data, size_t len)
{
	size_t	 i;

	for (i = 0; data != NULL && i < UPLOAD_NTYPES; i++)
		if (len >= upload_types[i].len &&
		    memcmp(data, upload_types[i].magic,
		    upload_types[i].len) == 0)
			return upload_types[i].type;
	return NULL;
}

/* The row of a type string, or UPLOAD_NTYPES. */
static size_t
upload_row(const char *type)
{
	size_t	 i;

	for (i = 0; type != NULL && i < UPLOAD_NTYPES; i++)
		if (strcmp(type, upload_types[i].type) == 0)
			return i;
	return UPLOAD_NTYPES;
}

const char *
upload_type(const char *s)
{
	size_t	 i = upload_row(s);

	return i < UPLOAD_NTYPES ? upload_types[i].type : NULL;
}

const char *
upload_ext(const char *type)
{
	size_t	 i = upload_row(type);

	return i < UPLOAD_NTYPES ? upload_types[i].ext : "";
}
