/* The mail outbox (see mail.h). */
#include "config.h"

#include "db.h"
#include "mail.h"

int
mail_queue_account(PGconn *c, const char *account_id, const char *subject,
    const char *body)
{
	const char *const p[] = { account_id, subject, body };

	/* A placeholder address is a promise: deliver to the facility's
	 * representative address, saying whom the mail is for.  A deleted
	 * account simply gets no mail (no row). */
	return db_cmd(c, "INSERT INTO mail_outbox (to_addr, account_id, subject,"
	    " body) SELECT CASE WHEN a.email_is_placeholder OR a.email IS NULL"
	    " THEN f.email ELSE a.email END, a.id, $2,"
	    " CASE WHEN a.email_is_placeholder OR a.email IS NULL"
	    " THEN '【' || f.name || ' ' || a.name || ' 様宛てのお知らせです。"
	    "事業所内でお伝えください。】' || E'\\n\\n' || $3 ELSE $3 END"
	    " FROM account a JOIN facility f ON f.id = a.facility_id"
	    " WHERE a.id = $1::bigint AND a.deleted_at IS NULL", 3, p);
}

int
mail_queue_address(PGconn *c, const char *to, const char *subject,
    const char *body)
{
	const char *const p[] = { to, subject, body };

	return db_cmd(c, "INSERT INTO mail_outbox (to_addr, subject, body)"
	    " VALUES ($1, $2, $3)", 3, p);
}
