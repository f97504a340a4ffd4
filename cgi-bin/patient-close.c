/* /patients/{id}/close: the end of support (支援の終了), by the team's
 * 担当者: the reason (死亡, 転出, 施設入所, その他 with a short note) and
 * the day.  The team becomes a read-only archive (019_team_close.sql;
 * the triggers of functions/teams.sql refuse every write to it), its
 * pending join requests are rejected, it moves from the members' teams
 * to 終了した支援 on /home, and the registration is archived: the person
 * may be registered again, as a new patient linked to this one.  Part of
 * the patient CGI. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "db.h"
#include "form.h"
#include "jtime.h"
#include "team.h"
#include "tmpl.h"
#include "patient.h"

/* The form, with what was sent (or today) and its errors. */
static void
render(struct app *a, int status, const struct form *e)
{
	struct tmpl_patient_close	 t;
	struct tmpl_patient_close_reasons r[TEAM_CLOSE__MAX];
	const char			*sent = form_text(&a->req, KEY_CLOSE_REASON);
	char				 today[16];
	long				 d = jtime_today(time(NULL));
	int				 i;

	memset(&t, 0, sizeof(t));
	t.patient_id = a->id[0];
	t.csrf = a->user.csrf;
	for (i = 0; i < TEAM_CLOSE__MAX; i++) {
		r[i].code = team_close_codes[i];
		r[i].label = team_close_labels[i];
		r[i].checked = strcmp(sent, team_close_codes[i]) == 0;
	}
	t.reasons = r;
	t.reasons_n = TEAM_CLOSE__MAX;
	t.close_reason_has_error = form_err(e, KEY_CLOSE_REASON) != NULL;
	t.close_reason_error = form_err(e, KEY_CLOSE_REASON);
	t.close_note = form_text(&a->req, KEY_CLOSE_NOTE);
	t.close_note_has_error = form_err(e, KEY_CLOSE_NOTE) != NULL;
	t.close_note_error = form_err(e, KEY_CLOSE_NOTE);
	t.close_note_invalid = t.close_note_has_error ? "true" : "false";
	t.close_note_desc = t.close_note_has_error ? "close_note-error" :
	    "close_note-hint";
	snprintf(today, sizeof(today), "%04d-%02d-%02d", (int)(d / 10000 % 10000),
	    (int)(d / 100 % 100), (int)(d % 100));
	t.closed_on = a->req.vals[KEY_CLOSED_ON].present ?
	    form_text(&a->req, KEY_CLOSED_ON) : today;
	t.closed_on_has_error = form_err(e, KEY_CLOSED_ON) != NULL;
	t.closed_on_error = form_err(e, KEY_CLOSED_ON);
	t.closed_on_invalid = t.closed_on_has_error ? "true" : "false";
	t.closed_on_desc = t.closed_on_has_error ? "closed_on-error" : "";
	a->status = status;
	patient_head(a, "支援の終了", e, NULL);
	tmpl_patient_close(&a->body, &t);
	app_layout_end(a);
}

/* The reason's code, or NULL (and the error) when it is none of them;
 * the note: required for その他, "" for the others. */
static const char *
check(struct app *a, struct form *e, const char **note)
{
	const char	*code = app_val(a, KEY_CLOSE_REASON);
	const struct req_val *v = &a->req.vals[KEY_CLOSE_NOTE];
	int		 i;

	*note = "";
	for (i = 0; code != NULL && i < TEAM_CLOSE__MAX; i++)
		if (strcmp(code, team_close_codes[i]) == 0)
			break;
	if (code == NULL || i == TEAM_CLOSE__MAX) {
		form_error(e, KEY_CLOSE_REASON, "close_reason_death",
		    "終了の理由を選んでください。");
		code = NULL;
	} else if (i == TEAM_CLOSE_OTHER) {
		if (v->present && v->len > 0 && !v->valid)
			form_error(e, KEY_CLOSE_NOTE, NULL, "その他の内容は200文字"
			    "以内で、改行や制御文字を含めずに入力してください。");
		else if (!v->present || v->len == 0)
			form_error(e, KEY_CLOSE_NOTE, NULL, "理由が「その他」のとき"
			    "は、その内容を入力してください。");
		else
			*note = v->s;
	}
	if (app_val(a, KEY_CLOSED_ON) == NULL)
		form_error(e, KEY_CLOSED_ON, NULL, a->req.vals[KEY_CLOSED_ON].
		    present && a->req.vals[KEY_CLOSED_ON].len > 0 ?
		    "支援が終了した日は、2000年以降の実在する日付を入力して"
		    "ください。" : "支援が終了した日を入力してください。");
	else if (a->req.vals[KEY_CLOSED_ON].num > jtime_today(time(NULL)))
		form_error(e, KEY_CLOSED_ON, NULL, "支援が終了した日が未来の日付"
		    "です。");
	return code;
}

int
patient_join_reject(struct app *a, const char *team)
{
	int	 n;

	if ((n = team_join_reject(a->db, team, a->user.account_id)) == -1)
		app_dberr(a);
	return n;
}

void
patient_close(struct app *a)
{
	struct form	 e;
	PGresult	*r, *c = NULL;
	const char	*p[1], *code, *note;
	char		 team[24], path[64], detail[96];

	form_init(&e, &a->req);
	/* Under the team's row lock, as every change of its members: a
	 * 担当者 demoted or a second close at the same moment is seen. */
	if ((r = patient_team_lock(a, "team.close")) == NULL)
		return;
	snprintf(team, sizeof(team), "%s", db_get(r, 0, "team_id"));
	if (strcmp(db_get(r, 0, "role"), "lead") != 0) {
		db_rollback(a->db);
		app_audit(a, "team.close", "team", team, a->id[0], "denied",
		    "not a lead");
		app_error(a, 403, "この操作はできません", "支援を終了できるのは、"
		    "この支援チームの担当者だけです。");
		goto out;
	}
	p[0] = team;
	if ((c = db_exec(a->db, "SELECT closed_at IS NOT NULL AS closed,"
	    " team_read_only(id) AS read_only"
	    " FROM team WHERE id = $1::bigint", 1, p)) == NULL ||
	    PQntuples(c) != 1) {
		app_dberr(a);
		goto out;
	}
	if (strcmp(db_get(c, 0, "closed"), "t") == 0) {
		db_rollback(a->db);
		app_audit(a, "team.close", "team", team, a->id[0], "denied",
		    "already closed");
		app_error(a, 409, "この支援は終了しています", "この支援チームの"
		    "支援はすでに終了しています。記録は閲覧のみできます。");
		goto out;
	}
	if (db_get(c, 0, "read_only") != NULL) {
		/* The consent withdrawn: read-only already. */
		db_rollback(a->db);
		app_audit(a, "team.close", "team", team, a->id[0], "denied",
		    "consent withdrawn");
		app_read_only(a, "consent_withdrawn");
		goto out;
	}
	if (a->req.method != REQ_POST) {
		db_rollback(a->db);
		render(a, 200, &e);
		goto out;
	}
	if ((code = check(a, &e, &note)) == NULL || e.n > 0) {
		db_rollback(a->db);
		app_audit(a, "team.close", "team", team, a->id[0], "failure",
		    "invalid input");
		render(a, 422, &e);
		goto out;
	}
	if (team_close(a->db, team, a->user.account_id,
	    app_val(a, KEY_CLOSED_ON), code, note, detail,
	    sizeof(detail)) != 1 ||
	    app_audit(a, "team.close", "team", team, a->id[0], "success",
	    detail) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	snprintf(path, sizeof(path), "/patients/%s?n=closed", a->id[0]);
	app_redirect(a, path);
out:
	PQclear(c);
	PQclear(r);
}
