/* A form refused: each refused field's Japanese message, the summary of
 * them in the order they were found (each line links to its field), and
 * what was typed, shown again.  Messages are kept as pointers (constants
 * or validator reasons), never copied or freed.  The summary's markup is
 * one fragment, www/templates/form_errors.xhtml. */
#ifndef RK_FORM_H
#define RK_FORM_H
#include <stddef.h>

#include "buf.h"
#include "req.h"

#define FORM_KEYS_MAX	48	/* the longest key table of a form */
#define FORM_ERRORS_MAX	24	/* summary lines kept */

struct form_error {
	char		 href[40];	/* "#" and the field's id */
	const char	*text;
};

struct form {
	const struct req	*req;
	const char		*err[FORM_KEYS_MAX];	/* per key, or NULL */
	struct form_error	 list[FORM_ERRORS_MAX];	/* the summary */
	size_t			 n;
};

/* An empty form over the request whose values it shows again. */
void		 form_init(struct form *, const struct req *);
/* Key k (an index of the request's key table) refused with msg: under
 * the field and in the summary, linked to "#id" (id NULL: the key's
 * name).  A field's first message is the one kept. */
void		 form_error(struct form *, size_t k, const char *id,
		    const char *msg);
/* The message of key k, or NULL. */
const char	*form_err(const struct form *, size_t k);
/* What was typed for key k, if it can be shown again (sent, text
 * without NUL, valid UTF-8, not a file), else NULL; form_text gives ""
 * instead of NULL, for slots and comparisons. */
const char	*form_value(const struct req *, size_t k);
const char	*form_text(const struct req *, size_t k);
/* The error summary (nothing when no field was refused). */
void		 form_summary(struct buf *, const struct form *);
#endif
