/* Accounts registered and changed from the web menus (see account.h). */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "account.h"
#include "app.h"
#include "auth.h"
#include "cfg.h"
#include "cert.h"
#include "db.h"
#include "jtime.h"
#include "log.h"
#include "mail.h"

const char *const account_professions[ACCOUNT_NPROF] = {
	"医師", "歯科医師", "薬剤師", "看護師", "保健師", "理学療法士",
	"作業療法士", "言語聴覚士", "介護支援専門員", "介護福祉士",
	"ヘルパー", "相談員", "事務", "その他",
};

static const char *const account_desc[ACCOUNT_F__MAX][2] = {
	/* [no error, error] for aria-describedby */
	{ "login-hint", "login-error login-hint" },
	{ "name-hint", "name-error name-hint" },
	{ "kana-hint", "kana-error kana-hint" },
	{ "", "profession-error" },
	{ "email-hint", "email-error email-hint" },
	{ "", "" },
	{ "password-hint", "password-error password-hint" },
	{ "", "password2-error" },
	{ "", "" },
};

static const struct req_key account_keys[ACCOUNT_F__MAX] = {
	ACCOUNT_KEYS
};

/* A field's message when its value is there but refused. */
static const char *const account_msg[ACCOUNT_F__MAX] = {
	"ログインIDは半角の英数字と記号で3〜64文字です。",
	"氏名は100文字までの1行で入力してください。",
	"ふりがなはカタカナまたはひらがなで100文字までで入力してください。",
	"職種を選んでください。",
	"メールアドレスの形式が正しくありません（例: name@example.jp）。",
	NULL,
	"初期パスワードは12〜128文字の1行で入力してください。",
	NULL,
	NULL,
};

#define ACCOUNT_MSG_PLACEHOLDER	"このアドレスは転送用アドレス専用です。" \
	"「転送用アドレスを使う」を選んでください。"

/* One UTF-8 sequence (already validated by req_v_line) -> code point. */
static size_t
account_cp(const unsigned char *s, uint32_t *cp)
{
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		*cp = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
		return 2;
	}
	if ((s[0] & 0xf0) == 0xe0) {
		*cp = (uint32_t)(s[0] & 0x0f) << 12 |
		    (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
		return 3;
	}
	*cp = (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 |
	    (uint32_t)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
	return 4;
}

int
account_v_kana(struct req_val *v, const struct req_key *k)
{
	const unsigned char	*s;
	size_t			 i;
	uint32_t		 cp;

	if (!req_v_line(v, k))
		return 0;
	s = (const unsigned char *)v->s;
	for (i = 0; i < v->len; ) {
		i += account_cp(s + i, &cp);
		/* Hiragana, katakana (with ・ and ー), spaces. */
		if ((cp >= 0x3041 && cp <= 0x3096) ||
		    (cp >= 0x309d && cp <= 0x309e) ||
		    (cp >= 0x30a1 && cp <= 0x30fe) ||
		    cp == ' ' || cp == 0x3000)
			continue;
		v->err = "カタカナまたはひらがなで入力してください。";
		return 0;
	}
	return 1;
}

int
account_v_profession(struct req_val *v, const struct req_key *k)
{
	size_t	 i;

	if (!req_v_line(v, k))
		return 0;
	for (i = 0; i < ACCOUNT_NPROF; i++)
		if (strcmp(v->s, account_professions[i]) == 0)
			return 1;
	v->err = "職種を一覧から選んでください。";
	return 0;
}

const char *
account_login_url(char *b, size_t n)
{
	const char	*u = cfg_get(CFG_APP_URL);
	size_t		 len = strlen(u);

	snprintf(b, n, "%s%slogin", u, len > 0 && u[len - 1] == '/' ? "" :
	    "/");
	return b;
}

/* Field i refused; the summary lists the fields in the form's order,
 * which is the order they are checked in. */
static void
account_err(struct account_form *f, enum account_field i, const char *msg)
{
	form_error(&f->form, f->base + i, NULL, msg);
}

int
account_form_read(const struct req *r, size_t base, struct account_form *f)
{
	const struct req_val	*v = r->vals + base;

	f->base = base;
	form_init(&f->form, r);
	f->login = form_value(r, base + ACCOUNT_F_LOGIN);
	f->name = form_value(r, base + ACCOUNT_F_NAME);
	f->kana = form_value(r, base + ACCOUNT_F_KANA);
	f->profession = v[ACCOUNT_F_PROFESSION].valid ?
	    v[ACCOUNT_F_PROFESSION].s : NULL;
	f->email = form_value(r, base + ACCOUNT_F_EMAIL);
	f->placeholder = v[ACCOUNT_F_PLACEHOLDER].valid &&
	    strcmp(v[ACCOUNT_F_PLACEHOLDER].s, "1") == 0;
	f->is_admin = v[ACCOUNT_F_ADMIN].valid &&
	    strcmp(v[ACCOUNT_F_ADMIN].s, "1") == 0;
	f->password = v[ACCOUNT_F_PASSWORD].valid ?
	    v[ACCOUNT_F_PASSWORD].s : NULL;

	if (f->is_new && !v[ACCOUNT_F_LOGIN].valid)
		account_err(f, ACCOUNT_F_LOGIN, v[ACCOUNT_F_LOGIN].len > 0 ?
		    account_msg[ACCOUNT_F_LOGIN] :
		    "ログインIDを入力してください。");
	if (!v[ACCOUNT_F_NAME].valid)
		account_err(f, ACCOUNT_F_NAME, v[ACCOUNT_F_NAME].len > 0 ?
		    account_msg[ACCOUNT_F_NAME] :
		    "氏名を入力してください。");
	if (v[ACCOUNT_F_KANA].present && !v[ACCOUNT_F_KANA].valid)
		account_err(f, ACCOUNT_F_KANA, account_msg[ACCOUNT_F_KANA]);
	if (!v[ACCOUNT_F_PROFESSION].valid)
		account_err(f, ACCOUNT_F_PROFESSION,
		    account_msg[ACCOUNT_F_PROFESSION]);
	if (f->placeholder)
		f->email = NULL;	/* the system makes the address */
	else if (v[ACCOUNT_F_EMAIL].len == 0)
		account_err(f, ACCOUNT_F_EMAIL, "メールアドレスを入力するか、"
		    "「転送用アドレスを使う」を選んでください。");
	else if (!v[ACCOUNT_F_EMAIL].valid)
		account_err(f, ACCOUNT_F_EMAIL, account_msg[ACCOUNT_F_EMAIL]);
	else if (account_is_placeholder(v[ACCOUNT_F_EMAIL].s))
		account_err(f, ACCOUNT_F_EMAIL, ACCOUNT_MSG_PLACEHOLDER);
	if (f->is_new) {
		if (!v[ACCOUNT_F_PASSWORD].valid)
			account_err(f, ACCOUNT_F_PASSWORD,
			    account_msg[ACCOUNT_F_PASSWORD]);
		else if (!v[ACCOUNT_F_PASSWORD2].valid ||
		    strcmp(v[ACCOUNT_F_PASSWORD].s,
		    v[ACCOUNT_F_PASSWORD2].s) != 0)
			account_err(f, ACCOUNT_F_PASSWORD2, "確認のため、同じ"
			    "パスワードをもう一度入力してください。");
		else if ((f->password_refused = password_check(f->password,
		    f->login)) != NULL)
			account_err(f, ACCOUNT_F_PASSWORD, f->password_refused);
	}
	return (int)f->form.n;
}

const char *
account_check(enum account_field i, const char *s)
{
	struct req_val	 v;

	if (s == NULL || account_msg[i] == NULL)
		return NULL;
	memset(&v, 0, sizeof(v));
	v.present = 1;
	/* The validators of ACCOUNT_KEYS only read the value. */
	v.s = (char *)(uintptr_t)s;
	v.len = strlen(s);
	if (!account_keys[i].valid(&v, &account_keys[i]))
		return account_msg[i];
	if (i == ACCOUNT_F_EMAIL && account_is_placeholder(s))
		return ACCOUNT_MSG_PLACEHOLDER;
	return NULL;
}

void
account_form_tmpl(struct account_form *f, struct tmpl_facility_staff_form *t)
{
	const char	*e;
	size_t		 i;

#define ACCOUNT_SLOT(fld, F) do {					\
	e = form_err(&f->form, f->base + (F));				\
	t->fld##_has_error = e != NULL;					\
	t->fld##_error = e;						\
	t->fld##_invalid = e != NULL ? "true" : "false";		\
	t->fld##_desc = account_desc[F][e != NULL];			\
} while (0)
	ACCOUNT_SLOT(login, ACCOUNT_F_LOGIN);
	ACCOUNT_SLOT(name, ACCOUNT_F_NAME);
	ACCOUNT_SLOT(kana, ACCOUNT_F_KANA);
	ACCOUNT_SLOT(profession, ACCOUNT_F_PROFESSION);
	ACCOUNT_SLOT(email, ACCOUNT_F_EMAIL);
	ACCOUNT_SLOT(password, ACCOUNT_F_PASSWORD);
	ACCOUNT_SLOT(password2, ACCOUNT_F_PASSWORD2);
#undef ACCOUNT_SLOT
	for (i = 0; i < ACCOUNT_NPROF; i++) {
		f->prof_rows[i].value = account_professions[i];
		f->prof_rows[i].selected = f->profession != NULL &&
		    strcmp(f->profession, account_professions[i]) == 0;
	}
	t->professions = f->prof_rows;
	t->professions_n = ACCOUNT_NPROF;
	t->is_new = f->is_new;
	t->login = f->login;
	t->name = f->name;
	t->kana = f->kana;
	t->email = f->email;
	t->placeholder = f->placeholder;
	t->has_current_placeholder = f->current_placeholder != NULL;
	t->current_placeholder = f->current_placeholder;
	t->is_admin = f->is_admin;
}

int
account_placeholder(const char *facility_id, char *out, size_t n)
{
	char			 rnd[ACCOUNT_PLACEHOLDER_RAND + 1];
	int			 w;

	if (auth_random_chars(rnd, ACCOUNT_PLACEHOLDER_RAND,
	    "abcdefghijklmnopqrstuvwxyz0123456789") == -1)
		return -1;
	w = snprintf(out, n, "fwd-%s-%s" ACCOUNT_PLACEHOLDER_DOMAIN,
	    facility_id, rnd);
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

int
account_is_placeholder(const char *email)
{
	size_t	 len = strlen(email), dl = strlen(ACCOUNT_PLACEHOLDER_DOMAIN);

	return len >= dl && strcasecmp(email + len - dl,
	    ACCOUNT_PLACEHOLDER_DOMAIN) == 0;
}

/* Is the login ID (when login != NULL) or the e-mail address (when
 * email != NULL) used by another live account?  Sets the field errors;
 * returns the result for the first conflict, ACCOUNT_OK, or
 * ACCOUNT_ERROR.  The message names no facility and no person. */
static enum account_result
account_taken(PGconn *c, struct account_form *f, const char *login,
    const char *email, const char *self)
{
	const char *const p[] = { login, email, self };
	PGresult	*r;
	enum account_result rc = ACCOUNT_OK;

	r = db_exec(c, "SELECT"
	    " $1::text IS NOT NULL AND EXISTS (SELECT 1 FROM account"
	    "  WHERE lower(login) = lower($1) AND deleted_at IS NULL)"
	    "  AS login_taken,"
	    " $2::text IS NOT NULL AND EXISTS (SELECT 1 FROM account"
	    "  WHERE lower(email) = lower($2) AND deleted_at IS NULL"
	    "  AND id IS DISTINCT FROM $3::bigint) AS email_taken", 3, p);
	if (r == NULL)
		return ACCOUNT_ERROR;
	/* Login first: the summary follows the form's order. */
	if (strcmp(db_get(r, 0, "login_taken"), "t") == 0) {
		account_err(f, ACCOUNT_F_LOGIN, ACCOUNT_MSG_LOGIN_TAKEN);
		rc = ACCOUNT_LOGIN_TAKEN;
	}
	if (strcmp(db_get(r, 0, "email_taken"), "t") == 0) {
		account_err(f, ACCOUNT_F_EMAIL, ACCOUNT_MSG_EMAIL_TAKEN);
		if (rc == ACCOUNT_OK)
			rc = ACCOUNT_EMAIL_TAKEN;
	}
	PQclear(r);
	return rc;
}

/* The statement that failed: a live account holds the login ID or the
 * e-mail address (the unique indexes), or another error. */
static enum account_result
account_conflict(void)
{
	const struct db_error	*e = db_last_error();

	if (strcmp(e->sqlstate, "23505") != 0)
		return ACCOUNT_ERROR;
	if (strcmp(e->constraint, "account_login_live") == 0)
		return ACCOUNT_LOGIN_TAKEN;
	return ACCOUNT_EMAIL_TAKEN;
}

enum account_result
account_insert(PGconn *c, const struct account_new *a, char *id_out,
    size_t n)
{
	const char	*p[11];
	PGresult	*r;
	enum account_result rc;

	p[0] = a->facility_id;
	p[1] = a->login;
	p[2] = a->name;
	p[3] = a->kana != NULL ? a->kana : "";
	p[4] = a->profession != NULL ? a->profession : "";
	p[5] = a->email;
	p[6] = a->placeholder ? "t" : "f";
	p[7] = a->password_hash;
	p[8] = a->is_staff ? "t" : "f";
	p[9] = a->is_facility_admin ? "t" : "f";
	p[10] = a->must_change ? "t" : "f";
	/* Without is_operator for anyone else: the app's role may not set
	 * it (010_grants.sql), only renrakucho-admin makes an operator. */
	r = db_exec(c, a->is_operator ? "INSERT INTO account (facility_id,"
	    " login, name, kana, profession, email, email_is_placeholder,"
	    " password_hash, is_staff, is_facility_admin, must_change_password,"
	    " is_operator) SELECT f.id, $2, $3, $4, $5, $6, $7::boolean, $8,"
	    " $9::boolean, $10::boolean, $11::boolean, true FROM facility f"
	    " WHERE f.id = $1::bigint RETURNING id" : "INSERT INTO account"
	    " (facility_id, login, name, kana, profession, email,"
	    " email_is_placeholder, password_hash, is_staff, is_facility_admin,"
	    " must_change_password) SELECT f.id, $2, $3, $4, $5, $6,"
	    " $7::boolean, $8, $9::boolean, $10::boolean, $11::boolean"
	    " FROM facility f WHERE f.id = $1::bigint RETURNING id", 11, p);
	if (r == NULL)
		return account_conflict();
	rc = ACCOUNT_NOT_FOUND;
	if (PQntuples(r) == 1) {
		snprintf(id_out, n, "%s", db_get(r, 0, "id"));
		rc = ACCOUNT_OK;
	}
	PQclear(r);
	return rc;
}

enum account_result
account_create(PGconn *c, const char *facility_id, struct account_form *f,
    char *id_out, size_t n)
{
	char		 hash[AUTH_HASH_MAX] = "", ph[96], body[1024], url[512];
	struct account_new row;
	enum account_result rc;

	if ((rc = account_taken(c, f, f->login, f->email, NULL)) != ACCOUNT_OK)
		return rc;
	rc = ACCOUNT_ERROR;
	if (f->placeholder && account_placeholder(facility_id, ph,
	    sizeof(ph)) == -1)
		goto out;
	if (auth_hash_password(f->password, AUTH_PBKDF2_ITER, hash,
	    sizeof(hash)) == -1)
		goto out;
	memset(&row, 0, sizeof(row));
	row.facility_id = facility_id;
	row.login = f->login;
	row.name = f->name;
	row.kana = f->kana;
	row.profession = f->profession;
	row.email = f->placeholder ? ph : f->email;
	row.placeholder = f->placeholder;
	row.password_hash = hash;
	row.is_staff = 1;
	row.is_facility_admin = f->is_admin;
	row.must_change = 1;
	/* A conflict despite the check: a concurrent registration. */
	if ((rc = account_insert(c, &row, id_out, n)) != ACCOUNT_OK) {
		if (rc == ACCOUNT_LOGIN_TAKEN)
			account_err(f, ACCOUNT_F_LOGIN, ACCOUNT_MSG_LOGIN_TAKEN);
		else if (rc == ACCOUNT_EMAIL_TAKEN)
			account_err(f, ACCOUNT_F_EMAIL, ACCOUNT_MSG_EMAIL_TAKEN);
		goto out;
	}
	rc = ACCOUNT_ERROR;
	/* The password is not in the mail: the administrator hands it over. */
	snprintf(body, sizeof(body), "%s 様\n\n"
	    "%sの利用者として登録されました。\n\n"
	    "ログインID: %s\n"
	    "初期パスワードは施設管理者からお受け取りください。最初の"
	    "ログインで、ご自分のパスワードに変更していただきます。\n"
	    "ログインには、証明書をインストールした端末が必要です。\n\n"
	    "%s\n", f->name, cfg_get(CFG_SERVICE_NAME), f->login,
	    account_login_url(url, sizeof(url)));
	if (mail_queue_account(c, id_out, "利用者登録のお知らせ",
	    body) == -1)
		goto out;
	rc = ACCOUNT_OK;
out:
	OPENSSL_cleanse(hash, sizeof(hash));
	return rc;
}

enum account_result
account_update(PGconn *c, const char *facility_id, const char *account_id,
    struct account_form *f)
{
	char		 ph[96];
	const char	*p[8];
	PGresult	*r;
	enum account_result rc;

	if ((rc = account_taken(c, f, NULL, f->email, account_id)) !=
	    ACCOUNT_OK)
		return rc;
	if (f->placeholder && account_placeholder(facility_id, ph,
	    sizeof(ph)) == -1)
		return ACCOUNT_ERROR;
	p[0] = account_id;
	p[1] = facility_id;
	p[2] = f->name;
	p[3] = f->kana != NULL ? f->kana : "";
	p[4] = f->profession;
	p[5] = f->placeholder ? ph : f->email;
	p[6] = f->placeholder ? "t" : "f";
	p[7] = f->is_admin ? "t" : "f";
	/* A placeholder stays the same while the box stays ticked: it may
	 * already be known to the facility's mail filters. */
	r = db_exec(c, "UPDATE account SET name = $3, kana = $4,"
	    " profession = $5, email = CASE WHEN $7::boolean AND"
	    " email_is_placeholder THEN email ELSE $6 END,"
	    " email_is_placeholder = $7::boolean,"
	    " is_facility_admin = $8::boolean"
	    " WHERE id = $1::bigint AND facility_id = $2::bigint"
	    " AND deleted_at IS NULL RETURNING id", 8, p);
	if (r == NULL) {
		if ((rc = account_conflict()) == ACCOUNT_EMAIL_TAKEN)
			account_err(f, ACCOUNT_F_EMAIL, ACCOUNT_MSG_EMAIL_TAKEN);
		return rc;
	}
	rc = PQntuples(r) == 1 ? ACCOUNT_OK : ACCOUNT_NOT_FOUND;
	PQclear(r);
	return rc;
}

/* The live account id, or the one with login ID login (either may be
 * NULL, not both) as the statements' $1 and $2. */
#define ACCOUNT_WHICH " deleted_at IS NULL AND ($1::bigint IS NULL OR" \
	" id = $1::bigint) AND ($2::text IS NULL OR lower(login) = lower($2))"

/* r: the RETURNING id of an ACCOUNT_WHICH statement. */
static int
account_which(PGresult *r, char *id_out, size_t n)
{
	int	 rc;

	if (r == NULL)
		return -1;
	rc = PQntuples(r) == 1;
	if (rc && id_out != NULL)
		snprintf(id_out, n, "%s", db_get(r, 0, "id"));
	PQclear(r);
	return rc;
}

int
account_unlock(PGconn *c, const char *id, const char *login, char *id_out,
    size_t n)
{
	const char	*p[] = { id, login };
	char		 me[24];
	int		 rc;

	if (id == NULL && login == NULL)
		return 0;
	if ((rc = account_which(db_exec(c, "SELECT id FROM account WHERE"
	    ACCOUNT_WHICH, 2, p), me, sizeof(me))) != 1)
		return rc;
	p[0] = me;
	if (db_cmd(c, "SELECT login_reset($1::bigint)", 1, p) == -1)
		return -1;
	if (id_out != NULL)
		snprintf(id_out, n, "%s", me);
	return 1;
}

int
account_set_password(PGconn *c, const char *id, const char *login,
    const char *hash, int must_change, const char *keep_session,
    long *ended, char *id_out, size_t n)
{
	const char	*p[5] = { id, login, hash, must_change ? "t" : "f",
	    keep_session };
	char		 me[24], body[1024], url[512];
	PGresult	*r;
	int		 rc;

	*ended = 0;
	if (id == NULL && login == NULL)
		return 0;
	/* The other sessions end in the same call: whoever knew the old
	 * password must not stay logged in. */
	if ((r = db_exec(c, "SELECT id, name, login, at, sessions FROM"
	    " account_password_set($1::bigint, $2, $3, $4::boolean,"
	    " $5::bigint)", 5, p)) == NULL)
		return -1;
	if ((rc = PQntuples(r)) != 1) {
		PQclear(r);
		return 0;
	}
	*ended = strtol(db_get(r, 0, "sessions"), NULL, 10);
	snprintf(me, sizeof(me), "%s", db_get(r, 0, "id"));
	/* Told whoever changed it: a change the person did not make is
	 * noticed. */
	snprintf(body, sizeof(body), "%s 様\n\n"
	    "%sのログインID %s のパスワードが変更されました（%s）。\n"
	    "%s"
	    "お心当たりがない場合は、すぐに施設管理者または事務局に"
	    "ご連絡ください。\n\n%s\n", db_get(r, 0, "name"),
	    cfg_get(CFG_SERVICE_NAME), db_get(r, 0, "login"), db_get(r, 0, "at"), must_change ?
	    "新しいパスワードは施設管理者または事務局からお受け取りください。"
	    "次のログインで、ご自分のパスワードに変更していただきます。\n" : "",
	    account_login_url(url, sizeof(url)));
	PQclear(r);
	if (mail_queue_account(c, me, "パスワード変更のお知らせ",
	    body) == -1)
		return -1;
	if (id_out != NULL)
		snprintf(id_out, n, "%s", me);
	return 1;
}

int
account_delete(PGconn *c, const char *id, const char *by, char *detail,
    size_t n)
{
	const char *const p[] = { id, NULL };
	long		 revoked, pickups;
	int		 rc;

	if ((rc = account_which(db_exec(c, "UPDATE account SET"
	    " deleted_at = now() WHERE" ACCOUNT_WHICH " RETURNING id", 2, p),
	    NULL, 0)) != 1)
		return rc;
	if (db_cmd(c, "UPDATE session SET ended_at = now(),"
	    " end_reason = 'account deleted' WHERE account_id = $1::bigint"
	    " AND ended_at IS NULL", 1, p) == -1 ||
	    (revoked = cert_revoke_account(c, id, by, &pickups)) == -1)
		return -1;
	cert_account_detail(revoked, pickups, detail, n);
	return 1;
}

enum account_result
account_set_email(PGconn *c, const char *id, const char *email,
    int placeholder)
{
	const char *const p[] = { id, email, placeholder ? "t" : "f" };

	if (db_cmd(c, "UPDATE account SET email = $2,"
	    " email_is_placeholder = $3::boolean WHERE id = $1::bigint",
	    3, p) == -1)
		return account_conflict();
	return ACCOUNT_OK;
}

int
account_set_notify(PGconn *c, const char *id, int on)
{
	const char *const p[] = { id, on ? "t" : "f" };

	return db_cmd(c, "UPDATE account SET notify = $2::boolean"
	    " WHERE id = $1::bigint", 2, p);
}

int
account_reset_password(PGconn *c, const char *id, const char *by,
    const char *by_role, const char *stamp, const char *hash, long *ended)
{
	const char	*p[4] = { id, by, stamp, hash };
	char		 body[2048], url[512];
	PGresult	*r;

	*ended = 0;
	/* The app's role may not write password_hash itself (010_grants). */
	if ((r = db_exec(c, "SELECT * FROM account_password_reset($1::bigint,"
	    " $2::bigint, $3::bigint, $4)", 4, p)) == NULL)
		return -1;
	if (PQntuples(r) != 1) {
		PQclear(r);
		return 0;
	}
	/* Who did it, so that a reset the person did not ask for is
	 * noticed and can be asked about; the password is handed over in
	 * person, never mailed. */
	snprintf(body, sizeof(body), "%s 様\n\n"
	    "%sのログインID %s のパスワードを、%s（%s・%s）が"
	    "仮パスワードに再設定しました（%s）。\n\n"
	    "仮パスワードは、再設定した人から直接お受け取りください。"
	    "このメールには書かれていません。次のログインで、ご自分の"
	    "パスワードに変更していただきます。\n"
	    "これまでログインしていた画面は、すべてログアウトしました。"
	    "\n\n"
	    "お心当たりがない場合は、すぐに所属の事業所の施設管理者"
	    "または事務局にご連絡ください。\n\n%s\n",
	    db_get(r, 0, "name"), cfg_get(CFG_SERVICE_NAME),
	    db_get(r, 0, "login"), db_get(r, 0, "by_name"), db_get(r, 0, "by_facility"), by_role,
	    db_get(r, 0, "at"),
	    account_login_url(url, sizeof(url)));
	PQclear(r);
	if (mail_queue_account(c, id, "パスワード再設定のお知らせ",
	    body) == -1 ||
	    db_cmd(c, "SELECT login_reset($1::bigint)", 1, p) == -1)
		return -1;
	/* Whoever is logged in as the person -- they, or whoever knew the
	 * old password -- starts again with the new one. */
	if ((r = db_exec(c, "UPDATE session SET ended_at = now(),"
	    " end_reason = 'password reset' WHERE account_id = $1::bigint"
	    " AND ended_at IS NULL", 1, p)) == NULL)
		return -1;
	*ended = strtol(PQcmdTuples(r), NULL, 10);
	PQclear(r);
	return 1;
}

const char *
account_notice(const char *n)
{
	static const char *const notices[][2] = {
		{ "created", "登録しました。本人に初期パスワードを伝えてください。" },
		{ "updated", "変更を保存しました。" },
		{ "deleted", "利用者を削除しました。" },
		{ "unlocked", "ロックを解除しました。" },
		{ "revoked", "証明書を失効させました。" },
		{ "facility", "事業所を登録しました。続けて施設管理者を登録してください。" },
	};
	size_t	 i;

	for (i = 0; n != NULL && i < sizeof(notices) / sizeof(notices[0]); i++)
		if (strcmp(n, notices[i][0]) == 0)
			return notices[i][1];
	return NULL;
}

/* A query whose rows a page shows, and its view event, in one
 * transaction.  NULL after an error page. */
PGresult *
account_view(struct app *a, const char *sql, int n, const char *const *p,
    const char *action, const char *otype, const char *oid)
{
	PGresult	*r;

	if (db_begin(a->db) == -1 ||
	    (r = db_exec(a->db, sql, n, p)) == NULL) {
		app_dberr(a);
		return NULL;
	}
	if (app_audit(a, action, otype, oid, NULL, "success", NULL) == -1 ||
	    db_commit(a->db) == -1) {
		PQclear(r);
		app_dberr(a);
		return NULL;
	}
	return r;
}

void *
account_rows(struct app *a, int n, size_t size)
{
	void	*p;

	if (n <= 0)
		return NULL;
	if ((p = calloc((size_t)n, size)) == NULL)
		app_error(a, 500, "エラー", "もう一度お試しください。");
	return p;
}

void
account_form_page(struct app *a, int status, const struct account_page *pg,
    struct account_form *f)
{
	struct tmpl_facility_staff	 h;
	struct tmpl_facility_staff_form	 t;

	memset(&h, 0, sizeof(h));
	h.back_url = pg->back_url;
	h.back_text = pg->back_text;
	h.title = pg->title;
	h.has_notice = pg->notice != NULL;
	h.notice = pg->notice;
	h.has_lead = pg->lead != NULL;
	h.lead = pg->lead;
	memset(&t, 0, sizeof(t));
	account_form_tmpl(f, &t);
	t.action = pg->action;
	t.csrf = a->user.csrf;
	t.submit = pg->submit;
	t.cancel_url = pg->back_url;
	t.show_admin = pg->show_admin;
	a->status = status;
	app_layout_begin(a, pg->title);
	tmpl_facility_staff(&a->body, &h);
	form_summary(&a->body, &f->form);
	tmpl_facility_staff_form(&a->body, &t);
	if (pg->actions != NULL)
		tmpl_facility_staff_actions(&a->body, pg->actions);
	app_layout_end(a);
}

void
account_devices_page(struct app *a, const char *facility_id,
    const char *action, const struct account_page *pg, const char *notice)
{
	const char *const p[] = { facility_id };
	struct tmpl_facility_devices		 t;
	struct tmpl_facility_devices_devices	*rows = NULL;
	char		(*tm)[3][JTIME_LEN] = NULL;
	PGresult	*r = NULL;
	int		 i, n;

	if ((r = account_view(a, "SELECT d.serial, d.label, f.name AS facility,"
	    " coalesce(i.name, '（事務局のコマンドで発行）') AS issued_by,"
	    " " JTIME_SQL("d.issued_at") " AS issued_at,"
	    " " JTIME_SQL("d.not_after") " AS not_after,"
	    " " JTIME_SQL("d.revoked_at") " AS revoked_at"
	    " FROM device_cert d JOIN facility f ON f.id = d.facility_id"
	    " LEFT JOIN account i ON i.id = d.issued_by"
	    " WHERE $1::bigint IS NULL OR d.facility_id = $1::bigint"
	    " ORDER BY d.revoked_at IS NOT NULL, d.issued_at DESC, d.serial"
	    " LIMIT 500", 1, p, action, "facility",
	    facility_id)) == NULL)
		return;
	n = PQntuples(r);
	if (n > 0 && ((rows = account_rows(a, n, sizeof(*rows))) == NULL ||
	    (tm = account_rows(a, n, sizeof(*tm))) == NULL))
		goto out;
	for (i = 0; i < n; i++) {
		rows[i].serial = db_get(r, i, "serial");
		rows[i].label = db_get(r, i, "label");
		rows[i].facility = db_get(r, i, "facility");
		rows[i].show_facility = facility_id == NULL;
		rows[i].issued_by = db_get(r, i, "issued_by");
		rows[i].issued_at = jtime_db(db_get(r, i, "issued_at"),
		    JTIME_MINUTE, tm[i][0], sizeof(tm[i][0]), "");
		rows[i].not_after = jtime_db(db_get(r, i, "not_after"),
		    JTIME_DATE, tm[i][1], sizeof(tm[i][1]), "");
		rows[i].revoked_on = jtime_db(db_get(r, i, "revoked_at"),
		    JTIME_MINUTE, tm[i][2], sizeof(tm[i][2]), NULL);
		rows[i].revoked = rows[i].revoked_on != NULL;
		rows[i].current = strcmp(rows[i].serial, a->req.ssl_serial) == 0;
		rows[i].revoke_action = pg->action;
		rows[i].csrf = a->user.csrf;
	}
	memset(&t, 0, sizeof(t));
	t.back_url = pg->back_url;
	t.back_text = pg->back_text;
	t.scope = pg->lead;
	t.show_facility = facility_id == NULL;
	t.has_notice = notice != NULL;
	t.notice = notice;
	t.devices = rows;
	t.devices_n = (size_t)n;
	app_layout_begin(a, pg->title);
	tmpl_facility_devices(&a->body, &t);
	app_layout_end(a);
out:
	free(tm);
	free(rows);
	PQclear(r);
}
