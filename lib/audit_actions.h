/* The audit trail, documented: every action the code writes into
 * audit_event, and the columns it is written into.  "renrakucho-admin
 * audit actions" prints these tables, doc/audit.md is generated from
 * them ("make audit-doc"), and tests/cgi/audit-doc.sh fails when an
 * action written in the sources has no row here, a row names an action
 * nobody writes, or a column's text differs from its COMMENT ON.  An
 * action is documented by one row of audit_actions (lib/audit_actions.c);
 * then "make audit-doc". */
#ifndef RK_AUDIT_ACTIONS_H
#define RK_AUDIT_ACTIONS_H
#include <stddef.h>

/* One action.  All texts are plain (no markup), one line each. */
struct audit_action {
	const char	*action;	/* audit_event.action */
	const char	*by;		/* who writes it: a page or a verb */
	const char	*object_type;	/* audit_event.object_type ("" none) */
	const char	*outcomes;	/* the outcomes it can have */
	const char	*object_id;	/* what object_id and patient_id hold */
	const char	*detail;	/* what detail holds */
	const char	*example;	/* an example: outcome, object_id, detail */
};

/* One column of audit_event: its COMMENT ON text, verbatim. */
struct audit_column {
	const char	*name;
	const char	*comment;
};

extern const struct audit_action	audit_actions[];
extern const size_t			audit_nactions;
extern const struct audit_column	audit_columns[];
extern const size_t			audit_ncolumns;

/* The row of action, or NULL. */
const struct audit_action *audit_action_find(const char *action);
#endif
