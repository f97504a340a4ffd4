/* A temporary password for a person who forgot theirs, set by their
 * facility administrator (/facility/staff/{id}/password) or an operator
 * (/operator/accounts/{id}/password): the confirmation page (GET) and
 * the reset with its one-time result page (POST), which both menus
 * share.  The caller has checked who may reset whom and holds the
 * target's row in an open transaction; this ends it. */
#ifndef RK_PWRESET_H
#define RK_PWRESET_H

struct app;

struct pwreset_target {
	const char	*id;		/* the account to reset */
	const char	*name;
	const char	*login;
	const char	*facility;	/* its facility's name */
	const char	*base;		/* the menu's accounts: base/id is the
					 * account's page, base/id/password
					 * this one */
	const char	*stamp;		/* the form's "stamp" (POST), or NULL */
	const char	*audit;		/* the event, on the account */
	const char	*by_role;	/* 施設管理者, 事務局: in the mail */
};

/* The declaration of the form's stamp key for a CGI's key table. */
#define PWRESET_STAMP_KEY	{ "stamp", req_v_int, 0, INT64_MAX }

/* My own account: 409 (My Profile changes it), the event denied "own
 * account".  GET: the confirmation form.  POST: the reset
 * (account_reset_password) and its event (success: "N sessions ended";
 * denied: "stale form" when the form's stamp is not the account's, a
 * reload or another reset meanwhile: 409 and no password), then the
 * password, once. */
void	pwreset_page(struct app *, const struct pwreset_target *);
#endif
