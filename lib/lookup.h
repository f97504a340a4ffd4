/* The registration lookup's hourly limit.  Every answer to "is this
 * person registered?" (the lookup of /patients/new, a registration that
 * finds the person registered a moment ago, a join request's identity
 * check) is one lookup of the account; at most lookup_hourly_limit
 * (renrakucho.conf) in any hour.  Each is a row of patient_lookup
 * (schema/009_roles.sql, functions/lookups.sql), a refused one too: the
 * operator menu lists the accounts refused in the last 24 hours. */
#ifndef RK_LOOKUP_H
#define RK_LOOKUP_H

struct app;

/*
 * One lookup of the current account, in the transaction the caller
 * opened, before the lookup itself.  1: within the limit, go on.  0: over
 * it: the refusal (patient_lookup row and an audit event `action`
 * "denied" "hourly limit" on object_type/object_id) is committed and the
 * 429 page rendered; the caller just returns.  -1: database error; the
 * caller rolls back with an error page.
 */
int	lookup_take(struct app *, const char *action,
	    const char *object_type, const char *object_id);
/* The limit in force (lookup_hourly_limit; a value that is not a number
 * from 1 to 100000 is logged and the default, 30, used). */
long	lookup_limit(void);
#endif
