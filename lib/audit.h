/* The append-only audit trail. */
#ifndef RK_AUDIT_H
#define RK_AUDIT_H
#include <libpq-fe.h>

struct audit {
	const char	*account_id;	/* NULL when unknown (failed login) */
	const char	*login;		/* login ID attempted, may be NULL */
	const char	*cert_serial;	/* client certificate, may be NULL */
	const char	*remote_addr;
	const char	*action;	/* "login", "logout", "patient.view", ... */
	const char	*object_type;	/* "account", "patient", ... or NULL */
	const char	*object_id;
	const char	*patient_id;	/* when the event concerns a patient */
	const char	*outcome;	/* "success", "failure", "denied" */
	const char	*detail;	/* short reason, may be NULL */
};

/* One event in the current transaction (or autocommit), through
 * page_audit() as the *_view functions write theirs.  0/-1. */
int	audit_write(PGconn *, const struct audit *);
/* The same through db_cmd_later: in a transaction the INSERT goes out
 * with the next statement or the COMMIT, which fail if it does. */
int	audit_write_later(PGconn *, const struct audit *);
#endif
