/* The mail outbox (see mail.h). */
#include "config.h"

#include "db.h"
#include "mail.h"

int
mail_queue_account(PGconn *c, const char *account_id, const char *subject,
    const char *body)
{
	const char *const p[] = { account_id, subject, body };

	/* schema/015: a placeholder address goes to the facility's
	 * representative address; a deleted account gets no mail. */
	return db_cmd(c, "SELECT mail_to_accounts(ARRAY[$1::bigint], $2, $3)",
	    3, p);
}

int
mail_queue_address(PGconn *c, const char *to, const char *subject,
    const char *body)
{
	const char *const p[] = { to, subject, body };

	return db_cmd(c, "INSERT INTO mail_outbox (to_addr, subject, body)"
	    " VALUES ($1, $2, $3)", 3, p);
}
