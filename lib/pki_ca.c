/* The CA's side (see pki_ca.h): its files, signing, the CRL.  Every
 * file is written through pki_write_file (tmp, fsync, rename or link). */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
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
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pki.h"
#include "pki_ca.h"
#include "pki_int.h"

#define PKI_CA_DAYS	3650
#define PKI_SERIAL_BITS	128
/* Certificates start a little in the past: a device whose clock runs
 * slow would otherwise refuse a certificate issued a minute ago. */
#define PKI_BACKDATE	300L
#define PKI_SAN_MAX	1024
#define PKI_PUB_MAX	4096

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

/* The bytes of s's first 64 characters: X.520's upper bound for O and
 * CN, which OpenSSL enforces ("string too long"); a label or facility
 * name may be longer (100 and 200 characters), kept whole elsewhere. */
static int
pki_ub64(const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	int			 chars = 0;

	for (; *p != '\0'; p++)
		if ((*p & 0xc0) != 0x80 && ++chars > 64)
			break;
	return (int)(p - (const unsigned char *)s);
}

static X509_NAME *
pki_name(const char *o, const char *cn)
{
	X509_NAME *n;

	if ((n = X509_NAME_new()) == NULL ||
	    X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8,
	    (const unsigned char *)o, pki_ub64(o), -1, 0) != 1 ||
	    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8,
	    (const unsigned char *)cn, pki_ub64(cn), -1, 0) != 1) {
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
 * minutes ago until not_after, issued by issuer (NULL: self-signed).
 * Extensions and signature by the caller. */
static X509 *
pki_cert_new(EVP_PKEY *key, X509_NAME *subj, X509 *issuer, time_t not_after)
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
	    ASN1_TIME_set(X509_getm_notAfter(x), not_after) == NULL ||
	    X509_set_pubkey(x, key) != 1) {
		pki_sslerr("certificate", NULL);
		X509_free(x);
		return NULL;
	}
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
	 * prompting on a terminal. */
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
	    (x = pki_cert_new(key, name, NULL,
	    time(NULL) + (time_t)PKI_CA_DAYS * 86400)) == NULL)
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


/* A public key from PEM SubjectPublicKeyInfo: EC P-256 or RSA of 2048
 * bits or more, the kinds a device or a server may hold. */
static EVP_PKEY *
pki_read_pub(const char *pem)
{
	BIO		*b;
	EVP_PKEY	*k = NULL;
	size_t		 len;

	if (pem == NULL || (len = strlen(pem)) == 0 || len > PKI_PUB_MAX) {
		pki_warnx("public key: empty or too long");
		return NULL;
	}
	if ((b = BIO_new_mem_buf(pem, (int)len)) == NULL ||
	    (k = PEM_read_bio_PUBKEY(b, NULL, NULL, NULL)) == NULL)
		pki_sslerr("public key", NULL);
	BIO_free(b);
	if (k != NULL && !(EVP_PKEY_is_a(k, "EC") ||
	    (EVP_PKEY_is_a(k, "RSA") && EVP_PKEY_get_bits(k) >= 2048))) {
		pki_warnx("public key: neither EC nor RSA of 2048 bits or more");
		EVP_PKEY_free(k);
		k = NULL;
	}
	return k;
}

char *
pki_ca_sign(const char *dir, const char *pub_pem, const char *o,
    const char *cn, time_t not_after, const char *san, char serial[41],
    char sha256[65])
{
	char		 sanv[PKI_SAN_MAX + 64];
	X509		*ca = NULL, *x = NULL;
	EVP_PKEY	*cakey = NULL, *key = NULL;
	X509_NAME	*name = NULL;
	X509V3_CTX	 ctx;
	char		*leaf = NULL, *cap = NULL, *out = NULL;
	size_t		 ll = 0, cl = 0;
	time_t		 now = time(NULL);

	serial[0] = sha256[0] = '\0';
	if (dir == NULL || !pki_name_ok("organisation", o) ||
	    !pki_name_ok("common name", cn))
		return NULL;
	if (not_after <= now || not_after - now >
	    (time_t)PKI_DAYS_MAX * 86400) {
		pki_warnx("certificate: expiry must be within %d days from now",
		    PKI_DAYS_MAX);
		return NULL;
	}
	if (san != NULL) {
		if (*san != '\0' && !pki_san_ok(san)) {
			pki_warnx("subjectAltName: expected \"DNS:name,IP:addr\""
			    " list: %s", san);
			return NULL;
		}
		snprintf(sanv, sizeof(sanv), "DNS:localhost,IP:127.0.0.1%s%s",
		    *san != '\0' ? "," : "", san);
	}
	if ((key = pki_read_pub(pub_pem)) == NULL ||
	    pki_load_ca(dir, &ca, &cakey) == -1 ||
	    (name = pki_name(o, cn)) == NULL ||
	    (x = pki_cert_new(key, name, ca, not_after)) == NULL)
		goto out;
	if (ASN1_TIME_compare(X509_get0_notAfter(x),
	    X509_get0_notAfter(ca)) > 0) {
		pki_warnx("certificate would outlive the CA");
		goto out;
	}
	X509V3_set_ctx(&ctx, ca, x, NULL, NULL, 0);
	if (pki_ext(x, &ctx, NID_basic_constraints,
	    "critical,CA:FALSE") == -1 ||
	    pki_ext(x, &ctx, NID_key_usage,
	    "critical,digitalSignature") == -1 ||
	    pki_ext(x, &ctx, NID_ext_key_usage,
	    san == NULL ? "clientAuth" : "serverAuth") == -1 ||
	    pki_ext(x, &ctx, NID_subject_key_identifier, "hash") == -1 ||
	    pki_ext(x, &ctx, NID_authority_key_identifier,
	    "keyid:always") == -1 ||
	    (san != NULL &&
	    pki_ext(x, &ctx, NID_subject_alt_name, sanv) == -1) ||
	    pki_sign(x, cakey) == -1)
		goto out;
	if (pki_serial_hex(x, serial) == -1 ||
	    pki_der_sha256(x, sha256) == -1 ||
	    (leaf = pki_cert_pem(x, &ll)) == NULL ||
	    (cap = pki_cert_pem(ca, &cl)) == NULL)
		goto out;
	if ((out = malloc(ll + cl + 1)) == NULL) {
		pki_warnx("malloc: %s", strerror(errno));
		goto out;
	}
	memcpy(out, leaf, ll);
	memcpy(out + ll, cap, cl + 1);
out:
	if (out == NULL)
		serial[0] = sha256[0] = '\0';
	free(leaf);
	free(cap);
	X509_free(x);
	X509_NAME_free(name);
	EVP_PKEY_free(key);
	X509_free(ca);
	EVP_PKEY_free(cakey);
	return out;
}

int
pki_server_cert(const char *dir, const char *san, int days)
{
	char			 kp[PATH_MAX], cp[PATH_MAX];
	char			 serial[41], sha[65];
	struct pki_keypair	 k;
	char			*chain = NULL, *end;
	int			 rc = -1;

	memset(&k, 0, sizeof(k));
	if (dir == NULL || days < 1 || days > PKI_DAYS_MAX) {
		pki_warnx("server certificate: days must be 1..%d",
		    PKI_DAYS_MAX);
		return -1;
	}
	if (pki_path(kp, sizeof(kp), dir, "server.key") == -1 ||
	    pki_path(cp, sizeof(cp), dir, "server.crt") == -1)
		return -1;
	if (pki_keypair_new(&k) == -1 ||
	    (chain = pki_ca_sign(dir, k.pub_pem, "renrakucho", "localhost",
	    time(NULL) + (time_t)days * 86400, san != NULL ? san : "",
	    serial, sha)) == NULL)
		goto out;
	/* server.crt holds the server's certificate alone. */
	if ((end = strstr(chain, "-----END CERTIFICATE-----\n")) != NULL)
		end[sizeof("-----END CERTIFICATE-----\n") - 1] = '\0';
	/* Key first: between the two renames nginx may briefly see the new
	 * key with the old certificate; it loads both only on reload. */
	if (pki_write_file(kp, k.key_pem, strlen(k.key_pem), 0600, 1) == -1 ||
	    pki_write_file(cp, chain, strlen(chain), 0644, 1) == -1)
		goto out;
	rc = 0;
out:
	free(chain);
	pki_keypair_free(&k);
	return rc;
}

int
pki_issue(const char *dir, const char *facility, const char *label,
    int days, struct pki_issued *iss)
{
	struct pki_keypair	 k;
	char			 serial[41], sha[65];
	char			*chain = NULL;
	int			 rc = -1;

	if (iss == NULL)
		return -1;
	memset(iss, 0, sizeof(*iss));
	memset(&k, 0, sizeof(k));
	if (days < 1 || days > PKI_DAYS_MAX) {
		pki_warnx("device certificate: days must be 1..%d",
		    PKI_DAYS_MAX);
		return -1;
	}
	if (!pki_name_ok("facility", facility) || !pki_name_ok("label", label))
		return -1;
	if (pki_keypair_new(&k) == -1 ||
	    (chain = pki_ca_sign(dir, k.pub_pem, facility, label,
	    time(NULL) + (time_t)days * 86400, NULL, serial, sha)) == NULL ||
	    pki_bundle(k.key_pem, chain, label, iss) == -1)
		goto out;
	rc = 0;
out:
	free(chain);
	pki_keypair_free(&k);
	return rc;
}

char *
pki_crl(const char *dir, const char *const *serials, const time_t *revoked,
    size_t n, int days, size_t *lenp)
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
	size_t		 i;
	time_t		 now = time(NULL);

	if (dir == NULL || (n > 0 && (serials == NULL || revoked == NULL))) {
		pki_warnx("CRL: bad arguments");
		return NULL;
	}
	if (days < 1 || days > PKI_DAYS_MAX) {
		pki_warnx("CRL: days must be 1..%d", PKI_DAYS_MAX);
		return NULL;
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
	pem = pki_bio_str(b, lenp);
out:
	BIO_free(b);
	X509_EXTENSION_free(e);
	ASN1_TIME_free(t);
	ASN1_INTEGER_free(ai);
	X509_REVOKED_free(rev);
	X509_CRL_free(crl);
	X509_free(ca);
	EVP_PKEY_free(cakey);
	return pem;
}

int
pki_crl_write(const char *dir, const char *path,
    const char *const *serials, const time_t *revoked, size_t n, int days)
{
	char	*pem;
	size_t	 len = 0;
	int	 rc;

	if (path == NULL) {
		pki_warnx("CRL: bad arguments");
		return -1;
	}
	if ((pem = pki_crl(dir, serials, revoked, n, days, &len)) == NULL)
		return -1;
	rc = pki_write_file(path, pem, len, 0644, 1);
	free(pem);
	return rc;
}

int
pki_crl_save(const char *path, const char *pem, size_t len)
{
	return pki_write_file(path, pem, len, 0644, 1);
}
