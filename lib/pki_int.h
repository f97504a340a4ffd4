/* What pki.c (the key pairs and bundles of the CGIs) and pki_ca.c (the
 * signer's CA) share: messages, files, PEM, names; renrakucho-signer
 * (lib/cli/signer.c) uses the file writer and the path helper too.  Not
 * for the CGIs' own files. */
#ifndef RK_PKI_INT_H
#define RK_PKI_INT_H
#include <sys/types.h>
#include <stddef.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#define PKI_DAYS_MAX	3650
#define PKI_NAME_MAX	256	/* bytes; X.520 allows 64 characters */

/* One line "pki: ..." on stderr, control characters and bytes that are
 * not UTF-8 written as \xNN. */
void	 pki_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
/* The first queued OpenSSL error, with what failed (and arg). */
void	 pki_sslerr(const char *what, const char *arg);
int	 pki_path(char *out, size_t n, const char *dir, const char *name);
void	 pki_hex(const unsigned char *p, size_t len, char *out);
/* path.tmp, fsync, then rename (replace) or link (never overwrite). */
int	 pki_write_file(const char *path, const void *data, size_t len,
	    mode_t mode, int replace);
char	*pki_bio_str(BIO *, size_t *lenp);
char	*pki_key_pem(EVP_PKEY *, size_t *lenp);
char	*pki_cert_pem(X509 *, size_t *lenp);
EVP_PKEY *pki_keygen(void);
int	 pki_serial_hex(X509 *, char out[41]);
int	 pki_der_sha256(X509 *, char out[65]);
/* Human-entered names: non-empty, bounded, no control characters. */
int	 pki_name_ok(const char *what, const char *s);
#endif
