/*
 * Link-time stand-ins for the static CGIs only (configure
 * --enable-static-cgi; never linked into a dynamic program).  Linked
 * right after libpq.a, so what it defines is taken instead of the
 * libraries' own.
 *
 * 1. GSSAPI and LDAP.  Debian's libpq.a is built with both.  Linked
 * statically as is, it would pull libgssapi_krb5, libldap, GnuTLS,
 * p11-kit and Kerberos into every CGI; dynamically, it loads them at
 * every exec.  renrakucho uses neither: the CGIs reach pgbouncer over a
 * unix socket (libpq never tries GSSAPI there) with SCRAM, and their
 * connection parameters come from renrakucho.conf, never from an LDAP
 * service lookup.  Every function here fails the way the real one does
 * when nothing is available, so libpq gives up cleanly: gss_acquire_cred
 * fails -> no GSS encryption; a server asking for GSSAPI authentication
 * gets "GSSAPI is not available in this build"; ldap_init returns NULL
 * -> an ldap:// line in a service file is an error ("could not create
 * LDAP structure").  The types are the libraries' in shape (opaque
 * pointers as void *).
 *
 * 2. libpq's hashes, HMAC and random bytes (libpgcommon's pg_cryptohash_*
 * and pg_hmac_*, libpgport's pg_strong_random), used by SCRAM.  The
 * originals go through OpenSSL 3's EVP and RAND layers, whose first use
 * in a process loads the provider and name tables and instantiates a
 * DRBG: measured (callgrind) at about 3.3 million instructions for the
 * DRBG alone, most of a CGI's work, paid at every request.  Here: the
 * same hashes from OpenSSL's low-level functions (SHA256_Init...;
 * deprecated in 3.0, not removed: the same code EVP's default provider
 * runs, without the provider machinery), HMAC built from them as RFC 2104
 * says, and random bytes from getrandom(2), the kernel CSPRNG OpenSSL
 * itself seeds from (lib/random.h, header-only: the shim takes nothing
 * from librk.a, so it links after libpq.a alone).  The results
 * are the same to the bit (a wrong one fails SCRAM at every connection;
 * tests/unit/scram.sh logs in through the shim).
 */
#define OPENSSL_SUPPRESS_DEPRECATED	/* the low-level hashes, on purpose */

#include <sys/types.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/md5.h>
#include <openssl/sha.h>

#include "random.h"

/* --- 1. GSSAPI and LDAP ---------------------------------------------- */

#define SHIM_GSS_COMPLETE	0u
#define SHIM_GSS_FAILURE	(13u << 16)	/* GSS_S_FAILURE */

typedef uint32_t	shim_uint32;
struct shim_gss_buffer {			/* gss_buffer_desc */
	size_t		 length;
	void		*value;
};

extern void	*GSS_C_NT_HOSTBASED_SERVICE;
shim_uint32	 gss_acquire_cred(shim_uint32 *, void *, shim_uint32, void *,
		    int, void **, void **, shim_uint32 *);
shim_uint32	 gss_delete_sec_context(shim_uint32 *, void **,
		    struct shim_gss_buffer *);
shim_uint32	 gss_display_status(shim_uint32 *, shim_uint32, int, void *,
		    shim_uint32 *, struct shim_gss_buffer *);
shim_uint32	 gss_import_name(shim_uint32 *, struct shim_gss_buffer *,
		    void *, void **);
shim_uint32	 gss_init_sec_context(shim_uint32 *, void *, void **, void *,
		    void *, shim_uint32, shim_uint32, void *,
		    struct shim_gss_buffer *, void **, struct shim_gss_buffer *,
		    shim_uint32 *, shim_uint32 *);
shim_uint32	 gss_release_buffer(shim_uint32 *, struct shim_gss_buffer *);
shim_uint32	 gss_release_cred(shim_uint32 *, void **);
shim_uint32	 gss_release_name(shim_uint32 *, void **);
shim_uint32	 gss_unwrap(shim_uint32 *, void *, struct shim_gss_buffer *,
		    struct shim_gss_buffer *, int *, shim_uint32 *);
shim_uint32	 gss_wrap(shim_uint32 *, void *, int, shim_uint32,
		    struct shim_gss_buffer *, int *, struct shim_gss_buffer *);
shim_uint32	 gss_wrap_size_limit(shim_uint32 *, void *, int, shim_uint32,
		    shim_uint32, shim_uint32 *);

void		*ldap_init(const char *, int);
int		 ldap_count_entries(void *, void *);
char		*ldap_err2string(int);
void		*ldap_first_entry(void *, void *);
void		*ldap_get_values_len(void *, void *, const char *);
int		 ldap_msgfree(void *);
int		 ldap_result(void *, int, int, void *, void **);
int		 ldap_search_st(void *, const char *, int, const char *,
		    char **, int, void *, void **);
int		 ldap_set_option(void *, int, const void *);
int		 ldap_simple_bind(void *, const char *, const char *);
int		 ldap_unbind(void *);
void		 ldap_value_free_len(void *);

void	*GSS_C_NT_HOSTBASED_SERVICE = NULL;

static shim_uint32
shim_gss(shim_uint32 *minor, shim_uint32 major)
{
	if (minor != NULL)
		*minor = 0;
	return major;
}

static void
shim_gss_empty(struct shim_gss_buffer *b)
{
	if (b != NULL) {
		b->length = 0;
		b->value = NULL;
	}
}

shim_uint32
gss_acquire_cred(shim_uint32 *minor, void *name, shim_uint32 time_req,
    void *mechs, int usage, void **cred, void **actual, shim_uint32 *time_rec)
{
	if (cred != NULL)
		*cred = NULL;
	return shim_gss(minor, SHIM_GSS_FAILURE);
}

shim_uint32
gss_delete_sec_context(shim_uint32 *minor, void **ctx,
    struct shim_gss_buffer *out)
{
	if (ctx != NULL)
		*ctx = NULL;
	shim_gss_empty(out);
	return shim_gss(minor, SHIM_GSS_COMPLETE);
}

/* libpq prints whatever this returns (pg_GSS_error), so it must return a
 * message, and one only. */
shim_uint32
gss_display_status(shim_uint32 *minor, shim_uint32 status, int type,
    void *mech, shim_uint32 *more, struct shim_gss_buffer *msg)
{
	static char	 text[] = "GSSAPI is not available in this build";

	if (more != NULL)
		*more = 0;
	if (msg != NULL) {
		msg->length = sizeof(text) - 1;
		msg->value = text;
	}
	return shim_gss(minor, SHIM_GSS_COMPLETE);
}

shim_uint32
gss_import_name(shim_uint32 *minor, struct shim_gss_buffer *in, void *type,
    void **name)
{
	if (name != NULL)
		*name = NULL;
	return shim_gss(minor, SHIM_GSS_FAILURE);
}

shim_uint32
gss_init_sec_context(shim_uint32 *minor, void *cred, void **ctx, void *name,
    void *mech, shim_uint32 flags, shim_uint32 time_req, void *bindings,
    struct shim_gss_buffer *in, void **actual, struct shim_gss_buffer *out,
    shim_uint32 *ret_flags, shim_uint32 *time_rec)
{
	shim_gss_empty(out);
	return shim_gss(minor, SHIM_GSS_FAILURE);
}

/* Buffers from here are static or empty: nothing to free. */
shim_uint32
gss_release_buffer(shim_uint32 *minor, struct shim_gss_buffer *b)
{
	shim_gss_empty(b);
	return shim_gss(minor, SHIM_GSS_COMPLETE);
}

shim_uint32
gss_release_cred(shim_uint32 *minor, void **cred)
{
	if (cred != NULL)
		*cred = NULL;
	return shim_gss(minor, SHIM_GSS_COMPLETE);
}

shim_uint32
gss_release_name(shim_uint32 *minor, void **name)
{
	if (name != NULL)
		*name = NULL;
	return shim_gss(minor, SHIM_GSS_COMPLETE);
}

shim_uint32
gss_unwrap(shim_uint32 *minor, void *ctx, struct shim_gss_buffer *in,
    struct shim_gss_buffer *out, int *conf, shim_uint32 *qop)
{
	shim_gss_empty(out);
	return shim_gss(minor, SHIM_GSS_FAILURE);
}

shim_uint32
gss_wrap(shim_uint32 *minor, void *ctx, int conf_req, shim_uint32 qop,
    struct shim_gss_buffer *in, int *conf, struct shim_gss_buffer *out)
{
	shim_gss_empty(out);
	return shim_gss(minor, SHIM_GSS_FAILURE);
}

shim_uint32
gss_wrap_size_limit(shim_uint32 *minor, void *ctx, int conf_req,
    shim_uint32 qop, shim_uint32 out_max, shim_uint32 *in_max)
{
	if (in_max != NULL)
		*in_max = 0;
	return shim_gss(minor, SHIM_GSS_FAILURE);
}

/* libpq checks ldap_init first and stops there; the rest is never
 * reached, and fails if it is. */
void *
ldap_init(const char *host, int port)
{
	return NULL;
}

int
ldap_count_entries(void *ld, void *res)
{
	return -1;
}

char *
ldap_err2string(int err)
{
	static char	 text[] = "LDAP is not available in this build";

	return text;
}

void *
ldap_first_entry(void *ld, void *res)
{
	return NULL;
}

void *
ldap_get_values_len(void *ld, void *entry, const char *attr)
{
	return NULL;
}

int
ldap_msgfree(void *res)
{
	return 0;
}

int
ldap_result(void *ld, int id, int all, void *timeout, void **res)
{
	if (res != NULL)
		*res = NULL;
	return -1;
}

int
ldap_search_st(void *ld, const char *base, int scope, const char *filter,
    char **attrs, int attrsonly, void *timeout, void **res)
{
	if (res != NULL)
		*res = NULL;
	return -1;
}

int
ldap_set_option(void *ld, int opt, const void *val)
{
	return -1;
}

int
ldap_simple_bind(void *ld, const char *who, const char *pw)
{
	return -1;
}

int
ldap_unbind(void *ld)
{
	return 0;
}

void
ldap_value_free_len(void *vals)
{
}

/* --- 2. hashes, HMAC, random bytes for libpq ------------------------- */

/* PostgreSQL's pg_cryptohash_type (common/cryptohash.h), in its order. */
enum shim_hash { SHIM_MD5, SHIM_SHA1, SHIM_SHA224, SHIM_SHA256, SHIM_SHA384,
	SHIM_SHA512 };

struct pg_cryptohash_ctx {
	enum shim_hash	 type;
	const char	*err;
	union {
		MD5_CTX		 md5;
		SHA_CTX		 sha1;
		SHA256_CTX	 sha256;	/* also SHA-224 */
		SHA512_CTX	 sha512;	/* also SHA-384 */
	} u;
};

#define SHIM_BLOCK_MAX	128		/* SHA-384/512's block */

struct pg_hmac_ctx {
	struct pg_cryptohash_ctx h;
	unsigned char	 opad[SHIM_BLOCK_MAX];
	const char	*err;
};

struct pg_cryptohash_ctx *pg_cryptohash_create(int);
int		 pg_cryptohash_init(struct pg_cryptohash_ctx *);
int		 pg_cryptohash_update(struct pg_cryptohash_ctx *,
		    const uint8_t *, size_t);
int		 pg_cryptohash_final(struct pg_cryptohash_ctx *, uint8_t *,
		    size_t);
void		 pg_cryptohash_free(struct pg_cryptohash_ctx *);
const char	*pg_cryptohash_error(struct pg_cryptohash_ctx *);
struct pg_hmac_ctx *pg_hmac_create(int);
int		 pg_hmac_init(struct pg_hmac_ctx *, const uint8_t *, size_t);
int		 pg_hmac_update(struct pg_hmac_ctx *, const uint8_t *, size_t);
int		 pg_hmac_final(struct pg_hmac_ctx *, uint8_t *, size_t);
void		 pg_hmac_free(struct pg_hmac_ctx *);
const char	*pg_hmac_error(struct pg_hmac_ctx *);
void		 pg_strong_random_init(void);
bool		 pg_strong_random(void *, size_t);

static size_t
shim_hash_len(enum shim_hash t)
{
	switch (t) {
	case SHIM_MD5:		return MD5_DIGEST_LENGTH;
	case SHIM_SHA1:		return SHA_DIGEST_LENGTH;
	case SHIM_SHA224:	return SHA224_DIGEST_LENGTH;
	case SHIM_SHA256:	return SHA256_DIGEST_LENGTH;
	case SHIM_SHA384:	return SHA384_DIGEST_LENGTH;
	case SHIM_SHA512:	return SHA512_DIGEST_LENGTH;
	}
	return 0;
}

static size_t
shim_block_len(enum shim_hash t)
{
	return t == SHIM_SHA384 || t == SHIM_SHA512 ? 128 : 64;
}

struct pg_cryptohash_ctx *
pg_cryptohash_create(int type)
{
	struct pg_cryptohash_ctx	*c;

	if (type < SHIM_MD5 || type > SHIM_SHA512 ||
	    (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->type = (enum shim_hash)type;
	return c;
}

int
pg_cryptohash_init(struct pg_cryptohash_ctx *c)
{
	int	 ok = 0;

	if (c == NULL)
		return -1;
	switch (c->type) {
	case SHIM_MD5:		ok = MD5_Init(&c->u.md5); break;
	case SHIM_SHA1:		ok = SHA1_Init(&c->u.sha1); break;
	case SHIM_SHA224:	ok = SHA224_Init(&c->u.sha256); break;
	case SHIM_SHA256:	ok = SHA256_Init(&c->u.sha256); break;
	case SHIM_SHA384:	ok = SHA384_Init(&c->u.sha512); break;
	case SHIM_SHA512:	ok = SHA512_Init(&c->u.sha512); break;
	}
	c->err = ok ? NULL : "hash initialisation failed";
	return ok ? 0 : -1;
}

int
pg_cryptohash_update(struct pg_cryptohash_ctx *c, const uint8_t *d, size_t n)
{
	int	 ok = 0;

	if (c == NULL)
		return -1;
	switch (c->type) {
	case SHIM_MD5:		ok = MD5_Update(&c->u.md5, d, n); break;
	case SHIM_SHA1:		ok = SHA1_Update(&c->u.sha1, d, n); break;
	case SHIM_SHA224:	ok = SHA224_Update(&c->u.sha256, d, n); break;
	case SHIM_SHA256:	ok = SHA256_Update(&c->u.sha256, d, n); break;
	case SHIM_SHA384:	ok = SHA384_Update(&c->u.sha512, d, n); break;
	case SHIM_SHA512:	ok = SHA512_Update(&c->u.sha512, d, n); break;
	}
	c->err = ok ? NULL : "hash update failed";
	return ok ? 0 : -1;
}

int
pg_cryptohash_final(struct pg_cryptohash_ctx *c, uint8_t *out, size_t n)
{
	int	 ok = 0;

	if (c == NULL)
		return -1;
	if (n < shim_hash_len(c->type)) {
		c->err = "destination buffer too small";
		return -1;
	}
	switch (c->type) {
	case SHIM_MD5:		ok = MD5_Final(out, &c->u.md5); break;
	case SHIM_SHA1:		ok = SHA1_Final(out, &c->u.sha1); break;
	case SHIM_SHA224:	ok = SHA224_Final(out, &c->u.sha256); break;
	case SHIM_SHA256:	ok = SHA256_Final(out, &c->u.sha256); break;
	case SHIM_SHA384:	ok = SHA384_Final(out, &c->u.sha512); break;
	case SHIM_SHA512:	ok = SHA512_Final(out, &c->u.sha512); break;
	}
	c->err = ok ? NULL : "hash finalisation failed";
	return ok ? 0 : -1;
}

void
pg_cryptohash_free(struct pg_cryptohash_ctx *c)
{
	if (c == NULL)
		return;
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

const char *
pg_cryptohash_error(struct pg_cryptohash_ctx *c)
{
	if (c == NULL)
		return "out of memory";
	return c->err != NULL ? c->err : "success";
}

struct pg_hmac_ctx *
pg_hmac_create(int type)
{
	struct pg_hmac_ctx	*c;

	if (type < SHIM_MD5 || type > SHIM_SHA512 ||
	    (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->h.type = (enum shim_hash)type;
	return c;
}

/* RFC 2104: H((K0 ^ opad) || H((K0 ^ ipad) || text)), K0 the key padded
 * to the block, or its hash when longer than a block. */
int
pg_hmac_init(struct pg_hmac_ctx *c, const uint8_t *key, size_t len)
{
	unsigned char	 k0[SHIM_BLOCK_MAX];
	size_t		 bl, i;
	int		 rc = -1;

	if (c == NULL)
		return -1;
	bl = shim_block_len(c->h.type);
	memset(k0, 0, sizeof(k0));
	if (len > bl) {
		if (pg_cryptohash_init(&c->h) == -1 ||
		    pg_cryptohash_update(&c->h, key, len) == -1 ||
		    pg_cryptohash_final(&c->h, k0, sizeof(k0)) == -1)
			goto out;
	} else if (len > 0)
		memcpy(k0, key, len);
	for (i = 0; i < bl; i++) {
		c->opad[i] = k0[i] ^ 0x5c;
		k0[i] ^= 0x36;
	}
	if (pg_cryptohash_init(&c->h) == -1 ||
	    pg_cryptohash_update(&c->h, k0, bl) == -1)
		goto out;
	rc = 0;
out:
	c->err = rc == 0 ? NULL : pg_cryptohash_error(&c->h);
	OPENSSL_cleanse(k0, sizeof(k0));
	return rc;
}

int
pg_hmac_update(struct pg_hmac_ctx *c, const uint8_t *d, size_t n)
{
	if (c == NULL)
		return -1;
	if (pg_cryptohash_update(&c->h, d, n) == -1) {
		c->err = pg_cryptohash_error(&c->h);
		return -1;
	}
	return 0;
}

int
pg_hmac_final(struct pg_hmac_ctx *c, uint8_t *out, size_t n)
{
	unsigned char	 ih[SHA512_DIGEST_LENGTH];
	size_t		 hl;
	int		 rc = -1;

	if (c == NULL)
		return -1;
	hl = shim_hash_len(c->h.type);
	if (n < hl) {
		c->err = "destination buffer too small";
		return -1;
	}
	if (pg_cryptohash_final(&c->h, ih, sizeof(ih)) == -1 ||
	    pg_cryptohash_init(&c->h) == -1 ||
	    pg_cryptohash_update(&c->h, c->opad,
	    shim_block_len(c->h.type)) == -1 ||
	    pg_cryptohash_update(&c->h, ih, hl) == -1 ||
	    pg_cryptohash_final(&c->h, out, n) == -1)
		c->err = pg_cryptohash_error(&c->h);
	else {
		c->err = NULL;
		rc = 0;
	}
	OPENSSL_cleanse(ih, sizeof(ih));
	return rc;
}

void
pg_hmac_free(struct pg_hmac_ctx *c)
{
	if (c == NULL)
		return;
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

const char *
pg_hmac_error(struct pg_hmac_ctx *c)
{
	if (c == NULL)
		return "out of memory";
	return c->err != NULL ? c->err : "success";
}

void
pg_strong_random_init(void)
{
}

bool
pg_strong_random(void *buf, size_t len)
{
	return random_bytes(buf, len) == 0;
}
