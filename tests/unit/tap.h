/* Minimal TAP producer for the unit tests. */
#ifndef RK_TAP_H
#define RK_TAP_H
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static void __attribute__((format(printf, 2, 3), unused))
tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
}

#define ok(cond, ...)	tap_ok(!!(cond), __VA_ARGS__)
#define is_str(got, want, ...) do { \
	const char *g_ = (got), *w_ = (want); \
	int c_ = g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0; \
	tap_ok(c_, __VA_ARGS__); \
	if (!c_) printf("#   got: '%s'\n#   expected: '%s'\n", \
	    g_ ? g_ : "(null)", w_ ? w_ : "(null)"); \
} while (0)

/* A check that cannot run here: "ok N # SKIP reason", counted as skipped. */
static void __attribute__((unused))
tap_skip(int n, const char *reason)
{
	while (n-- > 0)
		printf("ok %d # SKIP %s\n", ++tap_n, reason);
}

static int __attribute__((unused))
tap_done(void)
{
	printf("1..%d\n", tap_n);
	fflush(stdout);
	return tap_failed ? 1 : 0;
}
#endif
