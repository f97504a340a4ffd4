/* The CA's side: its key and certificate in a private directory,
 * signing, the CRL.  Linked into renrakucho-signer (lib/cli/signer.c)
 * and renrakucho-admin's local CA verbs (ca init, ca server-cert), never
 * into a CGI: a CGI's certificates come from the signer (lib/signer.h).
 *
 * Files in the CA directory (mode 0700, the signer's user):
 *	ca.key ca.crt		the root (key 0600, PKCS#8 PEM, unencrypted:
 *				the directory is what protects it)
 *	server.key server.crt	(ca server-cert) nginx's certificate */
#ifndef RK_PKI_CA_H
#define RK_PKI_CA_H
#include <stddef.h>
#include <time.h>

struct pki_issued;

/* Creates dir/ca.key (0600) and dir/ca.crt, self-signed, CN given,
 * EC P-256, 10 years.  Refuses to overwrite.  0/-1. */
int	pki_ca_init(const char *dir, const char *cn);

/* Signs pub_pem (PEM SubjectPublicKeyInfo) with the CA in dir: subject
 * O=o, CN=cn, valid from a few minutes ago until not_after (which must
 * be in the future, at most PKI_DAYS_MAX days ahead, and within the
 * CA's own validity); san NULL: a device (clientAuth) certificate, else
 * a server (serverAuth) certificate with subjectAltName DNS:localhost,
 * IP:127.0.0.1 and san ("DNS:x,IP:y" list, may be "").  Returns the
 * certificate PEM followed by the CA certificate PEM (malloc'd), its
 * serial and SHA-256 in serial and sha256; NULL on failure. */
char	*pki_ca_sign(const char *dir, const char *pub_pem, const char *o,
	    const char *cn, time_t not_after, const char *san,
	    char serial[41], char sha256[65]);

/* Server certificate for TLS: dir/server.key, dir/server.crt signed by
 * the CA, with subjectAltName DNS:localhost, IP:127.0.0.1 and the names
 * given (comma-separated "DNS:x,IP:y" list, may be NULL).  0/-1. */
int	pki_server_cert(const char *dir, const char *san, int days);

/* A device certificate made in one go (new key, signed by the CA in dir,
 * O=facility, CN=label, `days` long, bundled): pki_keypair_new,
 * pki_ca_sign and pki_bundle together.  0/-1.  pki_issued_free() after. */
int	pki_issue(const char *dir, const char *facility, const char *label,
	    int days, struct pki_issued *);

/* A CRL listing the given serials (hex) with their revocation times,
 * nextUpdate `days` ahead, signed by the CA in dir: its PEM (malloc'd,
 * length in *lenp), or NULL.  pki_crl_write writes it to path
 * atomically (tmp + rename). */
char	*pki_crl(const char *dir, const char *const *serials,
	    const time_t *revoked, size_t n, int days, size_t *lenp);
/* pem (len bytes) to path, 0644, atomically.  0/-1. */
int	pki_crl_save(const char *path, const char *pem, size_t len);
int	pki_crl_write(const char *dir, const char *path,
	    const char *const *serials, const time_t *revoked, size_t n,
	    int days);
#endif
