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

void
team_copy(struct app_team *t, const PGresult *r, int row,
    const char *team_id)
{
	const char	*v;

	memset(t, 0, sizeof(*t));
	t->loaded = 1;
	if (PQfnumber(r, "team_id") >= 0)
		team_id = db_get(r, row, "team_id");
	snprintf(t->team_id, sizeof(t->team_id), "%s",
	    team_id != NULL ? team_id : "");
	if ((v = db_get(r, row, "team_patient_id")) == NULL)
		return;
	t->member = 1;
	snprintf(t->patient_id, sizeof(t->patient_id), "%s", v);
	v = db_get(r, row, "team_patient_name");
	snprintf(t->patient_name, sizeof(t->patient_name), "%s",
	    v != NULL ? v : "");
	v = db_get(r, row, "team_lead");
	t->lead = v != NULL && strcmp(v, "t") == 0;
}

int
team_open(struct app *a, const char *action)
{
	/* Read with the session (lib/app.c, APP_TEAM): a page that is not
	 * declared so has no membership to go by. */
	if (!a->team.loaded || a->page->need != APP_TEAM) {
		log_err("team_open: %s is not an APP_TEAM page", a->req.path);
		return -1;
	}
	if (db_begin(a->db) == -1)
		return -1;
	if (!a->team.member) {
		/* Not a member (or no such team): the audited 404. */
		if (app_audit(a, action, "team", a->team.team_id, NULL,
		    "denied", "not a member") == -1 || db_commit(a->db) == -1)
			return -1;
		team_not_found(a);
		return 0;
	}
	return 1;
}

int
team_of_patient(struct app *a, const char *patient_id)
{
	const char *const p[] = { patient_id, a->user.account_id };
	PGresult	*r;

	/* A patient has one team; its membership as every team page
	 * reads it. */
	r = db_exec(a->db, "SELECT t.id AS team_id, m.patient_id AS"
	    " team_patient_id, m.name AS team_patient_name, m.lead AS"
	    " team_lead FROM team t, team_membership(t.id, $2::bigint) m"
	    " WHERE t.patient_id = $1::bigint", 2, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 1)
		team_copy(&a->team, r, 0, NULL);
	else {
		memset(&a->team, 0, sizeof(a->team));
		a->team.loaded = 1;
	}
	PQclear(r);
	return a->team.member;
}

const char *const team_close_codes[TEAM_CLOSE__MAX] = {
	/* TEAM_CLOSE_DEATH */		"death",
	/* TEAM_CLOSE_MOVED */		"moved",
	/* TEAM_CLOSE_FACILITY */	"facility",
	/* TEAM_CLOSE_OTHER */		"other",
};

const char *const team_close_labels[TEAM_CLOSE__MAX] = {
	/* TEAM_CLOSE_DEATH */		"死亡",
	/* TEAM_CLOSE_MOVED */		"転出",
	/* TEAM_CLOSE_FACILITY */	"施設入所",
	/* TEAM_CLOSE_OTHER */		"その他",
};

const char *
team_close_label(const char *code)
{
	int	 i;

	for (i = 0; code != NULL && i < TEAM_CLOSE__MAX; i++)
		if (strcmp(code, team_close_codes[i]) == 0)
			return team_close_labels[i];
	return team_close_labels[TEAM_CLOSE_OTHER];
}

int
team_closed_error(void)
{
	const struct db_error *e = db_last_error();

	return strcmp(e->sqlstate, "55000") == 0 &&
	    strcmp(e->constraint, "team_closed") == 0;
}

int
team_withdrawn_error(void)
{
	const struct db_error *e = db_last_error();

	return strcmp(e->sqlstate, "55000") == 0 &&
	    strcmp(e->constraint, "consent_withdrawn") == 0;
}

int
team_join_reject(PGconn *c, const char *team, const char *by)
{
	const char	*p[2] = { team, by };
	PGresult	*r;
	int		 n;

	if ((r = db_exec(c, "UPDATE join_request SET state = 'rejected',"
	    " decided_by = $2::bigint, decided_at = now()"
	    " WHERE team_id = $1::bigint AND state = 'pending'"
	    " RETURNING id", 2, p)) == NULL)
		return -1;
	n = PQntuples(r);
	PQclear(r);
	return n;
}

int
team_close(PGconn *c, const char *team, const char *by,
    const char *closed_on, const char *code, const char *note,
    char *detail, size_t n)
{
	const char	*p[5] = { team, by, closed_on, code, note };
	PGresult	*r;
	int		 pending;

	/* The pending requests first: afterwards the team is read-only.
	 * So is its patient's registration, which is archived with it
	 * (022_patient_again.sql: a later registration of the person
	 * starts anew). */
	if ((pending = team_join_reject(c, team, by)) == -1 ||
	    db_cmd(c, "UPDATE patient SET archived_at = now() WHERE id ="
	    " (SELECT patient_id FROM team WHERE id = $1::bigint"
	    " AND closed_at IS NULL)", 1, p) == -1)
		return -1;
	if ((r = db_exec(c, "UPDATE team SET closed_at = now(),"
	    " closed_by = $2::bigint, closed_on = $3::date,"
	    " close_reason = $4, close_note = $5"
	    " WHERE id = $1::bigint AND closed_at IS NULL RETURNING id",
	    5, p)) == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return 0;
	}
	PQclear(r);
	/* The detail names the reason's code, never the note (a person's
	 * circumstances); the note is on the team row for its members. */
	snprintf(detail, n, "%s; %d pending join requests rejected", code,
	    pending);
	return 1;
}
