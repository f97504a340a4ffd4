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
/* Whether a type is shown in the browser (Content-Disposition: inline):
 * the images; anything else is downloaded. */
int		 upload_inline(const char *type);
/* The longest name stored or served, in bytes: a file system's limit. */
#define UPLOAD_NAME_MAX	255
/*
 * The file name to store and serve for a client's name of a file of
 * type (a type of upload_sniff(), or any other for no extension rule):
 * without controls, format characters (bidirectional controls, zero
 * widths, soft hyphens...), line separators or path separators, nor
 * invalid UTF-8; in NFC; without spaces or dots at either end.  Its
 * extension is one of the type's (any case), else the type's own is
 * appended: "紹介状\u202Efdp.bat" of a PDF is "紹介状fdp.bat.pdf" (of
 * another type, an extension of up to 15 ASCII letters and digits is
 * kept as it is).  An
 * empty stem becomes dflt ("添付ファイル.pdf").  At most n - 1 bytes, a
 * long stem cut between characters (and their combining marks) with
 * the extension kept.  Written to b (n bytes, UPLOAD_NAME_MAX + 1 for
 * the stored limit); b, or NULL when out of memory.
 */
char		*upload_name(char *b, size_t n, const char *name,
		    const char *type, const char *dflt);
#endif
