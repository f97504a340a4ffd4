/* The CGI front line: every feature's main() is a call to app_main() with
 * its page table and key table.  Method, path, client certificate,
 * session and CSRF are checked here, centrally, before a handler runs. */
#ifndef RK_APP_H
#define RK_APP_H
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
			 * session in one statement (see team_open) */
	APP_PAGE,	/* APP_SESSION, checked by the page's own statement
			 * (a *_view function, schema/019) with its audit
			 * event and rows: see app_view_session() */
	APP_TEAM_PAGE,	/* APP_PAGE with my membership of the team, as
			 * APP_TEAM */
	APP_NEED__MAX
};

struct app;
typedef void	(*app_handler)(struct app *);

struct app_page {
	/* "/login", "/teams/#/messages": '#' matches one segment of
	 * 1-18 digits without a leading zero, stored in app->id[]. */
	const char	*pattern;
	unsigned	 methods;
	enum app_need	 need;
	app_handler	 fn;
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
};

#define APP_IDS	4

/* APP_TEAM pages: my membership of the team in id[0], as read with the
 * session. */
struct app_team {
	int	 loaded;
	int	 member;
	int	 lead;
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
	/* With a session cookie: its digest and the certificate's, for
	 * app_view_params. */
	char			 view_token[65];
	char			 view_sha[65];
	int			 status;
	const char		*ctype;
	struct buf		 hdr;	/* extra header lines */
	struct buf		 body;
};

/* Runs one request; returns main()'s exit code. */
int	app_main(const char *prog, const struct app_page *, size_t npages,
	    const struct req_key *, size_t nkeys, size_t body_limit);

/* The first four parameters of a page's *_view statement (schema/019;
 * on any page with a session cookie): the session cookie's digest, the
 * certificate's serial and digest, the client's address (text, inet). */
void	app_view_params(const struct app *, const char *p[4]);
/* The session row of a *_view result (row 0, kind 's'): fills a->user
 * (and a->team, from a team page's row) and returns 1.  No row: the cookie
 * opened no session and nothing was written; the page is answered as the
 * front line answers one without a session, and 0 returned.  -1 when r
 * is NULL (the caller answers with app_dberr). */
int	app_view_session(struct app *, const PGresult *r);
/* Replace whatever was rendered by a Japanese error page. */
void	app_error(struct app *, int status, const char *title,
	    const char *message);
/* A database failure: roll the transaction back, then 503 when the
 * connection is gone (try again later), else 500, with a generic page. */
void	app_dberr(struct app *);
/* app_dberr with the page's own title and message (NULL: the generic
 * one), for a page that says what was not saved. */
void	app_dberr_say(struct app *, const char *title, const char *message);
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
 * name are copied, served with Content-Disposition: attachment (the file
 * name RFC 5987 encoded), nosniff and no-store like every response.  The
 * ctype pointer is kept, not copied: it is used when the response is
 * written after the handler returns, so it must outlive the handler (a
 * constant string, never a pointer into a PGresult).  0/-1. */
int	app_download(struct app *, const char *ctype, const char *filename,
	    const void *data, size_t len);
/* The portal's login-help URL (optionally with "#anchor"). */
const char *app_help_url(const char *anchor, char *buf, size_t n);
#endif
