/* Membership of a support team (see team.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "db.h"
#include "team.h"

void
team_not_found(struct app *a)
{
	app_error(a, 404, "ページが見つかりません",
	    "お探しのページは見つかりませんでした。参加している支援チームの"
	    "ページかどうか、ご確認ください。");
}

int
team_open(struct app *a, const char *team_id, const char *action,
    struct team *t)
{
	const char	*p[2] = { team_id, a->user.account_id };
	PGresult	*r;
	int		 rc = -1;

	memset(t, 0, sizeof(*t));
	t->id = team_id;
	if (db_begin(a->db) == -1)
		return -1;
	r = db_exec(a->db, "SELECT patient_id, name, lead"
	    " FROM team_membership($1::bigint, $2::bigint)", 2, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 1) {
		snprintf(t->patient_id, sizeof(t->patient_id), "%s",
		    db_get(r, 0, "patient_id"));
		snprintf(t->patient_name, sizeof(t->patient_name), "%s",
		    db_get(r, 0, "name"));
		t->is_lead = *db_get(r, 0, "lead") == 't';
		rc = 1;
	} else if (app_audit(a, action, "team", team_id, NULL, "denied",
	    "not a member") == 0 && db_commit(a->db) == 0) {
		team_not_found(a);
		rc = 0;
	}
	PQclear(r);
	return rc;
}
