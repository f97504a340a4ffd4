/* One line of JSON lines (audit export --format jsonl): a flat object
 * whose values are strings, numbers, null, true or false.  The parser
 * is strict: well-formed UTF-8, the escapes \" \\ \/ \b \f \n \r \t and
 * \uXXXX (a surrogate pair for what is beyond the BMP; \u0000 and lone
 * surrogates refused), JSON's numbers, no duplicate keys, nothing
 * after the object; no nesting. */
#ifndef RK_JLINE_H
#define RK_JLINE_H
#include <stddef.h>

#define JLINE_KEYS	64		/* keys per line at most */

enum jline_type { JLINE_STR, JLINE_NUM, JLINE_NULL, JLINE_TRUE,
	JLINE_FALSE };

struct jline {
	size_t		 n;
	struct {
		const char	*key;
		const char	*val;	/* decoded; a number's text;
					 * NULL for null; "t", "f" */
		enum jline_type	 type;
	}		 f[JLINE_KEYS];
	char		*mem;		/* the decoded strings */
};

/* line, len bytes (no newline), into j: 0, or -1 with why (a static
 * string) naming what is wrong.  jline_free after either. */
int		 jline_parse(const char *line, size_t len, struct jline *j,
		    const char **why);
/* The field key: 1 with *val and *type, 0 when absent. */
int		 jline_get(const struct jline *, const char *key,
		    const char **val, enum jline_type *type);
void		 jline_free(struct jline *);
#endif
