/* Random bytes from the kernel's CSPRNG, which OpenSSL's own generator is
 * seeded from: RAND_bytes' first use in a process sets up OpenSSL 3's
 * DRBG and its providers, about 1.8 ms, more than a whole page
 * (tests/bench).  getrandom(2) without flags blocks only until the pool
 * is first initialised; a signal may cut it short.  Header-only: lib/auth.c
 * and lib/pqshim.c (linked after libpq.a, without librk.a) both use it. */
#ifndef RK_RANDOM_H
#define RK_RANDOM_H

#include <sys/types.h>
#include <sys/random.h>

#include <errno.h>
#include <stddef.h>

/* All len bytes into buf: 0, or -1 with errno set (0 when getrandom
 * returned no bytes). */
static inline int
random_bytes(void *buf, size_t len)
{
	size_t	 off = 0;
	ssize_t	 n;

	while (off < len) {
		n = getrandom((char *)buf + off, len - off, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = 0;
			return -1;
		}
		off += (size_t)n;
	}
	return 0;
}

#endif
