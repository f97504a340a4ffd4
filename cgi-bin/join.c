/* /teams/{id}/join-requests: a staff member who found a registered person
 * asks to join its support team; any member approves or rejects; the
 * requester may withdraw.  Mail tells who must act, never about whom. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth.h"
#include "cfg.h"
#include "db.h"
#include "form.h"
#include "jtime.h"
#include "lookup.h"
#include "mail.h"
#include "tmpl.h"

enum key {
	KEY_CSRF,
	KEY_KANA,
	KEY_BIRTH,
	KEY_SEX,
	KEY_MESSAGE,
	KEY_NOTICE,
	KEY__MAX
};

static const struct req_key keys[KEY__MAX] = {
	/* KEY_CSRF */		{ "csrf", req_v_token, AUTH_TOKEN_LEN, AUTH_TOKEN_LEN },
	/* KEY_KANA */		{ "kana", req_v_line, 1, 100 },
	/* KEY_BIRTH */		{ "birth", req_v_date, 0, 0 },
	/* KEY_SEX */		{ "sex", req_v_token, 4, 6 },
	/* KEY_MESSAGE */	{ "message", req_v_multiline, 0, 500 },
	/* KEY_NOTICE */	{ "n", req_v_token, 1, 16 },
};

static const char *const notices[][2] = {
	{ "sent", "加入申請を送信しました。チームのメンバーが承認すると、"
	    "患者情報を見られるようになります。" },
	{ "approved", "加入申請を承認しました。" },
	{ "rejected", "加入申請を却下しました。" },
	{ "withdrawn", "加入申請を取り下げました。" },
};

static const char *const states[][2] = {
	{ "pending", "承認待ち" },
	{ "approved", "承認済み" },
	{ "rejected", "却下されました" },
	{ "withdrawn", "取り下げました" },
};

/* 404 for anything not mine to see, audited; never says whether the
 * team exists. */
static void
join_denied(struct app *a, const char *action)
{
	db_rollback(a->db);
	app_audit(a, action, "team", a->id[0], NULL, "denied",
	    "not a member or requester");
	app_error(a, 404, "ページが見つかりません",
	    "お探しのページは見つかりませんでした。アドレスをご確認ください。");
}

static void
join_conflict(struct app *a, const char *msg)
{
	db_rollback(a->db);
	app_error(a, 409, "この操作はできません", msg);
}

/* The notification; the same words for every event, no patient. */
static int
join_mail(struct app *a, const char *account_id)
{
	char	 body[512];

	snprintf(body, sizeof(body), "%sに新しいお知らせがあります。"
	    "ログインしてご確認ください。\n%slogin\n",
	    cfg_get(CFG_SERVICE_NAME), cfg_get(CFG_APP_URL));
	return mail_queue_account(a->db, account_id, "新しいお知らせがあります",
	    body);
}

/* To a 担当者: someone joined one of their teams (which, they see on
 * the patient page; the mail names no patient). */
static int
join_mail_lead(struct app *a, const char *account_id)
{
	char	 body[512];

	snprintf(body, sizeof(body), "担当者をしている支援チームに、新しい"
	    "メンバーが加わりました。ログインして、患者情報のページで"
	    "メンバーをご確認ください。心当たりのない人は、そのページから"
	    "チームから外せます。\n%slogin\n", cfg_get(CFG_APP_URL));
	return mail_queue_account(a->db, account_id,
	    "支援チームに新しいメンバーが加わりました", body);
}

static const char *
lookup_text(const char *const tab[][2], size_t n, const char *k)
{
	size_t	 i;

	for (i = 0; k != NULL && i < n; i++)
		if (strcmp(k, tab[i][0]) == 0)
			return tab[i][1];
	return NULL;
}

static void
head(struct app *a, const char *title)
{
	struct tmpl_patient_head t;

	memset(&t, 0, sizeof(t));
	t.title = title;
	t.notice = lookup_text(notices, sizeof(notices) / sizeof(notices[0]),
	    app_val(a, KEY_NOTICE));
	t.has_notice = t.notice != NULL;
	app_layout_begin(a, title);
	tmpl_patient_head(&a->body, &t);
}

/* Members: the pending requests.  Others: their own latest request. */
static void
page_list(struct app *a)
{
	const char *const p[] = { a->id[0], a->user.account_id };
	struct tmpl_join_list		 t;
	struct tmpl_join_list_requests	*rq = NULL;
	char		(*tm)[JTIME_LEN] = NULL, created[JTIME_LEN];
	PGresult	*r = NULL;
	int		 i;

	if (db_begin(a->db) == -1)
		goto dberr;
	memset(&t, 0, sizeof(t));
	t.csrf = a->user.csrf;
	t.team_id = a->id[0];
	if (a->team.member) {
		r = db_exec(a->db, "SELECT j.id, a.name, a.profession,"
		    " f.name AS facility, j.message, "
		    JTIME_SQL("j.created_at") " AS created"
		    " FROM join_request j JOIN account a ON a.id = j.account_id"
		    " JOIN facility f ON f.id = a.facility_id"
		    " WHERE j.team_id = $1::bigint AND j.state = 'pending'"
		    " ORDER BY j.id", 1, p);
		if (r == NULL || app_audit(a, "join.list", "team", a->id[0],
		    a->team.patient_id, "success", NULL) == -1 ||
		    db_commit(a->db) == -1)
			goto dberr;
		if ((rq = calloc(PQntuples(r) + 1, sizeof(*rq))) == NULL ||
		    (tm = calloc(PQntuples(r) + 1, sizeof(*tm))) == NULL)
			goto dberr;
		for (i = 0; i < PQntuples(r); i++) {
			rq[i].name = db_get(r, i, "name");
			rq[i].profession = db_get(r, i, "profession");
			rq[i].facility = db_get(r, i, "facility");
			rq[i].message = db_get(r, i, "message");
			rq[i].created = jtime_db(db_get(r, i, "created"),
			    JTIME_MINUTE, tm[i], sizeof(tm[i]), "");
			rq[i].team_id = a->id[0];
			rq[i].request_id = db_get(r, i, "id");
			rq[i].csrf = a->user.csrf;
		}
		t.is_member = 1;
		t.patient_id = a->team.patient_id;
		t.has_requests = PQntuples(r) > 0;
		t.requests = rq;
		t.requests_n = PQntuples(r);
	} else {
		r = db_exec(a->db, "SELECT j.id, j.state, j.message,"
		    " " JTIME_SQL("j.created_at") " AS created"
		    " FROM join_request j WHERE j.team_id = $1::bigint"
		    " AND j.account_id = $2::bigint ORDER BY j.id DESC LIMIT 1",
		    2, p);
		if (r == NULL)
			goto dberr;
		if (PQntuples(r) != 1) {
			join_denied(a, "join.list");
			goto out;
		}
		if (db_commit(a->db) == -1)
			goto dberr;
		t.state = lookup_text(states, sizeof(states) /
		    sizeof(states[0]), db_get(r, 0, "state"));
		t.created = jtime_db(db_get(r, 0, "created"), JTIME_MINUTE,
		    created, sizeof(created), "");
		t.message = db_get(r, 0, "message");
		t.request_id = db_get(r, 0, "id");
		t.can_withdraw = strcmp(db_get(r, 0, "state"), "pending") == 0;
		t.can_ask_again = strcmp(db_get(r, 0, "state"), "rejected") == 0 ||
		    strcmp(db_get(r, 0, "state"), "withdrawn") == 0;
	}
	head(a, "支援チームへの加入申請");
	tmpl_join_list(&a->body, &t);
	app_layout_end(a);
	goto out;
dberr:
	app_dberr(a);
out:
	free(tm);
	free(rq);
	PQclear(r);
}

/* The message was too long: the offer again, with what was typed. */
static void
render_offer(struct app *a, const char *err)
{
	struct tmpl_patient_head	 h;
	struct tmpl_patient_found	 t;
	struct form			 f;

	form_init(&f, &a->req);
	form_error(&f, KEY_MESSAGE, NULL, err);
	memset(&h, 0, sizeof(h));
	h.title = "この方は登録済みです";
	memset(&t, 0, sizeof(t));
	t.has_team = 1;
	t.team_id = a->id[0];
	t.csrf = a->user.csrf;
	t.kana = app_val(a, KEY_KANA);
	t.birth = app_val(a, KEY_BIRTH);
	t.sex = app_val(a, KEY_SEX);
	t.message_has_error = 1;
	t.message_error = err;
	t.message_invalid = "true";
	t.message_desc = "message-error";
	t.message = form_value(&a->req, KEY_MESSAGE);
	a->status = 422;
	app_layout_begin(a, h.title);
	tmpl_patient_head(&a->body, &h);
	form_summary(&a->body, &f);
	tmpl_patient_found(&a->body, &t);
	app_layout_end(a);
}

/* A request: only from someone who knows the person (the identity from
 * the lookup must match the team's patient), not yet a member. */
static void
page_request(struct app *a)
{
	const char	*p[5];
	const char	*msg = app_val(a, KEY_MESSAGE);
	PGresult	*r = NULL, *m = NULL;
	char		 path[64], pid[24];
	int		 i, rc;

	p[0] = a->id[0];
	p[1] = app_val(a, KEY_KANA);
	p[2] = app_val(a, KEY_BIRTH);
	p[3] = app_val(a, KEY_SEX);
	p[4] = a->user.account_id;
	if (p[1] == NULL || p[2] == NULL || p[3] == NULL) {
		join_denied(a, "join.request");
		return;
	}
	if (msg == NULL && a->req.vals[KEY_MESSAGE].present &&
	    a->req.vals[KEY_MESSAGE].len > 0) {
		render_offer(a, a->req.vals[KEY_MESSAGE].err != NULL ?
		    a->req.vals[KEY_MESSAGE].err :
		    "メッセージは500文字までです。");
		return;
	}
	/* The identity check answers whether the person is registered
	 * (and in this team): it counts as a lookup. */
	if (db_begin(a->db) == -1 ||
	    (rc = lookup_take(a, "join.request", "team", a->id[0])) == -1)
		goto dberr;
	if (rc == 0)
		goto out;
	if ((r = db_exec(a->db, "SELECT t.patient_id"
	    " FROM team t JOIN patient p ON p.id = t.patient_id"
	    " WHERE t.id = $1::bigint AND p.kana_key = kana_key($2)"
	    " AND p.birth_date = $3::date AND p.sex = $4", 4, p)) == NULL)
		goto dberr;
	if (PQntuples(r) != 1) {
		/* The lookup it was counts (committed with the event). */
		if (app_audit(a, "join.request", "team", a->id[0], NULL,
		    "denied", "not a member or requester") == -1 ||
		    db_commit(a->db) == -1)
			goto dberr;
		app_error(a, 404, "ページが見つかりません",
		    "お探しのページは見つかりませんでした。アドレスをご確認"
		    "ください。");
		goto out;
	}
	snprintf(pid, sizeof(pid), "%s", db_get(r, 0, "patient_id"));
	if (a->team.member) {
		join_conflict(a, "あなたはすでにこの支援チームのメンバーです。");
		goto out;
	}
	p[1] = a->user.account_id;
	p[2] = msg != NULL ? msg : "";
	if (db_cmd(a->db, "INSERT INTO join_request (team_id, account_id,"
	    " message) VALUES ($1::bigint, $2::bigint, $3)", 3, p) == -1) {
		if (strcmp(db_sqlstate(), "23505") == 0)
			join_conflict(a, "この支援チームへの加入申請は送信済みで、"
			    "承認を待っています。");
		else
			app_dberr(a);
		goto out;
	}
	if ((m = db_exec(a->db, "SELECT account_id FROM team_member"
	    " WHERE team_id = $1::bigint", 1, p)) == NULL)
		goto dberr;
	for (i = 0; i < PQntuples(m); i++)
		if (join_mail(a, db_get(m, i, "account_id")) == -1)
			goto dberr;
	if (app_audit(a, "join.request", "team", a->id[0], pid, "success",
	    NULL) == -1 || db_commit(a->db) == -1)
		goto dberr;
	snprintf(path, sizeof(path), "/teams/%s/join-requests?n=sent",
	    a->id[0]);
	app_redirect(a, path);
	goto out;
dberr:
	app_dberr(a);
out:
	PQclear(m);
	PQclear(r);
}

/* Approve, reject (any member) or withdraw (the requester): one UPDATE of
 * a pending request, so two decisions at once make one; the loser finds
 * it no longer pending. */
static void
decide(struct app *a, const char *state)
{
	const char	*p[4], *lp[2];
	const char	*action;
	PGresult	*r = NULL;
	char		 path[80], who[24], pid[24];
	int		 i, withdraw = strcmp(state, "withdrawn") == 0;

	action = withdraw ? "join.withdraw" : strcmp(state, "approved") == 0 ?
	    "join.approve" : "join.reject";
	p[0] = a->id[0];
	p[1] = a->id[1];
	p[2] = a->user.account_id;
	p[3] = state;
	if (db_begin(a->db) == -1)
		goto dberr;
	/* Who may: the requester withdraws, a member (a->team, read with
	 * the session) decides. */
	if (!withdraw && !a->team.member) {
		join_denied(a, action);
		goto out;
	}
	r = db_exec(a->db, withdraw ?
	    "SELECT j.state, j.account_id, t.patient_id FROM join_request j"
	    " JOIN team t ON t.id = j.team_id WHERE j.id = $2::bigint"
	    " AND j.team_id = $1::bigint AND j.account_id = $3::bigint" :
	    "SELECT j.state, j.account_id, t.patient_id FROM join_request j"
	    " JOIN team t ON t.id = j.team_id"
	    " WHERE j.id = $2::bigint AND j.team_id = $1::bigint",
	    withdraw ? 3 : 2, p);
	if (r == NULL)
		goto dberr;
	if (PQntuples(r) != 1) {
		join_denied(a, action);
		goto out;
	}
	snprintf(who, sizeof(who), "%s", db_get(r, 0, "account_id"));
	snprintf(pid, sizeof(pid), "%s", db_get(r, 0, "patient_id"));
	PQclear(r);
	r = db_exec(a->db, "UPDATE join_request SET state = $4,"
	    " decided_by = CASE WHEN $4 = 'withdrawn' THEN NULL"
	    " ELSE $3::bigint END, decided_at = now()"
	    " WHERE id = $2::bigint AND team_id = $1::bigint"
	    " AND state = 'pending' RETURNING id", 4, p);
	if (r == NULL)
		goto dberr;
	if (PQntuples(r) != 1) {
		join_conflict(a, "この加入申請は、すでに承認・却下されたか、"
		    "取り下げられています。画面を開き直してご確認ください。");
		goto out;
	}
	p[1] = who;
	if (strcmp(state, "approved") == 0 &&
	    db_cmd(a->db, "INSERT INTO team_member (team_id, account_id,"
	    " role, approved_by) VALUES ($1::bigint, $2::bigint, 'member',"
	    " $3::bigint) ON CONFLICT DO NOTHING", 3, p) == -1)
		goto dberr;
	/* Joining stays with the team; its 担当者 are told of every
	 * approval (not the one who approved). */
	if (strcmp(state, "approved") == 0) {
		PQclear(r);
		lp[0] = a->id[0];
		lp[1] = a->user.account_id;
		if ((r = db_exec(a->db, "SELECT account_id FROM team_member"
		    " WHERE team_id = $1::bigint AND role = 'lead'"
		    " AND account_id <> $2::bigint ORDER BY account_id", 2,
		    lp)) == NULL)
			goto dberr;
		for (i = 0; i < PQntuples(r); i++)
			if (join_mail_lead(a, db_get(r, i, "account_id")) == -1)
				goto dberr;
	}
	if ((!withdraw && join_mail(a, who) == -1) ||
	    app_audit(a, action, "join_request", a->id[1], pid, "success",
	    NULL) == -1 || db_commit(a->db) == -1)
		goto dberr;
	snprintf(path, sizeof(path), "/teams/%s/join-requests?n=%s", a->id[0],
	    state);
	app_redirect(a, path);
	goto out;
dberr:
	app_dberr(a);
out:
	PQclear(r);
}

static void
page_approve(struct app *a)
{
	decide(a, "approved");
}

static void
page_reject(struct app *a)
{
	decide(a, "rejected");
}

static void
page_withdraw(struct app *a)
{
	decide(a, "withdrawn");
}

static void
page_requests(struct app *a)
{
	if (a->req.method == REQ_POST)
		page_request(a);
	else
		page_list(a);
}

static const struct app_page pages[] = {
	/* APP_TEAM: my membership in a->team; non-members may ask, see
	 * and withdraw their own request.  Staff accounts only. */
	{ "/teams/#/join-requests", APP_GET | APP_POST, APP_TEAM,
	  page_requests, .staff = 1 },
	{ "/teams/#/join-requests/#/approve", APP_POST, APP_TEAM,
	  page_approve, .staff = 1 },
	{ "/teams/#/join-requests/#/reject", APP_POST, APP_TEAM,
	  page_reject, .staff = 1 },
	{ "/teams/#/join-requests/#/withdraw", APP_POST, APP_TEAM,
	  page_withdraw, .staff = 1 },
};

int
main(void)
{
	return app_main("join", pages, sizeof(pages) / sizeof(pages[0]),
	    keys, KEY__MAX, 16 * 1024);
}
