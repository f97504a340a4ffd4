/* E-mail address changes (see email_change.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>

#include "account.h"
#include "auth.h"
#include "cfg.h"
#include "db.h"
#include "email_change.h"
#include "mail.h"

/* Without the service's name: mail_queue_* prefix it. */
#define EC_NOTICE_SUBJECT	"メールアドレスの変更のお知らせ"
#define EC_LINK_SUBJECT		"メールアドレスの確認"
#define EC_ADVICE \
	"心当たりがない場合は、すぐにマイプロファイルでパスワードを変更し、" \
	"施設管理者または事務局にご連絡ください。\n"

/* Is new_email another live account's (or mine already)? */
static enum email_change_result
email_change_free(PGconn *c, const char *account_id, const char *email)
{
	const char *const p[] = { account_id, email };
	PGresult	*r;
	enum email_change_result rc = EMAIL_CHANGE_OK;

	if ((r = db_exec(c, "SELECT id = $1::bigint AS mine FROM account"
	    " WHERE lower(email) = lower($2) AND deleted_at IS NULL",
	    2, p)) == NULL)
		return EMAIL_CHANGE_ERROR;
	if (PQntuples(r) > 0)
		rc = strcmp(db_get(r, 0, "mine"), "t") == 0 ?
		    EMAIL_CHANGE_SAME : EMAIL_CHANGE_TAKEN;
	PQclear(r);
	return rc;
}

int
email_change_cancel(PGconn *c, const char *account_id)
{
	const char *const p[] = { account_id };

	return db_cmd(c, "UPDATE email_change SET cancelled_at = now()"
	    " WHERE account_id = $1::bigint AND used_at IS NULL"
	    " AND cancelled_at IS NULL", 1, p);
}

enum email_change_result
email_change_request(PGconn *c, const char *account_id, const char *new_email)
{
	char		 tok[AUTH_TOKEN_LEN + 1], h[65], hours[8];
	char		 body[2048], url[512];
	const char	*p[4], *app = cfg_get(CFG_APP_URL);
	enum email_change_result rc;

	if ((rc = email_change_free(c, account_id, new_email)) !=
	    EMAIL_CHANGE_OK)
		return rc;
	rc = EMAIL_CHANGE_ERROR;
	if (auth_token(tok, sizeof(tok)) == -1)
		goto out;
	auth_sha256_hex(tok, strlen(tok), h);
	snprintf(hours, sizeof(hours), "%d", EMAIL_CHANGE_HOURS);
	p[0] = account_id;
	p[1] = new_email;
	p[2] = h;
	p[3] = hours;
	if (email_change_cancel(c, account_id) == -1 ||
	    db_cmd(c, "INSERT INTO email_change (account_id, new_email,"
	    " token_hash, expires_at) VALUES ($1::bigint, $2, $3,"
	    " now() + make_interval(hours => $4::int))", 4, p) == -1)
		goto out;
	snprintf(body, sizeof(body),
	    "%sのメールアドレスを、このアドレスに変更する手続きです。\n"
	    "ログインした状態で、%d時間以内に次のリンクを開き、「このメール"
	    "アドレスに変更する」を押してください（一度だけ使えます）。\n\n"
	    "%s%sprofile/email/confirm?t=%s\n\n"
	    "心当たりがない場合は、このメールを無視してください。変更は"
	    "されません。\n", cfg_get(CFG_SERVICE_NAME), EMAIL_CHANGE_HOURS, app,
	    *app != '\0' && app[strlen(app) - 1] == '/' ? "" : "/", tok);
	if (mail_queue_address(c, new_email, EC_LINK_SUBJECT, body) == -1)
		goto out;
	snprintf(body, sizeof(body),
	    "%sのメールアドレスを %s に変更する手続きが、マイプロファイル"
	    "で始められました。新しいアドレスで確認されるまでは、メールは"
	    "このアドレスに届きます。\n" EC_ADVICE "\n%s\n",
	    cfg_get(CFG_SERVICE_NAME), new_email,
	    account_login_url(url, sizeof(url)));
	if (mail_queue_account(c, account_id, EC_NOTICE_SUBJECT, body) == -1)
		goto out;
	rc = EMAIL_CHANGE_OK;
out:
	OPENSSL_cleanse(body, sizeof(body));
	OPENSSL_cleanse(tok, sizeof(tok));
	return rc;
}

/* The pending request of the token, locked: its row, or NULL (none, or
 * an error: *err). */
static PGresult *
email_change_row(PGconn *c, const char *account_id, const char *token,
    int *err)
{
	char		 h[65];
	const char	*p[2];
	PGresult	*r;

	*err = 0;
	auth_sha256_hex(token, strlen(token), h);
	p[0] = account_id;
	p[1] = h;
	if ((r = db_exec(c, "SELECT id, new_email FROM email_change"
	    " WHERE account_id = $1::bigint AND token_hash = $2"
	    " AND used_at IS NULL AND cancelled_at IS NULL"
	    " AND expires_at > now() FOR UPDATE", 2, p)) == NULL) {
		*err = 1;
		return NULL;
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		return NULL;
	}
	return r;
}

enum email_change_result
email_change_find(PGconn *c, const char *account_id, const char *token,
    char *new_email, size_t n)
{
	PGresult	*r;
	int		 err;

	if ((r = email_change_row(c, account_id, token, &err)) == NULL)
		return err ? EMAIL_CHANGE_ERROR : EMAIL_CHANGE_INVALID;
	snprintf(new_email, n, "%s", db_get(r, 0, "new_email"));
	PQclear(r);
	return EMAIL_CHANGE_OK;
}

enum email_change_result
email_change_confirm(PGconn *c, const char *account_id, const char *token)
{
	PGresult	*r;
	const char	*p[1];
	char		 body[1024], url[512];
	enum email_change_result rc = EMAIL_CHANGE_ERROR;
	int		 err;

	if ((r = email_change_row(c, account_id, token, &err)) == NULL)
		return err ? EMAIL_CHANGE_ERROR : EMAIL_CHANGE_INVALID;
	/* The present address hears of it before it is replaced. */
	snprintf(body, sizeof(body),
	    "%sのメールアドレスを %s に変更しました。これからのメールは"
	    "新しいアドレスに届きます。\n" EC_ADVICE "\n%s\n",
	    cfg_get(CFG_SERVICE_NAME), db_get(r, 0, "new_email"), account_login_url(url, sizeof(url)));
	p[0] = db_get(r, 0, "id");
	if (mail_queue_account(c, account_id, EC_NOTICE_SUBJECT, body) == -1)
		goto out;
	switch (account_set_email(c, account_id, db_get(r, 0, "new_email"),
	    0)) {
	case ACCOUNT_OK:
		break;
	case ACCOUNT_EMAIL_TAKEN:
		rc = EMAIL_CHANGE_TAKEN;
		goto out;
	default:
		goto out;
	}
	if (db_cmd(c, "UPDATE email_change SET used_at = now()"
	    " WHERE id = $1::bigint", 1, p) == -1)
		goto out;
	rc = EMAIL_CHANGE_OK;
out:
	PQclear(r);
	return rc;
}

int
email_change_notice_placeholder(PGconn *c, const char *account_id)
{
	char	 body[1024], url[512];

	snprintf(body, sizeof(body),
	    "%sで、あなた宛てのメールを事業所の代表メールアドレスに"
	    "転送する設定にしました。これからのメールは、このアドレスには"
	    "届きません。\n" EC_ADVICE "\n%s\n", cfg_get(CFG_SERVICE_NAME),
	    account_login_url(url, sizeof(url)));
	return mail_queue_account(c, account_id, EC_NOTICE_SUBJECT, body);
}
