/* Uploaded files (the signed consent document, message attachments):
 * what a file is, decided by its first bytes (magic numbers), never by
 * its name or the type the browser declared.  PDF, JPEG and PNG only --
 * the types the schema's CHECK constraints allow. */
#ifndef RK_UPLOAD_H
#define RK_UPLOAD_H
#include <stddef.h>

/* "application/pdf", "image/jpeg" or "image/png" for len bytes at data,
 * or NULL for anything else.  The result is a constant string. */
const char	*upload_sniff(const void *data, size_t len);
/* The constant string of the same type as s (a type stored by an
 * earlier upload), or NULL if s is not one of them: a pointer that
 * outlives the query result, as app_download() needs. */
const char	*upload_type(const char *s);
/* A file name extension for a type of upload_sniff(): ".pdf", ".jpg",
 * ".png"; "" for anything else. */
const char	*upload_ext(const char *type);
#endif
