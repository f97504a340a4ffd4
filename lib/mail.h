/* The mail outbox: mail is queued in the same transaction as the event
 * that causes it and delivered later by `renrakucho-admin mail deliver`
 * through the configured sendmail command.  Mail never contains patient
 * details, only that there is something new and a link to log in. */
#ifndef RK_MAIL_H
#define RK_MAIL_H
#include <libpq-fe.h>

/* Queue a mail to a live account.  An account with a forwarding
 * placeholder address is delivered to its facility's representative
 * address, and the body is prefixed with the staff member it is for.
 * 0, or -1 (database error; the caller rolls back). */
int	mail_queue_account(PGconn *, const char *account_id,
	    const char *subject, const char *body);
/* Queue a mail to an address (a facility's representative address). */
int	mail_queue_address(PGconn *, const char *to, const char *subject,
	    const char *body);
#endif
