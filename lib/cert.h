/* The device_cert table's writes: recording a certificate that pki.c
 * issued, and revoking certificates -- by the operator's and the facility
 * administrator's menus, My Profile, renrakucho-admin and the pickups --
 * through one statement, so every revocation stores the same columns and
 * ends the device's sessions the same way.  The OpenSSL side (keys,
 * signing, the CRL) is pki.c's.
 *
 * The writers work inside the caller's transaction and write no audit
 * event; the caller audits (object type "device_cert", the serial, and
 * cert_detail()'s text) and commits. */
#ifndef RK_CERT_H
#define RK_CERT_H
#include <stddef.h>
#include <libpq-fe.h>

struct pki_issued;

/* Records the certificate iss for facility_id, issued by the account
 * issued_by (NULL: renrakucho-admin), with its device label.  0/-1. */
int	cert_record(PGconn *, const struct pki_issued *iss,
	    const char *facility_id, const char *issued_by, const char *label);

/* The outcome of a revocation. */
enum cert_revoke {
	CERT_REVOKED,
	CERT_ALREADY,		/* revoked before: nothing changed */
	CERT_NOT_FOUND,		/* no such certificate (in the facility) */
	CERT_ERROR
};

/* Revokes the device certificate serial (upper-case hex) -- only one of
 * facility_id when that is not NULL -- as revoked by the account by
 * (NULL: renrakucho-admin) for reason, ends every session on it and mails
 * the account that issued it.  *sessions (may be NULL) gets the number
 * of sessions ended.  The CRL follows with the next `crl update`; the app
 * refuses the certificate from the next request on. */
enum cert_revoke cert_revoke(PGconn *, const char *serial,
	    const char *facility_id, const char *by, const char *reason,
	    long *sessions);
/* Revokes, for reason and without mail, the live certificates among
 * serials, a PostgreSQL text[] literal ("{0A1B,2C3D}"): certificates
 * whose bundle was never fetched.  How many were revoked, or -1. */
long	cert_revoke_unused(PGconn *, const char *serials, const char *reason);

/* 1 if s is 1-40 hex digits; upper-cases it into out[41]. */
int	cert_serial(const char *s, char out[41]);
/* The audit detail of a revocation: "N sessions ended". */
const char *cert_detail(long sessions, char *buf, size_t n);

struct app;
/* POST of the menus' device lists: revoke the certificate named by the
 * form value serial (NULL when invalid), in facility_id (NULL: any),
 * audited as `action`; 303 to `done` on success, else an error page
 * (404, 409). */
void	cert_revoke_post(struct app *, const char *serial,
	    const char *facility_id, const char *action, const char *done);
#endif
