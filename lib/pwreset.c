/* The temporary password pages of both menus (pwreset.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "account.h"
#include "app.h"
#include "auth.h"
#include "db.h"
#include "jtime.h"
#include "password.h"
#include "pwreset.h"
#include "tmpl.h"

static void
pwreset_confirm(struct app *a, const struct pwreset_target *t,
    const char *action, const char *back)
{
	const char *const p[] = { t->id };
	struct tmpl_password_reset	 v;
	PGresult	*r;
	char		 at[JTIME_LEN], last[JTIME_LEN + 400];

	if ((r = db_exec(a->db, "SELECT " ACCOUNT_SQL_RESET_STAMP("a.")
	    " AS stamp, " JTIME_SQL("a.password_reset_at") " AS at,"
	    " coalesce(b.name, '') AS by_name FROM account a"
	    " LEFT JOIN account b ON b.id = a.password_reset_by"
	    " WHERE a.id = $1::bigint", 1, p)) == NULL ||
	    PQntuples(r) != 1 || db_commit(a->db) == -1) {
		PQclear(r);
		app_dberr(a);
		return;
	}
	memset(&v, 0, sizeof(v));
	v.name = t->name;
	v.login = t->login;
	v.facility = t->facility;
	v.has_last = !PQgetisnull(r, 0, PQfnumber(r, "at"));
	if (v.has_last) {
		snprintf(last, sizeof(last), "%s（%s）",
		    jtime_db(db_get(r, 0, "at"), JTIME_MINUTE, at, sizeof(at),
		    ""), db_get(r, 0, "by_name"));
		v.last = last;
	}
	v.action = action;
	v.csrf = a->user.csrf;
	v.stamp = db_get(r, 0, "stamp");
	v.cancel_url = back;
	app_layout_begin(a, "仮パスワードの発行");
	tmpl_password_reset(&a->body, &v);
	app_layout_end(a);
	PQclear(r);
}

static void
pwreset_refuse_self(struct app *a, const char *audit)
{
	db_rollback(a->db);
	(void)app_audit(a, audit, "account", a->user.account_id, NULL,
	    "denied", "own account");
	app_error(a, 409, "ご自分のパスワードです",
	    "ご自分のパスワードは、マイプロファイルの「パスワードの変更」"
	    "から変更してください。パスワードを忘れたときは、ほかの施設"
	    "管理者か事務局に仮パスワードの発行を依頼してください。");
}

void
pwreset_page(struct app *a, const struct pwreset_target *t)
{
	struct tmpl_password_reset_done	 v;
	char		 pw[PASSWORD_TEMP_LEN + 1] = "", hash[AUTH_HASH_MAX] = "";
	char		 detail[48], ended_s[24], len[8], action[96], back[96];
	long		 ended;
	int		 rc;

	if (strcmp(t->id, a->user.account_id) == 0) {
		pwreset_refuse_self(a, t->audit);
		return;
	}
	snprintf(action, sizeof(action), "%s/%s/password", t->base, t->id);
	snprintf(back, sizeof(back), "%s/%s", t->base, t->id);
	if (a->req.method != REQ_POST) {
		pwreset_confirm(a, t, action, back);
		return;
	}
	if (t->stamp == NULL) {
		db_rollback(a->db);
		app_error(a, 400, "送信内容が正しくありません",
		    "利用者の画面から、仮パスワードの発行を開き直して"
		    "ください。");
		return;
	}
	if (password_temporary(pw, sizeof(pw), t->login) == -1 ||
	    auth_hash_password(pw, AUTH_PBKDF2_ITER, hash,
	    sizeof(hash)) == -1) {
		db_rollback(a->db);
		app_error(a, 500, "仮パスワードを作れませんでした",
		    "時間をおいてもう一度お試しください。続くときは事務局に"
		    "お問い合わせください。");
		goto out;
	}
	if ((rc = account_reset_password(a->db, t->id, a->user.account_id,
	    t->by_role, t->stamp, hash, &ended)) == -1) {
		app_dberr(a);
		goto out;
	}
	if (rc == 0) {
		/* The form was shown before the last reset: a reload of
		 * the result page or a second administrator.  The password
		 * the first POST showed stays the one to hand over. */
		db_rollback(a->db);
		(void)app_audit(a, t->audit, "account", t->id, NULL, "denied",
		    "stale form");
		app_error(a, 409, "仮パスワードは発行済みです",
		    "この画面を開いた後に、この利用者の仮パスワードが発行され"
		    "ました。仮パスワードは発行したときに一度だけ表示され、"
		    "再読み込みや同じ内容の送信では、もう一度発行も表示も"
		    "しません。新しい仮パスワードが必要なときは、利用者の"
		    "画面から開き直してください。");
		goto out;
	}
	snprintf(detail, sizeof(detail), "%ld sessions ended", ended);
	if (app_audit(a, t->audit, "account", t->id, NULL, "success",
	    detail) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	snprintf(ended_s, sizeof(ended_s), "%ld", ended);
	snprintf(len, sizeof(len), "%d", PASSWORD_TEMP_LEN);
	memset(&v, 0, sizeof(v));
	v.name = t->name;
	v.login = t->login;
	v.password = pw;
	v.length = len;
	v.ended = ended_s;
	v.back_url = back;
	app_layout_begin(a, "仮パスワードを発行しました");
	tmpl_password_reset_done(&a->body, &v);
	app_layout_end(a);
out:
	OPENSSL_cleanse(pw, sizeof(pw));
	OPENSSL_cleanse(hash, sizeof(hash));
}
