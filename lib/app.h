/* The CGI front line: every feature's main() is a call to app_main() with
 * its page table and key table.  The table is checked at start-up
 * (app_pages_check); then method, path, client certificate, session,
 * team membership, the POST's rule (CSRF) and the page's view statement
 * are checked here, centrally, before a handler runs. */
#ifndef RK_APP_H
#define RK_APP_H
#include <stddef.h>
#include <stdint.h>
#include <libpq-fe.h>

#include "auth.h"
#include "buf.h"
#include "req.h"

#define APP_GET		0x01u	/* GET and HEAD */
#define APP_POST	0x02u

/* What a page needs before its handler runs. */
enum app_need {
	APP_CERT,	/* an active device certificate (the login page) */
	APP_SESSION,	/* the above plus a live session bound to it */
	APP_NOCERT,	/* the portal: no client certificate at all */
	APP_TEAM,	/* APP_SESSION, and my membership of the team whose
			 * id is the pattern's first '#', read with the
			 * session in one statement (team_membership, in
			 * a->team; see team_open) */
	APP_NEED__MAX
};

/* How a POST shows that it comes from this site's own form.  Each need
 * has its one rule (app_pages_check refuses any other pairing). */
enum app_post {
	APP_POST_CSRF,	/* APP_SESSION, APP_TEAM: the session's token in
			 * the form's "csrf" key; else the front line's
			 * "csrf" denied event and 403 */
	APP_POST_LOGIN,	/* APP_CERT, before any session: the form's "csrf"
			 * equals the pre-session __Host-rkl cookie */
	APP_POST_ORIGIN,	/* APP_NOCERT (no cookie, no session): an
			 * Origin header, when sent, is the portal's own */
	APP_POST__MAX
};

struct app;
typedef void	(*app_handler)(struct app *);

/* The staff role (利用者) of the session row's account, as a column of
 * the statement that reads the session (alias: the session row). */
#define APP_SQL_IS_STAFF(s)	"(SELECT ia.is_staff FROM account ia" \
	" WHERE ia.id = " s ".account_id)"

/* The same for a view statement's rows: on its session row (kind 's')
 * only. */
#define APP_SQL_VIEW_IS_STAFF(v)	"CASE WHEN " v ".kind = 's' THEN " \
	APP_SQL_IS_STAFF(v) " END"

#define APP_VIEW_PARAMS	4	/* a view's own parameters, at most */

/*
 * A page's view statement: one *_view function call (schema/functions/
 * pages.sql) that checks the session, writes the page's audit event and
 * returns the session row (row 0, kind 's') and the page's rows, in one
 * round trip.  $1-$4 are the front line's: the session cookie's digest,
 * the certificate's serial and digest, the client's address (text, for
 * $4::inet).  params (or NULL: none) fills the page's own ($5...) from
 * validated keys and the '#' ids and returns how many, or -1 when it
 * has answered the request itself (a 400 for an invalid key).
 */
struct app_view {
	const char	*sql;
	int		(*params)(struct app *, const char *p[APP_VIEW_PARAMS]);
};

struct app_page {
	/* "/login", "/teams/#/messages": '#' matches one segment of
	 * 1-18 digits without a leading zero, stored in app->id[]. */
	const char	*pattern;
	unsigned	 methods;
	enum app_need	 need;
	app_handler	 fn;
	/* POST pages: the rule of their need (APP_POST_CSRF, the default,
	 * for the pages with a session). */
	enum app_post	 post;
	/* APP_POST_LOGIN and APP_POST_ORIGIN: answers a POST that fails
	 * its rule (the page's own event and page); the pages with a
	 * session have the front line's. */
	app_handler	 refused;
	/* NULL, or the GET page's view statement: the front line runs it
	 * instead of the session check, and the handler reads its rows
	 * in app->view (a team page's non-members get the 404, their
	 * denied event written by the statement). */
	const struct app_view *view;
	/* Only accounts with the staff role (利用者): the front line
	 * answers anyone else with 403 and a "staff.access" denied event
	 * (the operator and facility administrator pages check their own
	 * role in their handlers).  APP_SESSION or APP_TEAM pages without a
	 * view statement. */
	int		 staff;
};

struct app_user {
	char	 account_id[24];
	char	 facility_id[24];
	char	 session_id[24];
	char	 login[72];
	char	 name[320];
	char	 profession[160];
	char	 facility_name[640];
	char	 last_login[64];	/* the login before this session's, Japan
					 * time, Japanese format; "" if none */
	char	 csrf[AUTH_TOKEN_LEN + 1];
	int	 is_operator;
	int	 is_facility_admin;
	int	 is_staff;
};

#define APP_IDS	4

/* My membership of a support team, as team_membership() (schema/
 * functions/teams.sql) tells it: on APP_TEAM pages the team in id[0],
 * read with the session; on the patient pages the team of the patient
 * (team_of_patient). */
struct app_team {
	int	 loaded;
	int	 member;
	int	 lead;		/* I am its person in charge (担当者) */
	char	 team_id[24];
	char	 patient_id[24];
	char	 patient_name[320];
};

struct app {
	struct req		 req;
	PGconn			*db;
	const struct app_page	*page;
	char			 id[APP_IDS][20];	/* '#' segments, as text */
	size_t			 nid;
	int			 logged_in;
	struct app_user		 user;
	struct app_team		 team;
	/* The page's view statement's result (struct app_view), cleared
	 * by the front line after the handler. */
	PGresult		*view;
	/* With a session cookie: its digest and the certificate's, for
	 * the session check and the view statement. */
	char			 view_token[65];
	char			 view_sha[65];
	int			 status;
	const char		*ctype;
	struct buf		 hdr;	/* extra header lines */
	struct buf		 body;
};

/* Runs one request; returns main()'s exit code.  A page table that
 * fails app_pages_check is refused before the request is read: the
 * reason logged, a 500 answered. */
int	app_main(const char *prog, const struct app_page *, size_t npages,
	    const struct req_key *, size_t nkeys, size_t body_limit);
/* Is the page table consistent?  Every POST page carries its need's
 * rule (struct app_post; a "csrf" key declared where the rule reads
 * one, a refusal handler where the page answers it), a view statement
 * only on a GET page with a session, APP_TEAM only with a '#'.  0, or
 * -1 with the first fault in why. */
int	app_pages_check(const struct app_page *, size_t npages,
	    const struct req_key *, size_t nkeys, char *why, size_t whysz);
/* The page's view statement again, in the transaction the handler
 * opened, with its COMMIT (a refused form shown again over the page's
 * rows), checked as the front line checks it: 1 with a->view replaced,
 * 0 when the request is answered (no session, not a member, invalid
 * key), -1 on a database error (the caller answers). */
int	app_view_commit(struct app *, const struct app_view *);
/* Replace whatever was rendered by a Japanese error page. */
void	app_error(struct app *, int status, const char *title,
	    const char *message);
/* A database failure: roll the transaction back, then 503 when the
 * connection is gone (try again later), else 500, with a generic page. */
void	app_dberr(struct app *);
/* app_dberr with the page's own title and message (NULL: the generic
 * one), for a page that says what was not saved. */
void	app_dberr_say(struct app *, const char *title, const char *message);
/* The 409 page of a read-only team, why being the name of
 * team_read_only() (schema/functions/teams.sql): "team_closed" (the
 * support ended) or "consent_withdrawn". */
void	app_read_only(struct app *, const char *why);
/* 303 See Other to a path on this server (must start with "/"). */
void	app_redirect(struct app *, const char *path);
/* An extra response header; refused (logged, dropped) if it holds CR/LF. */
void	app_header(struct app *, const char *name, const char *value);
/* The shared layout around a page's own template. */
void	app_layout_begin(struct app *, const char *title);
void	app_layout_end(struct app *);
/* An audit event as the current user/certificate; 0/-1. */
int	app_audit(struct app *, const char *action, const char *object_type,
	    const char *object_id, const char *patient_id,
	    const char *outcome, const char *detail);
/* The value of a declared key if it passed validation, else NULL. */
const char *app_val(const struct app *, size_t key);
/* A declared key that was sent but failed validation (a crafted or
 * damaged address such as ?before=abc): answers 400 with a Japanese
 * page and returns 1; 0 when the key is absent or valid. */
int	app_refuse_invalid(struct app *, size_t key);
/* Create a session for account_id on the current certificate and set the
 * cookie (in the caller's transaction); 0/-1. */
int	app_session_start(struct app *, const char *account_id);
/* End the current session (logout); 0/-1. */
int	app_session_end(struct app *, const char *reason);
/* Answer with a file download instead of a page: the bytes and the file
 * name (cleaned again by upload_name(), "download" if nothing is left)
 * are copied, served with Content-Disposition: attachment, or inline for
 * the images of upload_inline(), the name as filename*=UTF-8'' (RFC
 * 5987) after an ASCII filename= fallback (the name itself when plain
 * ASCII, else "download" and the name's extension: "download.pdf"),
 * nosniff and no-store like every response.  The
 * ctype pointer is kept, not copied: it is used when the response is
 * written after the handler returns, so it must outlive the handler (a
 * constant string, never a pointer into a PGresult).  0/-1. */
int	app_download(struct app *, const char *ctype, const char *filename,
	    const void *data, size_t len);
/* The portal's login-help URL (optionally with "#anchor"). */
const char *app_help_url(const char *anchor, char *buf, size_t n);
#endif
