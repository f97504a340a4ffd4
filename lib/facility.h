/* The facility table's writes: registration, changes and suspension, with
 * the one set of limits and Japanese messages that the operator's web
 * menu and renrakucho-admin both use.  The limits are the schema's CHECK
 * constraints (schema/base.sql).
 *
 * The writers work inside the caller's transaction and write no audit
 * event; the caller audits and commits. */
#ifndef RK_FACILITY_H
#define RK_FACILITY_H
#include <stddef.h>
#include <libpq-fe.h>

#include "form.h"
#include "req.h"

/* The fields of the facility form, in the form's order.  A CGI puts
 * FACILITY_KEYS at index `base` of its own key table (its enum reserves
 * FACILITY_F__MAX slots from base on). */
enum facility_field {
	FACILITY_F_NAME,
	FACILITY_F_ADDRESS,	/* optional */
	FACILITY_F_MNAME,
	FACILITY_F_MCODE,
	FACILITY_F_EMAIL,
	FACILITY_F_PHONE,	/* optional */
	FACILITY_F__MAX
};

#define FACILITY_KEYS \
	{ "fac_name", req_v_line, 1, 200 }, \
	{ "address", req_v_line, 0, 300 }, \
	{ "municipality_name", req_v_line, 1, 100 }, \
	{ "municipality_code", req_v_token, 5, 6 }, \
	{ "fac_email", req_v_email, 3, 254 }, \
	{ "phone", req_v_line, 0, 30 }

/* A facility as typed: each field's value, NULL when left out (an
 * optional field left out is stored as ""). */
struct facility {
	const char	*v[FACILITY_F__MAX];
	int		 suspended;
};

/* The Japanese message for value s (NULL: left out) of field i, or NULL
 * when it can be stored. */
const char *facility_check(enum facility_field i, const char *s);

/* The web form: what was typed (kept for redisplay) and its errors. */
struct facility_form {
	struct facility	 fac;
	size_t		 base;	/* the first FACILITY_F_ key's index */
	struct form	 form;	/* the errors, by the CGI's keys */
};

/* Fills f from the request's values (keys from base on) and puts an
 * error in f->form for each bad field; returns how many.  The status
 * (suspended) is the caller's to set. */
int	facility_form_read(const struct req *, size_t base,
	    struct facility_form *f);

/* Registers f (checked), active; id_out gets the new id.  0, or -1
 * (roll back). */
int	facility_add(PGconn *, const struct facility *f, char *id_out,
	    size_t n);
/* Changes every field and the status of facility id: 1, 0 when there
 * is no such facility, -1 on error.  A suspension takes effect on the
 * next request: the session check wants an active facility. */
int	facility_update(PGconn *, const char *id, const struct facility *f);
#endif
