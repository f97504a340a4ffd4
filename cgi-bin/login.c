/* /login: the login form, and the check of ID and password on a device
 * whose certificate nginx verified and the database knows. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "app.h"
#include "audit.h"
#include "auth.h"
#include "account.h"
#include "db.h"
#include "form.h"
#include "tmpl.h"

enum key {
	KEY_LOGIN,
	KEY_PASSWORD,
	KEY_CSRF,
	KEY_NOTICE,
	KEY_NEW,
	KEY_NEW2,
	KEY__MAX
};

static const struct req_key keys[KEY__MAX] = {
	/* KEY_LOGIN */		{ "login", req_v_login, 3, 64 },
	/* KEY_PASSWORD */	{ "password", req_v_line, 1, PASSWORD_MAX_BYTES },
	/* KEY_CSRF */		{ "csrf", req_v_token, AUTH_TOKEN_LEN, AUTH_TOKEN_LEN },
	/* KEY_NOTICE */	{ "n", req_v_token, 1, 16 },
	/* KEY_NEW */		{ "new_password", req_v_line, 1, PASSWORD_MAX_BYTES },
	/* KEY_NEW2 */		{ "new_password2", req_v_line, 1, PASSWORD_MAX_BYTES },
};

/* Failures in 15 minutes: the account's that lock it for 15 minutes,
 * and a device certificate's (every login ID tried from it) that stop
 * its logins until its oldest is 15 minutes old. */
#define LOGIN_MAX_FAILURES		10
#define LOGIN_DEVICE_MAX_FAILURES	20

/* The form shown again: f's field error (the ID's), error the message
 * above the form (not tied to a field), notice after a logout; change:
 * the form of the first login's password change. */
static void
login_render_as(struct app *a, int status, const struct form *f,
    const char *error, const char *notice, int change)
{
	char		 tok[AUTH_TOKEN_LEN + 1], cookie[128], help[512];
	struct tmpl_login t;

	/* A fresh pre-login token each time the form is shown: it rides in
	 * a __Host- cookie and the form, and both must come back. */
	if (auth_token(tok, sizeof(tok)) == -1) {
		app_error(a, 500, "エラー", "もう一度お試しください。");
		return;
	}
	snprintf(cookie, sizeof(cookie), "__Host-rkl=%s; Path=/; Secure;"
	    " HttpOnly; SameSite=Strict", tok);
	a->status = status;
	app_header(a, "Set-Cookie", cookie);
	memset(&t, 0, sizeof(t));
	t.csrf = tok;
	t.login = f != NULL ? form_value(f->req, KEY_LOGIN) : NULL;
	t.has_error = error != NULL;
	t.error = error;
	t.login_error = f != NULL && form_err(f, KEY_LOGIN) != NULL;
	t.login_error_text = f != NULL ? form_err(f, KEY_LOGIN) : NULL;
	t.notice_shown = notice != NULL;
	t.notice = notice;
	t.change = change;
	t.help_url = app_help_url(NULL, help, sizeof(help));
	app_layout_begin(a, change ? "パスワードの変更" : "ログイン");
	tmpl_login(&a->body, &t);
	app_layout_end(a);
}

static void
login_render(struct app *a, int status, const struct form *f,
    const char *error, const char *notice)
{
	login_render_as(a, status, f, error, notice, 0);
}

/* The event of a login attempt (struct audit's .action set by the
 * caller). */
static void
login_event(struct app *a, struct audit *e, const char *account_id,
    const char *login, const char *outcome, const char *detail)
{
	e->account_id = account_id;
	e->login = login;
	e->cert_serial = a->req.ssl_serial;
	e->remote_addr = a->req.remote_addr != NULL && *a->req.remote_addr ?
	    a->req.remote_addr : NULL;
	e->object_type = "account";
	e->object_id = account_id;
	e->outcome = outcome;
	e->detail = detail;
	audit_write(a->db, e);
}

static void
login_audit(struct app *a, const char *account_id, const char *login,
    const char *outcome, const char *detail)
{
	struct audit	 e = { .action = "login" };

	login_event(a, &e, account_id, login, outcome, detail);
}

/* The first login's password change, with the login's own event. */
static void
login_audit_change(struct app *a, const char *account_id, const char *login)
{
	struct audit	 e = { .action = "login.password" };

	login_event(a, &e, account_id, login, "success", NULL);
}

static void
login_get(struct app *a)
{
	const char	*n = app_val(a, KEY_NOTICE), *notice = NULL;

	if (n != NULL && strcmp(n, "logout") == 0)
		notice = "ログアウトしました。";
	else if (n != NULL && strcmp(n, "deleted") == 0)
		notice = "アカウントを削除しました。これまでのご利用ありがとう"
		    "ございました。";
	else if (n != NULL && strcmp(n, "expired") == 0)
		notice = "一定時間操作がなかったため、ログアウトしました。"
		    "もう一度ログインしてください。";
	login_render(a, 200, NULL, NULL, notice);
}

/* A POST whose pre-login token (form and __Host-rkl cookie) the front
 * line found missing or different (APP_POST_LOGIN). */
static void
login_refused(struct app *a)
{
	struct form	 f;

	form_init(&f, &a->req);
	login_audit(a, NULL, app_val(a, KEY_LOGIN), "denied",
	    "csrf token missing or wrong");
	login_render(a, 403, &f, "画面の有効期限が切れました。"
	    "もう一度入力してください。", NULL);
}

/*
 * The right password of an account whose password someone else set: no
 * session before the person sets their own, on this form (the current
 * password asked again, then the new one twice), checked by the policy.
 * 1 with the new password's hash in hash; 0 when the form is shown
 * (again), its event written; -1 on an error (answered).
 */
static int
login_change(struct app *a, struct form *f, const char *id,
    const char *login, const char *stored, char hash[AUTH_HASH_MAX])
{
	const char	*nw = app_val(a, KEY_NEW), *nw2 = app_val(a, KEY_NEW2);
	const char	*why = NULL, *detail = "new password not accepted";
	const char	*p[1] = { id };

	/* The password was right: the attempt is no failure. */
	if (db_cmd(a->db, "SELECT login_reset($1::bigint)", 1, p) == -1) {
		app_dberr(a);
		return -1;
	}
	if (!a->req.vals[KEY_NEW].present) {
		login_audit(a, id, login, "denied", "password change required");
		login_render_as(a, 200, f, NULL, NULL, 1);
		return 0;
	}
	if (nw == NULL)
		why = a->req.vals[KEY_NEW].len > 0 ? "新しいパスワードは"
		    "12〜128文字の1行で入力してください。" :
		    "新しいパスワードを入力してください。";
	else if ((why = password_check(nw, login)) != NULL)
		detail = "password policy";
	else if (nw2 == NULL || strcmp(nw, nw2) != 0)
		why = "確認のため、新しいパスワードをもう一度同じように入力して"
		    "ください。";
	else if (auth_check_password(nw, stored))
		why = "初期パスワードとは別のパスワードにしてください。";
	if (why != NULL) {
		login_audit(a, id, login, "denied", detail);
		login_render_as(a, 422, f, why, NULL, 1);
		return 0;
	}
	if (auth_hash_password(nw, AUTH_PBKDF2_ITER, hash, AUTH_HASH_MAX) ==
	    -1) {
		app_error(a, 500, "エラー", "もう一度お試しください。");
		return -1;
	}
	return 1;
}

/* The refusal of a wrong password, an unknown login ID and another
 * facility's account alike: none tells which it was. */
#define LOGIN_MSG_WRONG	"IDまたはパスワードが違います。"

static void
login_post(struct app *a)
{
	struct form	 f;
	const char	*login, *pw, *id = NULL, *verdict;
	const char	*p[4];
	char		 amax[8], dmax[8];
	PGresult	*r = NULL, *u = NULL;
	char		 hash[AUTH_HASH_MAX] = "";
	long		 ended;
	int		 known, good, failures, change;

	/* Whatever was typed is shown again, escaped, if it is text. */
	form_init(&f, &a->req);
	login = app_val(a, KEY_LOGIN);
	pw = app_val(a, KEY_PASSWORD);
	if (login == NULL || pw == NULL) {
		if (login == NULL)
			form_error(&f, KEY_LOGIN, NULL,
			    a->req.vals[KEY_LOGIN].present &&
			    a->req.vals[KEY_LOGIN].len > 0 ?
			    "IDは半角英数字と記号で3〜64文字です。" :
			    "IDを入力してください。");
		login_render(a, 422, &f, "IDとパスワードを入力してください。",
		    NULL);
		return;
	}

	p[0] = login;
	p[1] = a->req.ssl_serial;
	r = db_exec(a->db, "SELECT a.id, a.password_hash,"
	    " a.must_change_password AS must_change,"
	    " a.facility_id = c.facility_id AS same_facility"
	    " FROM account a JOIN facility f ON f.id = a.facility_id,"
	    " device_cert c WHERE lower(a.login) = lower($1)"
	    " AND a.deleted_at IS NULL AND f.status = 'active'"
	    " AND c.serial = $2", 2, p);
	if (r == NULL) {
		app_dberr(a);
		return;
	}
	if (PQntuples(r) == 1)
		id = db_get(r, 0, "id");
	/* Only an account of the certificate's own facility has its
	 * password tried and its failures counted; the others count for
	 * the device alone. */
	known = id != NULL && strcmp(db_get(r, 0, "same_facility"), "t") == 0;

	snprintf(amax, sizeof(amax), "%d", LOGIN_MAX_FAILURES);
	snprintf(dmax, sizeof(dmax), "%d", LOGIN_DEVICE_MAX_FAILURES);
	p[0] = known ? id : NULL;
	p[1] = a->req.ssl_serial;
	p[2] = amax;
	p[3] = dmax;
	if ((u = db_exec(a->db, "SELECT verdict, failures FROM"
	    " login_attempt($1::bigint, $2, $3::integer, $4::integer)",
	    4, p)) == NULL || PQntuples(u) != 1) {
		app_dberr(a);
		goto out;
	}
	verdict = db_get(u, 0, "verdict");
	failures = known && strcmp(verdict, "ok") == 0 ?
	    (int)strtol(db_get(u, 0, "failures"), NULL, 10) : 0;
	if (strcmp(verdict, "device") == 0) {
		login_audit(a, id, login, "denied", "device throttled");
		login_render(a, 429, &f, "この端末からのログインの失敗が続いた"
		    "ため、しばらくログインできません。15分ほど待ってから"
		    "もう一度お試しください。", NULL);
		goto out;
	}
	if (strcmp(verdict, "locked") == 0) {
		login_audit(a, id, login, "denied", "account locked");
		login_render(a, 403, &f, "ログインの失敗が続いたため、"
		    "アカウントがロックされています。15分ほど待ってから"
		    "もう一度お試しいただくか、施設管理者にお問い合わせ"
		    "ください。", NULL);
		goto out;
	}
	if (!known) {
		/* The time of a password check, not its answer. */
		auth_check_nothing(pw);
		if (id == NULL)
			login_audit(a, NULL, login, "failure", "unknown login");
		else
			login_audit(a, id, login, "denied",
			    "certificate of another facility");
		login_render(a, 403, &f, LOGIN_MSG_WRONG, NULL);
		goto out;
	}

	good = auth_check_password(pw, db_get(r, 0, "password_hash"));
	p[0] = id;
	if (!good) {
		/* The failure is counted already; the one that reached the
		 * limit locks the account for 15 minutes. */
		if (failures >= LOGIN_MAX_FAILURES) {
			db_cmd(a->db, "UPDATE account SET locked_until ="
			    " now() + interval '15 minutes' WHERE id ="
			    " $1::bigint", 1, p);
			login_audit(a, id, login, "failure",
			    "wrong password; account locked");
		} else
			login_audit(a, id, login, "failure", "wrong password");
		login_render(a, 403, &f, LOGIN_MSG_WRONG, NULL);
		goto out;
	}

	change = strcmp(db_get(r, 0, "must_change"), "t") == 0;
	if (change && login_change(a, &f, id, login,
	    db_get(r, 0, "password_hash"), hash) != 1)
		goto out;
	if (db_begin(a->db) == -1 ||
	    db_cmd(a->db, "SELECT login_reset($1::bigint)", 1, p) == -1 ||
	    (change && account_set_password(a->db, id, NULL, hash, 0, NULL,
	    &ended, NULL, 0) != 1) ||
	    db_cmd(a->db, "UPDATE account SET prev_login_at = last_login_at,"
	    " last_login_at = now() WHERE id = $1::bigint", 1, p) == -1 ||
	    app_session_start(a, id) == -1) {
		app_dberr(a);
		goto out;
	}
	login_audit(a, id, login, "success", NULL);
	if (change)
		login_audit_change(a, id, login);
	if (db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	app_header(a, "Set-Cookie", "__Host-rkl=; Path=/; Secure; HttpOnly;"
	    " SameSite=Strict; Max-Age=0");
	app_redirect(a, "/home");
out:
	OPENSSL_cleanse(hash, sizeof(hash));
	PQclear(u);
	PQclear(r);
}

static void
page_login(struct app *a)
{
	if (a->req.method == REQ_POST)
		login_post(a);
	else
		login_get(a);
}

static const struct app_page pages[] = {
	{ "/login", APP_GET | APP_POST, APP_CERT, page_login,
	    .post = APP_POST_LOGIN, .refused = login_refused },
};

int
main(void)
{
	return app_main("login", pages, sizeof(pages) / sizeof(pages[0]),
	    keys, KEY__MAX, 16 * 1024);
}
