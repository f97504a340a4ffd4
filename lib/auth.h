/* Passwords, random tokens, sessions and CSRF. */
#ifndef RK_AUTH_H
#define RK_AUTH_H
#include <stddef.h>
#include <libpq-fe.h>

#define AUTH_PBKDF2_ITER	600000
#define AUTH_TOKEN_BYTES	32	/* 256-bit session and CSRF tokens */
#define AUTH_TOKEN_LEN		43	/* base64url, no padding */
#define AUTH_HASH_MAX		128

/* "pbkdf2-sha256$<iter>$<salt b64>$<hash b64>" into out[AUTH_HASH_MAX].
 * 0 or -1. */
int	auth_hash_password(const char *pw, unsigned iter, char *out, size_t n);
/* 1 match, 0 mismatch or malformed stored hash (constant-time compare of
 * the derived key; the iteration count comes from the stored string). */
int	auth_check_password(const char *pw, const char *stored);
/* len bytes from the kernel's CSPRNG (getrandom(2)).  0 or -1. */
int	auth_random_bytes(void *buf, size_t len);
/* n characters drawn uniformly from alphabet (auth_random_bytes; bytes at or
 * above the largest multiple of the alphabet's size are discarded, so
 * there is no modulo bias) into out[n + 1].  0 or -1. */
int	auth_random_chars(char *out, size_t n, const char *alphabet);
/* Spend the same KDF time as a real check, for an unknown login or
 * pickup number, so that timing does not tell which exist. */
void	auth_check_nothing(const char *pw);
/* AUTH_TOKEN_BYTES of auth_random_bytes as base64url into out[AUTH_TOKEN_LEN+1]. */
int	auth_token(char *out, size_t n);
/* Lower-case hex SHA-256 of s into out[65]. */
void	auth_sha256_hex(const void *s, size_t len, char out[65]);
/* Constant-time equality of two NUL-terminated strings. */
int	auth_streq(const char *, const char *);
#endif
