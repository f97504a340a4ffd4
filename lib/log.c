/* Logging: one call writes exactly one line to stderr.  fcgiwrap runs
 * the CGIs without -f, so their stderr is fcgiwrap's own: the journal
 * under the package's renrakucho-fcgiwrap.service (StandardError=
 * journal), log/fcgiwrap.log in the demo stack.  (With -f, fcgiwrap would
 * send it to nginx's error log, which writes the request line, query
 * string included, next to each line.)  renrakucho-admin and the signer
 * write to their own stderr, the journal under their units.  Whatever the
 * message contains (a client's header, a file name), control characters,
 * backslashes and bytes that are not UTF-8 are escaped as \xNN, so a log
 * line cannot be forged or split, and the line is bounded. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define LOG_LINE_MAX	2048	/* one line, prefix and newline included */
#define LOG_PROG_MAX	64

static char	log_prog[LOG_PROG_MAX] = "?";

/* Length of the well-formed, non-control UTF-8 multibyte sequence at s
 * (n bytes available), or 0.  C1 controls (U+0080..U+009F) count as
 * control characters and are escaped. */
static size_t
utf8_ok(const unsigned char *s, size_t n)
{
	uint32_t	 c;
	size_t		 len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff || c <= 0x9f)
		return 0;
	return len;
}

/* Escapes len bytes of s into dst (room bytes, NUL not counted) or, if
 * dst is NULL, only measures.  Stops before an escape or a UTF-8
 * sequence that would not fit; *used says how much of s was consumed. */
static size_t
emit(char *dst, size_t room, const char *s, size_t len, size_t *used)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i, o = 0, k;

	for (i = 0; i < len; i += k) {
		if (p[i] >= 0x80 && (k = utf8_ok(p + i, len - i)) > 0) {
			if (o + k > room)
				break;
			if (dst != NULL)
				memcpy(dst + o, p + i, k);
			o += k;
			continue;
		}
		k = 1;
		if (p[i] < 0x20 || p[i] >= 0x7f || p[i] == '\\') {
			if (o + 4 > room)
				break;
			if (dst != NULL) {
				dst[o] = '\\';
				dst[o + 1] = 'x';
				dst[o + 2] = hex[p[i] >> 4];
				dst[o + 3] = hex[p[i] & 0xf];
			}
			o += 4;
		} else {
			if (o + 1 > room)
				break;
			if (dst != NULL)
				dst[o] = (char)p[i];
			o++;
		}
	}
	*used = i;
	return o;
}

/* Escapes len bytes of s into dst (size n), NUL-terminated.  If they do
 * not all fit, or cut says the input was already truncated, the output
 * ends in "...".  Returns the output length. */
static size_t
escape(char *dst, size_t n, const char *s, size_t len, int cut)
{
	size_t	 need, used, o;

	if (n == 0)
		return 0;
	need = emit(NULL, SIZE_MAX, s, len, &used);
	if (!cut && need < n)
		o = emit(dst, n - 1, s, len, &used);
	else if (n > 4) {
		o = emit(dst, n - 4, s, len, &used);
		memcpy(dst + o, "...", 3);
		o += 3;
	} else
		o = emit(dst, n - 1, s, len, &used);
	dst[o] = '\0';
	return o;
}

void
log_escape(char *dst, size_t n, const char *s)
{
	if (n == 0)
		return;
	escape(dst, n, s, strlen(s), 0);
}

void
log_setprog(const char *prog)
{
	if (prog == NULL)
		prog = "?";
	/* Only the base name: argv[0] may be a full path. */
	if (strrchr(prog, '/') != NULL)
		prog = strrchr(prog, '/') + 1;
	escape(log_prog, sizeof(log_prog), prog, strlen(prog), 0);
}

static void __attribute__((format(printf, 1, 0)))
log_write(const char *fmt, va_list ap)
{
	char	 msg[LOG_LINE_MAX], line[LOG_LINE_MAX];
	int	 rc, saved = errno;
	size_t	 o, len, cut = 0;
	ssize_t	 w;

	rc = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (rc < 0) {
		strcpy(msg, "(log format error)");
		rc = (int)strlen(msg);
	}
	len = (size_t)rc;
	if (len >= sizeof(msg)) {
		len = sizeof(msg) - 1;
		cut = 1;
		/* Do not escape the pieces of a cut UTF-8 sequence. */
		o = len;
		while (o > 0 && len - o < 3 &&
		    ((unsigned char)msg[o - 1] & 0xc0) == 0x80)
			o--;
		if (o > 0 && (unsigned char)msg[o - 1] >= 0xc0)
			len = o - 1;
	}
	rc = snprintf(line, sizeof(line), "renrakucho[%s]: ", log_prog);
	o = rc > 0 && (size_t)rc < sizeof(line) ? (size_t)rc : 0;
	/* Leave one byte for the newline. */
	o += escape(line + o, sizeof(line) - o - 1, msg, len, cut);
	line[o++] = '\n';
	/* One write(2), so concurrent writers cannot interleave a line. */
	for (len = 0; len < o; len += (size_t)w) {
		w = write(STDERR_FILENO, line + len, o - len);
		if (w < 0 && errno == EINTR) {
			w = 0;
			continue;
		}
		if (w <= 0)
			break;
	}
	errno = saved;
}

void
log_err(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_write(fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_write(fmt, ap);
	va_end(ap);
}
