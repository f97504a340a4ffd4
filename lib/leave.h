/* Leaving without orphaning a team.  An account that is the last live
 * 担当者 of an open team names a successor among the team's live staff
 * members when it is deleted (/profile/delete, /facility/staff/{id}/
 * delete): one select per such team in the deletion form, the
 * promotions in the deletion's transaction.  A team with no other live
 * staff member is left 担当者不在 -- a derived state, not a column: an
 * open team none of whose 担当者 is a live staff account -- which the
 * operator's /operator/teams lists.  Deleting keeps the account's
 * team_member rows (so a closed team's triggers are never touched);
 * "left" is account.deleted_at. */
#ifndef RK_LEAVE_H
#define RK_LEAVE_H
#include <stddef.h>

#include <libpq-fe.h>

struct app;
struct req;

/* SQL: team t has a live 担当者 (a 'lead' row of a live staff account)
 * other than account `who` (an expression; "0" for anyone). */
#define LEAVE_SQL_LIVE_LEAD(t, who) "EXISTS (SELECT 1 FROM team_member l" \
	" JOIN account la ON la.id = l.account_id AND la.is_staff" \
	" AND la.deleted_at IS NULL WHERE l.team_id = " t \
	" AND l.role = 'lead' AND l.account_id <> " who ")"
/* SQL: team row t is 担当者不在 (open, no live 担当者). */
#define LEAVE_SQL_ORPHAN(t) "(" t ".closed_at IS NULL AND NOT " \
	LEAVE_SQL_LIVE_LEAD(t ".id", "0") ")"

/* At most this many teams get a successor select (keys successor1..). */
#define LEAVE_MAX	20
/* A CGI puts LEAVE_KEYS at index `base` of its key table (LEAVE_MAX
 * slots); a value is "TEAM-ACCOUNT". */
#define LEAVE_KEY(n)	{ "successor" #n, req_v_token, 3, 41 }
#define LEAVE_KEYS \
	LEAVE_KEY(1), LEAVE_KEY(2), LEAVE_KEY(3), LEAVE_KEY(4), \
	LEAVE_KEY(5), LEAVE_KEY(6), LEAVE_KEY(7), LEAVE_KEY(8), \
	LEAVE_KEY(9), LEAVE_KEY(10), LEAVE_KEY(11), LEAVE_KEY(12), \
	LEAVE_KEY(13), LEAVE_KEY(14), LEAVE_KEY(15), LEAVE_KEY(16), \
	LEAVE_KEY(17), LEAVE_KEY(18), LEAVE_KEY(19), LEAVE_KEY(20)

/* The refusals, as the pages show them. */
#define LEAVE_MSG_MISSING "唯一の担当者となっている支援チームがあります。" \
	"支援チームごとに、後任の担当者を選んでください。"
#define LEAVE_MSG_BAD "後任の担当者には、その支援チームのメンバーを" \
	"選んでください。"

struct leave_cand {
	const char	*id, *name, *profession, *facility;
	char		 value[48];	/* TEAM-ACCOUNT */
	int		 chosen;
};

struct leave_team {
	const char	*team_id;
	const char	*patient;	/* NULL unless loaded with names */
	char		 key[16];	/* successorN */
	struct leave_cand *c;
	int		 n;		/* 0: it will be 担当者不在 */
	const char	*chosen;	/* account id, after leave_choose */
};

struct leave {
	PGresult	*r;
	struct leave_team *t;
	int		 n;		/* teams (at most LEAVE_MAX) */
	int		 orphans;	/* of them, with no candidate */
};

/* The open teams whose last live 担当者 is account, with their
 * candidates; lock: the team rows FOR UPDATE first (the deletion's
 * transaction); names: with the patient's name (only for the member
 * itself).  0 or -1. */
int	leave_load(PGconn *, const char *account, int lock, int names,
	    struct leave *);
/* The successors sent (keys base..base+LEAVE_MAX): 1 every team with a
 * candidate has exactly one of its candidates, 0 not (*err: one of the
 * LEAVE_MSG_ texts; *bad: 1 when a value named no candidate). */
int	leave_choose(struct leave *, const struct req *, size_t base,
	    const char **err, int *bad);
/* Makes the chosen successors 担当者; detail (n bytes) gets
 * "successors: team T account A, ...; K teams without a 担当者" (or
 * nothing when no team needed one).  0 or -1. */
int	leave_promote(PGconn *, const struct leave *, char *detail,
	    size_t n);
void	leave_free(struct leave *);

/* Deleting another person's account (lib/leave_page.c): the facility
 * administrator's /facility/staff/{id}/delete and the operator's
 * /operator/accounts/{id}/delete.  The caller has checked who may
 * delete whom and holds the account's live row, locked, in an open
 * transaction; this ends it. */
struct leave_target {
	const char	*id;		/* the account to delete */
	const PGresult	*r;		/* its row: name, login, is_operator */
	const char	*base;		/* base/id is the account's page,
					 * base/id/delete this one */
	const char	*audit;		/* the event, on the account */
	const char	*done;		/* where a deletion redirects */
	size_t		 key;		/* the CGI's LEAVE_KEYS index */
};

/* My own account (My Profile deletes it) and the last live operator
 * (the service always keeps one): 409, the event denied "own account",
 * "last operator".  GET: the confirmation with its successor selects.
 * POST: the successors (422 and the event failure "successor missing",
 * "bad successor" when refused), then leave_promote and account_delete
 * (its certificates revoked, its pickups cancelled) in one transaction;
 * the event success "N certificates revoked, M pickups cancelled[;
 * successors: ...]". */
void	leave_delete_page(struct app *, const struct leave_target *);
#endif
