/* The account table's writes (registration, changes, password, unlock,
 * deletion, e-mail and notification settings) and the staff form the
 * facility administrator's and the service operator's menus share: keys,
 * validation, template, the forwarding placeholder address, the
 * uniqueness of login ID and e-mail among live accounts.  One place, so
 * the menus, My Profile and renrakucho-admin say and store the same
 * thing.
 *
 * Every function that writes works inside the caller's transaction and
 * writes no audit event; the caller audits and commits. */
#ifndef RK_ACCOUNT_H
#define RK_ACCOUNT_H
#include <stddef.h>
#include <libpq-fe.h>

#include "form.h"
#include "password.h"
#include "req.h"
#include "tmpl.h"

/* The SQL the menus share: an account's roles in Japanese. */
#define ACCOUNT_SQL_ROLES "concat_ws('・'," \
	" CASE WHEN is_staff THEN '利用者' END," \
	" CASE WHEN is_facility_admin THEN '施設管理者' END," \
	" CASE WHEN is_operator THEN 'サービス運用者' END)"

/* "fwd-<facility id>-<10 random [a-z0-9]>@placeholder.invalid" */
#define ACCOUNT_PLACEHOLDER_DOMAIN	"@placeholder.invalid"
#define ACCOUNT_PLACEHOLDER_RAND	10

/* The fields of the staff form.  A CGI puts ACCOUNT_KEYS at index
 * `base` of its own key table (its enum reserves ACCOUNT_F__MAX slots
 * from base on) and passes base to account_form_read(). */
enum account_field {
	ACCOUNT_F_LOGIN,
	ACCOUNT_F_NAME,
	ACCOUNT_F_KANA,
	ACCOUNT_F_PROFESSION,
	ACCOUNT_F_EMAIL,
	ACCOUNT_F_PLACEHOLDER,	/* checkbox "1": use a forwarding address */
	ACCOUNT_F_PASSWORD,
	ACCOUNT_F_PASSWORD2,
	ACCOUNT_F_ADMIN,	/* checkbox "1": facility administrator */
	ACCOUNT_F__MAX
};

#define ACCOUNT_KEYS \
	{ "login", req_v_login, 3, 64 }, \
	{ "name", req_v_line, 1, 100 }, \
	{ "kana", account_v_kana, 0, 100 }, \
	{ "profession", account_v_profession, 1, 50 }, \
	{ "email", req_v_email, 3, 254 }, \
	{ "placeholder", req_v_token, 1, 1 }, \
	{ "password", req_v_line, 1, PASSWORD_MAX_BYTES }, \
	{ "password2", req_v_line, 1, PASSWORD_MAX_BYTES }, \
	{ "is_admin", req_v_token, 1, 1 }

/* Katakana or hiragana, long vowel mark, spaces (full or half width). */
int	account_v_kana(struct req_val *, const struct req_key *);
/* One of the professions of the form's select. */
int	account_v_profession(struct req_val *, const struct req_key *);

#define ACCOUNT_NPROF	14
extern const char *const account_professions[ACCOUNT_NPROF];

/* The form as typed (kept for redisplay) and its errors. */
struct account_form {
	int		 is_new;	/* login and password are asked */
	const char	*login;
	const char	*name;
	const char	*kana;
	const char	*profession;
	const char	*email;		/* NULL with placeholder */
	int		 placeholder;
	const char	*password;
	const char	*password_refused;	/* password_check()'s message */
	int		 is_admin;
	const char	*current_placeholder;	/* edit: the stored one */
	size_t		 base;		/* the first ACCOUNT_F_ key's index */
	struct form	 form;		/* the errors, by the CGI's keys */
	/* for account_form_tmpl */
	struct tmpl_facility_staff_form_professions prof_rows[ACCOUNT_NPROF];
};

/* Fills f from the request's validated values (keys from base on) and
 * puts an error in f->form for each bad field; returns how many.
 * f->is_new is set by the caller before. */
int	account_form_read(const struct req *, size_t base,
	    struct account_form *f);
/* The Japanese message for value s (NULL: not given, accepted) of field
 * i of the staff form, or NULL when it can be stored: the checks of the
 * web form for renrakucho-admin's options. */
const char *account_check(enum account_field i, const char *s);
/* Fills the field slots of the shared staff form template
 * (facility_staff_form.xhtml) from f; the caller sets action, csrf,
 * submit and cancel_url. */
void	account_form_tmpl(struct account_form *f,
	    struct tmpl_facility_staff_form *t);

enum account_result {
	ACCOUNT_OK,
	ACCOUNT_LOGIN_TAKEN,	/* account_create/update: the field's */
	ACCOUNT_EMAIL_TAKEN,	/* error is set */
	ACCOUNT_NOT_FOUND,	/* not a live account of that facility */
	ACCOUNT_ERROR		/* database or RNG: roll back, 500/503 */
};

#define ACCOUNT_MSG_LOGIN_TAKEN	"このログインIDは既に使われています。"
#define ACCOUNT_MSG_EMAIL_TAKEN	"このメールアドレスは既に使われています。"

/* A forwarding placeholder address for a staff member of facility_id
 * into out (at least 64 bytes).  0/-1. */
int	account_placeholder(const char *facility_id, char *out, size_t n);
/* 1 if the address ends in ACCOUNT_PLACEHOLDER_DOMAIN (any case): such
 * addresses are made by account_placeholder() only, never typed in. */
int	account_is_placeholder(const char *email);

/* The app's login page (cfg app_url + "login"), for mails, into b. */
const char *account_login_url(char *b, size_t n);

/* A new account's row. */
struct account_new {
	const char	*facility_id;
	const char	*login;
	const char	*name;
	const char	*kana;		/* NULL: "" */
	const char	*profession;	/* NULL: "" */
	const char	*email;		/* NULL: none */
	int		 placeholder;	/* email is account_placeholder()'s */
	const char	*password_hash;	/* auth_hash_password()'s */
	int		 is_staff;
	int		 is_facility_admin;
	int		 is_operator;
	int		 must_change;	/* someone else set the password */
};
/* Inserts the row (the one INSERT of the account table): ACCOUNT_OK with
 * the new id in id_out, ACCOUNT_LOGIN_TAKEN or ACCOUNT_EMAIL_TAKEN (a
 * live account has it), ACCOUNT_NOT_FOUND (no such facility) or
 * ACCOUNT_ERROR.  Sets no form error and queues no mail. */
enum account_result account_insert(PGconn *, const struct account_new *,
	    char *id_out, size_t n);
/* Registers f (is_new) in facility_id, its password to be changed at
 * the first login, and mails the new account its login ID; id_out[24]
 * gets the new id. */
enum account_result account_create(PGconn *, const char *facility_id,
	    struct account_form *f, char *id_out, size_t n);
/* Changes name, kana, profession, e-mail/placeholder and the
 * administrator flag of a live account of facility_id.  A placeholder
 * already in use is kept when the placeholder box stays ticked. */
enum account_result account_update(PGconn *, const char *facility_id,
	    const char *account_id, struct account_form *f);

/* account_unlock and account_set_password name the live account by id
 * or, when id is NULL, by login ID (any case); they and account_delete
 * return 1, 0 when there is no such live account, or -1, and copy its id
 * into id_out (when not NULL). */
/* Clears the failed logins (login_failure, the counters) and the lock. */
int	account_unlock(PGconn *, const char *id, const char *login,
	    char *id_out, size_t n);
/* Stores a new password hash (must_change: set by someone else, to be
 * changed at the next login; else the person's own), ends the account's
 * sessions but keep_session (may be NULL), *ended gets how many ended,
 * and mails the person that the password changed. */
int	account_set_password(PGconn *, const char *id, const char *login,
	    const char *hash, int must_change, const char *keep_session,
	    long *ended, char *id_out, size_t n);
/* Deletes the account (the row stays: history keeps its author), ends
 * its sessions, cancels its waiting pickups and revokes, as by the
 * account `by`, its certificates no other live account of the facility
 * uses (cert_revoke_account); detail (n bytes) gets the audit detail's
 * "N certificates revoked, M pickups cancelled".  The caller checks who
 * may go (the last operator may not). */
int	account_delete(PGconn *, const char *id, const char *by,
	    char *detail, size_t n);
/* Sets the e-mail address of account id: ACCOUNT_OK, ACCOUNT_EMAIL_TAKEN,
 * ACCOUNT_ERROR. */
enum account_result account_set_email(PGconn *, const char *id,
	    const char *email, int placeholder);
/* Mail notifications on or off: 0/-1. */
int	account_set_notify(PGconn *, const char *id, int on);
/* The stamp of an account's last temporary password (account.
 * password_reset_at in microseconds since the epoch, 0 for none), as a
 * column of a statement on the account table (alias a, or none: ""). */
/* The same expression is in account_password_reset() (functions/grants.sql). */
#define ACCOUNT_SQL_RESET_STAMP(a) "coalesce((extract(epoch FROM " a \
	"password_reset_at) * 1000000)::bigint, 0)"
/* A temporary password set by the account `by` (a facility
 * administrator or an operator) for a person who forgot theirs: stores
 * hash, to be changed at the next login, clears the failed logins and
 * the lock, ends all the account's sessions (*ended gets how many) and
 * mails the person who reset it, as by_role (施設管理者, 事務局), never
 * the password.  Only while the
 * live account's ACCOUNT_SQL_RESET_STAMP is still stamp (the one the
 * form was shown with): 1, 0 when it is not (a second POST of the same
 * form, another reset meanwhile, or no such live account), -1. */
int	account_reset_password(PGconn *, const char *id, const char *by,
	    const char *by_role, const char *stamp, const char *hash,
	    long *ended);

/* Pages both menus show the same way (the caller checked the role). */
struct app;
struct account_page {
	const char	*title;
	const char	*back_url;
	const char	*back_text;
	const char	*lead;		/* may be NULL */
	const char	*notice;	/* may be NULL */
	const char	*action;	/* form action / revoke action */
	const char	*submit;
	int		 show_admin;
	/* below the form (facility's edit page), or NULL */
	const struct tmpl_facility_staff_actions *actions;
};
/* The staff form page with status (200, or 409/422 with errors). */
void	account_form_page(struct app *, int status, const struct account_page *,
	    struct account_form *);
/* The device certificate list of facility_id (NULL: every facility,
 * newest first), audited as `action`; an error page on failure. */
void	account_devices_page(struct app *, const char *facility_id,
	    const char *action, const struct account_page *,
	    const char *notice);
/* A query whose rows a page shows, and its view event `action`, in
 * one transaction; NULL after an error page. */
PGresult *account_view(struct app *, const char *sql, int n,
	    const char *const *p, const char *action, const char *otype,
	    const char *oid);
/* calloc(n, size) for a page's table rows; NULL for n <= 0 or, with a
 * 500 page, when out of memory (check n first). */
void	*account_rows(struct app *, int n, size_t size);
/* The notice for a redirect's ?n= value (created, updated, ...), or
 * NULL. */
const char *account_notice(const char *n);
#endif
