/* Seals of the audit trail's hash chain: a line
 *
 *	<seq> <hash> <time> <signature>
 *
 * says that at <time> (UTC, YYYY-MM-DDTHH:MM:SSZ) the audit event seq
 * <seq> had the hash <hash> (64 lower-case hex digits).  <signature> is
 * the base64 Ed25519 signature, by the signer's seal.key, of the line's
 * first three fields as written, "<seq> <hash> <time>" (no newline), so
 * that "openssl pkeyutl -verify -pubin -inkey seal.pub -rawin" checks it
 * (README, "The audit trail").  renrakucho-signer makes and signs them
 * (SEAL), renrakucho-admin appends them to seal_file and verifies them
 * with seal.pub. */
#ifndef RK_SEAL_H
#define RK_SEAL_H
#include <stddef.h>

#include <openssl/evp.h>

#define SEAL_LINE_MAX	256
#define SEAL_KEY	"seal.key"
#define SEAL_PUB	"seal.pub"

struct seal {
	long long	 seq;
	char		 hash[65];
	char		 time[21];
	char		 line[SEAL_LINE_MAX];	/* without the newline */
};

/* DIR/seal.key (0600) and DIR/seal.pub (0644), made when seal.key is
 * absent; seal.pub is rewritten from the key when it is missing.  1:
 * made, 0: kept, -1 (with a message). */
int	 seal_keygen(const char *dir);
/* The public key's PEM (DIR/seal.pub) into *pem (malloc'd): 0 or -1. */
int	 seal_pub_pem(const char *dir, char **pem, size_t *len);
/* A seal of (seq, hash) now, signed with DIR/seal.key, into s: 0 or -1. */
int	 seal_sign(const char *dir, long long seq, const char *hash,
	    struct seal *s);
/* The public key of the PEM file path, or NULL (with a message). */
EVP_PKEY *seal_pub_load(const char *path);
/* line parsed into s and its signature checked with pub: 0, -1
 * malformed, -2 the signature does not verify. */
int	 seal_check(EVP_PKEY *pub, const char *line, struct seal *s);
/* A lower-case hex SHA-256: 64 digits [0-9a-f]. */
int	 seal_hash_ok(const char *);
/* Its 32 bytes: 0, or -1 when s is NULL or not such a hash. */
int	 seal_unhex(const char *s, unsigned char out[32]);

/* The chain's canonical content (README, "The hash chain and its
 * seals"): the fields seq, at (UTC, YYYY-MM-DDTHH:MM:SS.ffffffZ),
 * account_id, login, cert_serial, remote_addr, action, object_type,
 * object_id, patient_id, outcome, detail, each "-" when NULL and "+"
 * with its text otherwise, joined by NUL bytes.  Its hash
 * SHA-256(prev || content), as 64 lower-case hex digits into out: 0 or
 * -1.  audit verify (the database) and audit verify --archive (an
 * export) both hash with it. */
#define SEAL_CHAIN_FIELDS	12
int	 seal_chain_hash(const unsigned char prev[32],
	    const char *const v[SEAL_CHAIN_FIELDS], char out[65]);
#endif
