/* The audit trail: one event per call, built by page_audit() (schema/
 * functions/audit.sql), the one place an audit row is made: the *_view
 * functions call it too. */
#include "config.h"

#include "audit.h"
#include "db.h"

static int
audit_send(PGconn *c, const struct audit *a, int later)
{
	const char *const p[] = { a->account_id, a->login, a->cert_serial,
	    a->remote_addr, a->action, a->object_type, a->object_id,
	    a->patient_id, a->outcome, a->detail };

	return (later ? db_cmd_later : db_cmd)(c, "SELECT page_audit($1::bigint,"
	    " $2, $3, $4::inet, $5, $6, $7, $8::bigint, $9, $10)", 10, p);
}

int
audit_write(PGconn *c, const struct audit *a)
{
	return audit_send(c, a, 0);
}

int
audit_write_later(PGconn *c, const struct audit *a)
{
	return audit_send(c, a, 1);
}
