/* Growable byte buffer: the whole response is built here before anything
 * is written, so an error at any point can still become an error page. */
#ifndef RK_BUF_H
#define RK_BUF_H
#include <stddef.h>

struct buf {
	char	*p;	/* always NUL-terminated when len > 0 */
	size_t	 len;
	size_t	 cap;
	int	 oom;	/* set once an allocation failed; later puts are no-ops */
};

void	buf_put(struct buf *, const void *, size_t);
void	buf_puts(struct buf *, const char *);
void	buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	buf_reset(struct buf *);	/* len = 0, keeps memory */
void	buf_free(struct buf *);
#endif
