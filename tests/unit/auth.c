/* Unit tests for lib/auth.c: password hashes, tokens, digests, compare. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "tap.h"

#define NTOK	1000

static int
cmpstr(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* Replace the character at offset off of a copy of h by c. */
static const char *
tamper(const char *h, size_t off, char c)
{
	static char	 t[2 * AUTH_HASH_MAX];

	snprintf(t, sizeof(t), "%s", h);
	if (off < strlen(t))
		t[off] = t[off] == c ? (c == 'A' ? 'B' : 'A') : c;
	return t;
}

static void
test_hash(void)
{
	char	 h[AUTH_HASH_MAX], h2[AUTH_HASH_MAX], t[2 * AUTH_HASH_MAX];
	char	*salt, *key;
	const char *pw = "correct horse 電池 staple";

	ok(auth_hash_password(pw, 1000, h, sizeof(h)) == 0, "hash iter 1000");
	ok(strncmp(h, "pbkdf2-sha256$1000$", 19) == 0, "hash format prefix");
	salt = strchr(h + 19, '$');
	ok(salt != NULL && salt - (h + 19) == 22, "salt is 22 chars");
	key = salt ? salt + 1 : h;
	ok(strlen(key) == 43, "key is 43 chars");
	ok(strchr(h, '=') == NULL, "no base64 padding");
	ok(auth_check_password(pw, h) == 1, "round trip");
	ok(auth_check_password("correct horse 電池 stapler", h) == 0,
	    "wrong password rejected");
	ok(auth_check_password("", h) == 0, "empty password rejected");

	ok(auth_hash_password(pw, 1000, h2, sizeof(h2)) == 0 &&
	    strcmp(h, h2) != 0, "two hashes of one password differ (salt)");
	ok(auth_check_password(pw, h2) == 1, "second hash checks");

	ok(auth_hash_password(pw, 999, t, sizeof(t)) == -1,
	    "iter < 1000 refused");
	ok(auth_hash_password(pw, 1000, t, 40) == -1, "short buffer refused");
	ok(auth_hash_password(NULL, 1000, t, sizeof(t)) == -1,
	    "NULL password refused");

	/* Tampering with each field. */
	ok(auth_check_password(pw, tamper(h, 19 + 3, 'x')) == 0,
	    "tampered salt rejected");
	ok(auth_check_password(pw, tamper(h, strlen(h) - 5, 'x')) == 0,
	    "tampered key rejected");
	snprintf(t, sizeof(t), "pbkdf2-sha256$1001$%s", h + 19);
	ok(auth_check_password(pw, t) == 0, "tampered iter rejected");
	snprintf(t, sizeof(t), "pbkdf2-sha512$1000$%s", h + 19);
	ok(auth_check_password(pw, t) == 0, "unknown algorithm rejected");
	snprintf(t, sizeof(t), "pbkdf2-sha256$01000$%s", h + 19);
	ok(auth_check_password(pw, t) == 0, "leading zero iter rejected");
	snprintf(t, sizeof(t), "pbkdf2-sha256$999$%s", h + 19);
	ok(auth_check_password(pw, t) == 0, "iter 999 rejected");
	snprintf(t, sizeof(t), "pbkdf2-sha256$10000001$%s", h + 19);
	ok(auth_check_password(pw, t) == 0, "iter > 10000000 rejected");
	snprintf(t, sizeof(t), "pbkdf2-sha256$+1000$%s", h + 19);
	ok(auth_check_password(pw, t) == 0, "signed iter rejected");
	snprintf(t, sizeof(t), "%s=", h);
	ok(auth_check_password(pw, t) == 0, "trailing padding rejected");
	snprintf(t, sizeof(t), "%sA", h);
	ok(auth_check_password(pw, t) == 0, "long key rejected");
	snprintf(t, sizeof(t), "%.*s", (int)strlen(h) - 1, h);
	ok(auth_check_password(pw, t) == 0, "short key rejected");
	snprintf(t, sizeof(t), "%s$", h);
	ok(auth_check_password(pw, t) == 0, "extra field rejected");
	snprintf(t, sizeof(t), "%s", h);
	t[19 + 22] = '#';
	ok(auth_check_password(pw, t) == 0, "bad separator rejected");
	/* The last key character carries 2 unused bits: a non-canonical
	 * encoding of the same key must not be accepted. */
	snprintf(t, sizeof(t), "%s", h);
	{
		static const char a64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "abcdefghijklmnopqrstuvwxyz0123456789+/";
		char	*last = t + strlen(t) - 1;
		int	 v = (int)(strchr(a64, *last) - a64);

		ok((v & 3) == 0, "canonical key ends with zero bits");
		*last = a64[v | 1];
	}
	ok(auth_check_password(pw, t) == 0, "non-canonical base64 rejected");
	snprintf(t, sizeof(t), "%s", h);
	t[19 + 3] = '-';
	ok(auth_check_password(pw, t) == 0, "base64url char rejected");

	ok(auth_check_password(pw, "") == 0, "empty stored rejected");
	ok(auth_check_password(pw, "pbkdf2-sha256$") == 0,
	    "truncated stored rejected");
	ok(auth_check_password(pw, "pbkdf2-sha256$1000$$") == 0,
	    "empty salt and key rejected");
	ok(auth_check_password(pw, NULL) == 0, "NULL stored rejected");
	ok(auth_check_password(NULL, h) == 0, "NULL password rejected");
}

static void
test_hash_production(void)
{
	char	 h[AUTH_HASH_MAX];

	ok(auth_hash_password("s3cret-パスワード", AUTH_PBKDF2_ITER, h,
	    sizeof(h)) == 0, "hash at %u iterations", AUTH_PBKDF2_ITER);
	ok(strncmp(h, "pbkdf2-sha256$600000$", 21) == 0,
	    "production iter recorded");
	ok(auth_check_password("s3cret-パスワード", h) == 1,
	    "production round trip");
}

/*
 * Known answers computed outside the project, at the production parameters
 * (PBKDF2-HMAC-SHA256, 600000 iterations, 16-byte salt, 32-byte key), by:
 *
 *	python3 -c 'import hashlib, base64, sys
 *	e = lambda b: base64.b64encode(b).decode().rstrip("=")
 *	pw, salt = sys.argv[1].encode(), sys.argv[2].encode("latin-1")
 *	k = hashlib.pbkdf2_hmac("sha256", pw, salt, 600000, 32)
 *	print("pbkdf2-sha256$600000$" + e(salt) + "$" + e(k))' PW SALT
 *
 * with PW "correct horse battery staple", SALT the bytes 0x00..0x0f, and
 * PW "電子連絡帳のパスワード" (UTF-8), SALT "renrakucho-salt!".
 */
static void
test_hash_known(void)
{
	static const char *const kat[][2] = {
		{ "correct horse battery staple", "pbkdf2-sha256$600000$"
		    "AAECAwQFBgcICQoLDA0ODw$"
		    "7xdxRO7JQgy8EJPSqLNEqSvFBtDU7JwCjdGfgyTYweY" },
		{ "電子連絡帳のパスワード", "pbkdf2-sha256$600000$"
		    "cmVucmFrdWNoby1zYWx0IQ$"
		    "RNRW5WuzJ+4r3KossNyVwwAzQ7wnPFWQ8x7GVf6WNdg" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(kat) / sizeof(kat[0]); i++) {
		ok(auth_check_password(kat[i][0], kat[i][1]) == 1,
		    "known answer %zu (Python hashlib.pbkdf2_hmac) matches", i);
		ok(auth_check_password("correct horse battery stapler",
		    kat[i][1]) == 0, "known answer %zu: another password "
		    "does not", i);
	}
	ok(strncmp(kat[0][1], "pbkdf2-sha256$", 14) == 0 &&
	    atoi(kat[0][1] + 14) == AUTH_PBKDF2_ITER,
	    "the known answers use the production iteration count");
}

static void
test_token(void)
{
	static char	 toks[NTOK][AUTH_TOKEN_LEN + 1];
	char		 t[AUTH_TOKEN_LEN + 1];
	size_t		 i;
	int		 good = 1, dup = 0;

	ok(auth_token(t, sizeof(t)) == 0, "token");
	ok(strlen(t) == AUTH_TOKEN_LEN, "token length 43");
	ok(strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789-_") == AUTH_TOKEN_LEN, "token charset base64url");
	ok(auth_token(t, AUTH_TOKEN_LEN) == -1, "token: short buffer refused");
	ok(auth_token(NULL, 100) == -1, "token: NULL refused");

	for (i = 0; i < NTOK; i++)
		if (auth_token(toks[i], sizeof(toks[i])) != 0 ||
		    strlen(toks[i]) != AUTH_TOKEN_LEN)
			good = 0;
	ok(good, "%d tokens generated", NTOK);
	qsort(toks, NTOK, sizeof(toks[0]), cmpstr);
	for (i = 1; i < NTOK; i++)
		if (strcmp(toks[i - 1], toks[i]) == 0)
			dup = 1;
	ok(!dup, "%d tokens all distinct", NTOK);
}

static void
test_sha256(void)
{
	char	 h[65];

	auth_sha256_hex("abc", 3, h);
	is_str(h, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad", "sha256(\"abc\")");
	auth_sha256_hex("", 0, h);
	is_str(h, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855", "sha256(\"\")");
}

static void
test_streq(void)
{
	ok(auth_streq("abc", "abc") == 1, "streq equal");
	ok(auth_streq("", "") == 1, "streq both empty");
	ok(auth_streq("abc", "abd") == 0, "streq last char differs");
	ok(auth_streq("abc", "xbc") == 0, "streq first char differs");
	ok(auth_streq("abc", "ab") == 0, "streq prefix (shorter)");
	ok(auth_streq("ab", "abc") == 0, "streq prefix (longer)");
	ok(auth_streq("", "a") == 0, "streq empty vs one");
	ok(auth_streq("abc", NULL) == 0, "streq NULL");
	ok(auth_streq(NULL, NULL) == 0, "streq both NULL");
	ok(auth_streq("テスト", "テスト") == 1, "streq UTF-8 equal");
}

int
main(void)
{
	test_hash();
	test_hash_production();
	test_hash_known();
	test_token();
	test_sha256();
	test_streq();
	{
		char	 rc[33];
		size_t	 k;
		int	 only = 1;

		ok(auth_random_chars(rc, 32, "0123456789") == 0 &&
		    strlen(rc) == 32, "random chars: length");
		for (k = 0; k < 32; k++)
			only &= rc[k] >= '0' && rc[k] <= '9';
		ok(only, "random chars: only from the alphabet");
		ok(auth_random_chars(rc, 4, "") == -1,
		    "random-chars-bad-empty-alphabet refused");
	}
	return tap_done();
}
