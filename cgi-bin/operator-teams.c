/* /operator/teams: the support teams left without a live 担当者
 * (担当者不在, lib/leave.h) -- the last one's account was deleted with no
 * other live member to take over, or before successors were asked for.
 * The operator names a 担当者 among the team's live staff members (the
 * team_member rows stay when an account is deleted, so the members it
 * ever had, live accounts only) or ends the support with the reason
 * その他 and a note (team_close, as the 担当者's /patients/{id}/close).
 * Teams by number only: an operator sees no patient data.  Part of the
 * operator CGI. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "app.h"
#include "db.h"
#include "jtime.h"
#include "leave.h"
#include "operator.h"
#include "team.h"
#include "tmpl.h"

static const char *const sql_teams = "SELECT t.id,"
    " " JTIME_SQL("t.created_at") " AS created,"
    " (SELECT string_agg(a.name || '（' || f.name || '）', '、'"
    "  ORDER BY a.deleted_at, a.id) FROM team_member l"
    "  JOIN account a ON a.id = l.account_id"
    "  JOIN facility f ON f.id = a.facility_id"
    "  WHERE l.team_id = t.id AND l.role = 'lead') AS former"
    " FROM team t WHERE " LEAVE_SQL_ORPHAN("t") " ORDER BY t.id";

/* The live staff members of the 担当者不在 teams. */
static const char *const sql_cands = "SELECT tm.team_id, a.id, a.name,"
    " a.profession, f.name AS facility FROM team t"
    " JOIN team_member tm ON tm.team_id = t.id"
    " JOIN account a ON a.id = tm.account_id AND a.is_staff"
    " AND a.deleted_at IS NULL JOIN facility f ON f.id = a.facility_id"
    " WHERE " LEAVE_SQL_ORPHAN("t") " ORDER BY tm.team_id, a.kana, a.id";

static const char *
teams_notice(const char *n)
{
	if (n == NULL)
		return NULL;
	if (strcmp(n, "lead") == 0)
		return "担当者を指名しました。";
	if (strcmp(n, "closed") == 0)
		return "支援を終了しました。";
	return NULL;
}

void
operator_teams(struct app *a, const char *notice)
{
	struct tmpl_operator_teams	 t;
	struct tmpl_operator_teams_teams *rows = NULL;
	struct tmpl_operator_teams_teams_cands *cands = NULL;
	PGresult	*r, *c = NULL;
	const char	*former;
	char		(*created)[JTIME_LEN] = NULL, (*members)[16] = NULL;
	int		 i, j, k, n, nc;

	if (!operator_allowed(a))
		return;
	if (db_begin(a->db) == -1 ||
	    (r = db_exec(a->db, sql_teams, 0, NULL)) == NULL) {
		app_dberr(a);
		return;
	}
	if ((c = db_exec(a->db, sql_cands, 0, NULL)) == NULL ||
	    app_audit(a, "operator.team.list", NULL, NULL, NULL, "success",
	    NULL) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	n = PQntuples(r);
	nc = PQntuples(c);
	if ((n > 0 && ((rows = calloc(n, sizeof(*rows))) == NULL ||
	    (created = calloc(n, sizeof(*created))) == NULL ||
	    (members = calloc(n, sizeof(*members))) == NULL)) ||
	    (nc > 0 && (cands = calloc(nc, sizeof(*cands))) == NULL)) {
		app_error(a, 500, "エラー", "もう一度お試しください。");
		goto out;
	}
	for (j = 0; j < nc; j++) {
		cands[j].id = db_get(c, j, "id");
		cands[j].name = db_get(c, j, "name");
		cands[j].profession = db_get(c, j, "profession");
		cands[j].facility = db_get(c, j, "facility");
	}
	/* Both in team order: each team's candidates are a run of c. */
	for (i = 0, j = 0; i < n; i++) {
		rows[i].id = db_get(r, i, "id");
		rows[i].created = jtime_db(db_get(r, i, "created"), JTIME_DATE,
		    created[i], sizeof(created[i]), "");
		/* NULL: a team that never had a 担当者 row. */
		former = db_get(r, i, "former");
		rows[i].former = former != NULL && *former != '\0' ?
		    former : "（なし）";
		rows[i].csrf = a->user.csrf;
		while (j < nc && strtoll(db_get(c, j, "team_id"), NULL, 10) <
		    strtoll(rows[i].id, NULL, 10))
			j++;
		for (k = j; k < nc && strcmp(db_get(c, k, "team_id"),
		    rows[i].id) == 0; k++)
			;
		rows[i].cands = cands + j;
		rows[i].cands_n = k - j;
		rows[i].has_cands = k > j;
		snprintf(members[i], sizeof(members[i]), "%d", k - j);
		rows[i].members = members[i];
		j = k;
	}
	memset(&t, 0, sizeof(t));
	t.notice = teams_notice(notice);
	t.has_notice = t.notice != NULL;
	t.teams = rows;
	t.teams_n = n;
	t.has_teams = n > 0;
	app_layout_begin(a, "担当者不在の支援チーム");
	tmpl_operator_teams(&a->body, &t);
	app_layout_end(a);
out:
	free(cands);
	free(members);
	free(created);
	free(rows);
	PQclear(c);
	PQclear(r);
}

/* The team a->id[0], locked, if it is 担当者不在: its patient_id for
 * the audit trail into pid (24 bytes).  1, 0 (the 409 page shown, the
 * denied event for action written), -1 (error page shown). */
static int
teams_lock(struct app *a, const char *action, char *pid)
{
	const char *const p[] = { a->id[0] };
	PGresult	*r;
	int		 orphan;

	if (db_begin(a->db) == -1 || (r = db_exec(a->db, "SELECT t.patient_id,"
	    " " LEAVE_SQL_ORPHAN("t") " AS orphan FROM team t"
	    " WHERE t.id = $1::bigint FOR UPDATE OF t", 1, p)) == NULL) {
		app_dberr(a);
		return -1;
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		db_rollback(a->db);
		app_error(a, 404, "支援チームが見つかりません",
		    "指定された支援チームは見つかりませんでした。");
		return 0;
	}
	snprintf(pid, 24, "%s", db_get(r, 0, "patient_id"));
	orphan = strcmp(db_get(r, 0, "orphan"), "t") == 0;
	PQclear(r);
	if (!orphan) {
		db_rollback(a->db);
		app_audit(a, action, "team", a->id[0], pid, "denied",
		    "not without a lead");
		app_error(a, 409, "担当者不在ではありません", "この支援チームには"
		    "担当者がいるか、支援がすでに終了しています。何も変更して"
		    "いません。");
		return 0;
	}
	return 1;
}

void
operator_team_lead(struct app *a, const char *account)
{
	const char	*p[2] = { a->id[0], account };
	PGresult	*r;
	char		 pid[24], detail[48];
	int		 rc;

	if (!operator_allowed(a) ||
	    (rc = teams_lock(a, "operator.team.lead", pid)) != 1)
		return;
	/* Only a live staff member of the team: the members it has had
	 * (team_member rows stay when an account is deleted). */
	r = account == NULL ? NULL : db_exec(a->db, "UPDATE team_member tm"
	    " SET role = 'lead' FROM account ac WHERE tm.team_id = $1::bigint"
	    " AND tm.account_id = $2::bigint AND ac.id = tm.account_id"
	    " AND ac.is_staff AND ac.deleted_at IS NULL RETURNING ac.id", 2, p);
	if (account != NULL && r == NULL) {
		app_dberr(a);
		return;
	}
	if (r == NULL || PQntuples(r) != 1) {
		PQclear(r);
		db_rollback(a->db);
		app_audit(a, "operator.team.lead", "team", a->id[0], pid,
		    "failure", "not a member");
		app_error(a, 422, "担当者を指名できません", "担当者には、この支援"
		    "チームに在籍しているメンバーを選んでください。");
		return;
	}
	PQclear(r);
	snprintf(detail, sizeof(detail), "account %s", account);
	if (app_audit(a, "operator.team.lead", "team", a->id[0], pid,
	    "success", detail) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		return;
	}
	app_redirect(a, "/operator/teams?n=lead");
}

void
operator_team_close(struct app *a, const char *note)
{
	char		 pid[24], today[16], detail[96];
	long		 d = jtime_today(time(NULL));

	if (!operator_allowed(a) ||
	    teams_lock(a, "operator.team.close", pid) != 1)
		return;
	if (note == NULL) {
		db_rollback(a->db);
		app_audit(a, "operator.team.close", "team", a->id[0], pid,
		    "failure", "invalid input");
		app_error(a, 422, "支援を終了できません", "支援を終了する理由を、"
		    "200文字以内の1行で入力してください。");
		return;
	}
	snprintf(today, sizeof(today), "%04d-%02d-%02d",
	    (int)(d / 10000 % 10000), (int)(d / 100 % 100), (int)(d % 100));
	if (team_close(a->db, a->id[0], a->user.account_id, today,
	    team_close_codes[TEAM_CLOSE_OTHER], note, detail,
	    sizeof(detail)) != 1 ||
	    app_audit(a, "operator.team.close", "team", a->id[0], pid,
	    "success", detail) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		return;
	}
	app_redirect(a, "/operator/teams?n=closed");
}
