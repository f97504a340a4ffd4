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

/* Not a member (or no such team): the audited 404.  0, or -1 when the
 * audit event could not be committed. */
static int
team_refuse(struct app *a, const char *team_id, const char *action)
{
	if (app_audit(a, action, "team", team_id, NULL, "denied",
	    "not a member") == -1 || db_commit(a->db) == -1)
		return -1;
	team_not_found(a);
	return 0;
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
	if (a->team.loaded && strcmp(team_id, a->id[0]) == 0) {
		/* An APP_TEAM page: read with the session (lib/app.c). */
		if (!a->team.member)
			return team_refuse(a, team_id, action);
		snprintf(t->patient_id, sizeof(t->patient_id), "%s",
		    a->team.patient_id);
		snprintf(t->patient_name, sizeof(t->patient_name), "%s",
		    a->team.patient_name);
		t->is_lead = a->team.lead;
		return 1;
	}
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
	} else
		rc = team_refuse(a, team_id, action);
	PQclear(r);
	return rc;
}
