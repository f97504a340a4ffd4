/* Seals of the audit chain: Ed25519 keys, signing and checking (see
 * seal.h).  Linked into renrakucho-signer and renrakucho-admin only. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "pki_int.h"
#include "seal.h"

#define SEAL_SIG_LEN	64
#define SEAL_B64_LEN	88	/* base64 of 64 bytes */
#define SEAL_PEM_MAX	4096

int
seal_hash_ok(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

int
seal_unhex(const char *s, unsigned char out[32])
{
	int	 i, hi, lo;

	if (s == NULL || !seal_hash_ok(s))
		return -1;
	for (i = 0; i < 32; i++) {
		hi = s[2 * i] <= '9' ? s[2 * i] - '0' : s[2 * i] - 'a' + 10;
		lo = s[2 * i + 1] <= '9' ? s[2 * i + 1] - '0' :
		    s[2 * i + 1] - 'a' + 10;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

int
seal_chain_hash(const unsigned char prev[32],
    const char *const v[SEAL_CHAIN_FIELDS], char out[65])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[32];
	unsigned int		 mdlen = 0;
	EVP_MD_CTX		*ctx;
	int			 j, ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, prev, 32) == 1;
	for (j = 0; ok && j < SEAL_CHAIN_FIELDS; j++) {
		if (j > 0 && EVP_DigestUpdate(ctx, "", 1) != 1)
			ok = 0;
		else if (v[j] == NULL)
			ok = EVP_DigestUpdate(ctx, "-", 1) == 1;
		else
			ok = EVP_DigestUpdate(ctx, "+", 1) == 1 &&
			    EVP_DigestUpdate(ctx, v[j], strlen(v[j])) == 1;
	}
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 32;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	for (j = 0; j < 32; j++) {
		out[2 * j] = hex[md[j] >> 4];
		out[2 * j + 1] = hex[md[j] & 15];
	}
	out[64] = '\0';
	return 0;
}

static char *
seal_pubkey_pem(EVP_PKEY *key, size_t *lenp)
{
	BIO	*b;
	char	*s = NULL;

	if ((b = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PUBKEY(b, key) != 1)
		pki_sslerr("PEM_write_bio_PUBKEY", NULL);
	else
		s = pki_bio_str(b, lenp);
	BIO_free(b);
	return s;
}

static EVP_PKEY *
seal_key_load(const char *path, int private)
{
	EVP_PKEY	*k = NULL;
	BIO		*b;

	if ((b = BIO_new_file(path, "r")) == NULL) {
		pki_warnx("%s: %s", path, strerror(errno));
		return NULL;
	}
	k = private ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) :
	    PEM_read_bio_PUBKEY(b, NULL, NULL, NULL);
	BIO_free(b);
	if (k == NULL)
		pki_sslerr("PEM_read", path);
	else if (EVP_PKEY_get_id(k) != EVP_PKEY_ED25519) {
		pki_warnx("%s: not an Ed25519 key", path);
		EVP_PKEY_free(k);
		k = NULL;
	}
	return k;
}

EVP_PKEY *
seal_pub_load(const char *path)
{
	return seal_key_load(path, 0);
}

int
seal_keygen(const char *dir)
{
	char		 kp[PATH_MAX], pp[PATH_MAX];
	struct stat	 st;
	EVP_PKEY	*k = NULL;
	char		*kpem = NULL, *ppem = NULL;
	size_t		 klen = 0, plen = 0;
	int		 made = 0, rc = -1;

	if (pki_path(kp, sizeof(kp), dir, SEAL_KEY) == -1 ||
	    pki_path(pp, sizeof(pp), dir, SEAL_PUB) == -1)
		return -1;
	if (lstat(kp, &st) == 0) {
		if (lstat(pp, &st) == 0)
			return 0;
		if ((k = seal_key_load(kp, 1)) == NULL)
			return -1;
	} else {
		if ((k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) == NULL) {
			pki_sslerr("EVP_PKEY_Q_keygen", "ED25519");
			return -1;
		}
		if ((kpem = pki_key_pem(k, &klen)) == NULL ||
		    pki_write_file(kp, kpem, klen, 0600, 0) == -1)
			goto out;
		made = 1;
	}
	if ((ppem = seal_pubkey_pem(k, &plen)) == NULL ||
	    pki_write_file(pp, ppem, plen, 0644, 1) == -1)
		goto out;
	rc = made;
out:
	if (kpem != NULL)
		OPENSSL_cleanse(kpem, klen);
	free(kpem);
	free(ppem);
	EVP_PKEY_free(k);
	return rc;
}

int
seal_pub_pem(const char *dir, char **pem, size_t *lenp)
{
	char	 pp[PATH_MAX];
	FILE	*f;
	size_t	 len;

	*pem = NULL;
	if (pki_path(pp, sizeof(pp), dir, SEAL_PUB) == -1)
		return -1;
	if ((f = fopen(pp, "re")) == NULL) {
		pki_warnx("%s: %s", pp, strerror(errno));
		return -1;
	}
	if ((*pem = malloc(SEAL_PEM_MAX + 1)) == NULL) {
		fclose(f);
		return -1;
	}
	len = fread(*pem, 1, SEAL_PEM_MAX + 1, f);
	fclose(f);
	if (len == 0 || len > SEAL_PEM_MAX) {
		pki_warnx("%s: unreadable", pp);
		free(*pem);
		*pem = NULL;
		return -1;
	}
	(*pem)[len] = '\0';
	*lenp = len;
	return 0;
}

int
seal_sign(const char *dir, long long seq, const char *hash, struct seal *s)
{
	char		 kp[PATH_MAX], b64[SEAL_B64_LEN + 1];
	unsigned char	 sig[SEAL_SIG_LEN];
	size_t		 siglen = sizeof(sig), mlen;
	EVP_PKEY	*k = NULL;
	EVP_MD_CTX	*ctx = NULL;
	struct tm	 tm;
	time_t		 now = time(NULL);
	int		 rc = -1;

	memset(s, 0, sizeof(*s));
	if (seq < 1 || !seal_hash_ok(hash) ||
	    pki_path(kp, sizeof(kp), dir, SEAL_KEY) == -1)
		return -1;
	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(s->time, sizeof(s->time), "%Y-%m-%dT%H:%M:%SZ",
	    &tm) != 20)
		return -1;
	s->seq = seq;
	memcpy(s->hash, hash, 65);
	mlen = (size_t)snprintf(s->line, sizeof(s->line), "%lld %s %s", seq,
	    hash, s->time);
	if ((k = seal_key_load(kp, 1)) == NULL)
		goto out;
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, NULL, NULL, k) != 1 ||
	    EVP_DigestSign(ctx, sig, &siglen, (unsigned char *)s->line,
	    mlen) != 1 || siglen != SEAL_SIG_LEN) {
		pki_sslerr("EVP_DigestSign", kp);
		goto out;
	}
	if (EVP_EncodeBlock((unsigned char *)b64, sig, SEAL_SIG_LEN) !=
	    SEAL_B64_LEN)
		goto out;
	snprintf(s->line + mlen, sizeof(s->line) - mlen, " %s", b64);
	rc = 0;
out:
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(k);
	return rc;
}

int
seal_check(EVP_PKEY *pub, const char *line, struct seal *s)
{
	unsigned char	 sig[SEAL_SIG_LEN + 3];
	const char	*sp[3], *b64;
	EVP_MD_CTX	*ctx = NULL;
	char		*e;
	size_t		 len = strlen(line), i, n = 0;
	int		 rc = -2;

	memset(s, 0, sizeof(*s));
	if (len == 0 || len >= sizeof(s->line))
		return -1;
	for (i = 0; i < len; i++) {
		if (line[i] == ' ') {
			if (n == 3)
				return -1;
			sp[n++] = line + i;
		} else if ((unsigned char)line[i] < 0x21 ||
		    (unsigned char)line[i] > 0x7e)
			return -1;
	}
	if (n != 3 || line[0] < '1' || line[0] > '9')
		return -1;
	errno = 0;
	s->seq = strtoll(line, &e, 10);
	if (errno != 0 || e != sp[0] || s->seq < 1)
		return -1;
	if (sp[1] - sp[0] - 1 != 64 || sp[2] - sp[1] - 1 != 20)
		return -1;
	memcpy(s->hash, sp[0] + 1, 64);
	s->hash[64] = '\0';
	memcpy(s->time, sp[1] + 1, 20);
	s->time[20] = '\0';
	if (!seal_hash_ok(s->hash))
		return -1;
	b64 = sp[2] + 1;
	if (strlen(b64) != SEAL_B64_LEN ||
	    EVP_DecodeBlock(sig, (const unsigned char *)b64,
	    SEAL_B64_LEN) != SEAL_SIG_LEN + 2 || b64[SEAL_B64_LEN - 1] != '=' ||
	    b64[SEAL_B64_LEN - 2] != '=')
		return -1;
	memcpy(s->line, line, len + 1);
	if ((ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, pub) == 1 &&
	    EVP_DigestVerify(ctx, sig, SEAL_SIG_LEN,
	    (const unsigned char *)line, (size_t)(sp[2] - line)) == 1)
		rc = 0;
	EVP_MD_CTX_free(ctx);
	return rc;
}
