/* A support team as its members see it: the pages under /teams/{id}/
 * (messages, read receipts) open every request with team_open(), so
 * membership is checked in SQL, the same way, before anything of the
 * team is read or written, and anyone else gets the same audited 404
 * (never a hint whether the team exists). */
#ifndef RK_TEAM_H
#define RK_TEAM_H

struct app;

struct team {
	const char	*id;		/* the team_id passed to team_open */
	char		 patient_id[24];
	char		 patient_name[320];
	int		 is_lead;	/* I am its person in charge (担当者) */
};

/*
 * Opens the transaction (db_begin) and checks that the current user is a
 * member of team_id, the page's first '#', from what app_main read with
 * the session (the page is declared APP_TEAM; no round trip).  1: a member, t filled, the transaction open.
 * 0: not a member (or no such team): an audit event `action` "denied"
 * is committed and the 404 page rendered; the caller just returns.
 * -1: database error; the caller rolls back with an error page.
 */
int	team_open(struct app *, const char *team_id, const char *action,
	    struct team *t);
/* The 404 page of the team pages: for anything not the user's to see. */
void	team_not_found(struct app *);
#endif
