/* /operator: the service operator's menu (the city's secretariat) --
 * facilities and their administrators, the search across facilities,
 * unlocking, temporary passwords, first-certificate pickups, and
 * revoking any certificate, and the notices (お知らせ) shown on /home;
 * the usage figures are operator-stats.c's, the teams without a
 * 担当者 operator-teams.c's.  Only accounts with
 * is_operator; everything is audited. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include <openssl/crypto.h>

#include "account.h"
#include "app.h"
#include "auth.h"
#include "cert.h"
#include "cfg.h"
#include "db.h"
#include "facility.h"
#include "form.h"
#include "jtime.h"
#include "leave.h"
#include "lookup.h"
#include "mail.h"
#include "operator.h"
#include "pickup.h"
#include "pki.h"
#include "pwreset.h"
#include "tmpl.h"

#define OP_PAGE_SIZE	20

enum key {
	KEY_CSRF,
	KEY_NOTICE,
	KEY_SERIAL,
	KEY_Q,
	KEY_PAGE,
	KEY_LABEL,
	KEY_FACILITY,	/* FACILITY_F__MAX keys from here on */
	KEY_STATUS = KEY_FACILITY + FACILITY_F__MAX,
	KEY_STAMP,
	KEY_ACCOUNT,	/* ACCOUNT_F__MAX keys from here on */
	KEY_TITLE = KEY_ACCOUNT + ACCOUNT_F__MAX,
	KEY_BODY,
	KEY_FROM,
	KEY_UNTIL,
	KEY_PORTAL,
	KEY_KIND,
	KEY_LEAD,
	KEY_NOTE,
	KEY_SUCC,	/* LEAVE_MAX keys from here on */
	KEY__MAX = KEY_SUCC + LEAVE_MAX
};

static const struct req_key keys[KEY__MAX] = {
	/* KEY_CSRF */		{ "csrf", req_v_token, AUTH_TOKEN_LEN, AUTH_TOKEN_LEN },
	/* KEY_NOTICE */	{ "n", req_v_token, 1, 16 },
	/* KEY_SERIAL */	{ "serial", req_v_token, 1, 40 },
	/* KEY_Q */		{ "q", req_v_line, 1, 100 },
	/* KEY_PAGE */		{ "page", req_v_int, 1, 10000 },
	/* KEY_LABEL */		CERT_LABEL_KEY,
	/* KEY_FACILITY.. */	FACILITY_KEYS,
	/* KEY_STATUS */	{ "status", req_v_token, 1, 16 },
	/* KEY_STAMP */		PWRESET_STAMP_KEY,
	/* KEY_ACCOUNT.. */	ACCOUNT_KEYS,
	/* KEY_TITLE */		{ "title", req_v_line, 1, 100 },
	/* KEY_BODY */		{ "body", req_v_multiline, 1, 2000 },
	/* KEY_FROM */		{ "show_from", req_v_line, 1, 19 },
	/* KEY_UNTIL */		{ "show_until", req_v_line, 1, 19 },
	/* KEY_PORTAL */	{ "on_portal", req_v_token, 1, 1 },
	/* KEY_KIND */		{ "kind", req_v_token, 1, 16 },
	/* KEY_LEAD */		{ "account", req_v_int, 1, INT64_MAX },
	/* KEY_NOTE */		{ "note", req_v_line, 1, 200 },
	/* KEY_SUCC.. */	LEAVE_KEYS
};

/* Only operators; anyone else gets 403, audited. */
int
operator_allowed(struct app *a)
{
	if (a->user.is_operator)
		return 1;
	app_audit(a, "operator.access", NULL, NULL, NULL, "denied",
	    a->req.path);
	app_error(a, 403, "サービス運用者だけが利用できます",
	    "この画面はサービス運用者（事務局）だけが利用できます。");
	return 0;
}

static void
op_notfound(struct app *a, const char *what)
{
	db_rollback(a->db);
	app_error(a, 404, what, "指定されたものは見つかりませんでした。");
}

static void
page_index(struct app *a)
{
	const char *const p[] = { cfg_get(CFG_MUNICIPALITY_CODE) };
	struct tmpl_operator_index		 t;
	struct tmpl_operator_index_facilities	*rows = NULL;
	struct tmpl_operator_index_bursts	*bursts = NULL;
	PGresult	*r, *b = NULL;
	char		 area[256], lim[24], (*last)[JTIME_LEN] = NULL;
	const char	*notice;
	int		 i, n, nb;

	if (!operator_allowed(a) || (r = account_view(a,
	    "SELECT f.id, f.name, f.email, f.phone,"
	    " f.municipality_name || '（' || f.municipality_code || '）'"
	    "  AS municipality,"
	    " CASE WHEN f.municipality_code = $1 THEN 'サービス区域内'"
	    "  ELSE '区域外' END AS area,"
	    " CASE f.status WHEN 'active' THEN '利用中' ELSE '利用停止' END"
	    "  AS status,"
	    " (SELECT count(*) FROM account a WHERE a.facility_id = f.id"
	    "  AND a.deleted_at IS NULL) AS staff"
	    " FROM facility f ORDER BY f.id", 1, p, "operator.facility.list",
	    NULL, NULL)) == NULL)
		return;
	n = PQntuples(r);
	if (n > 0 && (rows = account_rows(a, n, sizeof(*rows))) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		rows[i].id = db_get(r, i, "id");
		rows[i].name = db_get(r, i, "name");
		rows[i].municipality = db_get(r, i, "municipality");
		rows[i].area = db_get(r, i, "area");
		rows[i].email = db_get(r, i, "email");
		rows[i].phone = db_get(r, i, "phone");
		rows[i].staff = db_get(r, i, "staff");
		rows[i].status = db_get(r, i, "status");
	}
	/* The accounts refused by the lookup limit in the last 24 hours
	 * (lib/lookup.c): a burst of "is this person registered?". */
	if ((b = db_exec(a->db, "SELECT a.id, a.login, a.name,"
	    " f.name AS facility, count(*) AS refused,"
	    " " JTIME_SQL("max(l.at)") " AS last"
	    " FROM patient_lookup l JOIN account a ON a.id = l.account_id"
	    " JOIN facility f ON f.id = a.facility_id"
	    " WHERE l.refused AND l.at > now() - interval '24 hours'"
	    " GROUP BY a.id, a.login, a.name, f.name"
	    " ORDER BY max(l.at) DESC, a.id", 0, NULL)) == NULL) {
		app_dberr(a);
		goto out;
	}
	nb = PQntuples(b);
	if (nb > 0 && ((bursts = account_rows(a, nb, sizeof(*bursts))) ==
	    NULL || (last = account_rows(a, nb, sizeof(*last))) == NULL))
		goto out;
	for (i = 0; i < nb; i++) {
		bursts[i].id = db_get(b, i, "id");
		bursts[i].login = db_get(b, i, "login");
		bursts[i].name = db_get(b, i, "name");
		bursts[i].facility = db_get(b, i, "facility");
		bursts[i].refused = db_get(b, i, "refused");
		bursts[i].last = jtime_db(db_get(b, i, "last"), JTIME_MINUTE,
		    last[i], sizeof(last[i]), "");
	}
	snprintf(area, sizeof(area), "%s（%s）",
	    cfg_get(CFG_MUNICIPALITY_NAME), cfg_get(CFG_MUNICIPALITY_CODE));
	memset(&t, 0, sizeof(t));
	t.bursts = bursts;
	t.bursts_n = (size_t)nb;
	t.has_bursts = nb > 0;
	snprintf(lim, sizeof(lim), "%ld", lookup_limit());
	t.lookup_limit = lim;
	notice = account_notice(app_val(a, KEY_NOTICE));
	t.has_notice = notice != NULL;
	t.notice = notice;
	t.area = area;
	t.facilities = rows;
	t.facilities_n = (size_t)n;
	app_layout_begin(a, "サービス運用");
	tmpl_operator_index(&a->body, &t);
	app_layout_end(a);
out:
	free(last);
	free(bursts);
	free(rows);
	PQclear(b);
	PQclear(r);
}

/* --- facilities -------------------------------------------------------- */

/* A form field's slots in template struct t: its value v, and its error
 * e (or none) under the field and in its aria attributes. */
#define OP_FIELD(t, fld, e, v) do {					\
	const char *e_ = (e);						\
	(t).fld = (v);							\
	(t).fld##_has_error = e_ != NULL;				\
	(t).fld##_error = e_;						\
	(t).fld##_invalid = e_ != NULL ? "true" : "false";		\
	(t).fld##_desc = e_ != NULL ? #fld "-error " #fld "-hint" :	\
	    #fld "-hint";						\
} while (0)

/* The status is the form's own field, outside the facility's keys. */
static void
op_facform_read(struct app *a, struct facility_form *f)
{
	facility_form_read(&a->req, KEY_FACILITY, f);
	f->fac.suspended = app_val(a, KEY_STATUS) != NULL &&
	    strcmp(app_val(a, KEY_STATUS), "suspended") == 0;
}

static void
op_facility_page(struct app *a, int status, const char *id,
    struct facility_form *f, const PGresult *acc)
{
	struct tmpl_operator_facility_head	 h;
	struct tmpl_operator_facility		 t;
	struct tmpl_operator_facility_accounts	*rows = NULL;
	char		 action[64], admin[80];
	int		 i, n = 0;

	memset(&h, 0, sizeof(h));
	memset(&t, 0, sizeof(t));
#define OP_SLOT(fld, F)						\
	OP_FIELD(t, fld, form_err(&f->form, KEY_FACILITY + (F)), f->fac.v[F])
	OP_SLOT(fac_name, FACILITY_F_NAME);
	OP_SLOT(address, FACILITY_F_ADDRESS);
	OP_SLOT(municipality_name, FACILITY_F_MNAME);
	OP_SLOT(municipality_code, FACILITY_F_MCODE);
	OP_SLOT(fac_email, FACILITY_F_EMAIL);
	OP_SLOT(phone, FACILITY_F_PHONE);
#undef OP_SLOT
	t.csrf = a->user.csrf;
	t.area_code = cfg_get(CFG_MUNICIPALITY_CODE);
	t.is_new = id == NULL;
	t.active = !f->fac.suspended;
	t.suspended = f->fac.suspended;
	if (id == NULL) {
		h.title = "事業所の登録";
		t.action = "/operator/facilities/new";
		t.submit = "登録する";
	} else {
		snprintf(action, sizeof(action), "/operator/facilities/%s", id);
		snprintf(admin, sizeof(admin),
		    "/operator/facilities/%s/admins/new", id);
		h.title = "事業所の情報";
		t.action = action;
		t.admin_url = admin;
		t.submit = "変更を保存する";
		h.notice = account_notice(app_val(a, KEY_NOTICE));
		h.has_notice = h.notice != NULL;
	}
	if (acc != NULL && (n = PQntuples(acc)) > 0 &&
	    (rows = account_rows(a, n, sizeof(*rows))) == NULL)
		return;
	for (i = 0; i < n; i++) {
		rows[i].id = db_get(acc, i, "id");
		rows[i].name = db_get(acc, i, "name");
		rows[i].login = db_get(acc, i, "login");
		rows[i].profession = db_get(acc, i, "profession");
		rows[i].roles = db_get(acc, i, "roles");
	}
	t.accounts = rows;
	t.accounts_n = (size_t)n;
	a->status = status;
	app_layout_begin(a, h.title);
	tmpl_operator_facility_head(&a->body, &h);
	form_summary(&a->body, &f->form);
	tmpl_operator_facility(&a->body, &t);
	app_layout_end(a);
	free(rows);
}

static void
page_facility_new(struct app *a)
{
	struct facility_form	 f;
	char			 id[24], url[80];

	if (!operator_allowed(a))
		return;
	memset(&f, 0, sizeof(f));
	if (a->req.method != REQ_POST) {
		op_facility_page(a, 200, NULL, &f, NULL);
		return;
	}
	op_facform_read(a, &f);
	if (f.form.n > 0) {
		op_facility_page(a, 422, NULL, &f, NULL);
		return;
	}
	if (db_begin(a->db) == -1 ||
	    facility_add(a->db, &f.fac, id, sizeof(id)) == -1 ||
	    app_audit(a, "operator.facility.create", "facility", id, NULL,
	    "success", strcmp(f.fac.v[FACILITY_F_MCODE],
	    cfg_get(CFG_MUNICIPALITY_CODE)) == 0 ? "inside" : "outside") == -1 ||
	    db_commit(a->db) == -1) {
		app_dberr(a);
		return;
	}
	snprintf(url, sizeof(url), "/operator/facilities/%s?n=facility", id);
	app_redirect(a, url);
}

static void
page_facility(struct app *a)
{
	const char	*p[1];
	struct facility_form f;
	PGresult	*r = NULL, *acc = NULL;
	char		 url[80];
	int		 i;

	if (!operator_allowed(a))
		return;
	memset(&f, 0, sizeof(f));
	p[0] = a->id[0];
	if (db_begin(a->db) == -1 || (r = db_exec(a->db,
	    "SELECT name, address, municipality_name, municipality_code,"
	    " email, phone, status = 'suspended' AS suspended"
	    " FROM facility WHERE id = $1::bigint FOR UPDATE", 1, p)) == NULL ||
	    (acc = db_exec(a->db, "SELECT id, name, login, profession,"
	    " " ACCOUNT_SQL_ROLES " AS roles"
	    " FROM account WHERE facility_id = $1::bigint"
	    " AND deleted_at IS NULL ORDER BY kana, id", 1, p)) == NULL) {
		app_dberr(a);
		goto out;
	}
	if (PQntuples(r) != 1) {
		op_notfound(a, "事業所が見つかりません");
		goto out;
	}
	if (a->req.method != REQ_POST) {
		static const char *const col[FACILITY_F__MAX] = { "name",
		    "address", "municipality_name", "municipality_code",
		    "email", "phone" };

		for (i = 0; i < FACILITY_F__MAX; i++)
			f.fac.v[i] = db_get(r, 0, col[i]);
		f.fac.suspended = strcmp(db_get(r, 0, "suspended"), "t") == 0;
		if (app_audit(a, "operator.facility.view", "facility",
		    a->id[0], NULL, "success", NULL) == -1 ||
		    db_commit(a->db) == -1) {
			app_dberr(a);
			goto out;
		}
		op_facility_page(a, 200, a->id[0], &f, acc);
		goto out;
	}
	op_facform_read(a, &f);
	if (f.form.n > 0) {
		db_rollback(a->db);
		op_facility_page(a, 422, a->id[0], &f, acc);
		goto out;
	}
	/* The row is locked: it is there. */
	if (facility_update(a->db, a->id[0], &f.fac) != 1 ||
	    app_audit(a, "operator.facility.update", "facility", a->id[0],
	    NULL, "success", f.fac.suspended ? "suspended" : "active") == -1 ||
	    db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	snprintf(url, sizeof(url), "/operator/facilities/%s?n=updated",
	    a->id[0]);
	app_redirect(a, url);
out:
	PQclear(acc);
	PQclear(r);
}

static void
page_admin_new(struct app *a)
{
	struct account_page	 pg;
	struct account_form	 f;
	const char		*p[1] = { a->id[0] };
	PGresult		*r = NULL;
	enum account_result	 rc;
	char			 id[24], url[80], back[64], action[80];
	char			 lead[800];

	if (!operator_allowed(a))
		return;
	if (db_begin(a->db) == -1 || (r = db_exec(a->db, "SELECT name FROM"
	    " facility WHERE id = $1::bigint", 1, p)) == NULL) {
		app_dberr(a);
		goto out;
	}
	if (PQntuples(r) != 1) {
		op_notfound(a, "事業所が見つかりません");
		goto out;
	}
	snprintf(back, sizeof(back), "/operator/facilities/%s", a->id[0]);
	snprintf(action, sizeof(action), "/operator/facilities/%s/admins/new",
	    a->id[0]);
	snprintf(lead, sizeof(lead), "「%s」の施設管理者を登録します。施設"
	    "管理者は、この事業所の利用者と端末を管理します。",
	    db_get(r, 0, "name"));
	memset(&pg, 0, sizeof(pg));
	pg.title = "施設管理者の登録";
	pg.back_url = back;
	pg.back_text = "事業所へ戻る";
	pg.lead = lead;
	pg.action = action;
	pg.submit = "登録する";
	memset(&f, 0, sizeof(f));
	f.is_new = 1;
	if (a->req.method != REQ_POST) {
		db_rollback(a->db);
		account_form_page(a, 200, &pg, &f);
		goto out;
	}
	if (account_form_read(&a->req, KEY_ACCOUNT, &f) > 0) {
		db_rollback(a->db);
		if (f.password_refused != NULL)
			(void)app_audit(a, "operator.admin.create", "account",
			    NULL, NULL, "denied", "password policy");
		account_form_page(a, 422, &pg, &f);
		goto out;
	}
	f.is_admin = 1;
	rc = account_create(a->db, a->id[0], &f, id, sizeof(id));
	if (rc != ACCOUNT_OK) {
		db_rollback(a->db);
		if (rc == ACCOUNT_LOGIN_TAKEN || rc == ACCOUNT_EMAIL_TAKEN)
			account_form_page(a, 409, &pg, &f);
		else
			app_dberr(a);
		goto out;
	}
	if (app_audit(a, "operator.admin.create", "account", id, NULL,
	    "success", a->id[0]) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	snprintf(url, sizeof(url), "/operator/accounts/%s?n=created", id);
	app_redirect(a, url);
out:
	PQclear(r);
}

/* --- accounts ---------------------------------------------------------- */

static void
page_search(struct app *a)
{
	struct tmpl_operator_accounts		 t;
	struct tmpl_operator_accounts_rows	*rows = NULL;
	const struct req_val	*qv = &a->req.vals[KEY_Q];
	const char		*q = app_val(a, KEY_Q), *p[3];
	PGresult		*r = NULL;
	char			 off[24], lim[8], prev[24], next[24];
	char			 summary[128];
	int64_t			 page = 1;
	int			 i, n;

	if (!operator_allowed(a))
		return;
	memset(&t, 0, sizeof(t));
	t.q = form_value(&a->req, KEY_Q);
	t.q_invalid = "false";
	t.q_desc = "";
	if (qv->present && q == NULL && qv->len > 0) {
		t.q_has_error = 1;
		t.q_error = "100文字までの1行で入力してください。";
		t.q_invalid = "true";
		t.q_desc = "q-error";
		a->status = 422;
	}
	if (a->req.vals[KEY_PAGE].valid)
		page = a->req.vals[KEY_PAGE].num;
	if (q != NULL) {
		snprintf(off, sizeof(off), "%lld",
		    (long long)((page - 1) * OP_PAGE_SIZE));
		snprintf(lim, sizeof(lim), "%d", OP_PAGE_SIZE + 1);
		p[0] = q;
		p[1] = off;
		p[2] = lim;
		/* strpos, not LIKE: the user's % and _ are plain text. */
		if ((r = account_view(a, "SELECT a.id, a.name, a.kana, a.login,"
		    " f.name AS facility, CASE WHEN a.email_is_placeholder"
		    "  THEN '転送用アドレス' ELSE a.email END AS email,"
		    " CASE WHEN a.deleted_at IS NOT NULL THEN '削除済み'"
		    "  WHEN a.locked_until > now() THEN 'ロック中'"
		    "  WHEN f.status <> 'active' THEN '事業所が利用停止'"
		    "  ELSE '利用可' END AS state, count(*) OVER () AS total"
		    " FROM account a JOIN facility f ON f.id = a.facility_id"
		    " WHERE strpos(lower(a.login), lower($1)) > 0"
		    " OR strpos(a.name, $1) > 0 OR strpos(a.kana, $1) > 0"
		    " OR strpos(lower(coalesce(a.email, '')), lower($1)) > 0"
		    " ORDER BY a.deleted_at IS NOT NULL, a.kana, a.id"
		    " OFFSET $2::bigint LIMIT $3::int", 3, p,
		    "operator.account.search", NULL, NULL)) == NULL)
			return;
		n = PQntuples(r);
		t.searched = 1;
		t.has_prev = page > 1;
		t.has_next = n > OP_PAGE_SIZE;
		if (n > OP_PAGE_SIZE)
			n = OP_PAGE_SIZE;
		if (n > 0 && (rows = account_rows(a, n, sizeof(*rows))) == NULL)
			goto out;
		for (i = 0; i < n; i++) {
			rows[i].id = db_get(r, i, "id");
			rows[i].name = db_get(r, i, "name");
			rows[i].kana = db_get(r, i, "kana");
			rows[i].login = db_get(r, i, "login");
			rows[i].facility = db_get(r, i, "facility");
			rows[i].email = db_get(r, i, "email");
			rows[i].state = db_get(r, i, "state");
		}
		if (n > 0)
			snprintf(summary, sizeof(summary), "%s件見つかりました"
			    "（%lld〜%lld件目）。", db_get(r, 0, "total"),
			    (long long)((page - 1) * OP_PAGE_SIZE + 1),
			    (long long)((page - 1) * OP_PAGE_SIZE + n));
		else
			snprintf(summary, sizeof(summary),
			    "見つかりませんでした。");
		snprintf(prev, sizeof(prev), "%lld", (long long)(page - 1));
		snprintf(next, sizeof(next), "%lld", (long long)(page + 1));
		t.summary = summary;
		t.rows = rows;
		t.rows_n = (size_t)n;
		t.prev = prev;
		t.next = next;
	}
	app_layout_begin(a, "利用者を探す");
	tmpl_operator_accounts(&a->body, &t);
	app_layout_end(a);
out:
	free(rows);
	PQclear(r);
}

static const char op_account_sql[] =
    "SELECT a.id, a.login, a.name, a.kana, a.profession,"
    " CASE WHEN a.email_is_placeholder THEN '転送用アドレス（' || a.email"
    "  || '）' ELSE a.email END AS email,"
    " " ACCOUNT_SQL_ROLES " AS roles,"
    " a.deleted_at IS NOT NULL AS deleted,"
    " coalesce(a.locked_until > now(), false) AS locked,"
    " CASE WHEN a.deleted_at IS NOT NULL THEN '削除済み'"
    "  WHEN a.locked_until > now() THEN 'ロック中（ログインの失敗が続いたため）'"
    "  WHEN f.status <> 'active' THEN '事業所が利用停止'"
    "  ELSE '利用可' END AS state,"
    " " JTIME_SQL("a.last_login_at") " AS last_login,"
    " f.id AS facility_id, f.name AS facility, f.email AS facility_email,"
    " f.status = 'active' AS facility_active"
    " FROM account a JOIN facility f ON f.id = a.facility_id"
    " WHERE a.id = $1::bigint";

static void
op_account_page(struct app *a, int status, const PGresult *r,
    const char *label_err)
{
	struct tmpl_operator_account	 t;
	char				 last[JTIME_LEN];

	memset(&t, 0, sizeof(t));
	t.id = db_get(r, 0, "id");
	t.facility_id = db_get(r, 0, "facility_id");
	t.name = db_get(r, 0, "name");
	t.login = db_get(r, 0, "login");
	t.kana = db_get(r, 0, "kana");
	t.profession = db_get(r, 0, "profession");
	t.facility = db_get(r, 0, "facility");
	t.facility_email = db_get(r, 0, "facility_email");
	t.email = db_get(r, 0, "email");
	t.roles = db_get(r, 0, "roles");
	t.state = db_get(r, 0, "state");
	t.last_login = jtime_db(db_get(r, 0, "last_login"), JTIME_MINUTE,
	    last, sizeof(last), "まだありません");
	t.locked = strcmp(db_get(r, 0, "locked"), "t") == 0;
	t.deleted = strcmp(db_get(r, 0, "deleted"), "t") == 0;
	t.can_delete = strcmp(t.id, a->user.account_id) != 0;
	t.csrf = a->user.csrf;
	t.notice = account_notice(app_val(a, KEY_NOTICE));
	t.has_notice = t.notice != NULL;
	t.label = form_value(&a->req, KEY_LABEL);
	t.label_has_error = label_err != NULL;
	t.label_error = label_err;
	t.label_invalid = label_err != NULL ? "true" : "false";
	t.label_desc = label_err != NULL ? "label-error label-hint" :
	    "label-hint";
	a->status = status;
	app_layout_begin(a, "利用者の情報");
	tmpl_operator_account(&a->body, &t);
	app_layout_end(a);
}

/* The account of the URL, in a transaction left open; NULL after an
 * error page. */
static PGresult *
op_account_load(struct app *a)
{
	const char *const p[] = { a->id[0] };
	PGresult	*r;

	if (db_begin(a->db) == -1 ||
	    (r = db_exec(a->db, op_account_sql, 1, p)) == NULL) {
		app_dberr(a);
		return NULL;
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		op_notfound(a, "利用者が見つかりません");
		return NULL;
	}
	return r;
}

static void
page_account(struct app *a)
{
	PGresult	*r;

	if (!operator_allowed(a) || (r = op_account_load(a)) == NULL)
		return;
	if (app_audit(a, "operator.account.view", "account", a->id[0], NULL,
	    "success", NULL) == -1 || db_commit(a->db) == -1)
		app_dberr(a);
	else
		op_account_page(a, 200, r, NULL);
	PQclear(r);
}

static void
page_unlock(struct app *a)
{
	char		 url[80];
	int		 rc;

	if (!operator_allowed(a))
		return;
	if (db_begin(a->db) == -1 ||
	    (rc = account_unlock(a->db, a->id[0], NULL, NULL, 0)) == -1) {
		app_dberr(a);
		return;
	}
	if (rc == 0) {
		op_notfound(a, "利用者が見つかりません");
		return;
	}
	if (app_audit(a, "operator.account.unlock", "account", a->id[0], NULL,
	    "success", NULL) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		return;
	}
	snprintf(url, sizeof(url), "/operator/accounts/%s?n=unlocked",
	    a->id[0]);
	app_redirect(a, url);
}

/* A temporary password for any live account but my own: the
 * secretariat answers "I can't log in" for a facility's administrators
 * (nobody else can reset theirs) and for anyone whose administrator is
 * away. */
static void
page_password(struct app *a)
{
	struct pwreset_target	 t;
	PGresult		*r;

	if (!operator_allowed(a) || (r = op_account_load(a)) == NULL)
		return;
	if (strcmp(db_get(r, 0, "deleted"), "t") == 0) {
		op_notfound(a, "利用者が見つかりません");
		goto out;
	}
	memset(&t, 0, sizeof(t));
	t.id = a->id[0];
	t.name = db_get(r, 0, "name");
	t.login = db_get(r, 0, "login");
	t.facility = db_get(r, 0, "facility");
	t.base = "/operator/accounts";
	t.stamp = app_val(a, KEY_STAMP);
	t.audit = "operator.account.password_reset";
	t.by_role = "事務局";
	pwreset_page(a, &t);
out:
	PQclear(r);
}

/* Deleting any facility's live account but my own (My Profile deletes
 * it) and the last operator's, as a facility administrator deletes
 * theirs (leave_delete_page): the successors, the certificates, the
 * pickups. */
static void
page_delete(struct app *a)
{
	const char *const p[] = { a->id[0] };
	struct leave_target	 d;
	PGresult		*r;
	char			 done[80];

	if (!operator_allowed(a))
		return;
	if (db_begin(a->db) == -1 || (r = db_exec(a->db,
	    "SELECT id, login, name, is_operator FROM account"
	    " WHERE id = $1::bigint AND deleted_at IS NULL FOR UPDATE",
	    1, p)) == NULL) {
		app_dberr(a);
		return;
	}
	if (PQntuples(r) != 1) {
		op_notfound(a, "利用者が見つかりません");
		PQclear(r);
		return;
	}
	memset(&d, 0, sizeof(d));
	d.id = a->id[0];
	d.r = r;
	d.base = "/operator/accounts";
	d.audit = "operator.account.delete";
	snprintf(done, sizeof(done), "/operator/accounts/%s?n=deleted",
	    a->id[0]);
	d.done = done;
	d.key = KEY_SUCC;
	leave_delete_page(a, &d);
	PQclear(r);
}

static void
page_pickup(struct app *a)
{
	struct pickup_new		 pn;
	struct pki_issued		 iss;
	struct tmpl_operator_pickup	 t;
	const char	*label = app_val(a, KEY_LABEL);
	PGresult	*r;
	char		 body[4096], mail[4608], head[512], url[512], fid[24];

	memset(&pn, 0, sizeof(pn));
	memset(&iss, 0, sizeof(iss));
	body[0] = mail[0] = '\0';
	if (!operator_allowed(a) || (r = op_account_load(a)) == NULL)
		return;
	if (strcmp(db_get(r, 0, "deleted"), "t") == 0) {
		op_notfound(a, "利用者が見つかりません");
		goto out;
	}
	if (strcmp(db_get(r, 0, "facility_active"), "t") != 0) {
		db_rollback(a->db);
		app_error(a, 409, "事業所が利用停止中です", "利用停止中の事業所"
		    "には証明書を発行できません。");
		goto out;
	}
	if (label == NULL) {
		db_rollback(a->db);
		op_account_page(a, 422, r, a->req.vals[KEY_LABEL].err != NULL &&
		    a->req.vals[KEY_LABEL].len > 0 ? a->req.vals[KEY_LABEL].err :
		    "端末名を100文字までの1行で入力してください。");
		goto out;
	}
	/* Signed outside this transaction (cert.h), then the account is
	 * read again in a new one that records the certificate.  Recorded
	 * as issued by the account it is for: its devices list and the
	 * revocation notice name that person. */
	snprintf(fid, sizeof(fid), "%s", db_get(r, 0, "facility_id"));
	db_rollback(a->db);
	PQclear(r);
	if (pickup_issue(a->db, fid, label, a->id[0], &iss) == -1) {
		r = NULL;
		app_dberr(a);
		goto out;
	}
	if ((r = op_account_load(a)) == NULL)
		goto out;
	if (strcmp(db_get(r, 0, "deleted"), "t") == 0) {
		op_notfound(a, "利用者が見つかりません");
		goto out;
	}
	if (pickup_create(a->db, &iss, fid, label, a->id[0], &pn) == -1) {
		app_dberr(a);
		goto out;
	}
	/* Both to the representative address, as the secretariat's
	 * first-certificate procedure says, but never in the same mail:
	 * the number in one, the password in another, each saying the
	 * other comes separately.  The screen shows them once. */
	snprintf(head, sizeof(head), "【%s %s 様（ログインID: %s）の端末用の"
	    "最初の証明書です】\n\n", db_get(r, 0, "facility"),
	    db_get(r, 0, "name"), db_get(r, 0, "login"));
	if (*pickup_number_mail_body(&pn, label, body, sizeof(body)) == '\0' ||
	    snprintf(mail, sizeof(mail), "%s%s", head, body) >=
	    (int)sizeof(mail) || mail_queue_address(a->db,
	    db_get(r, 0, "facility_email"), PICKUP_NO_MAIL_SUBJECT, mail) == -1 ||
	    *pickup_mail_body(&pn, label, PICKUP_NO_MAILED, body,
	    sizeof(body)) == '\0' ||
	    snprintf(mail, sizeof(mail), "%s%s", head, body) >=
	    (int)sizeof(mail) || mail_queue_address(a->db,
	    db_get(r, 0, "facility_email"), PICKUP_MAIL_SUBJECT, mail) == -1 ||
	    app_audit(a, "operator.pickup.create", "device_cert", pn.serial,
	    NULL, "success", a->id[0]) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	snprintf(url, sizeof(url), "%s%scertificate-pickup",
	    cfg_get(CFG_PORTAL_URL), *cfg_get(CFG_PORTAL_URL) != '\0' &&
	    cfg_get(CFG_PORTAL_URL)[strlen(cfg_get(CFG_PORTAL_URL)) - 1] ==
	    '/' ? "" : "/");
	memset(&t, 0, sizeof(t));
	t.id = a->id[0];
	t.name = db_get(r, 0, "name");
	t.facility = db_get(r, 0, "facility");
	t.facility_email = db_get(r, 0, "facility_email");
	t.label = label;
	t.number = pn.number;
	t.password = pn.password;
	t.expires = pn.expires;
	t.pickup_url = url;
	app_layout_begin(a, "証明書取得用No・パスワード");
	tmpl_operator_pickup(&a->body, &t);
	app_layout_end(a);
out:
	OPENSSL_cleanse(body, sizeof(body));
	OPENSSL_cleanse(mail, sizeof(mail));
	OPENSSL_cleanse(&pn, sizeof(pn));
	pki_issued_free(&iss);
	PQclear(r);
}

/* --- certificates ------------------------------------------------------ */

static void
page_certs(struct app *a)
{
	static const struct account_page pg = {
		.title = "証明書の一覧と失効",
		.back_url = "/operator",
		.back_text = "サービス運用へ戻る",
		.lead = "すべての事業所",
		.action = "/operator/certificates/revoke",
	};

	if (operator_allowed(a))
		account_devices_page(a, NULL, "operator.device.list", &pg,
		    account_notice(app_val(a, KEY_NOTICE)));
}

static void
page_revoke(struct app *a)
{
	if (!operator_allowed(a))
		return;
	cert_revoke_post(a, app_val(a, KEY_SERIAL), NULL,
	    "operator.device.revoke", "/operator/certificates?n=revoked");
}

/* --- notices (お知らせ) ------------------------------------------------ */

/* Shown on /home to everyone from show_from until show_until. */
#define NOTICE_MAX_AHEAD	(366 * 86400)	/* show_until at most */

struct notice_form {
	struct form	 form;
	int64_t		 from, until;	/* epoch seconds */
};

/* "2026-12-03T09:00" (seconds allowed, as a browser may send them), Japan
 * time, into epoch seconds; -1 when it is not such a moment. */
static int64_t
notice_time(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	struct tm	 tm;
	int		 y, mo, d, h, mi, sec = 0, n = 0;
	size_t		 len;

	if (s == NULL)
		return -1;
	len = strlen(s);
	if ((len != 16 && len != 19) ||
	    (sscanf(s, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi,
	    &n) != 5 || n != 16) ||
	    (len == 19 && (sscanf(s + 16, ":%2d%n", &sec, &n) != 1 ||
	    n != 3)))
		return -1;
	if (strspn(s, "0123456789-T:") != len || s[4] != '-' ||
	    s[7] != '-' || s[10] != 'T' || s[13] != ':')
		return -1;
	if (y < 2000 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] || (mo == 2 && d == 29 && !(y % 4 == 0 &&
	    (y % 100 != 0 || y % 400 == 0))) || h > 23 || mi > 59 ||
	    sec > 59)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	return (int64_t)timegm(&tm) - JTIME_OFFSET;
}

/* The form's fields, each refused with its message. */
static int
notice_form_read(struct app *a, struct notice_form *f)
{
	int64_t	 now = (int64_t)time(NULL);

	form_init(&f->form, &a->req);
	if (!a->req.vals[KEY_TITLE].valid)
		form_error(&f->form, KEY_TITLE, NULL,
		    "タイトルを100文字までの1行で入力してください。");
	if (!a->req.vals[KEY_BODY].valid)
		form_error(&f->form, KEY_BODY, NULL,
		    "本文を2000文字までで入力してください。");
	f->from = notice_time(app_val(a, KEY_FROM));
	f->until = notice_time(app_val(a, KEY_UNTIL));
	if (f->from == -1)
		form_error(&f->form, KEY_FROM, NULL, "表示開始の日時を"
		    "入力してください（例: 2026-12-03T09:00）。");
	if (f->until == -1)
		form_error(&f->form, KEY_UNTIL, NULL, "表示終了の日時を"
		    "入力してください（例: 2026-12-10T18:00）。");
	else if (f->from != -1 && f->until <= f->from)
		form_error(&f->form, KEY_UNTIL, NULL,
		    "表示終了は表示開始より後の日時にしてください。");
	else if (f->until <= now)
		form_error(&f->form, KEY_UNTIL, NULL,
		    "表示終了は現在より後の日時にしてください。");
	else if (f->until > now + NOTICE_MAX_AHEAD)
		form_error(&f->form, KEY_UNTIL, NULL,
		    "表示終了は1年以内の日時にしてください。");
	return (int)f->form.n;
}

static const char *
notice_done(const char *n)
{
	if (n == NULL)
		return NULL;
	if (strcmp(n, "created") == 0)
		return "お知らせを掲示しました。";
	if (strcmp(n, "withdrawn") == 0)
		return "お知らせを取り下げました。";
	return NULL;
}

/* The list, current ones first, then those to come, then the past. */
#define NOTICE_LIST_SQL							\
	"SELECT id, title, on_portal,"					\
	" CASE WHEN withdrawn_at IS NOT NULL THEN 'withdrawn'"		\
	" WHEN now() < show_from THEN 'future'"				\
	" WHEN now() < show_until THEN 'current' ELSE 'past' END AS state,"\
	" to_char(show_from AT TIME ZONE 'Asia/Tokyo',"			\
	" 'YYYY-MM-DD HH24:MI') || ' ～ ' ||"				\
	" to_char(show_until AT TIME ZONE 'Asia/Tokyo',"		\
	" 'YYYY-MM-DD HH24:MI') AS period"				\
	" FROM notice ORDER BY CASE WHEN withdrawn_at IS NOT NULL THEN 3"	\
	" WHEN now() < show_from THEN 1"				\
	" WHEN now() < show_until THEN 0 ELSE 2 END,"			\
	" show_from DESC, id DESC LIMIT 200"

static void
notice_page(struct app *a, int status, struct notice_form *f,
    const PGresult *r)
{
	static const char *const states[][2] = {
		{ "current", "表示中" }, { "future", "表示前" },
		{ "past", "表示終了" }, { "withdrawn", "取り下げ済み" },
	};
	struct tmpl_operator_facility_head	 h;
	struct tmpl_operator_notices		 t;
	struct tmpl_operator_notices_notices	*rows = NULL;
	const char	*st;
	int		 i, n, j;

	memset(&h, 0, sizeof(h));
	memset(&t, 0, sizeof(t));
#define OP_SLOT(fld, K)						\
	OP_FIELD(t, fld, form_err(&f->form, (K)), form_value(&a->req, (K)))
	OP_SLOT(title, KEY_TITLE);
	OP_SLOT(body, KEY_BODY);
	OP_SLOT(show_from, KEY_FROM);
	OP_SLOT(show_until, KEY_UNTIL);
#undef OP_SLOT
	t.on_portal = app_val(a, KEY_PORTAL) != NULL;
	t.csrf = a->user.csrf;
	n = PQntuples(r);
	if (n > 0 && (rows = account_rows(a, n, sizeof(*rows))) == NULL)
		return;
	for (i = 0; i < n; i++) {
		st = db_get(r, i, "state");
		rows[i].id = db_get(r, i, "id");
		rows[i].csrf = a->user.csrf;
		rows[i].title = db_get(r, i, "title");
		rows[i].period = db_get(r, i, "period");
		rows[i].portal = strcmp(db_get(r, i, "on_portal"), "t") == 0 ?
		    "表示する" : "―";
		rows[i].state = st;
		for (j = 0; j < 4; j++)
			if (strcmp(st, states[j][0]) == 0)
				rows[i].state = states[j][1];
		rows[i].can_withdraw = strcmp(st, "current") == 0 ||
		    strcmp(st, "future") == 0;
	}
	t.has_notices = n > 0;
	t.notices = rows;
	t.notices_n = (size_t)n;
	h.title = "お知らせ";
	h.notice = notice_done(app_val(a, KEY_NOTICE));
	h.has_notice = h.notice != NULL;
	a->status = status;
	app_layout_begin(a, h.title);
	tmpl_operator_facility_head(&a->body, &h);
	form_summary(&a->body, &f->form);
	tmpl_operator_notices(&a->body, &t);
	app_layout_end(a);
	free(rows);
}

static void
page_notices(struct app *a)
{
	struct notice_form	 f;
	PGresult		*r = NULL;
	const char		*p[6];
	char			 from[24], until[24];

	if (!operator_allowed(a))
		return;
	memset(&f, 0, sizeof(f));
	if (a->req.method != REQ_POST) {
		form_init(&f.form, &a->req);
		if ((r = account_view(a, NOTICE_LIST_SQL, 0, NULL,
		    "operator.notice.list", NULL, NULL)) != NULL)
			notice_page(a, 200, &f, r);
		PQclear(r);
		return;
	}
	if (notice_form_read(a, &f) > 0) {
		if ((r = db_exec(a->db, NOTICE_LIST_SQL, 0, NULL)) == NULL) {
			app_dberr(a);
			return;
		}
		notice_page(a, 422, &f, r);
		PQclear(r);
		return;
	}
	snprintf(from, sizeof(from), "%lld", (long long)f.from);
	snprintf(until, sizeof(until), "%lld", (long long)f.until);
	p[0] = app_val(a, KEY_TITLE);
	p[1] = app_val(a, KEY_BODY);
	p[2] = from;
	p[3] = until;
	p[4] = app_val(a, KEY_PORTAL) != NULL ? "t" : "f";
	p[5] = a->user.account_id;
	if (db_begin(a->db) == -1 || (r = db_exec(a->db,
	    "INSERT INTO notice (title, body, show_from, show_until,"
	    " on_portal, created_by) VALUES ($1, $2, to_timestamp($3),"
	    " to_timestamp($4), $5::boolean, $6::bigint) RETURNING id",
	    6, p)) == NULL ||
	    app_audit(a, "operator.notice.create", "notice",
	    db_get(r, 0, "id"), NULL, "success", p[4][0] == 't' ?
	    "portal" : "home") == -1 ||
	    db_commit(a->db) == -1) {
		PQclear(r);
		app_dberr(a);
		return;
	}
	PQclear(r);
	app_redirect(a, "/operator/notices?n=created");
}

static void
page_notice_withdraw(struct app *a)
{
	const char	*p[1];
	PGresult	*r = NULL;

	if (!operator_allowed(a))
		return;
	p[0] = a->id[0];
	if (db_begin(a->db) == -1 || (r = db_exec(a->db,
	    "UPDATE notice SET withdrawn_at = now() WHERE id = $1::bigint"
	    " AND withdrawn_at IS NULL RETURNING id", 1, p)) == NULL) {
		app_dberr(a);
		return;
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		op_notfound(a, "お知らせが見つかりません");
		return;
	}
	PQclear(r);
	if (app_audit(a, "operator.notice.withdraw", "notice", a->id[0],
	    NULL, "success", NULL) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		return;
	}
	app_redirect(a, "/operator/notices?n=withdrawn");
}

static void
page_stats_csv(struct app *a)
{
	operator_stats_csv(a, app_val(a, KEY_KIND));
}

static void
page_teams(struct app *a)
{
	operator_teams(a, app_val(a, KEY_NOTICE));
}

static void
page_team_lead(struct app *a)
{
	operator_team_lead(a, app_val(a, KEY_LEAD));
}

static void
page_team_close(struct app *a)
{
	operator_team_close(a, app_val(a, KEY_NOTE));
}

static const struct app_page pages[] = {
	{ "/operator", APP_GET, APP_SESSION, page_index },
	{ "/operator/facilities/new", APP_GET | APP_POST, APP_SESSION,
	    page_facility_new },
	{ "/operator/facilities/#", APP_GET | APP_POST, APP_SESSION,
	    page_facility },
	{ "/operator/facilities/#/admins/new", APP_GET | APP_POST,
	    APP_SESSION, page_admin_new },
	{ "/operator/accounts", APP_GET, APP_SESSION, page_search },
	{ "/operator/accounts/#", APP_GET, APP_SESSION, page_account },
	{ "/operator/accounts/#/unlock", APP_POST, APP_SESSION, page_unlock },
	{ "/operator/accounts/#/pickup", APP_POST, APP_SESSION, page_pickup },
	{ "/operator/accounts/#/delete", APP_GET | APP_POST, APP_SESSION,
	    page_delete },
	{ "/operator/accounts/#/password", APP_GET | APP_POST, APP_SESSION,
	    page_password },
	{ "/operator/certificates", APP_GET, APP_SESSION, page_certs },
	{ "/operator/certificates/revoke", APP_POST, APP_SESSION,
	    page_revoke },
	{ "/operator/notices", APP_GET | APP_POST, APP_SESSION, page_notices },
	{ "/operator/notices/#/withdraw", APP_POST, APP_SESSION,
	    page_notice_withdraw },
	{ "/operator/stats", APP_GET, APP_SESSION, operator_stats },
	{ "/operator/stats.csv", APP_GET, APP_SESSION, page_stats_csv },
	{ "/operator/teams", APP_GET, APP_SESSION, page_teams },
	{ "/operator/teams/#/lead", APP_POST, APP_SESSION, page_team_lead },
	{ "/operator/teams/#/close", APP_POST, APP_SESSION, page_team_close },
};

/* 32 KiB: a notice's 2000 characters of Japanese are 18 KiB
 * percent-encoded (nginx allows 64k). */
int
main(void)
{
	return app_main("operator", pages, sizeof(pages) / sizeof(pages[0]),
	    keys, KEY__MAX, 32 * 1024);
}
