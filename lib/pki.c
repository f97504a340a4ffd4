/* The system's own CA: a self-signed EC P-256 root in a private
 * directory, the TLS server certificate, device (client) certificates
 * packaged as PKCS#12, and the CRL nginx checks.
 *
 * Files in the CA directory (mode 0700):
 *	ca.key ca.crt		the root (key 0600, PKCS#8 PEM, unencrypted:
 *				the directory is what protects it)
 *	server.key server.crt	nginx's certificate, replaced atomically
 * Every file is written to "<name>.tmp", fsync'd and then renamed (or,
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

#define PKI_CA_DAYS	3650
#define PKI_DAYS_MAX	3650
#define PKI_SERIAL_BITS	128
/* Certificates start a little in the past: a device whose clock runs
 * slow would otherwise refuse a certificate issued a minute ago. */
#define PKI_BACKDATE	300L
#define PKI_PW_LEN	20
#define PKI_NAME_MAX	256	/* bytes; X.520 allows 64 characters */
#define PKI_SAN_MAX	1024

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
static void __attribute__((format(printf, 1, 2)))
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
static void
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

static int
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

static void
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
static int
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
static char *
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

static char *
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

static char *
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

static int
pki_save_key(const char *path, EVP_PKEY *key, int replace)
{
	char	*s;
	size_t	 len = 0;
	int	 rc;

	if ((s = pki_key_pem(key, &len)) == NULL)
		return -1;
	rc = pki_write_file(path, s, len, 0600, replace);
	OPENSSL_clear_free(s, len);
	return rc;
}

static int
pki_save_cert(const char *path, X509 *x, int replace)
{
	char	*s;
	size_t	 len = 0;
	int	 rc;

	if ((s = pki_cert_pem(x, &len)) == NULL)
		return -1;
	rc = pki_write_file(path, s, len, 0644, replace);
	free(s);
	return rc;
}

static EVP_PKEY *
pki_keygen(void)
{
	EVP_PKEY *k;

	if ((k = EVP_EC_gen("P-256")) == NULL)
		pki_sslerr("EC P-256 key generation", NULL);
	return k;
}

/* A positive serial of exactly PKI_SERIAL_BITS bits: the top bit set
 * keeps the hex the same length with no leading zero, so the string
 * BN_bn2hex gives equals nginx's $ssl_client_serial byte for byte. */
static int
pki_serial(X509 *x)
{
	BIGNUM		*bn;
	ASN1_INTEGER	*ai = NULL;
	int		 rc = -1;

	if ((bn = BN_new()) == NULL ||
	    BN_rand(bn, PKI_SERIAL_BITS, BN_RAND_TOP_ONE,
	    BN_RAND_BOTTOM_ANY) != 1 ||
	    (ai = BN_to_ASN1_INTEGER(bn, NULL)) == NULL ||
	    X509_set_serialNumber(x, ai) != 1)
		pki_sslerr("serial number", NULL);
	else
		rc = 0;
	ASN1_INTEGER_free(ai);
	BN_free(bn);
	return rc;
}

static int
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
static int
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

static X509_NAME *
pki_name(const char *o, const char *cn)
{
	X509_NAME *n;

	if ((n = X509_NAME_new()) == NULL ||
	    X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
	    (const unsigned char *)o, -1, -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, -1, -1, 0) != 1) {
		pki_sslerr("subject name", cn);
		X509_NAME_free(n);
		return NULL;
	}
	return n;
}

static int
pki_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
	X509_EXTENSION	*e;
	int		 rc;

	if ((e = X509V3_EXT_nconf_nid(NULL, ctx, nid, value)) == NULL) {
		pki_sslerr(OBJ_nid2sn(nid), value);
		return -1;
	}
	rc = X509_add_ext(x, e, -1) == 1 ? 0 : -1;
	if (rc == -1)
		pki_sslerr("X509_add_ext", OBJ_nid2sn(nid));
	X509_EXTENSION_free(e);
	return rc;
}

/* A new certificate for key with the subject given, valid from a few
 * minutes ago for days days from now (now returned in *nowp), issued by
 * issuer (NULL: self-signed).  Extensions and signature by the caller. */
static X509 *
pki_cert_new(EVP_PKEY *key, X509_NAME *subj, X509 *issuer, int days,
    time_t *nowp)
{
	X509	*x;
	time_t	 now = time(NULL);

	if ((x = X509_new()) == NULL ||
	    X509_set_version(x, X509_VERSION_3) != 1 ||
	    pki_serial(x) == -1 ||
	    X509_set_subject_name(x, subj) != 1 ||
	    X509_set_issuer_name(x, issuer != NULL ?
	    X509_get_subject_name(issuer) : subj) != 1 ||
	    X509_time_adj_ex(X509_getm_notBefore(x), 0, -PKI_BACKDATE,
	    &now) == NULL ||
	    X509_time_adj_ex(X509_getm_notAfter(x), days, 0, &now) == NULL ||
	    X509_set_pubkey(x, key) != 1) {
		pki_sslerr("certificate", NULL);
		X509_free(x);
		return NULL;
	}
	if (nowp != NULL)
		*nowp = now;
	return x;
}

static int
pki_sign(X509 *x, EVP_PKEY *signkey)
{
	if (X509_sign(x, signkey, EVP_sha256()) <= 0) {
		pki_sslerr("X509_sign", NULL);
		return -1;
	}
	return 0;
}

/* Reads dir/ca.crt and dir/ca.key and checks that they belong together
 * and that the CA is still valid. */
static int
pki_load_ca(const char *dir, X509 **cap, EVP_PKEY **keyp)
{
	char		 p[PATH_MAX];
	BIO		*b = NULL;
	X509		*ca = NULL;
	EVP_PKEY	*key = NULL;
	int		 rc = -1;

	*cap = NULL;
	*keyp = NULL;
	if (pki_path(p, sizeof(p), dir, "ca.crt") == -1)
		goto out;
	if ((b = BIO_new_file(p, "r")) == NULL ||
	    (ca = PEM_read_bio_X509(b, NULL, NULL, NULL)) == NULL) {
		pki_sslerr("cannot read CA certificate", p);
		goto out;
	}
	BIO_free(b);
	b = NULL;
	if (pki_path(p, sizeof(p), dir, "ca.key") == -1)
		goto out;
	/* The empty passphrase makes an encrypted key fail instead of
	 * prompting on the terminal of a CGI. */
	if ((b = BIO_new_file(p, "r")) == NULL ||
	    (key = PEM_read_bio_PrivateKey(b, NULL, NULL, "")) == NULL) {
		pki_sslerr("cannot read CA key", p);
		goto out;
	}
	if (X509_check_private_key(ca, key) != 1) {
		pki_sslerr("CA key does not match CA certificate", dir);
		goto out;
	}
	if (X509_cmp_time(X509_get0_notAfter(ca), NULL) <= 0) {
		pki_warnx("%s: CA certificate has expired", dir);
		goto out;
	}
	*cap = ca;
	*keyp = key;
	ca = NULL;
	key = NULL;
	rc = 0;
out:
	BIO_free(b);
	X509_free(ca);
	EVP_PKEY_free(key);
	return rc;
}

int
pki_ca_init(const char *dir, const char *cn)
{
	char		 kp[PATH_MAX], cp[PATH_MAX];
	struct stat	 st;
	EVP_PKEY	*key = NULL;
	X509_NAME	*name = NULL;
	X509		*x = NULL;
	X509V3_CTX	 ctx;
	int		 rc = -1;

	if (dir == NULL || !pki_name_ok("CA common name", cn))
		return -1;
	if (pki_path(kp, sizeof(kp), dir, "ca.key") == -1 ||
	    pki_path(cp, sizeof(cp), dir, "ca.crt") == -1)
		return -1;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		pki_warnx("%s: mkdir: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		pki_warnx("%s: not a directory", dir);
		return -1;
	}
	/* Checked up front for a clear message; pki_write_file refuses to
	 * replace either file anyway. */
	if (lstat(kp, &st) == 0 || lstat(cp, &st) == 0) {
		pki_warnx("%s: a CA already exists there, refusing to "
		    "overwrite it", dir);
		return -1;
	}

	if ((key = pki_keygen()) == NULL ||
	    (name = pki_name("renrakucho", cn)) == NULL ||
	    (x = pki_cert_new(key, name, NULL, PKI_CA_DAYS, NULL)) == NULL)
		goto out;
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	/* pathlen:0: the CA signs device and server certificates only,
	 * never another CA. */
	if (pki_ext(x, &ctx, NID_basic_constraints,
	    "critical,CA:TRUE,pathlen:0") == -1 ||
	    pki_ext(x, &ctx, NID_key_usage,
	    "critical,keyCertSign,cRLSign") == -1 ||
	    pki_ext(x, &ctx, NID_subject_key_identifier, "hash") == -1 ||
	    pki_sign(x, key) == -1)
		goto out;
	if (pki_save_key(kp, key, 0) == -1)
		goto out;
	if (pki_save_cert(cp, x, 0) == -1) {
		/* The key alone is useless and would block a retry. */
		(void)unlink(kp);
		goto out;
	}
	rc = 0;
out:
	X509_free(x);
	X509_NAME_free(name);
	EVP_PKEY_free(key);
	return rc;
}

/* "DNS:name" or "IP:addr" entries separated by commas; anything else
 * (email:, URI:, dirName:, @section references) is refused so the
 * string cannot smuggle other extension syntax. */
static int
pki_san_ok(const char *san)
{
	const char	*p = san;
	size_t		 n;

	if (strlen(san) > PKI_SAN_MAX)
		return 0;
	for (;;) {
		if (strncmp(p, "DNS:", 4) == 0)
			p += 4;
		else if (strncmp(p, "IP:", 3) == 0)
			p += 3;
		else
			return 0;
		n = strspn(p, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:*");
		if (n == 0)
			return 0;
		p += n;
		if (*p == '\0')
			return 1;
		if (*p++ != ',')
			return 0;
	}
}

int
pki_server_cert(const char *dir, const char *san, int days)
{
	char		 kp[PATH_MAX], cp[PATH_MAX];
	char		 sanv[PKI_SAN_MAX + 64];
	X509		*ca = NULL, *x = NULL;
	EVP_PKEY	*cakey = NULL, *key = NULL;
	X509_NAME	*name = NULL;
	X509V3_CTX	 ctx;
	int		 rc = -1;

	if (dir == NULL || days < 1 || days > PKI_DAYS_MAX) {
		pki_warnx("server certificate: days must be 1..%d",
		    PKI_DAYS_MAX);
		return -1;
	}
	if (san != NULL && *san != '\0' && !pki_san_ok(san)) {
		pki_warnx("subjectAltName: expected \"DNS:name,IP:addr\" "
		    "list: %s", san);
		return -1;
	}
	snprintf(sanv, sizeof(sanv), "DNS:localhost,IP:127.0.0.1%s%s",
	    san != NULL && *san != '\0' ? "," : "", san != NULL ? san : "");
	if (pki_path(kp, sizeof(kp), dir, "server.key") == -1 ||
	    pki_path(cp, sizeof(cp), dir, "server.crt") == -1)
		return -1;
	if (pki_load_ca(dir, &ca, &cakey) == -1)
		goto out;
	if ((key = pki_keygen()) == NULL ||
	    (name = pki_name("renrakucho", "localhost")) == NULL ||
	    (x = pki_cert_new(key, name, ca, days, NULL)) == NULL)
		goto out;
	if (ASN1_TIME_compare(X509_get0_notAfter(x),
	    X509_get0_notAfter(ca)) > 0) {
		pki_warnx("server certificate would outlive the CA");
		goto out;
	}
	X509V3_set_ctx(&ctx, ca, x, NULL, NULL, 0);
	if (pki_ext(x, &ctx, NID_basic_constraints,
	    "critical,CA:FALSE") == -1 ||
	    pki_ext(x, &ctx, NID_key_usage,
	    "critical,digitalSignature") == -1 ||
	    pki_ext(x, &ctx, NID_ext_key_usage, "serverAuth") == -1 ||
	    pki_ext(x, &ctx, NID_subject_key_identifier, "hash") == -1 ||
	    pki_ext(x, &ctx, NID_authority_key_identifier,
	    "keyid:always") == -1 ||
	    pki_ext(x, &ctx, NID_subject_alt_name, sanv) == -1 ||
	    pki_sign(x, cakey) == -1)
		goto out;
	/* Key first: between the two renames nginx may briefly see the new
	 * key with the old certificate; it loads both only on reload. */
	if (pki_save_key(kp, key, 1) == -1 || pki_save_cert(cp, x, 1) == -1)
		goto out;
	rc = 0;
out:
	X509_free(x);
	X509_NAME_free(name);
	EVP_PKEY_free(key);
	X509_free(ca);
	EVP_PKEY_free(cakey);
	return rc;
}

/* PKI_PW_LEN characters of pki_pwalpha, uniformly. */
static int
pki_password(char *out, size_t n)
{
	if (n < PKI_PW_LEN + 1)
		return -1;
	return auth_random_chars(out, PKI_PW_LEN, pki_pwalpha);
}

static int
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
	int		 len, rc = -1;

	if ((chain = sk_X509_new_null()) == NULL ||
	    sk_X509_push(chain, ca) <= 0) {
		pki_sslerr("PKCS#12 chain", NULL);
		goto out;
	}
	/* mac_iter -1: no MAC here, added below with SHA-256 (the
	 * default would be SHA-1). */
	if ((p12 = PKCS12_create_ex(iss->p12_password, label, key, x, chain,
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

int
pki_issue(const char *dir, const char *facility, const char *label,
    int days, struct pki_issued *iss)
{
	X509		*ca = NULL, *x = NULL;
	EVP_PKEY	*cakey = NULL, *key = NULL;
	X509_NAME	*name = NULL;
	X509V3_CTX	 ctx;
	time_t		 now;
	int		 rc = -1;

	if (iss == NULL)
		return -1;
	memset(iss, 0, sizeof(*iss));
	if (dir == NULL || !pki_name_ok("facility", facility) ||
	    !pki_name_ok("label", label))
		return -1;
	if (days < 1 || days > PKI_DAYS_MAX) {
		pki_warnx("device certificate: days must be 1..%d",
		    PKI_DAYS_MAX);
		return -1;
	}
	if (pki_load_ca(dir, &ca, &cakey) == -1)
		goto out;
	if ((key = pki_keygen()) == NULL ||
	    (name = pki_name(facility, label)) == NULL ||
	    (x = pki_cert_new(key, name, ca, days, &now)) == NULL)
		goto out;
	if (ASN1_TIME_compare(X509_get0_notAfter(x),
	    X509_get0_notAfter(ca)) > 0) {
		pki_warnx("device certificate would outlive the CA");
		goto out;
	}
	X509V3_set_ctx(&ctx, ca, x, NULL, NULL, 0);
	if (pki_ext(x, &ctx, NID_basic_constraints,
	    "critical,CA:FALSE") == -1 ||
	    pki_ext(x, &ctx, NID_key_usage,
	    "critical,digitalSignature") == -1 ||
	    pki_ext(x, &ctx, NID_ext_key_usage, "clientAuth") == -1 ||
	    pki_ext(x, &ctx, NID_subject_key_identifier, "hash") == -1 ||
	    pki_ext(x, &ctx, NID_authority_key_identifier,
	    "keyid:always") == -1 ||
	    pki_sign(x, cakey) == -1)
		goto out;

	/* Exactly what X509_time_adj_ex wrote into notAfter. */
	iss->not_after = now + (time_t)days * 86400;
	if (pki_serial_hex(x, iss->serial) == -1 ||
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
	X509_free(x);
	X509_NAME_free(name);
	EVP_PKEY_free(key);
	X509_free(ca);
	EVP_PKEY_free(cakey);
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

/* Upper- or lower-case hex, at most 40 digits (20 octets, RFC 5280),
 * no sign: BN_hex2bn alone would accept "-1". */
static ASN1_INTEGER *
pki_hex_serial(const char *s)
{
	BIGNUM		*bn = NULL;
	ASN1_INTEGER	*ai = NULL;
	size_t		 len;

	if (s == NULL || (len = strlen(s)) == 0 || len > 40 ||
	    strspn(s, "0123456789abcdefABCDEF") != len) {
		pki_warnx("bad serial number: %s", s != NULL ? s : "(null)");
		return NULL;
	}
	if (BN_hex2bn(&bn, s) != (int)len ||
	    (ai = BN_to_ASN1_INTEGER(bn, NULL)) == NULL)
		pki_sslerr("serial number", s);
	BN_free(bn);
	return ai;
}

int
pki_crl_write(const char *dir, const char *path,
    const char *const *serials, const time_t *revoked, size_t n,
    int days)
{
	X509		*ca = NULL;
	EVP_PKEY	*cakey = NULL;
	X509_CRL	*crl = NULL;
	X509_REVOKED	*rev = NULL;
	ASN1_INTEGER	*ai = NULL;
	ASN1_TIME	*t = NULL;
	X509_EXTENSION	*e = NULL;
	X509V3_CTX	 ctx;
	BIO		*b = NULL;
	char		*pem = NULL;
	size_t		 i, len = 0;
	time_t		 now = time(NULL);
	int		 rc = -1;

	if (dir == NULL || path == NULL || (n > 0 &&
	    (serials == NULL || revoked == NULL))) {
		pki_warnx("CRL: bad arguments");
		return -1;
	}
	if (days < 1 || days > PKI_DAYS_MAX) {
		pki_warnx("CRL: days must be 1..%d", PKI_DAYS_MAX);
		return -1;
	}
	if (pki_load_ca(dir, &ca, &cakey) == -1)
		goto out;
	if ((crl = X509_CRL_new()) == NULL ||
	    X509_CRL_set_version(crl, X509_CRL_VERSION_2) != 1 ||
	    X509_CRL_set_issuer_name(crl, X509_get_subject_name(ca)) != 1 ||
	    (t = ASN1_TIME_new()) == NULL ||
	    X509_time_adj_ex(t, 0, 0, &now) == NULL ||
	    X509_CRL_set1_lastUpdate(crl, t) != 1 ||
	    X509_time_adj_ex(t, days, 0, &now) == NULL ||
	    X509_CRL_set1_nextUpdate(crl, t) != 1) {
		pki_sslerr("CRL", NULL);
		goto out;
	}
	for (i = 0; i < n; i++) {
		if ((ai = pki_hex_serial(serials[i])) == NULL)
			goto out;
		if ((rev = X509_REVOKED_new()) == NULL ||
		    X509_REVOKED_set_serialNumber(rev, ai) != 1 ||
		    ASN1_TIME_set(t, revoked[i]) == NULL ||
		    X509_REVOKED_set_revocationDate(rev, t) != 1 ||
		    X509_CRL_add0_revoked(crl, rev) != 1) {
			pki_sslerr("CRL entry", serials[i]);
			goto out;
		}
		rev = NULL;	/* owned by crl now */
		ASN1_INTEGER_free(ai);
		ai = NULL;
	}
	/* crlNumber must increase with each CRL: the time in seconds does,
	 * as long as CRLs are not issued twice in one second. */
	if ((ai = ASN1_INTEGER_new()) == NULL ||
	    ASN1_INTEGER_set_int64(ai, (int64_t)now) != 1 ||
	    X509_CRL_add1_ext_i2d(crl, NID_crl_number, ai, 0, 0) != 1) {
		pki_sslerr("CRL number", NULL);
		goto out;
	}
	X509V3_set_ctx(&ctx, ca, NULL, NULL, crl, 0);
	if ((e = X509V3_EXT_nconf_nid(NULL, &ctx,
	    NID_authority_key_identifier, "keyid:always")) == NULL ||
	    X509_CRL_add_ext(crl, e, -1) != 1) {
		pki_sslerr("CRL authorityKeyIdentifier", NULL);
		goto out;
	}
	if (X509_CRL_sort(crl) != 1 ||
	    X509_CRL_sign(crl, cakey, EVP_sha256()) <= 0) {
		pki_sslerr("CRL signature", NULL);
		goto out;
	}
	if ((b = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509_CRL(b, crl) != 1) {
		pki_sslerr("PEM_write_bio_X509_CRL", NULL);
		goto out;
	}
	if ((pem = pki_bio_str(b, &len)) == NULL ||
	    pki_write_file(path, pem, len, 0644, 1) == -1)
		goto out;
	rc = 0;
out:
	free(pem);
	BIO_free(b);
	X509_EXTENSION_free(e);
	ASN1_TIME_free(t);
	ASN1_INTEGER_free(ai);
	X509_REVOKED_free(rev);
	X509_CRL_free(crl);
	X509_free(ca);
	EVP_PKEY_free(cakey);
	return rc;
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
