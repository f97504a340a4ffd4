/* Device certificates on the web tier's side: a new key pair, and the
 * PKCS#12 bundle made from that key and the certificate renrakucho-signer
 * returned (lib/signer.h).  The CA key is never read here: signing, the
 * CRL and the CA's files are pki_ca.h's, linked into the signer and
 * renrakucho-admin's local CA verbs only. */
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

/* A device's key pair (EC P-256): key_pem the unencrypted PKCS#8
 * private key (wiped by pki_keypair_free), pub_pem its PEM
 * SubjectPublicKeyInfo, what the issuance records.  0/-1. */
struct pki_keypair {
	char	*key_pem;
	char	*pub_pem;
};
int	pki_keypair_new(struct pki_keypair *);
void	pki_keypair_free(struct pki_keypair *);

/* From key_pem and the signer's answer chain_pem (the certificate, then
 * the CA certificate): checks that the certificate is the CA's and for
 * this key, and fills iss with its serial, fingerprint, expiry, PEMs and
 * a PKCS#12 bundle (friendly name label) under a new random password.
 * 0/-1.  pki_issued_free() after. */
int	pki_bundle(const char *key_pem, const char *chain_pem,
	    const char *label, struct pki_issued *iss);
void	pki_issued_free(struct pki_issued *);

/* The revoked serials of a PEM CRL (len bytes), upper-case hex, sorted,
 * comma-separated, into *serials (malloc'd; "" for none) and its
 * nextUpdate into *next.  0/-1. */
int	pki_crl_summary(const char *pem, size_t len, char **serials,
	    time_t *next);

/* SHA-256 hex of the DER inside a PEM certificate (as nginx sends it in
 * $ssl_client_escaped_cert, already URL-decoded); 0/-1. */
int	pki_pem_sha256(const char *pem, char out[65]);
#endif
