/* Unit tests for lib/pki.c and lib/pki_ca.c: CA, server and device
 * certificates, PKCS#12 and CRL, checked with OpenSSL's own verifier and,
 * where the openssl command exists, with it too; and the split between
 * them: a key pair made on the web tier's side, signed on the CA's side
 * from its public key alone, bundled back on the web tier's side. */
#include <sys/stat.h>

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "pki.h"
#include "pki_ca.h"
#include "tap.h"

#define FACILITY	"出雲テスト診療所"
#define LABEL		"受付の iPad"
#define LONG10		"あいうえおかきくけこ"
#define LONG80		LONG10 LONG10 LONG10 LONG10 LONG10 LONG10 LONG10 LONG10

static char	 base[1024], dir[1024 + 8];
static int	 have_openssl;

static const char *
path(const char *name)
{
	static char	 p[4][PATH_MAX];
	static int	 i;

	i = (i + 1) % 4;
	snprintf(p[i], sizeof(p[i]), "%s/%s", strcmp(name, "crl.pem") == 0 ||
	    strncmp(name, "dev", 3) == 0 ? base : dir, name);
	return p[i];
}

static X509 *
read_cert_file(const char *p)
{
	FILE	*f;
	X509	*x;

	if ((f = fopen(p, "r")) == NULL)
		return NULL;
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	return x;
}

static X509 *
read_cert_mem(const char *pem)
{
	BIO	*b;
	X509	*x;

	if ((b = BIO_new_mem_buf(pem, -1)) == NULL)
		return NULL;
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	return x;
}

static EVP_PKEY *
read_key_mem(const char *pem)
{
	BIO		*b;
	EVP_PKEY	*k;

	if ((b = BIO_new_mem_buf(pem, -1)) == NULL)
		return NULL;
	k = PEM_read_bio_PrivateKey(b, NULL, NULL, NULL);
	BIO_free(b);
	return k;
}

static int
write_str(const char *p, const char *s)
{
	FILE	*f;
	int	 rc;

	if ((f = fopen(p, "w")) == NULL)
		return -1;
	rc = fputs(s, f) < 0 ? -1 : 0;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

static int
file_mode(const char *p)
{
	struct stat	 st;

	if (stat(p, &st) == -1)
		return -1;
	return (int)(st.st_mode & 07777);
}

static int
file_starts(const char *p, const char *prefix)
{
	char	 buf[128];
	FILE	*f;
	size_t	 n;

	if ((f = fopen(p, "r")) == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return strncmp(buf, prefix, strlen(prefix)) == 0;
}

/* X509_verify_cert against the CA only (and a CRL if given); returns the
 * verification error code, X509_V_OK on success. */
static int
verify(X509 *ca, X509 *x, X509_CRL *crl, int purpose)
{
	X509_STORE	*st;
	X509_STORE_CTX	*ctx;
	int		 err = -1;

	st = X509_STORE_new();
	ctx = X509_STORE_CTX_new();
	if (st == NULL || ctx == NULL || X509_STORE_add_cert(st, ca) != 1)
		goto out;
	if (crl != NULL) {
		if (X509_STORE_add_crl(st, crl) != 1)
			goto out;
		X509_STORE_set_flags(st, X509_V_FLAG_CRL_CHECK);
	}
	if (X509_STORE_CTX_init(ctx, st, x, NULL) != 1 ||
	    X509_STORE_CTX_set_purpose(ctx, purpose) != 1)
		goto out;
	err = X509_verify_cert(ctx) == 1 ? X509_V_OK :
	    X509_STORE_CTX_get_error(ctx);
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(st);
	return err;
}

static char *
cert_serial_hex(X509 *x)
{
	BIGNUM	*bn;
	char	*h = NULL, *s = NULL;

	if ((bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL)) !=
	    NULL && (h = BN_bn2hex(bn)) != NULL)
		s = strdup(h);
	OPENSSL_free(h);
	BN_free(bn);
	return s;
}

/* The UTF-8 value of the first entry of nid in name, and its type. */
static int
name_entry(X509_NAME *name, int nid, const char *want)
{
	X509_NAME_ENTRY	*e;
	ASN1_STRING	*s;
	int		 i;

	if ((i = X509_NAME_get_index_by_NID(name, nid, -1)) < 0 ||
	    (e = X509_NAME_get_entry(name, i)) == NULL ||
	    (s = X509_NAME_ENTRY_get_data(e)) == NULL)
		return 0;
	return ASN1_STRING_type(s) == V_ASN1_UTF8STRING &&
	    (size_t)ASN1_STRING_length(s) == strlen(want) &&
	    memcmp(ASN1_STRING_get0_data(s), want, strlen(want)) == 0;
}

static int
sys(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
sys(const char *fmt, ...)
{
	char	 cmd[2 * PATH_MAX + 512];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

static X509 *
test_ca(void)
{
	X509	*ca;
	char	*hex;
	int	 d, s;

	ok(pki_ca_init(dir, "renrakucho テスト CA") == 0, "ca_init");
	ok(file_mode(dir) == 0700, "ca_init created its directory 0700");
	ok(file_mode(path("ca.key")) == 0600, "ca.key is 0600");
	ok(file_starts(path("ca.key"), "-----BEGIN PRIVATE KEY-----"),
	    "ca.key is PKCS#8 PEM");
	ok(access(path("ca.key.tmp"), F_OK) == -1, "no ca.key.tmp left");
	ok(pki_ca_init(dir, "again") == -1, "ca_init refuses a second time");
	ok(file_starts(path("ca.key"), "-----BEGIN PRIVATE KEY-----"),
	    "ca.key intact after refusal");
	ok(pki_ca_init(dir, "") == -1, "ca_init refuses an empty CN");

	if ((ca = read_cert_file(path("ca.crt"))) == NULL) {
		ok(0, "ca.crt parses");
		return NULL;
	}
	ok(X509_get_version(ca) == X509_VERSION_3, "CA is X.509 v3");
	ok(X509_check_ca(ca) == 1, "CA:TRUE");
	ok(X509_get_pathlen(ca) == 0, "pathlen:0");
	ok(X509_get_extension_flags(ca) & EXFLAG_SS, "CA is self-signed");
	ok(X509_get_ext_by_NID(ca, NID_basic_constraints, -1) >= 0 &&
	    X509_EXTENSION_get_critical(X509_get_ext(ca,
	    X509_get_ext_by_NID(ca, NID_basic_constraints, -1))),
	    "basicConstraints critical");
	ok(X509_get_key_usage(ca) == (KU_KEY_CERT_SIGN | KU_CRL_SIGN),
	    "keyUsage keyCertSign,cRLSign");
	ok(X509_get0_subject_key_id(ca) != NULL, "subjectKeyIdentifier");
	ok(X509_verify(ca, X509_get0_pubkey(ca)) == 1, "self-signature ok");
	ok(name_entry(X509_get_subject_name(ca), NID_commonName,
	    "renrakucho テスト CA"), "CA CN (UTF-8)");
	ok(name_entry(X509_get_subject_name(ca), NID_organizationName,
	    "renrakucho"), "CA O=renrakucho");
	ok(EVP_PKEY_is_a(X509_get0_pubkey(ca), "EC") &&
	    EVP_PKEY_get_bits(X509_get0_pubkey(ca)) == 256, "CA key EC P-256");
	if (!ASN1_TIME_diff(&d, &s, NULL, X509_get0_notAfter(ca)))
		d = -1;
	ok(d >= 3649 && d <= 3651, "CA valid about 10 years (%d days)", d);
	hex = cert_serial_hex(ca);
	ok(hex != NULL && strlen(hex) >= 16 && hex[0] != '-',
	    "CA serial positive, >= 64 bits");
	free(hex);
	return ca;
}

static void
test_issue(X509 *ca, struct pki_issued *iss)
{
	X509		*x = NULL, *px = NULL;
	EVP_PKEY	*k = NULL, *pk = NULL;
	STACK_OF(X509)	*pca = NULL;
	PKCS12		*p12 = NULL;
	const unsigned char *pp;
	const X509_ALGOR *macalg = NULL;
	const ASN1_OBJECT *obj;
	ASN1_TIME	*t;
	char		*hex, sha[65];
	const unsigned char *alias;
	int		 len, d, s;

	ok(pki_issue(dir, FACILITY, LABEL, 365, iss) == 0, "issue");
	if (iss->cert_pem == NULL || (x = read_cert_mem(iss->cert_pem)) ==
	    NULL) {
		ok(0, "issued certificate parses");
		return;
	}
	ok(verify(ca, x, NULL, X509_PURPOSE_SSL_CLIENT) == X509_V_OK,
	    "X509_verify_cert (sslclient) accepts it");
	ok(verify(ca, x, NULL, X509_PURPOSE_SSL_SERVER) != X509_V_OK,
	    "not valid as a server certificate");
	ok(X509_check_ca(x) == 0, "CA:FALSE");
	ok(X509_get_extension_flags(x) & EXFLAG_BCONS, "basicConstraints set");
	ok(X509_get_extended_key_usage(x) == XKU_SSL_CLIENT,
	    "extendedKeyUsage clientAuth only");
	ok(X509_get_key_usage(x) == KU_DIGITAL_SIGNATURE,
	    "keyUsage digitalSignature");
	ok(X509_get0_authority_key_id(x) != NULL &&
	    ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(x),
	    X509_get0_subject_key_id(ca)) == 0,
	    "authorityKeyIdentifier = CA's subjectKeyIdentifier");
	ok(name_entry(X509_get_subject_name(x), NID_organizationName,
	    FACILITY), "subject O = facility (UTF8String)");
	ok(name_entry(X509_get_subject_name(x), NID_commonName, LABEL),
	    "subject CN = label (UTF8String)");
	ok(X509_NAME_cmp(X509_get_issuer_name(x),
	    X509_get_subject_name(ca)) == 0, "issuer = CA subject");

	hex = cert_serial_hex(x);
	is_str(iss->serial, hex, "serial = BN_bn2hex of the certificate's");
	free(hex);
	ok(strlen(iss->serial) >= 16 && strlen(iss->serial) <= 32 &&
	    iss->serial[0] != '0' &&
	    strspn(iss->serial, "0123456789ABCDEF") == strlen(iss->serial),
	    "serial: 64..128 bits, upper-case hex, no leading zero");

	t = ASN1_TIME_set(NULL, iss->not_after);
	ok(t != NULL && ASN1_TIME_compare(t, X509_get0_notAfter(x)) == 0,
	    "not_after equals the certificate's notAfter");
	ASN1_TIME_free(t);
	ok(ASN1_TIME_diff(&d, &s, NULL, X509_get0_notAfter(x)) &&
	    (d == 365 || (d == 364 && s > 86000)), "valid 365 days");
	ok(X509_cmp_time(X509_get0_notBefore(x), NULL) < 0,
	    "already valid (notBefore in the past)");

	ok(pki_pem_sha256(iss->cert_pem, sha) == 0, "pem_sha256");
	is_str(iss->sha256, sha, "sha256 = pem_sha256(cert_pem)");
	ok(strlen(iss->sha256) == 64 && strspn(iss->sha256,
	    "0123456789abcdef") == 64, "sha256 lower-case hex");

	ok(strncmp(iss->key_pem, "-----BEGIN PRIVATE KEY-----", 27) == 0,
	    "key PEM is PKCS#8");
	k = read_key_mem(iss->key_pem);
	ok(k != NULL && X509_check_private_key(x, k) == 1,
	    "key matches certificate");

	ok(strlen(iss->p12_password) == 20, "p12 password 20 chars");
	ok(strspn(iss->p12_password, "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	    "abcdefghijkmnopqrstuvwxyz") == 20,
	    "p12 password alphabet has no 0/O/1/l/I");

	pp = iss->p12;
	p12 = d2i_PKCS12(NULL, &pp, (long)iss->p12_len);
	ok(p12 != NULL, "p12 DER parses");
	if (p12 == NULL)
		goto out;
	ok(PKCS12_verify_mac(p12, iss->p12_password, -1) == 1,
	    "p12 MAC verifies with the password");
	ok(PKCS12_verify_mac(p12, "wrong-password", -1) == 0,
	    "p12 MAC fails with a wrong password");
	PKCS12_get0_mac(NULL, &macalg, NULL, NULL, p12);
	obj = NULL;
	if (macalg != NULL)
		X509_ALGOR_get0(&obj, NULL, NULL, macalg);
	ok(obj != NULL && OBJ_obj2nid(obj) == NID_sha256, "p12 MAC SHA-256");
	ok(PKCS12_parse(p12, "wrong-password", &pk, &px, &pca) == 0,
	    "PKCS12_parse fails with a wrong password");
	EVP_PKEY_free(pk);
	X509_free(px);
	sk_X509_pop_free(pca, X509_free);
	pk = NULL;
	px = NULL;
	pca = NULL;
	ERR_clear_error();
	ok(PKCS12_parse(p12, iss->p12_password, &pk, &px, &pca) == 1,
	    "PKCS12_parse with the password");
	ok(px != NULL && X509_cmp(px, x) == 0, "p12 holds the certificate");
	ok(pk != NULL && X509_check_private_key(x, pk) == 1,
	    "p12 holds the key");
	ok(pca != NULL && sk_X509_num(pca) == 1 &&
	    X509_cmp(sk_X509_value(pca, 0), ca) == 0, "p12 holds the CA");
	alias = px != NULL ? X509_alias_get0(px, &len) : NULL;
	ok(alias != NULL && (size_t)len == strlen(LABEL) &&
	    memcmp(alias, LABEL, (size_t)len) == 0,
	    "p12 friendly name = label");
out:
	PKCS12_free(p12);
	EVP_PKEY_free(pk);
	X509_free(px);
	sk_X509_pop_free(pca, X509_free);
	EVP_PKEY_free(k);
	X509_free(x);
}

static void
test_issue_bad(void)
{
	struct pki_issued iss, iss2;

	ok(pki_issue(dir, FACILITY, "", 365, &iss) == -1, "empty label");
	ok(iss.cert_pem == NULL && iss.p12 == NULL, "nothing left on error");
	ok(pki_issue(dir, "", LABEL, 365, &iss) == -1, "empty facility");
	ok(pki_issue(dir, FACILITY, "a\nb", 365, &iss) == -1,
	    "control character in label");
	ok(pki_issue(dir, FACILITY, "\xff\xfe", 365, &iss) == -1,
	    "invalid UTF-8 label");
	ok(pki_issue(dir, FACILITY, LABEL, 0, &iss) == -1, "0 days");
	ok(pki_issue(dir, FACILITY, LABEL, 100000, &iss) == -1,
	    "100000 days");
	ok(pki_issue(base, FACILITY, LABEL, 30, &iss) == -1, "no CA in dir");
	/* Over X.520's 64 characters (within PKI_NAME_MAX bytes), an
	 * emoji: issued, O and CN cut at 64 characters, the friendlyName
	 * without the emoji. */
	if (pki_issue(dir, LONG80, LONG80, 30, &iss) == 0) {
		ok(1, "an 80-character label and facility");
		pki_issued_free(&iss);
	} else
		ok(0, "an 80-character label and facility");
	if (pki_issue(dir, FACILITY, "受付の iPad \xf0\x9f\x93\xb1", 30,
	    &iss) == 0) {
		ok(1, "an emoji in the label");
		pki_issued_free(&iss);
	} else
		ok(0, "an emoji in the label");

	if (pki_issue(dir, FACILITY, LABEL, 30, &iss) == 0 &&
	    pki_issue(dir, FACILITY, LABEL, 30, &iss2) == 0) {
		ok(strcmp(iss.serial, iss2.serial) != 0, "serials differ");
		ok(strcmp(iss.p12_password, iss2.p12_password) != 0,
		    "passwords differ");
		ok(strcmp(iss.key_pem, iss2.key_pem) != 0, "keys differ");
		pki_issued_free(&iss2);
	} else
		ok(0, "two issues");
	pki_issued_free(&iss);
	ok(iss.cert_pem == NULL && iss.key_pem == NULL && iss.p12 == NULL,
	    "pki_issued_free clears");
	pki_issued_free(&iss);	/* twice is harmless */
}

static void
test_server(X509 *ca)
{
	X509		*x, *x2;
	EVP_PKEY	*k = NULL;
	FILE		*f;

	ok(pki_server_cert(dir, "DNS:rk.example.jp,IP:192.0.2.10", 825) == 0,
	    "server_cert");
	ok(file_mode(path("server.key")) == 0600, "server.key is 0600");
	if ((x = read_cert_file(path("server.crt"))) == NULL) {
		ok(0, "server.crt parses");
		return;
	}
	ok(X509_check_ip_asc(x, "127.0.0.1", 0) == 1, "SAN IP:127.0.0.1");
	ok(X509_check_host(x, "localhost", 0, 0, NULL) == 1,
	    "SAN DNS:localhost");
	ok(X509_check_ip_asc(x, "192.0.2.10", 0) == 1, "extra SAN IP");
	ok(X509_check_host(x, "rk.example.jp", 0, 0, NULL) == 1,
	    "extra SAN DNS");
	ok(X509_check_host(x, "other.example.jp", 0, 0, NULL) != 1,
	    "other name not covered");
	ok(verify(ca, x, NULL, X509_PURPOSE_SSL_SERVER) == X509_V_OK,
	    "verifies as sslserver");
	ok(X509_check_ca(x) == 0, "server: CA:FALSE");
	ok(X509_get_extended_key_usage(x) == XKU_SSL_SERVER,
	    "server: extendedKeyUsage serverAuth");
	ok(X509_get_key_usage(x) == KU_DIGITAL_SIGNATURE,
	    "server: keyUsage digitalSignature");
	ok(name_entry(X509_get_subject_name(x), NID_commonName, "localhost"),
	    "server: CN=localhost");
	if ((f = fopen(path("server.key"), "r")) != NULL) {
		k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
	}
	ok(k != NULL && X509_check_private_key(x, k) == 1,
	    "server key matches");
	EVP_PKEY_free(k);

	ok(pki_server_cert(dir, NULL, 30) == 0, "server_cert replaces");
	x2 = read_cert_file(path("server.crt"));
	ok(x2 != NULL && X509_cmp(x, x2) != 0 &&
	    X509_check_ip_asc(x2, "127.0.0.1", 0) == 1 &&
	    X509_check_ip_asc(x2, "192.0.2.10", 0) != 1,
	    "new certificate, default SAN only");
	X509_free(x2);
	X509_free(x);
	ok(access(path("server.crt.tmp"), F_OK) == -1 &&
	    access(path("server.key.tmp"), F_OK) == -1, "no tmp files left");

	ok(pki_server_cert(dir, "email:a@example.jp", 30) == -1,
	    "SAN email: refused");
	ok(pki_server_cert(dir, "DNS:a,@section", 30) == -1,
	    "SAN @section refused");
	ok(pki_server_cert(dir, "DNS:", 30) == -1, "SAN empty name refused");
	ok(pki_server_cert(dir, "DNS:a,", 30) == -1, "SAN trailing comma");
	ok(pki_server_cert(dir, "IP:999.1.1.1", 30) == -1, "SAN bad IP");
	ok(pki_server_cert(dir, NULL, 0) == -1, "server: 0 days refused");
}

static X509_CRL *
read_crl(const char *p)
{
	FILE		*f;
	X509_CRL	*crl;

	if ((f = fopen(p, "r")) == NULL)
		return NULL;
	crl = PEM_read_X509_CRL(f, NULL, NULL, NULL);
	fclose(f);
	return crl;
}

static void
test_crl(X509 *ca, const struct pki_issued *revoked)
{
	struct pki_issued good;
	X509_CRL	*crl = NULL;
	X509_REVOKED	*rev = NULL;
	X509		*rx = NULL, *gx = NULL;
	ASN1_INTEGER	*num;
	ASN1_TIME	*t;
	const char	*serials[2];
	time_t		 when[2];
	char		 lower[41];
	size_t		 i;
	int		 d, s;

	memset(&good, 0, sizeof(good));
	if (pki_issue(dir, FACILITY, "good device", 30, &good) != 0) {
		ok(0, "issue a second device");
		return;
	}
	rx = read_cert_mem(revoked->cert_pem);
	gx = read_cert_mem(good.cert_pem);

	/* The CRL takes hex in either case. */
	for (i = 0; revoked->serial[i] != '\0'; i++)
		lower[i] = (char)(revoked->serial[i] >= 'A' ?
		    revoked->serial[i] + 32 : revoked->serial[i]);
	lower[i] = '\0';
	serials[0] = lower;
	serials[1] = "0123456789ABCDEF01";
	when[0] = time(NULL) - 3600;
	when[1] = time(NULL) - 7200;
	ok(pki_crl_write(dir, path("crl.pem"), serials, when, 2, 7) == 0,
	    "crl_write");
	ok(access(path("crl.pem.tmp"), F_OK) == -1, "no crl tmp left");
	if ((crl = read_crl(path("crl.pem"))) == NULL) {
		ok(0, "CRL parses");
		goto out;
	}
	ok(X509_CRL_verify(crl, X509_get0_pubkey(ca)) == 1,
	    "CRL signed by the CA key");
	ok(X509_CRL_get_version(crl) == X509_CRL_VERSION_2, "CRL v2");
	ok(X509_NAME_cmp(X509_CRL_get_issuer(crl),
	    X509_get_subject_name(ca)) == 0, "CRL issuer = CA subject");
	ok(X509_CRL_get0_by_serial(crl, &rev,
	    X509_get0_serialNumber(rx)) == 1, "revoked serial listed");
	t = ASN1_TIME_set(NULL, when[0]);
	ok(rev != NULL && t != NULL && ASN1_TIME_compare(t,
	    X509_REVOKED_get0_revocationDate(rev)) == 0,
	    "revocation date kept");
	ASN1_TIME_free(t);
	rev = NULL;
	ok(X509_CRL_get0_by_serial(crl, &rev,
	    X509_get0_serialNumber(gx)) == 0, "other serial not listed");
	ok(sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)) == 2,
	    "two entries");
	ok(ASN1_TIME_diff(&d, &s, NULL, X509_CRL_get0_nextUpdate(crl)) &&
	    (d == 7 || (d == 6 && s > 86000)), "nextUpdate in 7 days");
	num = X509_CRL_get_ext_d2i(crl, NID_crl_number, NULL, NULL);
	ok(num != NULL && ASN1_INTEGER_get(num) > 1000000000L,
	    "crlNumber present and increasing (time)");
	ASN1_INTEGER_free(num);
	ok(X509_CRL_get_ext_by_NID(crl, NID_authority_key_identifier, -1) >= 0,
	    "CRL authorityKeyIdentifier");
	ok(verify(ca, rx, crl, X509_PURPOSE_SSL_CLIENT) ==
	    X509_V_ERR_CERT_REVOKED, "verify with CRL rejects revoked");
	ok(verify(ca, gx, crl, X509_PURPOSE_SSL_CLIENT) == X509_V_OK,
	    "verify with CRL accepts another");

	serials[0] = "-1";
	ok(pki_crl_write(dir, path("crl.pem"), serials, when, 1, 7) == -1,
	    "negative serial refused");
	serials[0] = "12G4";
	ok(pki_crl_write(dir, path("crl.pem"), serials, when, 1, 7) == -1,
	    "non-hex serial refused");
	serials[0] = "";
	ok(pki_crl_write(dir, path("crl.pem"), serials, when, 1, 7) == -1,
	    "empty serial refused");
	ok(pki_crl_write(dir, path("crl.pem"), NULL, NULL, 1, 7) == -1,
	    "NULL list with n > 0 refused");
	ok(pki_crl_write(dir, path("crl-empty.pem"), NULL, NULL, 0, 1) == 0,
	    "empty CRL");
	X509_CRL_free(crl);
	crl = read_crl(path("crl-empty.pem"));
	ok(crl != NULL && X509_CRL_verify(crl, X509_get0_pubkey(ca)) == 1 &&
	    sk_X509_REVOKED_num(X509_CRL_get_REVOKED(crl)) <= 0,
	    "empty CRL verifies, no entries");

	if (!have_openssl)
		goto out;
	/* The failed writes above must have left the good CRL alone. */
	write_str(path("dev-revoked.pem"), revoked->cert_pem);
	write_str(path("dev-good.pem"), good.cert_pem);
	ok(sys("openssl verify -CAfile '%s' -crl_check -CRLfile '%s' '%s' "
	    ">/dev/null 2>&1", path("ca.crt"), path("crl.pem"),
	    path("dev-revoked.pem")) != 0,
	    "openssl verify -crl_check rejects the revoked certificate");
	ok(sys("openssl verify -CAfile '%s' -crl_check -CRLfile '%s' "
	    "-purpose sslclient '%s' >/dev/null 2>&1", path("ca.crt"),
	    path("crl.pem"), path("dev-good.pem")) == 0,
	    "openssl verify -crl_check accepts another");
	ok(sys("openssl crl -in '%s' -noout -CAfile '%s' >/dev/null 2>&1",
	    path("crl.pem"), path("ca.crt")) == 0,
	    "openssl crl verifies the CRL signature");
out:
	X509_CRL_free(crl);
	X509_free(rx);
	X509_free(gx);
	pki_issued_free(&good);
}

static void
test_openssl_p12(const struct pki_issued *iss)
{
	FILE	*f;

	if (!have_openssl)
		return;
	if ((f = fopen(path("dev.p12"), "wb")) != NULL) {
		fwrite(iss->p12, 1, iss->p12_len, f);
		fclose(f);
	}
	ok(sys("openssl pkcs12 -in '%s' -passin pass:%s -nokeys "
	    ">/dev/null 2>&1", path("dev.p12"), iss->p12_password) == 0,
	    "openssl pkcs12 -nokeys reads the bundle");
	ok(sys("openssl pkcs12 -in '%s' -passin pass:%s -nodes "
	    "2>/dev/null | grep -q 'BEGIN PRIVATE KEY'", path("dev.p12"),
	    iss->p12_password) == 0, "openssl pkcs12 extracts the key");
	ok(sys("openssl pkcs12 -in '%s' -passin pass:%s -info -noout 2>&1 | "
	    "grep -q 'AES-256-CBC'", path("dev.p12"),
	    iss->p12_password) == 0, "bundle encrypted with AES-256-CBC");
	ok(sys("openssl pkcs12 -in '%s' -passin pass:wrong -nokeys "
	    ">/dev/null 2>&1", path("dev.p12")) != 0,
	    "openssl pkcs12 refuses a wrong password");

	/* NSS (Firefox, Chromium on Linux) is the strictest importer
	 * at hand; pk12util comes with libnss3-tools (conf/setup.sh
	 * installs it). */
	if (system("command -v pk12util >/dev/null 2>&1 && "
	    "command -v certutil >/dev/null 2>&1") != 0) {
		tap_skip(3, "no pk12util/certutil (libnss3-tools)");
		return;
	}
	ok(sys("mkdir '%s' && certutil -N -d 'sql:%s' --empty-password "
	    ">/dev/null 2>&1", path("dev-nss"), path("dev-nss")) == 0,
	    "NSS database created");
	ok(sys("pk12util -i '%s' -d 'sql:%s' -W %s >/dev/null 2>&1",
	    path("dev.p12"), path("dev-nss"), iss->p12_password) == 0,
	    "pk12util imports the bundle");
	ok(sys("certutil -L -d 'sql:%s' -n '%s' >/dev/null 2>&1",
	    path("dev-nss"), LABEL) == 0, "NSS nickname = label");
}

static void
test_pem_sha256(void)
{
	char	 out[65];

	ok(pki_pem_sha256("not a certificate", out) == -1 && out[0] == '\0',
	    "pem_sha256 rejects garbage");
	ok(pki_pem_sha256("", out) == -1, "pem_sha256 rejects empty");
	ok(pki_pem_sha256("-----BEGIN CERTIFICATE-----\nAAAA\n"
	    "-----END CERTIFICATE-----\n", out) == -1,
	    "pem_sha256 rejects a bad body");
}

static void
cleanup(const char *d)
{
	DIR		*dp;
	struct dirent	*de;
	char		 p[PATH_MAX];

	if ((dp = opendir(d)) == NULL)
		return;
	while ((de = readdir(dp)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", d, de->d_name);
		if (unlink(p) == -1)
			cleanup(p);
	}
	closedir(dp);
	rmdir(d);
}

/* The web tier's key pair, signed by the CA from its public key, bundled
 * with the key: what a CGI and renrakucho-signer do between them. */
static void
test_split(X509 *ca)
{
	struct pki_keypair	 k, other;
	struct pki_issued	 iss;
	char			 serial[41], sha[65], *chain = NULL, *one;
	const char		*ser[2] = { "0A", "FF01" };
	time_t			 when[2], next, now = time(NULL);
	char			*crl, *list;
	size_t			 len;
	X509			*x = NULL;

	memset(&iss, 0, sizeof(iss));
	ok(pki_keypair_new(&k) == 0 && pki_keypair_new(&other) == 0,
	    "keypair_new");
	ok(strncmp(k.key_pem, "-----BEGIN PRIVATE KEY-----", 27) == 0,
	    "keypair: PKCS#8 private key");
	ok(strncmp(k.pub_pem, "-----BEGIN PUBLIC KEY-----", 26) == 0 &&
	    strstr(k.pub_pem, "PRIVATE") == NULL,
	    "keypair: the public half holds no private key");
	chain = pki_ca_sign(dir, k.pub_pem, FACILITY, LABEL, now + 30 * 86400,
	    NULL, serial, sha);
	ok(chain != NULL, "ca_sign signs a public key");
	if (chain == NULL)
		goto out;
	x = read_cert_mem(chain);
	ok(x != NULL && verify(ca, x, NULL, X509_PURPOSE_SSL_CLIENT) ==
	    X509_V_OK, "ca_sign: a client certificate of the CA");
	ok(x != NULL && X509_cmp_time(X509_get0_notAfter(x), &(time_t){
	    now + 30 * 86400 + 1 }) < 0 && X509_cmp_time(X509_get0_notAfter(x),
	    &(time_t){ now + 30 * 86400 - 1 }) > 0, "ca_sign: notAfter as asked");
	ok(strstr(strstr(chain, "-----END CERTIFICATE-----") + 1,
	    "-----BEGIN CERTIFICATE-----") != NULL,
	    "ca_sign: the CA certificate follows");
	ok(pki_bundle(k.key_pem, chain, LABEL, &iss) == 0, "bundle");
	ok(strcmp(iss.serial, serial) == 0 && strcmp(iss.sha256, sha) == 0,
	    "bundle: serial and fingerprint as signed");
	ok(iss.p12 != NULL && iss.p12_len > 0 && strlen(iss.p12_password) == 20,
	    "bundle: PKCS#12 and its password");
	pki_issued_free(&iss);
	ok(pki_bundle(other.key_pem, chain, LABEL, &iss) == -1 &&
	    iss.p12 == NULL, "bad: a certificate for another key is refused");
	/* The certificate alone, without the CA's. */
	one = strdup(chain);
	*(strstr(one, "-----END CERTIFICATE-----") + 26) = '\0';
	ok(pki_bundle(k.key_pem, one, LABEL, &iss) == -1,
	    "bad: an answer without the CA certificate is refused");
	free(one);
	ok(pki_bundle(k.key_pem, "garbage", LABEL, &iss) == -1,
	    "bad: garbage is refused");
	ok(pki_ca_sign(dir, k.pub_pem, FACILITY, LABEL, now - 60, NULL,
	    serial, sha) == NULL && serial[0] == '\0',
	    "bad: ca_sign refuses an expiry in the past");
	ok(pki_ca_sign(dir, k.pub_pem, FACILITY, LABEL, now + 3651L * 86400,
	    NULL, serial, sha) == NULL, "bad: ca_sign refuses > 3650 days");
	ok(pki_ca_sign(dir, k.key_pem, FACILITY, LABEL, now + 86400, NULL,
	    serial, sha) == NULL, "bad: ca_sign refuses a private key");
	ok(pki_ca_sign(dir, "-----BEGIN PUBLIC KEY-----\nAAAA\n"
	    "-----END PUBLIC KEY-----\n", FACILITY, LABEL, now + 86400, NULL,
	    serial, sha) == NULL, "bad: ca_sign refuses a broken key");
	ok(pki_ca_sign(base, k.pub_pem, FACILITY, LABEL, now + 86400, NULL,
	    serial, sha) == NULL, "bad: ca_sign without a CA");

	when[0] = when[1] = now - 60;
	crl = pki_crl(dir, ser, when, 2, 7, &len);
	ok(crl != NULL, "crl in memory");
	ok(crl != NULL && pki_crl_summary(crl, len, &list, &next) == 0 &&
	    strcmp(list, "0A,FF01") == 0 && next > now + 7 * 86400 - 60 &&
	    next <= now + 7 * 86400 + 60, "crl_summary: serials and nextUpdate");
	if (crl != NULL && list != NULL)
		free(list);
	free(crl);
	crl = pki_crl(dir, NULL, NULL, 0, 1, &len);
	ok(crl != NULL && pki_crl_summary(crl, len, &list, &next) == 0 &&
	    strcmp(list, "") == 0, "crl_summary: an empty CRL");
	if (crl != NULL && list != NULL)
		free(list);
	free(crl);
	ok(pki_crl_summary("nonsense", 8, &list, &next) == -1 && list == NULL,
	    "bad: crl_summary refuses what is not a CRL");
out:
	X509_free(x);
	free(chain);
	pki_keypair_free(&k);
	pki_keypair_free(&other);
}

int
main(void)
{
	struct pki_issued iss;
	X509	*ca;

	snprintf(base, sizeof(base), "%s/rk-pki.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(base) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/ca", base);
	have_openssl = system("command -v openssl >/dev/null 2>&1") == 0;

	memset(&iss, 0, sizeof(iss));
	if ((ca = test_ca()) != NULL) {
		test_issue(ca, &iss);
		test_issue_bad();
		test_server(ca);
		test_split(ca);
		if (iss.cert_pem != NULL) {
			test_crl(ca, &iss);
			test_openssl_p12(&iss);
		}
	}
	test_pem_sha256();
	if (!have_openssl)
		printf("# openssl command not found: CLI checks skipped\n");
	pki_issued_free(&iss);
	X509_free(ca);
	cleanup(base);
	return tap_done();
}
