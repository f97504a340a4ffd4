/* The client of renrakucho-signer (lib/cli/signer.c), over the unix
 * socket cfg signer_socket: one request per connection, one line each,
 * the answer "OK\n" and a body, or "ERR <text>\n".
 *
 * The CGIs and renrakucho-admin get device certificates and the CRL
 * only from there: the CA key is the signer's user's alone.  Each
 * function fills err (n bytes) with the reason on -1: the signer's ERR
 * text, or what failed on the way (connect, timeout). */
#ifndef RK_SIGNER_H
#define RK_SIGNER_H
#include <stddef.h>

#define SIGNER_TIMEOUT	10	/* seconds, each way */

/* PING: 0 when the signer answers OK. */
int	signer_ping(char *err, size_t n);
/* SIGN issuance_id (cert_issuance.id, committed): the certificate PEM
 * followed by the CA certificate PEM into *pem (malloc'd). */
int	signer_sign(const char *issuance_id, char **pem, char *err, size_t n);
/* CRL with nextUpdate days ahead ("CRL <days>"): the CRL PEM into *pem
 * (malloc'd), its length in *len. */
int	signer_crl(int days, char **pem, size_t *len, char *err, size_t n);
/* SEAL seq hash (the audit chain's event seq, its hash in hex): the
 * seal line (lib/seal.h, no newline) into line (size ln). */
int	signer_seal(long long seq, const char *hash, char *line, size_t ln,
	    char *err, size_t n);
#endif
