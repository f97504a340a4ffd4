/* Deleting another person's account: the facility administrator's
 * /facility/staff/{id}/delete and the operator's
 * /operator/accounts/{id}/delete (see leave.h, leave_delete_page). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "app.h"
#include "db.h"
#include "leave.h"
#include "tmpl.h"

/* The confirmation, with a successor select for each team the person
 * is the last 担当者 of: the teams by number only, as the one deleting
 * need not be a member; err: the refusal, or NULL. */
static void
delete_form(struct app *a, const struct leave_target *d, struct leave *lv,
    int status, const char *err)
{
	struct tmpl_account_delete t;
	struct tmpl_account_delete_succ succ[LEAVE_MAX];
	struct tmpl_account_delete_succ_cands *cands = NULL;
	char		 action[96], cancel[80], orphans[16];
	char		 labels[LEAVE_MAX][48];
	int		 i, j, n = 0;

	for (i = 0; i < lv->n; i++)
		n += lv->t[i].n;
	if (n > 0 && (cands = calloc(n, sizeof(*cands))) == NULL) {
		app_error(a, 500, "エラー", "もう一度お試しください。");
		return;
	}
	memset(&t, 0, sizeof(t));
	memset(succ, 0, sizeof(succ));
	for (i = 0, n = 0; i < lv->n; i++) {
		if (lv->t[i].n == 0)
			continue;
		snprintf(labels[t.succ_n], sizeof(labels[0]),
		    "支援チーム（番号 %s）", lv->t[i].team_id);
		succ[t.succ_n].key = lv->t[i].key;
		succ[t.succ_n].label = labels[t.succ_n];
		succ[t.succ_n].cands = cands + n;
		succ[t.succ_n++].cands_n = lv->t[i].n;
		for (j = 0; j < lv->t[i].n; j++, n++) {
			cands[n].value = lv->t[i].c[j].value;
			cands[n].name = lv->t[i].c[j].name;
			cands[n].profession = lv->t[i].c[j].profession;
			cands[n].facility = lv->t[i].c[j].facility;
			cands[n].chosen = lv->t[i].c[j].chosen;
		}
	}
	snprintf(action, sizeof(action), "%s/%s/delete", d->base, d->id);
	snprintf(cancel, sizeof(cancel), "%s/%s", d->base, d->id);
	snprintf(orphans, sizeof(orphans), "%d", lv->orphans);
	t.name = db_get(d->r, 0, "name");
	t.login = db_get(d->r, 0, "login");
	t.action = action;
	t.csrf = a->user.csrf;
	t.cancel_url = cancel;
	t.succ = succ;
	t.has_succ = t.succ_n > 0;
	t.succ_error = err;
	t.succ_bad = err != NULL;
	t.orphans = orphans;
	t.has_orphans = lv->orphans > 0;
	a->status = status;
	app_layout_begin(a, "利用者の削除");
	tmpl_account_delete(&a->body, &t);
	app_layout_end(a);
	free(cands);
}

/* A refusal (409), audited as denied: the transaction is ended first. */
static void
delete_refuse(struct app *a, const struct leave_target *d,
    const char *why, const char *title, const char *text)
{
	db_rollback(a->db);
	(void)app_audit(a, d->audit, "account", d->id, NULL, "denied", why);
	app_error(a, 409, title, text);
}

/* 1 when account is the last live operator (the operators' rows locked,
 * so that two operators deleting each other cannot both go), 0 not,
 * -1 on a database error. */
static int
last_operator(PGconn *c)
{
	PGresult	*o;
	int		 rc;

	if ((o = db_exec(c, "SELECT count(*) AS n FROM (SELECT id FROM"
	    " account WHERE is_operator AND deleted_at IS NULL"
	    " FOR UPDATE) o", 0, NULL)) == NULL)
		return -1;
	rc = strcmp(db_get(o, 0, "n"), "1") == 0;
	PQclear(o);
	return rc;
}

void
leave_delete_page(struct app *a, const struct leave_target *d)
{
	struct leave	 lv;
	const char	*err;
	char		 certs[80], succ[1024], detail[1200];
	int		 bad, rc;

	memset(&lv, 0, sizeof(lv));
	if (strcmp(d->id, a->user.account_id) == 0) {
		delete_refuse(a, d, "own account", "ご自分は削除できません",
		    "ご自分のアカウントは、マイプロファイルの「アカウントの"
		    "削除」から削除してください。");
		return;
	}
	/* The last operator cannot go: nobody could register facilities. */
	if (strcmp(db_get(d->r, 0, "is_operator"), "t") == 0) {
		if ((rc = last_operator(a->db)) == -1) {
			app_dberr(a);
			return;
		}
		if (rc == 1) {
			delete_refuse(a, d, "last operator", "削除できません",
			    "この人は最後のサービス運用者（事務局）のため削除"
			    "できません。サービス運用者がいなくなると、事業所の"
			    "登録やロックの解除ができなくなります。");
			return;
		}
	}
	if (a->req.method != REQ_POST) {
		db_rollback(a->db);
		if (leave_load(a->db, d->id, 0, 0, &lv) == -1)
			app_dberr(a);
		else
			delete_form(a, d, &lv, 200, NULL);
		goto out;
	}
	/* The teams the person is the last 担当者 of, locked. */
	if (leave_load(a->db, d->id, 1, 0, &lv) == -1) {
		app_dberr(a);
		goto out;
	}
	if (leave_choose(&lv, &a->req, d->key, &err, &bad) != 1) {
		db_rollback(a->db);
		(void)app_audit(a, d->audit, "account", d->id, NULL,
		    "failure", bad ? "bad successor" : "successor missing");
		delete_form(a, d, &lv, 422, err);
		goto out;
	}
	if (leave_promote(a->db, &lv, succ, sizeof(succ)) == -1 ||
	    account_delete(a->db, d->id, a->user.account_id, certs,
	    sizeof(certs)) != 1) {
		app_dberr(a);
		goto out;
	}
	snprintf(detail, sizeof(detail), "%s%s%s", certs, *succ != '\0' ?
	    "; " : "", succ);
	if (app_audit(a, d->audit, "account", d->id, NULL, "success",
	    detail) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	app_redirect(a, d->done);
out:
	leave_free(&lv);
}
