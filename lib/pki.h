/* The system's own CA: device certificates, PKCS#12 bundles, the CRL.
 * Used by the admin CLI (and later the profile/operator CGIs). */
#ifndef RK_PKI_H
#define RK_PKI_H
#include <stddef.h>
#include <time.h>

struct pki_issued {
	char	 serial[41];	/* upper-case hex, as nginx's $ssl_client_serial */
	char	 sha256[65];	/* lower-case hex SHA-256 of the DER certificate */
	time_t	 not_after;
	char	*cert_pem;	/* malloc'd */
	char	*key_pem;	/* malloc'd, unencrypted PKCS#8 */
	unsigned char *p12;	/* malloc'd DER PKCS#12 (AES-256, PBKDF2) */
	size_t	 p12_len;
	char	 p12_password[32];	/* random, printable, shown once */
};

/* Creates dir/ca.key (0600) and dir/ca.crt, self-signed, CN given,
 * EC P-256 (or RSA 3072), 10 years.  Refuses to overwrite.  0/-1. */
int	pki_ca_init(const char *dir, const char *cn);
/* Server certificate for TLS: dir/server.key, dir/server.crt signed by
 * the CA, with subjectAltName DNS:localhost, IP:127.0.0.1 and the names
 * given (comma-separated "DNS:x,IP:y" list, may be NULL).  0/-1. */
int	pki_server_cert(const char *dir, const char *san, int days);
/* A device certificate: new key, X.509 v3 (clientAuth, CA:FALSE,
 * keyUsage digitalSignature, random 64+-bit serial, `days` long, subject
 * O=facility, CN=label) signed by the CA in dir, packaged as PKCS#12
 * with a random password.  0/-1.  pki_issued_free() after. */
int	pki_issue(const char *dir, const char *facility, const char *label,
	    int days, struct pki_issued *);
void	pki_issued_free(struct pki_issued *);
/* Writes a CRL listing the given serials (hex) with their revocation
 * times, nextUpdate `days` ahead, to path atomically (tmp + rename).  */
int	pki_crl_write(const char *dir, const char *path,
	    const char *const *serials, const time_t *revoked, size_t n,
	    int days);
/* SHA-256 hex of the DER inside a PEM certificate (as nginx sends it in
 * $ssl_client_escaped_cert, already URL-decoded); 0/-1. */
int	pki_pem_sha256(const char *pem, char out[65]);
#endif
