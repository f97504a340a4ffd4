/* Membership of a support team (see team.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "app.h"
#include "db.h"
#include "log.h"
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
	memset(t, 0, sizeof(*t));
	t->id = team_id;
	/* Read with the session (lib/app.c, APP_TEAM): a page that is not
	 * declared so has no membership to go by. */
	if (!a->team.loaded || strcmp(team_id, a->id[0]) != 0) {
		log_err("team_open: %s is not an APP_TEAM page", a->req.path);
		return -1;
	}
	if (db_begin(a->db) == -1)
		return -1;
	if (!a->team.member) {
		/* Not a member (or no such team): the audited 404. */
		if (app_audit(a, action, "team", team_id, NULL, "denied",
		    "not a member") == -1 || db_commit(a->db) == -1)
			return -1;
		team_not_found(a);
		return 0;
	}
	snprintf(t->patient_id, sizeof(t->patient_id), "%s",
	    a->team.patient_id);
	snprintf(t->patient_name, sizeof(t->patient_name), "%s",
	    a->team.patient_name);
	t->is_lead = a->team.lead;
	return 1;
}
