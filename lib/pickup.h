/* Certificate pickups: a device certificate issued from the web (My
 * Profile, the operator's menu) is not handed over at once but parked as
 * a PKCS#12 bundle behind a pickup number and a pickup password.
 *
 *  - The pickup number (証明書取得用No) is 12 digits shown as
 *    "1234-5678-9012"; it is shown on screen once (and, for the
 *    operator's first certificate, mailed on its own).
 *  - The pickup password IS the PKCS#12 import password (the portal tells
 *    users so): pki's random 20-character p12 password, mailed in a
 *    mail of its own (never with the number), stored only as a PBKDF2
 *    hash.
 *  - The bundle can be fetched once, within PICKUP_HOURS, from the portal
 *    (/certificate-pickup) or by a direct download; after the fetch, or
 *    once expired, the bytes are deleted (p12 = NULL): the private key is
 *    not kept.
 *  - Wrong passwords count: PICKUP_MAX_FAILS locks a pickup; a remote
 *    address with PICKUP_ADDR_FAILS failures in the last hour is refused
 *    (every attempt is an audit event, action "pickup").  An IPv6
 *    address counts as its /64 (one host's addresses), an IPv4 address
 *    as itself: pickup_addr_key.  A number that is not 12 digits (with
 *    "-" or " " between) fails at once, without the password's KDF, and
 *    counts as a failure all the same.
 *
 * pickup_issue gets the certificate from renrakucho-signer, outside any
 * transaction (cert_issue).  Every other function works inside the
 * caller's transaction (db_begin before, db_commit after, db_rollback on
 * -1): the device_cert row, the pickup row, the mail and the audit event
 * commit together or not at all, so a failure half-way leaves no active
 * certificate without a bundle (a signed certificate left without its
 * row is in the signer's CRL: cert.h). */
#ifndef RK_PICKUP_H
#define RK_PICKUP_H
#include <stddef.h>
#include <libpq-fe.h>

#define PICKUP_HOURS		72
#define PICKUP_MAX_FAILS	5	/* wrong passwords before a lock */
#define PICKUP_ADDR_FAILS	20	/* failures per address per hour */
#define PICKUP_NO_LEN		14	/* "1234-5678-9012" */

struct pickup_new {
	char	 pickup_id[24];		/* pickup.id */
	char	 serial[41];		/* device_cert.serial */
	char	 number[PICKUP_NO_LEN + 1];	/* show once */
	char	 password[32];		/* mail it; never show, never store */
	char	 expires[64];		/* Japan time, Japanese format */
};

struct pki_issued;

/* A device certificate for facility_id with the given label (1-100
 * characters, UTF-8), asked for by issued_by (an account id, NULL for
 * none), valid cfg cert_days: cert_issue, outside any transaction.  0,
 * or -1 (logged).  pki_issued_free(iss) after. */
int	pickup_issue(PGconn *, const char *facility_id, const char *label,
	    const char *issued_by, struct pki_issued *iss);
/* Records iss (pickup_issue's) as issued by issued_by and parks it
 * behind a new pickup, in the caller's transaction.  The caller then
 * mails out->password (pickup_mail_body() helps) and writes its own
 * audit event; pickup_create writes none.  0, or -1 (logged; roll
 * back). */
int	pickup_create(PGconn *, const struct pki_issued *iss,
	    const char *facility_id, const char *label, const char *issued_by,
	    struct pickup_new *out);

/* The pickup number and the pickup password never travel in the same
 * mail.  The text of the password mail (証明書取得用パスワード and the
 * portal URL cfg portal_url + "certificate/"), no patient data, into
 * buf: where the number is, PICKUP_NO_ON_SCREEN (shown on the issuing
 * screen: My Profile) or PICKUP_NO_MAILED (in a separate mail,
 * pickup_number_mail_body's: the operator's first certificate).
 * Returns buf; "" when it does not fit. */
#define PICKUP_NO_ON_SCREEN	0
#define PICKUP_NO_MAILED	1
const char *pickup_mail_body(const struct pickup_new *, const char *label,
	    int number_where, char *buf, size_t n);
/* Subjects are what the mail is about: the queue (mail.h) prefixes the
 * service's name. */
#define PICKUP_MAIL_SUBJECT	"証明書取得用パスワードのお知らせ"
/* The text of the number mail (証明書取得用No, the portal URL, and that
 * the password comes in a separate mail), without the password, into
 * buf.  Returns buf; "" when it does not fit. */
const char *pickup_number_mail_body(const struct pickup_new *,
	    const char *label, char *buf, size_t n);
#define PICKUP_NO_MAIL_SUBJECT	"証明書取得用Noのお知らせ"

/* The outcome of a fetch. */
enum pickup_result {
	PICKUP_OK,		/* out filled: the bundle, now deleted */
	PICKUP_BAD,		/* unknown number or wrong password */
	PICKUP_USED,		/* fetched already */
	PICKUP_EXPIRED,
	PICKUP_LOCKED,		/* too many wrong passwords, or address */
	PICKUP_ERROR		/* database: roll back, 500/503 */
};

struct pickup_bundle {
	char		 pickup_id[24];
	char		 serial[41];
	char		 label[404];
	unsigned char	*p12;		/* malloc'd; pickup_bundle_free() */
	size_t		 p12_len;
};

/* Checks number (digits, hyphens and spaces ignored) and password
 * (constant time, KDF) and on success takes the bundle out (single
 * use).  The failure counters are updated in the caller's transaction,
 * so the caller commits on PICKUP_BAD/LOCKED too.  remote_addr may be
 * NULL. */
enum pickup_result pickup_fetch(PGconn *, const char *number,
	    const char *password, const char *remote_addr,
	    struct pickup_bundle *out);

/* The same for a direct download by the issuing account: no password,
 * but the pickup must have been issued by account_id, be in its
 * facility and replace the certificate `serial` the device presents
 * (else PICKUP_BAD: answer 404).  A new device picks up on the portal. */
enum pickup_result pickup_take(PGconn *, const char *pickup_id,
	    const char *account_id, const char *serial,
	    struct pickup_bundle *out);
/* Marks the new pickup pickup_id as the replacement of the certificate
 * serial (the issuing device's): the device may download it directly,
 * and serial is revoked when the bundle is fetched (either way).
 * 0/-1. */
int	pickup_set_replaces(PGconn *, const char *pickup_id,
	    const char *serial);

void	pickup_bundle_free(struct pickup_bundle *);

/* Deletes the bundle waiting for certificate serial, if any (the
 * certificate is being revoked): 0/-1. */
int	pickup_drop(PGconn *, const char *serial);

struct app;
/* Answers the request with the bundle: application/x-pkcs12, file name
 * "renrakucho-<label>.p12".  0/-1. */
int	pickup_serve(struct app *, const struct pickup_bundle *);

/* Deletes the bundles of expired pickups (admin CLI, cron); the number
 * of bundles deleted, or -1. */
long	pickup_purge(PGconn *);
/* The key of addr's failures in pickup_failure, as text for ::inet: an
 * IPv4 address (or an IPv4-mapped IPv6 one) as the IPv4 address, an IPv6
 * address as its /64 network ("2001:db8:1:2::/64").  0, or -1 when addr
 * is no address or out is too small. */
int	pickup_addr_key(const char *addr, char *out, size_t n);

#endif
