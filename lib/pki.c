/* The web tier's side of the certificates: a device's new key pair,
 * the PKCS#12 bundle made from that key and the certificate the signer
 * returned, fingerprints, and reading a CRL's serials and nextUpdate.
 * Nothing here reads a CA key: signing and the CRL are pki_ca.c's,
 * linked into renrakucho-signer (and renrakucho-admin's local CA verbs)
 * only, never into a CGI.
 *
 * Files are written to "<name>.tmp", fsync'd and then renamed (or,
 * where overwriting is refused, hard-linked) into place, so a reader
 * never sees a half-written key, certificate or CRL. */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "auth.h"
#include "pki.h"
#include "pki_int.h"

#define PKI_PW_LEN	20
#define PKI_PUB_MAX	4096	/* PEM SubjectPublicKeyInfo, bytes */
#define PKI_CHAIN_MAX	65536	/* the signer's answer, bytes */

/* No 0/O, 1/l/I: the password is read off a screen or paper. */
static const char pki_pwalpha[] =
    "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* Length of the valid UTF-8 sequence at s (1..4), or 0. */
static size_t
pki_utf8len(const unsigned char *s)
{
	size_t	 n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return 0;
	for (i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* Overlong forms, surrogates and code points past U+10FFFF. */
	if ((s[0] == 0xe0 && s[1] < 0xa0) || (s[0] == 0xed && s[1] >= 0xa0) ||
	    (s[0] == 0xf0 && s[1] < 0x90) || (s[0] == 0xf4 && s[1] >= 0x90))
		return 0;
	return n;
}

/* One line on stderr.  The arguments may carry a path or a label typed
 * by someone: control characters and bytes that are not UTF-8 are
 * written as \xNN so the line stays one line of text. */
void
pki_warnx(const char *fmt, ...)
{
	char		 msg[1024], out[4 * sizeof(msg)];
	const unsigned char *p;
	size_t		 o = 0, n;
	va_list		 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (p = (const unsigned char *)msg; *p != '\0'; p += n) {
		n = pki_utf8len(p);
		if (n == 0 || *p < 0x20 || *p == 0x7f) {
			snprintf(out + o, sizeof(out) - o, "\\x%02x", *p);
			o += 4;
			n = 1;
		} else {
			memcpy(out + o, p, n);
			o += n;
		}
	}
	out[o] = '\0';
	fprintf(stderr, "pki: %s\n", out);
}

/* The first queued OpenSSL error (usually the cause) with context. */
void
pki_sslerr(const char *what, const char *arg)
{
	char		 e[256];
	unsigned long	 code;

	if ((code = ERR_get_error()) == 0)
		snprintf(e, sizeof(e), "unknown OpenSSL error");
	else
		ERR_error_string_n(code, e, sizeof(e));
	ERR_clear_error();
	if (arg != NULL)
		pki_warnx("%s: %s: %s", what, arg, e);
	else
		pki_warnx("%s: %s", what, e);
}

int
pki_path(char *out, size_t n, const char *dir, const char *name)
{
	int	 len;

	len = snprintf(out, n, "%s/%s", dir, name);
	if (len < 0 || (size_t)len >= n) {
		pki_warnx("path too long: %s/%s", dir, name);
		return -1;
	}
	return 0;
}

void
pki_hex(const unsigned char *p, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t	 i;

	for (i = 0; i < len; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 15];
	}
	out[2 * len] = '\0';
}

/* Best effort: makes a completed rename durable.  Some file systems
 * refuse fsync on a directory; the rename itself already happened. */
static void
pki_syncdir(const char *path)
{
	char	 d[PATH_MAX];
	char	*s;
	int	 fd;

	if (snprintf(d, sizeof(d), "%s", path) >= (int)sizeof(d))
		return;
	if ((s = strrchr(d, '/')) == NULL)
		snprintf(d, sizeof(d), ".");
	else if (s == d)
		s[1] = '\0';
	else
		*s = '\0';
	if ((fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	(void)fsync(fd);
	close(fd);
}

/* Writes data to path.tmp with the given mode, fsyncs it and moves it
 * into place: rename() when replacing is allowed, else link() so an
 * existing file is never overwritten (EEXIST).  0/-1. */
int
pki_write_file(const char *path, const void *data, size_t len,
    mode_t mode, int replace)
{
	char		 tmp[PATH_MAX];
	const char	*p = data;
	ssize_t		 w;
	int		 fd = -1, rc = -1, tmpmade = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		pki_warnx("path too long: %s", path);
		return -1;
	}
	/* A stale tmp from a crash must not donate its mode or owner. */
	if (unlink(tmp) == -1 && errno != ENOENT) {
		pki_warnx("%s: unlink: %s", tmp, strerror(errno));
		return -1;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    mode);
	if (fd == -1) {
		pki_warnx("%s: %s", tmp, strerror(errno));
		goto out;
	}
	tmpmade = 1;
	while (len > 0) {
		if ((w = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			pki_warnx("%s: write: %s", tmp, strerror(errno));
			goto out;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) == -1) {
		pki_warnx("%s: fsync: %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) == -1) {
		fd = -1;
		pki_warnx("%s: close: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (replace) {
		if (rename(tmp, path) == -1) {
			pki_warnx("%s: rename: %s", path, strerror(errno));
			goto out;
		}
		tmpmade = 0;
	} else if (link(tmp, path) == -1) {
		pki_warnx("%s: %s", path, errno == EEXIST ?
		    "exists, refusing to overwrite" : strerror(errno));
		goto out;
	}
	pki_syncdir(path);
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	if (tmpmade)
		(void)unlink(tmp);
	return rc;
}

/* Copies a memory BIO's contents into a new NUL-terminated string. */
char *
pki_bio_str(BIO *b, size_t *lenp)
{
	char	*data, *s;
	long	 len;

	if ((len = BIO_get_mem_data(b, &data)) <= 0) {
		pki_warnx("empty PEM output");
		return NULL;
	}
	if ((s = malloc((size_t)len + 1)) == NULL) {
		pki_warnx("malloc: %s", strerror(errno));
		return NULL;
	}
	memcpy(s, data, (size_t)len);
	s[len] = '\0';
	if (lenp != NULL)
		*lenp = (size_t)len;
	return s;
}

char *
pki_key_pem(EVP_PKEY *key, size_t *lenp)
{
	BIO	*b;
	char	*s = NULL;

	/* secmem: the BIO's buffer is wiped when freed. */
	if ((b = BIO_new(BIO_s_secmem())) == NULL ||
	    PEM_write_bio_PKCS8PrivateKey(b, key, NULL, NULL, 0,
	    NULL, NULL) != 1)
		pki_sslerr("PEM_write_bio_PKCS8PrivateKey", NULL);
	else
		s = pki_bio_str(b, lenp);
	BIO_free(b);
	return s;
}

char *
pki_cert_pem(X509 *x, size_t *lenp)
{
	BIO	*b;
	char	*s = NULL;

	if ((b = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509(b, x) != 1)
		pki_sslerr("PEM_write_bio_X509", NULL);
	else
		s = pki_bio_str(b, lenp);
	BIO_free(b);
	return s;
}

EVP_PKEY *
pki_keygen(void)
{
	EVP_PKEY *k;

	if ((k = EVP_EC_gen("P-256")) == NULL)
		pki_sslerr("EC P-256 key generation", NULL);
	return k;
}

int
pki_serial_hex(X509 *x, char out[41])
{
	BIGNUM	*bn;
	char	*h = NULL;
	int	 rc = -1;

	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)) ==
	    NULL || (h = BN_bn2hex(bn)) == NULL)
		pki_sslerr("serial number", NULL);
	else if (strlen(h) >= 41 || h[0] == '-')
		pki_warnx("serial number out of range: %s", h);
	else {
		memcpy(out, h, strlen(h) + 1);
		rc = 0;
	}
	OPENSSL_free(h);
	BN_free(bn);
	return rc;
}

/* Human-entered names: non-empty, bounded, no control characters.
 * UTF-8 validity and the X.520 length limits are checked again by
 * OpenSSL when the name is encoded. */
int
pki_name_ok(const char *what, const char *s)
{
	size_t	 i, len;

	if (s == NULL || (len = strlen(s)) == 0 || len > PKI_NAME_MAX) {
		pki_warnx("%s: empty or longer than %d bytes", what,
		    PKI_NAME_MAX);
		return 0;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			pki_warnx("%s: control character", what);
			return 0;
		}
	return 1;
}

/* PKI_PW_LEN characters of pki_pwalpha, uniformly. */
static int
pki_password(char *out, size_t n)
{
	if (n < PKI_PW_LEN + 1)
		return -1;
	return auth_random_chars(out, PKI_PW_LEN, pki_pwalpha);
}

int
pki_der_sha256(X509 *x, char out[65])
{
	unsigned char	*der = NULL;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	int		 len, rc = -1;

	if ((len = i2d_X509(x, &der)) <= 0 ||
	    EVP_Digest(der, (size_t)len, md, &mdlen, EVP_sha256(), NULL) != 1 ||
	    mdlen != 32)
		pki_sslerr("certificate SHA-256", NULL);
	else {
		pki_hex(md, mdlen, out);
		rc = 0;
	}
	OPENSSL_free(der);
	return rc;
}

/* The label as a PKCS#12 friendlyName, a BMPString: a character beyond
 * U+FFFF (an emoji) becomes U+FFFD, which OpenSSL would refuse whole
 * ("illegal characters").  The certificate's CN keeps the label as is. */
static void
pki_bmp_name(char *out, size_t n, const char *label)
{
	const unsigned char	*s = (const unsigned char *)label;
	size_t			 o = 0;

	/* Never longer than the label: n > strlen(label) is enough. */
	while (*s != '\0' && o + 3 < n) {
		if (*s >= 0xf0) {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			for (s++; (*s & 0xc0) == 0x80; s++)
				continue;
		} else
			out[o++] = (char)*s++;
	}
	out[o] = '\0';
}

/* PKCS#12 with AES-256-CBC for key and certificates (PBES2 with PBKDF2
 * and HMAC-SHA256, OpenSSL 3's default PRF) and a SHA-256 MAC: what
 * current Windows, macOS/iOS, Android and NSS import, unlike the legacy
 * RC2/3DES bags. */
static int
pki_p12(struct pki_issued *iss, const char *label, EVP_PKEY *key, X509 *x,
    X509 *ca)
{
	STACK_OF(X509)	*chain = NULL;
	PKCS12		*p12 = NULL;
	unsigned char	*der = NULL;
	char		 name[PKI_NAME_MAX + 4];
	int		 len, rc = -1;

	pki_bmp_name(name, sizeof(name), label);
	if ((chain = sk_X509_new_null()) == NULL ||
	    sk_X509_push(chain, ca) <= 0) {
		pki_sslerr("PKCS#12 chain", NULL);
		goto out;
	}
	/* mac_iter -1: no MAC here, added below with SHA-256 (the
	 * default would be SHA-1). */
	if ((p12 = PKCS12_create_ex(iss->p12_password, name, key, x, chain,
	    NID_aes_256_cbc, NID_aes_256_cbc, PKCS12_DEFAULT_ITER, -1, 0,
	    NULL, NULL)) == NULL) {
		pki_sslerr("PKCS12_create_ex", label);
		goto out;
	}
	if (PKCS12_set_mac(p12, iss->p12_password, -1, NULL, 0,
	    PKCS12_DEFAULT_ITER, EVP_sha256()) != 1) {
		pki_sslerr("PKCS12_set_mac", NULL);
		goto out;
	}
	if ((len = i2d_PKCS12(p12, &der)) <= 0) {
		pki_sslerr("i2d_PKCS12", NULL);
		goto out;
	}
	if ((iss->p12 = malloc((size_t)len)) == NULL) {
		pki_warnx("malloc: %s", strerror(errno));
		goto out;
	}
	memcpy(iss->p12, der, (size_t)len);
	iss->p12_len = (size_t)len;
	rc = 0;
out:
	OPENSSL_free(der);
	PKCS12_free(p12);
	sk_X509_free(chain);	/* ca itself belongs to the caller */
	return rc;
}

void
pki_issued_free(struct pki_issued *iss)
{
	if (iss == NULL)
		return;
	free(iss->cert_pem);
	if (iss->key_pem != NULL)
		OPENSSL_clear_free(iss->key_pem, strlen(iss->key_pem));
	if (iss->p12 != NULL)
		OPENSSL_clear_free(iss->p12, iss->p12_len);
	OPENSSL_cleanse(iss, sizeof(*iss));
}

int
pki_pem_sha256(const char *pem, char out[65])
{
	BIO		*b = NULL;
	char		*name = NULL, *hdr = NULL;
	unsigned char	*der = NULL;
	const unsigned char *p;
	long		 dlen, slen;
	size_t		 len;
	int		 tag, class, rc = -1;

	out[0] = '\0';
	/* A certificate with a long chain of extensions stays well under
	 * this; nginx's own header limits are smaller still. */
	if (pem == NULL || (len = strlen(pem)) == 0 || len > 65536) {
		pki_warnx("certificate PEM: empty or too long");
		return -1;
	}
	/* The DER bytes as they are, hashed without decoding them: nginx has
	 * verified the certificate, and an X509 parse sets up OpenSSL 3's
	 * decoders and providers, most of a CGI's work (tests/bench).  The
	 * digest is the same as pki_der_sha256's. */
	if ((b = BIO_new_mem_buf(pem, (int)len)) == NULL ||
	    PEM_read_bio(b, &name, &hdr, &der, &dlen) != 1) {
		pki_sslerr("certificate PEM", NULL);
		goto out;
	}
	/* One DER SEQUENCE filling the block: the shape of a certificate,
	 * checked without OpenSSL's decoders. */
	p = der;
	if (strcmp(name, PEM_STRING_X509) != 0 || *hdr != '\0' || dlen <= 0 ||
	    (ASN1_get_object(&p, &slen, &tag, &class, dlen) & 0x80) != 0 ||
	    tag != V_ASN1_SEQUENCE || class != V_ASN1_UNIVERSAL ||
	    p + slen != der + dlen) {
		pki_warnx("certificate PEM: not one certificate");
		goto out;
	}
	auth_sha256_hex(der, (size_t)dlen, out);
	rc = out[0] != '\0' ? 0 : -1;
out:
	OPENSSL_free(name);
	OPENSSL_free(hdr);
	OPENSSL_free(der);
	BIO_free(b);
	return rc;
}

int
pki_keypair_new(struct pki_keypair *kp)
{
	EVP_PKEY	*key;
	BIO		*b = NULL;
	int		 rc = -1;

	memset(kp, 0, sizeof(*kp));
	if ((key = pki_keygen()) == NULL)
		return -1;
	if ((kp->key_pem = pki_key_pem(key, NULL)) == NULL)
		goto out;
	if ((b = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_PUBKEY(b, key) != 1) {
		pki_sslerr("PEM_write_bio_PUBKEY", NULL);
		goto out;
	}
	if ((kp->pub_pem = pki_bio_str(b, NULL)) == NULL)
		goto out;
	rc = 0;
out:
	BIO_free(b);
	EVP_PKEY_free(key);
	if (rc == -1)
		pki_keypair_free(kp);
	return rc;
}

void
pki_keypair_free(struct pki_keypair *kp)
{
	if (kp == NULL)
		return;
	if (kp->key_pem != NULL)
		OPENSSL_clear_free(kp->key_pem, strlen(kp->key_pem));
	free(kp->pub_pem);
	memset(kp, 0, sizeof(*kp));
}

/* t as seconds since the epoch, exactly. */
static int
pki_time(const ASN1_TIME *t, time_t *out)
{
	ASN1_TIME	*epoch;
	int		 day, sec, rc = -1;

	if ((epoch = ASN1_TIME_set(NULL, 0)) != NULL &&
	    ASN1_TIME_diff(&day, &sec, epoch, t) == 1) {
		*out = (time_t)day * 86400 + sec;
		rc = 0;
	} else
		pki_sslerr("certificate time", NULL);
	ASN1_TIME_free(epoch);
	return rc;
}

int
pki_bundle(const char *key_pem, const char *chain_pem, const char *label,
    struct pki_issued *iss)
{
	BIO		*b = NULL;
	EVP_PKEY	*key = NULL;
	X509		*x = NULL, *ca = NULL;
	size_t		 len;
	int		 rc = -1;

	if (iss == NULL)
		return -1;
	memset(iss, 0, sizeof(*iss));
	if (key_pem == NULL || chain_pem == NULL ||
	    !pki_name_ok("label", label) ||
	    (len = strlen(chain_pem)) == 0 || len > PKI_CHAIN_MAX) {
		pki_warnx("bundle: bad arguments");
		return -1;
	}
	if ((b = BIO_new_mem_buf(key_pem, -1)) == NULL ||
	    (key = PEM_read_bio_PrivateKey(b, NULL, NULL, "")) == NULL) {
		pki_sslerr("bundle: private key", NULL);
		goto out;
	}
	BIO_free(b);
	if ((b = BIO_new_mem_buf(chain_pem, (int)len)) == NULL ||
	    (x = PEM_read_bio_X509(b, NULL, NULL, NULL)) == NULL ||
	    (ca = PEM_read_bio_X509(b, NULL, NULL, NULL)) == NULL) {
		pki_sslerr("bundle: certificate and CA certificate", NULL);
		goto out;
	}
	/* The signer signed the public key recorded for this request: a
	 * certificate for any other key, or not by that CA, is refused. */
	if (X509_check_private_key(x, key) != 1) {
		pki_sslerr("bundle: the certificate is not for this key", NULL);
		goto out;
	}
	if (X509_verify(x, X509_get0_pubkey(ca)) != 1) {
		pki_sslerr("bundle: the certificate is not the CA's", NULL);
		goto out;
	}
	if (pki_time(X509_get0_notAfter(x), &iss->not_after) == -1 ||
	    pki_serial_hex(x, iss->serial) == -1 ||
	    pki_der_sha256(x, iss->sha256) == -1 ||
	    (iss->cert_pem = pki_cert_pem(x, NULL)) == NULL ||
	    (iss->key_pem = pki_key_pem(key, NULL)) == NULL ||
	    pki_password(iss->p12_password, sizeof(iss->p12_password)) == -1 ||
	    pki_p12(iss, label, key, x, ca) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		pki_issued_free(iss);
	BIO_free(b);
	EVP_PKEY_free(key);
	X509_free(x);
	X509_free(ca);
	return rc;
}

static int
pki_strcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
pki_crl_summary(const char *pem, size_t len, char **serials, time_t *next)
{
	BIO		*b = NULL;
	X509_CRL	*crl = NULL;
	STACK_OF(X509_REVOKED) *revs;
	BIGNUM		*bn = NULL;
	char		**v = NULL, *s = NULL, *p;
	size_t		 i, k, n = 0, total = 1;
	int		 rc = -1;

	*serials = NULL;
	*next = 0;
	if (pem == NULL || len == 0 || len > 16 * 1024 * 1024 ||
	    (b = BIO_new_mem_buf(pem, (int)len)) == NULL ||
	    (crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL)) == NULL) {
		pki_sslerr("CRL", NULL);
		goto out;
	}
	if (X509_CRL_get0_nextUpdate(crl) == NULL ||
	    pki_time(X509_CRL_get0_nextUpdate(crl), next) == -1) {
		pki_warnx("CRL without nextUpdate");
		goto out;
	}
	revs = X509_CRL_get_REVOKED(crl);
	n = revs == NULL ? 0 : (size_t)sk_X509_REVOKED_num(revs);
	if ((v = calloc(n + 1, sizeof(*v))) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if ((bn = ASN1_INTEGER_to_BN(X509_REVOKED_get0_serialNumber(
		    sk_X509_REVOKED_value(revs, (int)i)), NULL)) == NULL ||
		    (v[i] = BN_bn2hex(bn)) == NULL) {
			pki_sslerr("CRL serial", NULL);
			goto out;
		}
		BN_free(bn);
		bn = NULL;
		total += strlen(v[i]) + 1;
	}
	qsort(v, n, sizeof(*v), pki_strcmp);
	if ((s = malloc(total)) == NULL)
		goto out;
	/* total counted every serial and its separator: p stays inside. */
	p = s;
	for (i = 0; i < n; i++) {
		if (i > 0)
			*p++ = ',';
		k = strlen(v[i]);
		memcpy(p, v[i], k);
		p += k;
	}
	*p = '\0';
	*serials = s;
	s = NULL;
	rc = 0;
out:
	if (v != NULL)
		for (i = 0; i < n; i++)
			OPENSSL_free(v[i]);
	free(v);
	free(s);
	BN_free(bn);
	X509_CRL_free(crl);
	BIO_free(b);
	return rc;
}
