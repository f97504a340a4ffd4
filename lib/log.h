/* One call, one line on stderr: a CGI's is fcgiwrap's own (fcgiwrap runs
 * without -f), the journal under the package's unit.  Control characters
 * and non-UTF-8 bytes are escaped as \xNN.  No personal data: callers log
 * ids, SQLSTATEs, constraint names, never a field's value. */
#ifndef RK_LOG_H
#define RK_LOG_H
void	log_setprog(const char *);
void	log_err(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
/* Escape s into dst (size n, NUL-terminated, truncated). */
void	log_escape(char *dst, size_t n, const char *s);
#endif
