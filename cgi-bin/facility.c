/* /facility: the facility administrator's menu -- the staff of the
 * administrator's own facility (register, edit, delete, unlock, a
 * temporary password for one who forgot theirs) and its
 * device certificates (list, revoke).  Every statement is filtered by
 * the administrator's facility: another facility's id is a 404. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "app.h"
#include "auth.h"
#include "cert.h"
#include "db.h"
#include "jtime.h"
#include "leave.h"
#include "pwreset.h"
#include "tmpl.h"

enum key {
	KEY_CSRF,
	KEY_NOTICE,
	KEY_SERIAL,
	KEY_STAMP,
	KEY_ACCOUNT,	/* ACCOUNT_F__MAX keys from here on */
	KEY_SUCC = KEY_ACCOUNT + ACCOUNT_F__MAX,	/* LEAVE_MAX keys */
	KEY__MAX = KEY_SUCC + LEAVE_MAX
};

static const struct req_key keys[KEY__MAX] = {
	/* KEY_CSRF */		{ "csrf", req_v_token, AUTH_TOKEN_LEN, AUTH_TOKEN_LEN },
	/* KEY_NOTICE */	{ "n", req_v_token, 1, 16 },
	/* KEY_SERIAL */	{ "serial", req_v_token, 1, 40 },
	/* KEY_STAMP */		PWRESET_STAMP_KEY,
	/* KEY_ACCOUNT.. */	ACCOUNT_KEYS,
	/* KEY_SUCC.. */	LEAVE_KEYS
};

static const char *
fac_notice(const struct app *a)
{
	return account_notice(app_val(a, KEY_NOTICE));
}

/* Only facility administrators; anyone else gets 403, audited. */
static int
fac_allowed(struct app *a)
{
	if (a->user.is_facility_admin)
		return 1;
	app_audit(a, "facility.access", NULL, NULL, NULL, "denied",
	    a->req.path);
	app_error(a, 403, "施設管理者だけが利用できます",
	    "この画面は施設管理者だけが利用できます。利用者の登録や端末の"
	    "管理は、事業所の施設管理者にご依頼ください。");
	return 0;
}

static void
fac_notfound(struct app *a)
{
	db_rollback(a->db);
	app_error(a, 404, "利用者が見つかりません",
	    "指定された利用者は見つかりませんでした。");
}

static void
page_index(struct app *a)
{
	const char *const p[] = { a->user.facility_id };
	struct tmpl_facility_index	 t;
	struct tmpl_facility_index_staff *rows = NULL;
	char		(*tm)[JTIME_LEN] = NULL;
	PGresult	*r = NULL;
	const char	*notice;
	char		 count[16];
	int		 i, n;

	if (!fac_allowed(a))
		return;
	if ((r = account_view(a, "SELECT id, name, kana, login, profession,"
	    " email, email_is_placeholder, " ACCOUNT_SQL_ROLES " AS roles,"
	    " coalesce(locked_until > now(), false) AS locked,"
	    " " JTIME_SQL("last_login_at") " AS last_login"
	    " FROM account WHERE facility_id = $1::bigint"
	    " AND deleted_at IS NULL ORDER BY kana, name, id", 1, p,
	    "facility.staff.list", "facility", a->user.facility_id)) == NULL)
		return;
	n = PQntuples(r);
	if (n > 0 && ((rows = account_rows(a, n, sizeof(*rows))) == NULL ||
	    (tm = account_rows(a, n, sizeof(*tm))) == NULL))
		goto out;
	for (i = 0; i < n; i++) {
		rows[i].id = db_get(r, i, "id");
		rows[i].name = db_get(r, i, "name");
		rows[i].kana = db_get(r, i, "kana");
		rows[i].login = db_get(r, i, "login");
		rows[i].profession = db_get(r, i, "profession");
		rows[i].email = db_get(r, i, "email");
		rows[i].placeholder =
		    strcmp(db_get(r, i, "email_is_placeholder"), "t") == 0;
		rows[i].roles = db_get(r, i, "roles");
		rows[i].locked = strcmp(db_get(r, i, "locked"), "t") == 0;
		rows[i].last_login = jtime_db(db_get(r, i, "last_login"),
		    JTIME_MINUTE, tm[i], sizeof(tm[i]), "—");
		rows[i].csrf = a->user.csrf;
	}
	snprintf(count, sizeof(count), "%d", n);
	memset(&t, 0, sizeof(t));
	t.facility_name = a->user.facility_name;
	notice = fac_notice(a);
	t.has_notice = notice != NULL;
	t.notice = notice;
	t.count = count;
	t.staff = rows;
	t.staff_n = (size_t)n;
	app_layout_begin(a, "施設管理");
	tmpl_facility_index(&a->body, &t);
	app_layout_end(a);
out:
	free(tm);
	free(rows);
	PQclear(r);
}

/* The outcome of a registration or change the form must show again. */
static void
fac_form_again(struct app *a, enum account_result rc,
    const struct account_page *pg, struct account_form *f)
{
	db_rollback(a->db);
	switch (rc) {
	case ACCOUNT_LOGIN_TAKEN:
	case ACCOUNT_EMAIL_TAKEN:
		account_form_page(a, 409, pg, f);
		break;
	case ACCOUNT_NOT_FOUND:
		fac_notfound(a);
		break;
	default:
		app_dberr(a);
		break;
	}
}

static void
page_new(struct app *a)
{
	static const struct account_page pg = {
		.title = "利用者の登録",
		.back_url = "/facility",
		.back_text = "施設管理へ戻る",
		.lead = "この事業所で利用する人を登録します。",
		.action = "/facility/staff/new",
		.submit = "登録する",
		.show_admin = 1,
	};
	struct account_form	 f;
	enum account_result	 rc;
	char			 id[24], url[64];

	if (!fac_allowed(a))
		return;
	memset(&f, 0, sizeof(f));
	f.is_new = 1;
	if (a->req.method != REQ_POST) {
		account_form_page(a, 200, &pg, &f);
		return;
	}
	if (account_form_read(&a->req, KEY_ACCOUNT, &f) > 0) {
		if (f.password_refused != NULL)
			(void)app_audit(a, "facility.staff.create", "account",
			    NULL, NULL, "denied", "password policy");
		account_form_page(a, 422, &pg, &f);
		return;
	}
	if (db_begin(a->db) == -1) {
		app_dberr(a);
		return;
	}
	rc = account_create(a->db, a->user.facility_id, &f, id, sizeof(id));
	if (rc != ACCOUNT_OK) {
		fac_form_again(a, rc, &pg, &f);
		return;
	}
	if (app_audit(a, "facility.staff.create", "account", id, NULL,
	    "success", f.is_admin ? "facility-admin" : NULL) == -1 ||
	    db_commit(a->db) == -1) {
		app_dberr(a);
		return;
	}
	snprintf(url, sizeof(url), "/facility/staff/%s?n=created", id);
	app_redirect(a, url);
}

/* Loads a live account of my facility into f (for the edit page); the
 * result stays alive for f's strings.  NULL (404 or 403 shown) or the
 * row.  An operator's account (the 事務局's) is not a facility
 * administrator's to edit, unlock or delete: only an operator may, so
 * that no facility administrator can take over the service's own
 * accounts. */
static PGresult *
fac_load(struct app *a, struct account_form *f)
{
	const char *const p[] = { a->id[0], a->user.facility_id };
	PGresult	*r;

	if (db_begin(a->db) == -1 || (r = db_exec(a->db,
	    "SELECT id, login, name, kana, profession, email,"
	    " email_is_placeholder, is_facility_admin, is_operator,"
	    " coalesce(locked_until > now(), false) AS locked,"
	    " " JTIME_SQL("last_login_at") " AS last_login"
	    " FROM account WHERE id = $1::bigint AND facility_id = $2::bigint"
	    " AND deleted_at IS NULL FOR UPDATE", 2, p)) == NULL) {
		app_dberr(a);
		return NULL;
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		fac_notfound(a);
		return NULL;
	}
	if (strcmp(db_get(r, 0, "is_operator"), "t") == 0 &&
	    !a->user.is_operator) {
		PQclear(r);
		db_rollback(a->db);
		app_audit(a, "facility.access", "account", a->id[0], NULL,
		    "denied", "operator account");
		app_error(a, 403, "サービス運用者のアカウントです",
		    "サービス運用者のアカウントの変更、ロックの解除、パスワードの"
		    "再設定、削除は、事務局（サービス運用者）だけが行えます。");
		return NULL;
	}
	if (f != NULL) {
		f->login = db_get(r, 0, "login");
		f->name = db_get(r, 0, "name");
		f->kana = db_get(r, 0, "kana");
		f->profession = db_get(r, 0, "profession");
		f->placeholder =
		    strcmp(db_get(r, 0, "email_is_placeholder"), "t") == 0;
		f->email = f->placeholder ? NULL : db_get(r, 0, "email");
		f->current_placeholder = f->placeholder ?
		    db_get(r, 0, "email") : NULL;
		f->is_admin =
		    strcmp(db_get(r, 0, "is_facility_admin"), "t") == 0;
	}
	return r;
}

static void
fac_edit_page(struct app *a, int status, PGresult *r, struct account_form *f)
{
	struct account_page		 pg;
	struct tmpl_facility_staff_actions t;
	char				 action[64], unlock[80], del[80];
	char				 pwurl[80];
	char				 last[JTIME_LEN];

	snprintf(action, sizeof(action), "/facility/staff/%s", a->id[0]);
	snprintf(unlock, sizeof(unlock), "/facility/staff/%s/unlock", a->id[0]);
	snprintf(del, sizeof(del), "/facility/staff/%s/delete", a->id[0]);
	snprintf(pwurl, sizeof(pwurl), "/facility/staff/%s/password",
	    a->id[0]);
	memset(&pg, 0, sizeof(pg));
	pg.title = "利用者の情報";
	pg.back_url = "/facility";
	pg.back_text = "施設管理へ戻る";
	pg.notice = fac_notice(a);
	pg.action = action;
	pg.submit = "変更を保存する";
	pg.show_admin = 1;
	pg.actions = &t;
	memset(&t, 0, sizeof(t));
	t.locked = strcmp(db_get(r, 0, "locked"), "t") == 0;
	t.unlock_url = unlock;
	t.csrf = a->user.csrf;
	t.last_login = jtime_db(db_get(r, 0, "last_login"), JTIME_MINUTE,
	    last, sizeof(last), "まだありません");
	t.delete_url = del;
	t.can_reset = strcmp(a->id[0], a->user.account_id) != 0;
	t.password_url = pwurl;
	account_form_page(a, status, &pg, f);
}

static void
page_staff(struct app *a)
{
	struct account_form	 f;
	PGresult		*r;
	enum account_result	 rc;
	char			 url[64];

	if (!fac_allowed(a))
		return;
	memset(&f, 0, sizeof(f));
	if ((r = fac_load(a, &f)) == NULL)
		return;
	if (a->req.method != REQ_POST) {
		if (app_audit(a, "facility.staff.view", "account", a->id[0],
		    NULL, "success", NULL) == -1 || db_commit(a->db) == -1) {
			app_dberr(a);
			goto out;
		}
		fac_edit_page(a, 200, r, &f);
		goto out;
	}
	if (account_form_read(&a->req, KEY_ACCOUNT, &f) == 0 &&
	    strcmp(a->id[0], a->user.account_id) == 0 && !f.is_admin) {
		/* Someone must stay able to manage the facility. */
		form_error(&f.form, KEY_ACCOUNT + ACCOUNT_F_ADMIN, NULL,
		    "ご自分の施設管理者の権限は外せません。"
		    "ほかの施設管理者に依頼してください。");
	}
	f.login = db_get(r, 0, "login");	/* shown, never changed */
	if (f.form.n > 0) {
		db_rollback(a->db);
		fac_edit_page(a, 422, r, &f);
		goto out;
	}
	rc = account_update(a->db, a->user.facility_id, a->id[0], &f);
	if (rc != ACCOUNT_OK) {
		db_rollback(a->db);
		if (rc == ACCOUNT_EMAIL_TAKEN)
			fac_edit_page(a, 409, r, &f);
		else
			app_dberr(a);
		goto out;
	}
	if (app_audit(a, "facility.staff.update", "account", a->id[0], NULL,
	    "success", f.placeholder ? "placeholder" : NULL) == -1 ||
	    db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	snprintf(url, sizeof(url), "/facility/staff/%s?n=updated", a->id[0]);
	app_redirect(a, url);
out:
	PQclear(r);
}

static void
page_delete(struct app *a)
{
	struct leave_target	 d;
	PGresult		*r;

	if (!fac_allowed(a) || (r = fac_load(a, NULL)) == NULL)
		return;
	memset(&d, 0, sizeof(d));
	d.id = a->id[0];
	d.r = r;
	d.base = "/facility/staff";
	d.audit = "facility.staff.delete";
	d.done = "/facility?n=deleted";
	d.key = KEY_SUCC;
	leave_delete_page(a, &d);
	PQclear(r);
}

static void
page_unlock(struct app *a)
{
	PGresult	*r;
	char		 url[64];

	if (!fac_allowed(a) || (r = fac_load(a, NULL)) == NULL)
		return;
	PQclear(r);
	/* fac_load locked the live row of this facility. */
	if (account_unlock(a->db, a->id[0], NULL, NULL, 0) != 1 ||
	    app_audit(a, "facility.staff.unlock", "account", a->id[0], NULL,
	    "success", NULL) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		return;
	}
	snprintf(url, sizeof(url), "/facility/staff/%s?n=unlocked", a->id[0]);
	app_redirect(a, url);
}

/* A temporary password for a staff member of my facility who forgot
 * theirs (not mine: My Profile changes it; not an operator's, which
 * fac_load refuses to anyone but an operator). */
static void
page_password(struct app *a)
{
	struct pwreset_target	 t;
	PGresult		*r;

	if (!fac_allowed(a) || (r = fac_load(a, NULL)) == NULL)
		return;
	memset(&t, 0, sizeof(t));
	t.id = a->id[0];
	t.name = db_get(r, 0, "name");
	t.login = db_get(r, 0, "login");
	t.facility = a->user.facility_name;
	t.base = "/facility/staff";
	t.stamp = app_val(a, KEY_STAMP);
	t.audit = "facility.staff.password_reset";
	t.by_role = "施設管理者";
	pwreset_page(a, &t);
	PQclear(r);
}

static void
page_devices(struct app *a)
{
	static const struct account_page pg = {
		.title = "端末と証明書",
		.back_url = "/facility",
		.back_text = "施設管理へ戻る",
		.lead = "この事業所",
		.action = "/facility/devices/revoke",
	};

	if (fac_allowed(a))
		account_devices_page(a, a->user.facility_id,
		    "facility.device.list", &pg, fac_notice(a));
}

static void
page_revoke(struct app *a)
{
	if (!fac_allowed(a))
		return;
	cert_revoke_post(a, app_val(a, KEY_SERIAL), a->user.facility_id,
	    "facility.device.revoke", "/facility/devices?n=revoked");
}

static const struct app_page pages[] = {
	{ "/facility", APP_GET, APP_SESSION, page_index },
	{ "/facility/staff/new", APP_GET | APP_POST, APP_SESSION, page_new },
	{ "/facility/staff/#", APP_GET | APP_POST, APP_SESSION, page_staff },
	{ "/facility/staff/#/delete", APP_GET | APP_POST, APP_SESSION,
	    page_delete },
	{ "/facility/staff/#/unlock", APP_POST, APP_SESSION, page_unlock },
	{ "/facility/devices", APP_GET, APP_SESSION, page_devices },
	{ "/facility/staff/#/password", APP_GET | APP_POST, APP_SESSION,
	    page_password },
	{ "/facility/devices/revoke", APP_POST, APP_SESSION, page_revoke },
};

int
main(void)
{
	return app_main("facility", pages, sizeof(pages) / sizeof(pages[0]),
	    keys, KEY__MAX, 16 * 1024);
}
