/* Password hashing, random tokens, digests and constant-time compare.
 *
 * Stored password format:
 *	pbkdf2-sha256$<iter>$<salt>$<key>
 * <iter> is decimal without leading zeros (1000..10000000); <salt> (16
 * bytes) and <key> (32 bytes) are standard base64 (RFC 4648 section 4,
 * alphabet A-Z a-z 0-9 + /) without '=' padding, so 22 and 43 characters.
 * The '$' separator is outside that alphabet, which keeps parsing
 * unambiguous.  Tokens use base64url instead because they travel in
 * cookies and form fields. */

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* SHA-256 through the low-level SHA256_Init/Update/Final, deprecated in
 * OpenSSL 3.0 but not removed: EVP_Digest's first use in a process builds
 * OpenSSL 3's provider name tables, about 3 million instructions, several
 * times everything else a page does (tests/bench). */
#define OPENSSL_SUPPRESS_DEPRECATED

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "auth.h"
#include "random.h"

#define AUTH_PREFIX	"pbkdf2-sha256$"
#define AUTH_SALT_BYTES	16
#define AUTH_KEY_BYTES	32
#define AUTH_ITER_MIN	1000U
#define AUTH_ITER_MAX	10000000U
/* Longer passwords are refused rather than silently truncated; the
 * forms accept far less, this only bounds the int cast for OpenSSL. */
#define AUTH_PW_MAX	4096

static const char b64std[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static void
auth_sslerr(const char *what)
{
	char	 e[256];

	ERR_error_string_n(ERR_get_error(), e, sizeof(e));
	ERR_clear_error();
	fprintf(stderr, "auth: %s: %s\n", what, e);
}

/* Unpadded base64 of len bytes into out (size n).  Returns the number of
 * characters written (without the NUL) or -1 if out is too small. */
static int
auth_b64enc(const char *alpha, const unsigned char *in, size_t len,
    char *out, size_t n)
{
	size_t	 i, o = 0, need;
	uint32_t v;

	need = len / 3 * 4 + (len % 3 ? len % 3 + 1 : 0);
	if (need >= n || need > INT_MAX)
		return -1;
	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = alpha[v >> 18 & 63];
		out[o++] = alpha[v >> 12 & 63];
		out[o++] = alpha[v >> 6 & 63];
		out[o++] = alpha[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)in[i] << 16;
		out[o++] = alpha[v >> 18 & 63];
		out[o++] = alpha[v >> 12 & 63];
	} else if (len - i == 2) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8;
		out[o++] = alpha[v >> 18 & 63];
		out[o++] = alpha[v >> 12 & 63];
		out[o++] = alpha[v >> 6 & 63];
	}
	out[o] = '\0';
	return (int)o;
}

static int
auth_b64val(const char *alpha, char c)
{
	const char *p;

	if (c == '\0' || (p = strchr(alpha, c)) == NULL)
		return -1;
	return (int)(p - alpha);
}

/* Strict unpadded decode of exactly inlen characters into exactly outlen
 * bytes: the length must match and the unused low bits of the last
 * character must be zero, so each value has one encoding only. */
static int
auth_b64dec(const char *alpha, const char *in, size_t inlen,
    unsigned char *out, size_t outlen)
{
	size_t	 i, o = 0;
	uint32_t acc = 0;
	int	 bits = 0, v;

	if (inlen != outlen / 3 * 4 + (outlen % 3 ? outlen % 3 + 1 : 0))
		return -1;
	for (i = 0; i < inlen; i++) {
		if ((v = auth_b64val(alpha, in[i])) < 0)
			return -1;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= outlen)
				return -1;
			out[o++] = (unsigned char)(acc >> bits & 0xff);
		}
	}
	if (o != outlen || (acc & ((1U << bits) - 1)) != 0)
		return -1;
	return 0;
}

static int
auth_derive(const char *pw, const unsigned char *salt, unsigned iter,
    unsigned char key[AUTH_KEY_BYTES])
{
	size_t	 len;

	if (pw == NULL || (len = strlen(pw)) > AUTH_PW_MAX)
		return -1;
	if (iter < AUTH_ITER_MIN || iter > AUTH_ITER_MAX)
		return -1;
	if (PKCS5_PBKDF2_HMAC(pw, (int)len, salt, AUTH_SALT_BYTES,
	    (int)iter, EVP_sha256(), AUTH_KEY_BYTES, key) != 1) {
		auth_sslerr("PBKDF2");
		return -1;
	}
	return 0;
}

int
auth_hash_password(const char *pw, unsigned iter, char *out, size_t n)
{
	unsigned char	 salt[AUTH_SALT_BYTES], key[AUTH_KEY_BYTES];
	char		 s64[32], k64[48];
	int		 rc = -1, len;

	if (out == NULL || n == 0)
		return -1;
	out[0] = '\0';
	/* Small counts exist only for the tests; production passes
	 * AUTH_PBKDF2_ITER. */
	if (iter < AUTH_ITER_MIN || iter > AUTH_ITER_MAX)
		goto out;
	if (auth_random_bytes(salt, sizeof(salt)) == -1)
		goto out;
	if (auth_derive(pw, salt, iter, key) == -1)
		goto out;
	if (auth_b64enc(b64std, salt, sizeof(salt), s64, sizeof(s64)) < 0 ||
	    auth_b64enc(b64std, key, sizeof(key), k64, sizeof(k64)) < 0)
		goto out;
	len = snprintf(out, n, AUTH_PREFIX "%u$%s$%s", iter, s64, k64);
	if (len < 0 || (size_t)len >= n) {
		out[0] = '\0';
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

/* Parses "<digits>$", no sign, no leading zero, within the bounds. */
static int
auth_parse_iter(const char **pp, unsigned *iter)
{
	const char	*p = *pp;
	unsigned long	 v = 0;
	size_t		 nd = 0;

	if (*p == '0')
		return -1;
	while (*p >= '0' && *p <= '9') {
		if (++nd > 8)
			return -1;
		v = v * 10 + (unsigned long)(*p++ - '0');
	}
	if (nd == 0 || *p != '$' || v < AUTH_ITER_MIN || v > AUTH_ITER_MAX)
		return -1;
	*iter = (unsigned)v;
	*pp = p + 1;
	return 0;
}

int
auth_check_password(const char *pw, const char *stored)
{
	unsigned char	 salt[AUTH_SALT_BYTES], want[AUTH_KEY_BYTES];
	unsigned char	 got[AUTH_KEY_BYTES];
	const char	*p, *d;
	unsigned	 iter;
	int		 ok = 0;

	if (pw == NULL || stored == NULL || strlen(stored) >= AUTH_HASH_MAX)
		return 0;
	if (strncmp(stored, AUTH_PREFIX, sizeof(AUTH_PREFIX) - 1) != 0)
		return 0;
	p = stored + sizeof(AUTH_PREFIX) - 1;
	if (auth_parse_iter(&p, &iter) == -1)
		return 0;
	if ((d = strchr(p, '$')) == NULL ||
	    auth_b64dec(b64std, p, (size_t)(d - p), salt, sizeof(salt)) == -1)
		return 0;
	p = d + 1;
	if (auth_b64dec(b64std, p, strlen(p), want, sizeof(want)) == -1)
		return 0;
	if (auth_derive(pw, salt, iter, got) == -1)
		goto out;
	ok = CRYPTO_memcmp(got, want, sizeof(got)) == 0;
out:
	OPENSSL_cleanse(got, sizeof(got));
	OPENSSL_cleanse(want, sizeof(want));
	return ok;
}

/* lib/random.h says why not RAND_bytes. */
int
auth_random_bytes(void *buf, size_t len)
{
	if (random_bytes(buf, len) == -1) {
		fprintf(stderr, "auth: getrandom: %s\n",
		    errno != 0 ? strerror(errno) : "no bytes");
		return -1;
	}
	return 0;
}

int
auth_random_chars(char *out, size_t n, const char *alphabet)
{
	const size_t	 na = strlen(alphabet);
	unsigned char	 r[64];
	size_t		 i, o = 0, lim;

	if (na == 0 || na > 256)
		return -1;
	lim = 256 - 256 % na;
	while (o < n) {
		if (auth_random_bytes(r, sizeof(r)) == -1) {
			OPENSSL_cleanse(out, n);
			return -1;
		}
		for (i = 0; i < sizeof(r) && o < n; i++)
			if (r[i] < lim)
				out[o++] = alphabet[r[i] % na];
	}
	out[o] = '\0';
	OPENSSL_cleanse(r, sizeof(r));
	return 0;
}

void
auth_check_nothing(const char *pw)
{
	/* A well-formed hash that matches no password. */
	static const char *const none = "pbkdf2-sha256$600000$"
	    "AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

	(void)auth_check_password(pw, none);
}

int
auth_token(char *out, size_t n)
{
	unsigned char	 r[AUTH_TOKEN_BYTES];
	int		 rc = -1;

	if (out == NULL || n < AUTH_TOKEN_LEN + 1)
		return -1;
	out[0] = '\0';
	if (auth_random_bytes(r, sizeof(r)) == -1)
		goto out;
	if (auth_b64enc(b64url, r, sizeof(r), out, n) != AUTH_TOKEN_LEN) {
		out[0] = '\0';
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(r, sizeof(r));
	return rc;
}

void
auth_sha256_hex(const void *s, size_t len, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	SHA256_CTX	 c;
	unsigned char	 md[SHA256_DIGEST_LENGTH];
	unsigned int	 i;

	/* Cannot fail; if it ever does, an empty string matches no stored
	 * digest. */
	out[0] = '\0';
	if (!SHA256_Init(&c) || !SHA256_Update(&c, s, len) ||
	    !SHA256_Final(md, &c)) {
		auth_sslerr("SHA-256");
		return;
	}
	for (i = 0; i < sizeof(md); i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
}

int
auth_streq(const char *a, const char *b)
{
	size_t		 la, lb, n, i;
	unsigned	 diff;
	unsigned char	 ca, cb;

	if (a == NULL || b == NULL)
		return 0;
	la = strlen(a);
	lb = strlen(b);
	n = la > lb ? la : lb;
	/* Walk the longer length whatever the contents, so the time
	 * depends on the lengths only, never on where a mismatch is. */
	diff = la != lb;
	for (i = 0; i < n; i++) {
		ca = i < la ? (unsigned char)a[i] : 0;
		cb = i < lb ? (unsigned char)b[i] : 0;
		diff |= (unsigned)(ca ^ cb);
	}
	return diff == 0;
}
