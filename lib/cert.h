/* The device_cert table's writes: issuing a certificate through
 * renrakucho-signer and recording it, and revoking certificates -- by the operator's and the facility
 * administrator's menus, My Profile, renrakucho-admin and the pickups --
 * through one statement, so every revocation stores the same columns and
 * ends the device's sessions the same way.  The OpenSSL side is pki.c's
 * (keys, bundles) and the signer's (signing, the CRL).
 *
 * The writers work inside the caller's transaction and write no audit
 * event; the caller audits (object type "device_cert", the serial, and
 * cert_detail()'s text) and commits. */
#ifndef RK_CERT_H
#define RK_CERT_H
#include <stddef.h>
#include <libpq-fe.h>

struct pki_issued;

/* A new device certificate for facility_id and label, asked for by the
 * account account_id (NULL: renrakucho-admin), valid `days` days: a key
 * pair made here, the request recorded in cert_issuance and committed at
 * once (so call it outside any transaction on c), signed by
 * renrakucho-signer (lib/signer.h), bundled into iss (pki_bundle).  The
 * caller then records it (cert_record, the pickup, the mail, its audit
 * event) in a transaction of its own.
 *
 * Should that transaction fail, the certificate is signed but has no
 * device_cert row: the app refuses it (every login looks its
 * fingerprint up there), its private key never left this process, and
 * the signer's CRL lists every signed request without a device_cert row
 * from ten minutes after signing on, so nginx refuses it too.  0, or -1
 * with the reason in err (n bytes; also logged). */
int	cert_issue(PGconn *, const char *facility_id, const char *account_id,
	    const char *label, int days, struct pki_issued *iss, char *err,
	    size_t n);

/* A device's label, the form's "label" key (1-100 characters, one
 * line, req_v_line) that also fits the certificate: it is the subject's
 * common name, which the PKI takes up to CERT_LABEL_MAX_BYTES bytes of
 * UTF-8 (100 kanji are 300): longer is refused here with a Japanese
 * reason rather than by the signer after the form was accepted. */
#define CERT_LABEL_MAX_BYTES	256
struct req_val;
struct req_key;
int	cert_v_label(struct req_val *, const struct req_key *);
#define CERT_LABEL_KEY	{ "label", cert_v_label, 1, 100 }

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

/* Subjects without the service's name, which the queue prefixes. */
#define CERT_REVOKE_SUBJECT	"端末の証明書の失効のお知らせ"
#define CERT_ISSUE_SUBJECT	"端末の証明書の発行のお知らせ"

/* Tells facility_id's representative address of an issue or a
 * revocation: body fmt for format() with %1$s the name and %2$s the
 * login ID of account_id (NULL: "事務局", "-") and %3$s label, then the
 * login page's URL; the subject says what, the service's name prefixed
 * (mail_subject).  Not when account_id's own mail goes there already
 * (a live placeholder of that facility).  0/-1. */
int	cert_mail_facility(PGconn *, const char *facility_id,
	    const char *account_id, const char *subject, const char *fmt,
	    const char *label);

/* An account being deleted (account_delete): its waiting pickups are
 * cancelled (bundle deleted, certificate revoked without a mail) and
 * its live certificates -- issued by it, or picked up for it -- revoked
 * by `by` (cert_revoke: sessions ended, mails) unless another live
 * account of the certificate's facility has had a session on it.  The
 * certificates revoked (pickups included), *pickups the pickups
 * cancelled, or -1. */
long	cert_revoke_account(PGconn *, const char *account_id, const char *by,
	    long *pickups);
/* The audit detail of that: "N certificates revoked, M pickups
 * cancelled". */
const char *cert_account_detail(long revoked, long pickups, char *buf,
	    size_t n);

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
