/* Changing the e-mail address of an account in My Profile: asked for
 * with the current password, confirmed through a link mailed to the new
 * address.  The old address keeps working until then and is told both
 * of the request and of the change.  The link's token (AUTH_TOKEN_LEN
 * characters, base64url) is only in the mail; email_change stores its
 * SHA-256.  It works once, for EMAIL_CHANGE_HOURS, for the account that
 * asked, and a later request (or a switch to the forwarding address)
 * cancels it.
 *
 * Both functions work inside the caller's transaction and write no
 * audit event. */
#ifndef RK_EMAIL_CHANGE_H
#define RK_EMAIL_CHANGE_H
#include <stddef.h>
#include <libpq-fe.h>

#define EMAIL_CHANGE_HOURS	24

enum email_change_result {
	EMAIL_CHANGE_OK,
	EMAIL_CHANGE_TAKEN,	/* another live account has the address */
	EMAIL_CHANGE_SAME,	/* request: it is my address already */
	EMAIL_CHANGE_INVALID,	/* confirm: unknown, used, cancelled, expired */
	EMAIL_CHANGE_ERROR	/* database or RNG: roll back */
};

/* Records a request of account_id for new_email, cancelling any earlier
 * one, and mails the link to new_email and a notice to the account's
 * present address. */
enum email_change_result email_change_request(PGconn *,
	    const char *account_id, const char *new_email);
/* Cancels the account's pending request (a switch to the forwarding
 * placeholder).  0/-1. */
int	email_change_cancel(PGconn *, const char *account_id);
/* The pending request of account_id whose link carries token: its new
 * address into new_email (n bytes); EMAIL_CHANGE_OK or _INVALID. */
enum email_change_result email_change_find(PGconn *, const char *account_id,
	    const char *token, char *new_email, size_t n);
/* Confirms it: tells the present address, stores the new one, marks the
 * request used (single use). */
enum email_change_result email_change_confirm(PGconn *,
	    const char *account_id, const char *token);
/* Tells the account's present address that it is being replaced by the
 * forwarding placeholder (before the change is stored).  0/-1. */
int	email_change_notice_placeholder(PGconn *, const char *account_id);
#endif
