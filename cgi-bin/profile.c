/* /profile: my profile (マイプロファイル): password, e-mail or the
 * forwarding placeholder, notification mail, the devices and certificates
 * I issued (issue with a pickup, direct download, revoke), and deleting
 * my own account. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "account.h"
#include "app.h"
#include "auth.h"
#include "cert.h"
#include "cfg.h"
#include "db.h"
#include "email_change.h"
#include "log.h"
#include "form.h"
#include "jtime.h"
#include "leave.h"
#include "mail.h"
#include "pickup.h"
#include "pki.h"
#include "tmpl.h"

enum key {
	KEY_CSRF,
	KEY_CURRENT,
	KEY_NEW,
	KEY_NEW2,
	KEY_EMAIL,
	KEY_PLACEHOLDER,
	KEY_NOTIFY,
	KEY_LABEL,
	KEY_CONFIRM,
	KEY_NOTICE,
	KEY_REPLACE,
	KEY_TOKEN,
	KEY_SUCC,	/* LEAVE_MAX keys from here on */
	KEY__MAX = KEY_SUCC + LEAVE_MAX
};

static const struct req_key keys[KEY__MAX] = {
	/* KEY_CSRF */	{ "csrf", req_v_token, AUTH_TOKEN_LEN, AUTH_TOKEN_LEN },
	/* KEY_CURRENT */	{ "current_password", req_v_line, 1, PASSWORD_MAX_BYTES },
	/* KEY_NEW */	{ "new_password", req_v_line, 1, PASSWORD_MAX_BYTES },
	/* KEY_NEW2 */	{ "new_password2", req_v_line, 1, PASSWORD_MAX_BYTES },
	/* KEY_EMAIL */	{ "email", req_v_email, 3, 254 },
	/* KEY_PLACEHOLDER */	{ "placeholder", req_v_token, 1, 1 },
	/* KEY_NOTIFY */	{ "notify", req_v_token, 1, 1 },
	/* KEY_LABEL */	CERT_LABEL_KEY,
	/* KEY_CONFIRM */	{ "confirm", req_v_token, 1, 1 },
	/* KEY_NOTICE */	{ "n", req_v_token, 1, 16 },
	/* KEY_REPLACE */	{ "replace", req_v_token, 1, 1 },
	/* KEY_TOKEN */	{ "t", req_v_token, AUTH_TOKEN_LEN, AUTH_TOKEN_LEN },
	/* KEY_SUCC.. */	LEAVE_KEYS
};

static const struct {
	const char	*key;
	const char	*text;
} notices[] = {
	{ "password", "パスワードを変更しました。他の端末でのログインは終了しました。" },
	{ "email", "メールアドレスを変更しました。今までのメールアドレスにもお知らせしました。" },
	{ "email-sent", "新しいメールアドレスに確認のメールを送りました。メール内のリンクを開いて確定するまでは、今のメールアドレスが使われます。" },
	{ "placeholder", "メールは事業所の代表メールアドレスに転送されるようになりました。" },
	{ "notify", "通知メールの設定を保存しました。" },
	{ "revoked", "証明書を失効させました。この証明書ではもうログインできません。" },
};

static const char *
profile_notice(const char *n)
{
	size_t	 i;

	for (i = 0; n != NULL && i < sizeof(notices) / sizeof(notices[0]); i++)
		if (strcmp(n, notices[i].key) == 0)
			return notices[i].text;
	return NULL;
}

static void
profile_dberr(struct app *a)
{
	app_dberr_say(a, NULL, "システムで問題が発生しました。変更は保存"
	    "されていません。しばらく待ってから、もう一度お試しください。");
}

static int
profile_t(const char *s)
{
	return s != NULL && strcmp(s, "t") == 0;
}

/* cfg cert_max_active: live certificates one account may issue. */
static long
profile_cert_max(void)
{
	char	*end;
	long	 n;

	n = strtol(cfg_get(CFG_CERT_MAX_ACTIVE), &end, 10);
	if (*end != '\0' || n < 1 || n > 1000) {
		log_err("cert_max_active: not a number 1-1000, using 5");
		return 5;
	}
	return n;
}

/* The slot for the current password's error of the form sent. */
static const char **
profile_pw_slot(const struct app *a, struct tmpl_profile_index *t)
{
	const char	*pat = a->page->pattern;

	if (strcmp(pat, "/profile/delete") == 0)
		return &t->del_error;
	if (strcmp(pat, "/profile/certificates") == 0)
		return &t->cert_pw_error;
	if (strcmp(pat, "/profile/email") == 0)
		return &t->email_pw_error;
	return &t->pw_current_error;
}

/* The successor selects of the deletion form, with what was sent. */
static int
profile_succ(struct app *a, const struct form *f, struct leave *lv,
    struct tmpl_profile_index_succ *succ,
    struct tmpl_profile_index_succ_cands **cands, char (*labels)[352])
{
	const char	*err;
	int		 i, j, n = 0, k = 0, bad;

	if (f != NULL)
		(void)leave_choose(lv, &a->req, KEY_SUCC, &err, &bad);
	for (i = 0; i < lv->n; i++)
		n += lv->t[i].n;
	if (n > 0 && (*cands = calloc(n, sizeof(**cands))) == NULL)
		return -1;
	memset(succ, 0, sizeof(*succ) * LEAVE_MAX);
	for (i = 0, n = 0; i < lv->n; i++) {
		if (lv->t[i].n == 0)
			continue;
		snprintf(labels[k], sizeof(labels[k]), "%s さんの支援チーム",
		    lv->t[i].patient);
		succ[k].key = lv->t[i].key;
		succ[k].label = labels[k];
		succ[k].cands = *cands + n;
		succ[k].cands_n = lv->t[i].n;
		for (j = 0; j < lv->t[i].n; j++, n++) {
			(*cands)[n].value = lv->t[i].c[j].value;
			(*cands)[n].name = lv->t[i].c[j].name;
			(*cands)[n].profession = lv->t[i].c[j].profession;
			(*cands)[n].facility = lv->t[i].c[j].facility;
			(*cands)[n].chosen = lv->t[i].c[j].chosen;
		}
		k++;
	}
	return 0;
}

static void
profile_render(struct app *a, int status, const struct form *f)
{
	struct tmpl_profile_index	 t;
	struct tmpl_profile_index_errors errs[FORM_ERRORS_MAX];
	struct tmpl_profile_index_devices *dev = NULL;
	struct tmpl_profile_index_succ	 succ[LEAVE_MAX];
	struct tmpl_profile_index_succ_cands *cands = NULL;
	struct leave	 lv;
	char		(*tm)[3][JTIME_LEN] = NULL;
	char		 orphans[16], labels[LEAVE_MAX][352];
	const char	*p[3];
	PGresult	*me = NULL, *r = NULL;
	char		 max[16];
	int		 i, n;

	p[0] = a->user.account_id;
	p[1] = a->user.facility_id;
	p[2] = a->req.ssl_serial;
	me = db_exec(a->db, "SELECT kana, email, email_is_placeholder, notify"
	    " FROM account WHERE id = $1::bigint", 1, p);
	r = db_exec(a->db, "SELECT p.id, d.label, d.serial = $3 AS current,"
	    " " JTIME_SQL("d.issued_at") " AS issued,"
	    " " JTIME_SQL("d.not_after") " AS not_after,"
	    " " JTIME_SQL("d.last_used_at") " AS last_used,"
	    " d.revoked_at IS NULL AS live,"
	    " p.p12 IS NOT NULL AND p.expires_at > now()"
	    " AND p.replaces IS NOT DISTINCT FROM $3 AS waiting,"
	    " CASE WHEN d.revoked_at IS NOT NULL THEN '失効'"
	    " WHEN p.fetched_at IS NOT NULL THEN '有効'"
	    " WHEN p.p12 IS NOT NULL AND p.expires_at > now()"
	    " THEN '受け取り待ち' ELSE '未受け取り（期限切れ）' END AS status"
	    " FROM pickup p JOIN device_cert d ON d.serial = p.serial"
	    " WHERE p.created_by = $1::bigint AND p.facility_id = $2::bigint"
	    " ORDER BY d.issued_at DESC, p.id DESC LIMIT 200", 3, p);
	if (leave_load(a->db, a->user.account_id, 0, 1, &lv) == -1 ||
	    me == NULL || r == NULL || PQntuples(me) != 1) {
		profile_dberr(a);
		goto out;
	}
	memset(&t, 0, sizeof(t));
	n = PQntuples(r);
	if (n > 0 && ((dev = calloc((size_t)n, sizeof(*dev))) == NULL ||
	    (tm = calloc((size_t)n, sizeof(*tm))) == NULL)) {
		profile_dberr(a);
		goto out;
	}
	for (i = 0; i < n; i++) {
		dev[i].id = db_get(r, i, "id");
		dev[i].label = db_get(r, i, "label");
		dev[i].issued = jtime_db(db_get(r, i, "issued"), JTIME_MINUTE,
		    tm[i][0], sizeof(tm[i][0]), "");
		dev[i].not_after = jtime_db(db_get(r, i, "not_after"),
		    JTIME_DATE, tm[i][1], sizeof(tm[i][1]), "");
		dev[i].last_used = jtime_db(db_get(r, i, "last_used"),
		    JTIME_MINUTE, tm[i][2], sizeof(tm[i][2]), "まだありません");
		dev[i].status = db_get(r, i, "status");
		dev[i].is_current = profile_t(db_get(r, i, "current"));
		dev[i].can_revoke = profile_t(db_get(r, i, "live"));
		dev[i].can_download = profile_t(db_get(r, i, "waiting"));
		dev[i].csrf = a->user.csrf;
	}
	t.devices = dev;
	t.devices_n = (size_t)n;
	t.has_devices = n > 0;

	t.notice = profile_notice(app_val(a, KEY_NOTICE));
	t.notice_shown = t.notice != NULL && f == NULL;
	t.csrf = a->user.csrf;
	t.name = a->user.name;
	t.kana = db_get(me, 0, "kana");
	t.profession = a->user.profession;
	t.facility_name = a->user.facility_name;
	t.login = a->user.login;
	t.is_placeholder = profile_t(db_get(me, 0, "email_is_placeholder")) ||
	    db_get(me, 0, "email") == NULL;
	t.email_text = t.is_placeholder ?
	    "なし（事業所の代表メールアドレスに転送）" : db_get(me, 0, "email");
	t.email = t.is_placeholder ? "" : db_get(me, 0, "email");
	t.notify = profile_t(db_get(me, 0, "notify"));
	t.notify_text = t.notify ? "受け取る" : "受け取らない";
	t.label = "";
	snprintf(max, sizeof(max), "%ld", profile_cert_max());
	t.cert_max = max;

	memset(errs, 0, sizeof(errs));
	if (f != NULL) {
		for (i = 0; i < (int)f->n; i++) {
			errs[t.errors_n].href = f->list[i].href;
			errs[t.errors_n++].text = f->list[i].text;
		}
		if (form_value(&a->req, KEY_EMAIL) != NULL)
			t.email = form_value(&a->req, KEY_EMAIL);
		if (form_value(&a->req, KEY_LABEL) != NULL)
			t.label = form_value(&a->req, KEY_LABEL);
		t.replace = form_value(&a->req, KEY_REPLACE) != NULL;
		/* The current password is asked by four forms: its error goes
		 * next to the field of the form sent. */
		*profile_pw_slot(a, &t) = form_err(f, KEY_CURRENT);
		t.pw_new_error = form_err(f, KEY_NEW);
		t.pw_new2_error = form_err(f, KEY_NEW2);
		t.email_error = form_err(f, KEY_EMAIL);
		t.label_error = form_err(f, KEY_LABEL);
	} else
		/* /profile?replace=1: the link of /home's banner (this
		 * device's certificate expires soon) ticks the box. */
		t.replace = app_val(a, KEY_REPLACE) != NULL;
	t.errors = errs;
	t.has_error = t.errors_n > 0;
	t.pw_current_bad = t.pw_current_error != NULL;
	t.pw_new_bad = t.pw_new_error != NULL;
	t.pw_new2_bad = t.pw_new2_error != NULL;
	t.email_bad = t.email_error != NULL;
	t.label_bad = t.label_error != NULL;
	t.del_bad = t.del_error != NULL;
	t.cert_pw_bad = t.cert_pw_error != NULL;
	t.cert_pw_invalid = t.cert_pw_bad ? "true" : "false";
	t.email_pw_bad = t.email_pw_error != NULL;
	t.email_pw_invalid = t.email_pw_bad ? "true" : "false";
	t.pw_current_invalid = t.pw_current_bad ? "true" : "false";
	t.pw_new_invalid = t.pw_new_bad ? "true" : "false";
	t.pw_new2_invalid = t.pw_new2_bad ? "true" : "false";
	t.email_invalid = t.email_bad ? "true" : "false";
	t.label_invalid = t.label_bad ? "true" : "false";
	t.del_invalid = t.del_bad ? "true" : "false";
	/* The teams I am the last 担当者 of: a successor each (leave.h). */
	if (profile_succ(a, f, &lv, succ, &cands, labels) == -1) {
		profile_dberr(a);
		goto out;
	}
	t.succ = succ;
	for (i = 0; i < lv.n; i++)
		t.succ_n += lv.t[i].n > 0;
	t.has_succ = t.succ_n > 0;
	t.succ_error = f != NULL ? form_err(f, KEY_SUCC) : NULL;
	t.succ_bad = t.succ_error != NULL;
	snprintf(orphans, sizeof(orphans), "%d", lv.orphans);
	t.orphans = orphans;
	t.has_orphans = lv.orphans > 0;

	a->status = status;
	app_layout_begin(a, "マイプロファイル");
	tmpl_profile_index(&a->body, &t);
	app_layout_end(a);
out:
	free(cands);
	leave_free(&lv);
	free(tm);
	free(dev);
	PQclear(r);
	PQclear(me);
}

static void
page_profile(struct app *a)
{
	profile_render(a, 200, NULL);
}

/* A form error: whatever the transaction did so far is undone, the page
 * is shown again with the message next to the field. */
static void
profile_refuse(struct app *a, int status, struct form *f, size_t k,
    const char *id, const char *msg)
{
	db_rollback(a->db);
	form_error(f, k, id, msg);
	profile_render(a, status, f);
}

/* The current password, checked against the stored hash of my account
 * (row locked for the action).  1 right, 0 wrong (audited, committed,
 * page shown), -1 database error (handled). */
static int
profile_check_pw(struct app *a, struct form *f, const char *id,
    const char *action)
{
	const char	*pw = app_val(a, KEY_CURRENT);
	const char	*p[1] = { a->user.account_id };
	PGresult	*r;
	int		 good;

	if (pw == NULL) {
		profile_refuse(a, 422, f, KEY_CURRENT, id,
		    "現在のパスワードを入力してください。");
		return 0;
	}
	if (db_begin(a->db) == -1 ||
	    (r = db_exec(a->db, "SELECT password_hash FROM account"
	    " WHERE id = $1::bigint AND deleted_at IS NULL FOR UPDATE",
	    1, p)) == NULL) {
		profile_dberr(a);
		return -1;
	}
	good = PQntuples(r) == 1 &&
	    auth_check_password(pw, db_get(r, 0, "password_hash"));
	PQclear(r);
	if (good)
		return 1;
	/* The failed attempt is recorded; nothing else changes. */
	if (app_audit(a, action, "account", a->user.account_id, NULL,
	    "failure", "wrong current password") == -1 ||
	    db_commit(a->db) == -1) {
		profile_dberr(a);
		return -1;
	}
	form_error(f, KEY_CURRENT, id, "現在のパスワードが違います。");
	profile_render(a, 403, f);
	return 0;
}

/* The action's audit event, commit, and back to the profile page. */
static void
profile_done(struct app *a, const char *action, const char *detail,
    const char *where)
{
	if (app_audit(a, action, "account", a->user.account_id, NULL,
	    "success", detail) == -1 || db_commit(a->db) == -1) {
		profile_dberr(a);
		return;
	}
	app_redirect(a, where);
}

static void
page_password(struct app *a)
{
	struct form	 f;
	const char	*nw = app_val(a, KEY_NEW), *nw2 = app_val(a, KEY_NEW2);
	char		 hash[AUTH_HASH_MAX];
	const char	*bad_new = NULL, *bad_new2 = NULL;
	long		 ended;

	form_init(&f, &a->req);
	if (nw == NULL)
		bad_new = a->req.vals[KEY_NEW].len > 0 ? "新しいパスワードは"
		    "12〜128文字の1行で入力してください。" :
		    "新しいパスワードを入力してください。";
	else if ((bad_new = password_check(nw, a->user.login)) != NULL)
		/* Refused by the policy: recorded, nothing else changes. */
		(void)app_audit(a, "profile.password", "account",
		    a->user.account_id, NULL, "denied", "password policy");
	else if (nw2 == NULL || strcmp(nw, nw2) != 0)
		bad_new2 = "確認のため、新しいパスワードをもう一度同じように"
		    "入力してください。";
	if (bad_new != NULL || bad_new2 != NULL) {
		/* In the form's order: current, new, new again. */
		if (app_val(a, KEY_CURRENT) == NULL)
			form_error(&f, KEY_CURRENT, "pw-current", "現在の"
			    "パスワードを入力してください。");
		if (bad_new != NULL)
			form_error(&f, KEY_NEW, "pw-new", bad_new);
		if (bad_new2 != NULL)
			form_error(&f, KEY_NEW2, "pw-new2", bad_new2);
		profile_render(a, 422, &f);
		return;
	}
	if (profile_check_pw(a, &f, "pw-current", "profile.password") != 1)
		return;
	if (auth_hash_password(nw, AUTH_PBKDF2_ITER, hash, sizeof(hash)) ==
	    -1) {
		profile_dberr(a);
		return;
	}
	/* Whoever else holds a session of mine loses it. */
	if (account_set_password(a->db, a->user.account_id, NULL, hash, 0,
	    a->user.session_id, &ended, NULL, 0) != 1) {
		profile_dberr(a);
		return;
	}
	profile_done(a, "profile.password", NULL, "/profile?n=password");
}

/* A new address takes the current password and is confirmed by the
 * link mailed to it (email_change.h); the forwarding placeholder, the
 * facility's own address, takes the password and is set at once.  The
 * present address is told either way. */
static void
page_email(struct app *a)
{
	struct form	 f;
	const char	*email = app_val(a, KEY_EMAIL);
	char		 ph[128];
	int		 placeholder = app_val(a, KEY_PLACEHOLDER) != NULL;

	form_init(&f, &a->req);
	if (!placeholder) {
		if (email == NULL)
			form_error(&f, KEY_EMAIL, NULL,
			    a->req.vals[KEY_EMAIL].present &&
			    a->req.vals[KEY_EMAIL].len > 0 ?
			    "メールアドレスの形式が正しくありません。" :
			    "メールアドレスを入力するか、「自分のメールアドレスを"
			    "使わない」を選んでください。");
		else if (account_is_placeholder(email))
			form_error(&f, KEY_EMAIL, NULL,
			    "このメールアドレスは使用できません。");
	}
	if (app_val(a, KEY_CURRENT) == NULL)
		form_error(&f, KEY_CURRENT, "email-password", "メールアドレスを"
		    "変更するには、現在のパスワードを入力してください。");
	if (f.n > 0) {
		profile_render(a, 422, &f);
		return;
	}
	if (profile_check_pw(a, &f, "email-password", "profile.email") != 1)
		return;
	if (placeholder) {
		if (account_placeholder(a->user.facility_id, ph,
		    sizeof(ph)) == -1 ||
		    email_change_notice_placeholder(a->db,
		    a->user.account_id) == -1 ||
		    email_change_cancel(a->db, a->user.account_id) == -1 ||
		    account_set_email(a->db, a->user.account_id, ph, 1) !=
		    ACCOUNT_OK) {
			profile_dberr(a);
			return;
		}
		profile_done(a, "profile.email", "placeholder",
		    "/profile?n=placeholder");
		return;
	}
	switch (email_change_request(a->db, a->user.account_id, email)) {
	case EMAIL_CHANGE_OK:
		break;
	case EMAIL_CHANGE_TAKEN:
		/* Unique among live accounts: say nothing about whose. */
		profile_refuse(a, 409, &f, KEY_EMAIL, NULL,
		    "このメールアドレスは使用できません。");
		return;
	case EMAIL_CHANGE_SAME:
		profile_refuse(a, 422, &f, KEY_EMAIL, NULL,
		    "今のメールアドレスと同じです。");
		return;
	default:
		profile_dberr(a);
		return;
	}
	profile_done(a, "profile.email.request", NULL,
	    "/profile?n=email-sent");
}

static void
profile_link_gone(struct app *a)
{
	app_error(a, 410, "このリンクは使えません",
	    "メールアドレスの確認のリンクが、期限切れか使用済み、または"
	    "後の手続きで取り消されています。メールアドレスは変更されて"
	    "いません。変更する場合は、マイプロファイルからもう一度手続き"
	    "してください。");
}

/* The link mailed to the new address: GET shows what it confirms, POST
 * (the page's form) stores it. */
static void
page_email_confirm(struct app *a)
{
	struct tmpl_profile_email_confirm t;
	const char	*tok = app_val(a, KEY_TOKEN);
	char		 email[256];
	enum email_change_result rc;

	if (tok == NULL) {
		profile_link_gone(a);
		return;
	}
	if (db_begin(a->db) == -1) {
		profile_dberr(a);
		return;
	}
	if (a->req.method != REQ_POST) {
		rc = email_change_find(a->db, a->user.account_id, tok, email,
		    sizeof(email));
		db_rollback(a->db);
		if (rc == EMAIL_CHANGE_INVALID)
			profile_link_gone(a);
		else if (rc != EMAIL_CHANGE_OK)
			profile_dberr(a);
		else {
			memset(&t, 0, sizeof(t));
			t.new_email = email;
			t.token = tok;
			t.csrf = a->user.csrf;
			app_layout_begin(a, "メールアドレスの確認");
			tmpl_profile_email_confirm(&a->body, &t);
			app_layout_end(a);
		}
		return;
	}
	switch (email_change_confirm(a->db, a->user.account_id, tok)) {
	case EMAIL_CHANGE_OK:
		profile_done(a, "profile.email", "confirmed",
		    "/profile?n=email");
		return;
	case EMAIL_CHANGE_INVALID:
		if (app_audit(a, "profile.email", "account",
		    a->user.account_id, NULL, "failure", "invalid link") == -1 ||
		    db_commit(a->db) == -1) {
			profile_dberr(a);
			return;
		}
		profile_link_gone(a);
		return;
	case EMAIL_CHANGE_TAKEN:
		db_rollback(a->db);
		app_error(a, 409, "このメールアドレスは使用できません",
		    "このメールアドレスは使用できません。メールアドレスは変更"
		    "されていません。");
		return;
	default:
		profile_dberr(a);
		return;
	}
}

static void
page_notify(struct app *a)
{
	int	 on = app_val(a, KEY_NOTIFY) != NULL;

	if (db_begin(a->db) == -1 ||
	    account_set_notify(a->db, a->user.account_id, on) == -1) {
		profile_dberr(a);
		return;
	}
	profile_done(a, "profile.notify", on ? "on" : "off",
	    "/profile?n=notify");
}

/* Room for one more live certificate issued by me (a replacement does
 * not count the certificate it replaces)?  1 yes, 0 no, -1 error. */
static int
profile_cert_room(struct app *a, int replace)
{
	char		 max[16];
	const char	*p[3];
	PGresult	*r;
	int		 room;

	snprintf(max, sizeof(max), "%ld", profile_cert_max());
	p[0] = a->user.account_id;
	p[1] = replace ? a->req.ssl_serial : NULL;
	p[2] = max;
	if ((r = db_exec(a->db, "SELECT count(*) < $3::int AS room"
	    " FROM device_cert WHERE issued_by = $1::bigint"
	    " AND revoked_at IS NULL AND not_after > now()"
	    " AND serial IS DISTINCT FROM $2", 3, p)) == NULL)
		return -1;
	room = profile_t(db_get(r, 0, "room"));
	PQclear(r);
	return room;
}

static void
profile_cert_full(struct app *a, struct form *f)
{
	char	 msg[512];

	snprintf(msg, sizeof(msg), "有効な証明書が上限の%ld枚に達しているため、"
	    "これ以上発行できません。使わなくなった端末の証明書を「失効」させて"
	    "から、もう一度発行してください。", profile_cert_max());
	profile_refuse(a, 409, f, KEY_LABEL, NULL, msg);
}

static void
profile_issue_failed(struct app *a, struct pki_issued *iss)
{
	pki_issued_free(iss);
	app_dberr_say(a, "証明書を発行できませんでした", "システムで問題が"
	    "発生しました。証明書は発行されていません。しばらく待ってから、"
	    "もう一度お試しください。");
}

/* Issuing a certificate is a second factor's act: the current password
 * too, within the account's limit; the person and the facility's
 * representative address are told.  A new device picks its certificate
 * up on the portal; only a replacement of this very device's
 * certificate may be downloaded here. */
static void
page_issue(struct app *a)
{
	struct form	 f;
	struct pickup_new pn;
	struct pki_issued iss;
	struct tmpl_profile_issued t;
	const char	*label = app_val(a, KEY_LABEL);
	const char	*lp[1] = { a->user.account_id };
	char		 body[2048], url[512], detail[160];
	const char	*portal = cfg_get(CFG_PORTAL_URL);
	int		 replace = app_val(a, KEY_REPLACE) != NULL, room;

	form_init(&f, &a->req);
	if (label == NULL)
		form_error(&f, KEY_LABEL, NULL, a->req.vals[KEY_LABEL].present &&
		    a->req.vals[KEY_LABEL].len > 0 ?
		    (a->req.vals[KEY_LABEL].err != NULL ?
		    a->req.vals[KEY_LABEL].err :
		    "端末名は100文字以内の1行で入力してください。") :
		    "端末名を入力してください（例：訪問用タブレット2）。");
	if (app_val(a, KEY_CURRENT) == NULL)
		form_error(&f, KEY_CURRENT, "cert-password",
		    "証明書を発行するには、現在のパスワードを入力してください。");
	if (f.n > 0) {
		profile_render(a, 422, &f);
		return;
	}
	if (profile_check_pw(a, &f, "cert-password", "certificate.issue") != 1)
		return;
	/* Before the signer signs anything; checked again below, with my
	 * row locked, against an issue at the same moment. */
	if ((room = profile_cert_room(a, replace)) == -1) {
		profile_dberr(a);
		return;
	}
	if (!room) {
		profile_cert_full(a, &f);
		return;
	}
	db_rollback(a->db);
	/* Signed first, in a transaction of its own (cert.h), then
	 * recorded with its pickup, mail and audit event in this one. */
	if (pickup_issue(a->db, a->user.facility_id, label,
	    a->user.account_id, &iss) == -1 || db_begin(a->db) == -1 ||
	    db_cmd(a->db, "SELECT 1 FROM account WHERE id = $1::bigint"
	    " FOR UPDATE", 1, lp) == -1 ||
	    (room = profile_cert_room(a, replace)) == -1) {
		profile_issue_failed(a, &iss);
		return;
	}
	if (!room) {
		pki_issued_free(&iss);
		profile_cert_full(a, &f);
		return;
	}
	if (pickup_create(a->db, &iss, a->user.facility_id, label,
	    a->user.account_id, &pn) == -1 || (replace &&
	    pickup_set_replaces(a->db, pn.pickup_id, a->req.ssl_serial) == -1)) {
		profile_issue_failed(a, &iss);
		return;
	}
	pki_issued_free(&iss);
	if (replace)
		snprintf(detail, sizeof(detail), "pickup %s, replaces %s",
		    pn.pickup_id, a->req.ssl_serial);
	else
		snprintf(detail, sizeof(detail), "pickup %s", pn.pickup_id);
	if (*pickup_mail_body(&pn, label, PICKUP_NO_ON_SCREEN, body,
	    sizeof(body)) == '\0' ||
	    mail_queue_account(a->db, a->user.account_id,
	    PICKUP_MAIL_SUBJECT, body) == -1 ||
	    cert_mail_facility(a->db, a->user.facility_id, a->user.account_id,
	    CERT_ISSUE_SUBJECT, "事業所の職員 %1$s（ログインID：%2$s）が、"
	    "マイプロファイルで端末の証明書「%3$s」を発行しました。\n"
	    "心当たりがない場合は、施設管理者または事務局にお問い合わせ"
	    "ください。\n", label) == -1 ||
	    app_audit(a, "certificate.issue", "device_cert", pn.serial, NULL,
	    "success", detail) == -1 || db_commit(a->db) == -1) {
		OPENSSL_cleanse(body, sizeof(body));
		OPENSSL_cleanse(&pn, sizeof(pn));
		profile_dberr(a);
		return;
	}
	OPENSSL_cleanse(body, sizeof(body));
	snprintf(url, sizeof(url), "%s%scertificate/", portal,
	    *portal != '\0' && portal[strlen(portal) - 1] == '/' ? "" : "/");
	/* Shown this once, never stored in clear: no redirect here. */
	memset(&t, 0, sizeof(t));
	t.label = label;
	t.number = pn.number;
	t.expires = pn.expires;
	t.pickup_url = url;
	t.pickup_id = pn.pickup_id;
	t.csrf = a->user.csrf;
	t.replace = replace;
	app_layout_begin(a, "証明書を発行しました");
	tmpl_profile_issued(&a->body, &t);
	app_layout_end(a);
	OPENSSL_cleanse(&pn, sizeof(pn));
}

static void
page_download(struct app *a)
{
	struct pickup_bundle b;
	enum pickup_result rc;

	if (db_begin(a->db) == -1) {
		profile_dberr(a);
		return;
	}
	rc = pickup_take(a->db, a->id[0], a->user.account_id,
	    a->req.ssl_serial, &b);
	switch (rc) {
	case PICKUP_OK:
		break;
	case PICKUP_BAD:
		db_rollback(a->db);
		app_error(a, 404, "ページが見つかりません",
		    "お探しの証明書は見つかりませんでした。");
		return;
	case PICKUP_ERROR:
		profile_dberr(a);
		return;
	default:
		/* An expired bundle was deleted on the way: keep that. */
		if (app_audit(a, "pickup", "pickup", a->id[0], NULL, "denied",
		    rc == PICKUP_USED ? "used" : "expired") == -1 ||
		    db_commit(a->db) == -1) {
			profile_dberr(a);
			return;
		}
		app_error(a, 410, "ダウンロードできません", rc == PICKUP_USED ?
		    "この証明書は既に受け取られています。証明書は一度しか"
		    "受け取れません。" : "この証明書の受け取り期限が過ぎたか、"
		    "取り消されています。もう一度発行してください。");
		return;
	}
	if (app_audit(a, "pickup", "pickup", b.pickup_id, NULL, "success",
	    "direct download") == -1 || db_commit(a->db) == -1 ||
	    pickup_serve(a, &b) == -1) {
		pickup_bundle_free(&b);
		profile_dberr(a);
		return;
	}
	pickup_bundle_free(&b);
}

static void
page_revoke(struct app *a)
{
	struct form	 f;
	const char	*p[3];
	PGresult	*r;
	char		 serial[41], detail[48];
	long		 ended;
	int		 current;

	form_init(&f, &a->req);
	p[0] = a->id[0];
	p[1] = a->user.account_id;
	p[2] = a->user.facility_id;
	/* The certificate locked first (the app's role may not lock
	 * device_cert rows itself), then read. */
	if (db_begin(a->db) == -1 ||
	    db_cmd(a->db, "SELECT device_cert_lock(array(SELECT serial"
	    " FROM pickup WHERE id = $1::bigint AND created_by = $2::bigint))",
	    2, p) == -1 ||
	    (r = db_exec(a->db, "SELECT d.serial, d.revoked_at IS NOT NULL"
	    " AS revoked FROM pickup p JOIN device_cert d ON d.serial ="
	    " p.serial WHERE p.id = $1::bigint AND p.created_by = $2::bigint"
	    " AND p.facility_id = $3::bigint AND d.facility_id = p.facility_id",
	    3, p)) == NULL) {
		profile_dberr(a);
		return;
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		db_rollback(a->db);
		app_error(a, 404, "ページが見つかりません",
		    "お探しの証明書は見つかりませんでした。");
		return;
	}
	snprintf(serial, sizeof(serial), "%s", db_get(r, 0, "serial"));
	if (profile_t(db_get(r, 0, "revoked"))) {
		PQclear(r);
		db_rollback(a->db);
		app_error(a, 409, "既に失効しています",
		    "この証明書は既に失効しています。何も変更していません。");
		return;
	}
	PQclear(r);
	current = strcmp(serial, a->req.ssl_serial) == 0;
	if (current && app_val(a, KEY_CONFIRM) == NULL) {
		/* The confirmation box, next to the device list. */
		profile_refuse(a, 422, &f, KEY_CONFIRM, "devices",
		    "今お使いの端末の証明書"
		    "です。失効させる場合は、確認欄にチェックを入れてください。");
		return;
	}
	/* The row is locked and live: anything but REVOKED is an error.  A
	 * bundle still waiting for its pickup goes with it. */
	if (cert_revoke(a->db, serial, a->user.facility_id,
	    a->user.account_id, "revoked in profile", &ended) != CERT_REVOKED ||
	    pickup_drop(a->db, serial) == -1 ||
	    app_audit(a, "certificate.revoke", "device_cert", serial, NULL,
	    "success", cert_detail(ended, detail, sizeof(detail))) == -1 ||
	    db_commit(a->db) == -1) {
		profile_dberr(a);
		return;
	}
	/* On this very device there is nothing left to show. */
	app_redirect(a, current ? "/login" : "/profile?n=revoked#devices");
}

static void
page_delete(struct app *a)
{
	struct form	 f;
	const char	*p[1] = { a->user.account_id }, *err;
	PGresult	*r;
	struct leave	 lv;
	char		 certs[80], succ[1024], detail[1200];
	int		 last, bad;

	form_init(&f, &a->req);
	if (profile_check_pw(a, &f, "del-password", "account.delete") != 1)
		return;
	/* The service must keep an operator. */
	r = db_exec(a->db, "SELECT a.is_operator AND NOT EXISTS (SELECT 1"
	    " FROM account o WHERE o.is_operator AND o.deleted_at IS NULL"
	    " AND o.id <> a.id) AS last FROM account a"
	    " WHERE a.id = $1::bigint", 1, p);
	if (r == NULL || PQntuples(r) != 1) {
		PQclear(r);
		profile_dberr(a);
		return;
	}
	last = profile_t(db_get(r, 0, "last"));
	PQclear(r);
	if (last) {
		profile_refuse(a, 409, &f, KEY_CURRENT, "del-password",
		    "あなたは最後のサービス"
		    "運用者のため、アカウントを削除できません。先に別の"
		    "サービス運用者を登録してください。");
		return;
	}
	/* The teams I am the last 担当者 of, locked: a successor each. */
	if (leave_load(a->db, a->user.account_id, 1, 0, &lv) == -1) {
		profile_dberr(a);
		return;
	}
	if (leave_choose(&lv, &a->req, KEY_SUCC, &err, &bad) != 1) {
		leave_free(&lv);
		db_rollback(a->db);
		(void)app_audit(a, "account.delete", "account",
		    a->user.account_id, NULL, "failure", bad ?
		    "bad successor" : "successor missing");
		form_error(&f, KEY_SUCC, "succ-error", err);
		profile_render(a, 422, &f);
		return;
	}
	if (leave_promote(a->db, &lv, succ, sizeof(succ)) == -1 ||
	    app_session_end(a, "account deleted") == -1 ||
	    account_delete(a->db, a->user.account_id, a->user.account_id,
	    certs, sizeof(certs)) != 1) {
		leave_free(&lv);
		profile_dberr(a);
		return;
	}
	leave_free(&lv);
	snprintf(detail, sizeof(detail), "by the account itself; %s%s%s",
	    certs, *succ != '\0' ? "; " : "", succ);
	profile_done(a, "account.delete", detail, "/login?n=deleted");
}

static const struct app_page pages[] = {
	{ "/profile", APP_GET, APP_SESSION, page_profile },
	{ "/profile/password", APP_POST, APP_SESSION, page_password },
	{ "/profile/email", APP_POST, APP_SESSION, page_email },
	{ "/profile/email/confirm", APP_GET | APP_POST, APP_SESSION,
	    page_email_confirm },
	{ "/profile/notify", APP_POST, APP_SESSION, page_notify },
	{ "/profile/certificates", APP_POST, APP_SESSION, page_issue },
	{ "/profile/certificates/#/revoke", APP_POST, APP_SESSION,
	    page_revoke },
	{ "/profile/pickups/#/download", APP_POST, APP_SESSION,
	    page_download },
	{ "/profile/delete", APP_POST, APP_SESSION, page_delete },
};

int
main(void)
{
	return app_main("profile", pages, sizeof(pages) / sizeof(pages[0]),
	    keys, KEY__MAX, 16 * 1024);
}
