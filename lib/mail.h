/* The mail outbox: mail is queued in the same transaction as the event
 * that causes it and delivered later by `renrakucho-admin mail deliver`
 * through the configured sendmail command.  Mail never contains patient
 * details, only that there is something new and a link to log in. */
#ifndef RK_MAIL_H
#define RK_MAIL_H
#include <libpq-fe.h>

/* Every mail's subject: "【service_name】" (cfg) and what, into buf.
 * Returns buf, or NULL when it does not fit.  The queue functions below
 * call it; a caller whose mail is queued in SQL (message_notify,
 * cert_expiry_notify) passes the SQL its result. */
const char	*mail_subject(char *buf, size_t n, const char *what);

/* Queue a mail to a live account.  subject says what the mail is about;
 * the service's name is prefixed (mail_subject).  An account with a forwarding
 * placeholder address is delivered to its facility's representative
 * address, and the body is prefixed with the staff member it is for.
 * 0, or -1 (database error; the caller rolls back). */
int	mail_queue_account(PGconn *, const char *account_id,
	    const char *subject, const char *body);
/* Queue a mail to an address (a facility's representative address);
 * the subject as mail_queue_account's. */
int	mail_queue_address(PGconn *, const char *to, const char *subject,
	    const char *body);

/* What one delivery run did. */
struct mail_counts {
	long	 sent;
	long	 failed;	/* rescheduled with backoff */
	long	 gaveup;	/* the tenth failure: never due again */
};
/* Delivers up to limit due messages, oldest first, each in its own
 * transaction (FOR UPDATE SKIP LOCKED: overlapping runs share the work).
 * A failed attempt is logged ("message ID: why") and retried later.
 * 0, or -1 on a database error (db_last_error; n counts what was done
 * before it).  The caller ignores SIGPIPE: a sendmail that exits early
 * must not kill it mid-write. */
int	mail_deliver(PGconn *, long limit, struct mail_counts *n);
/* One message through the sendmail command (cfg sendmail, -t: the
 * recipient travels in To:, never on a command line); id makes the
 * Message-ID.  NULL when sent, else why not (a header with a control
 * character is refused unsent). */
const char	*mail_send(const char *id, const char *to,
		    const char *subject, const char *body);
#endif
