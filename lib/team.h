/* Membership of a support team.  One check, team_membership() in
 * schema/functions/teams.sql, says whether I am a member of a team, its
 * person in charge (担当者), and whose team it is; every page reads it
 * into a->team (struct app_team, app.h): the pages under /teams/{id}/
 * (APP_TEAM) with the session or in their view statement, the patient
 * pages with team_of_patient().  Anyone else gets the same audited 404
 * (never a hint whether the team or patient exists). */
#ifndef RK_TEAM_H
#define RK_TEAM_H
#include <libpq-fe.h>

struct app;
struct app_team;

/* Row `row` of a result with team_membership's columns as team_id,
 * team_patient_id, team_patient_name, team_lead (NULL team_patient_id:
 * not a member) into t; team_id is taken from the row when it has the
 * column, else from team_id. */
void	team_copy(struct app_team *t, const PGresult *r, int row,
	    const char *team_id);
/*
 * APP_TEAM pages without a view statement: opens the transaction
 * (db_begin) for the team in a->id[0], whose membership the front line
 * read with the session (no round trip).  1: a member (a->team), the
 * transaction open.  0: not a member (or no such team): an audit event
 * `action` "denied" is committed and the 404 page rendered; the caller
 * just returns.  -1: database error; the caller rolls back with an
 * error page.
 */
int	team_open(struct app *, const char *action);
/*
 * My membership of the team of the patient patient_id, in the open
 * transaction, into a->team (team_membership, one statement).  1 a
 * member, 0 not (or no such patient), -1 database error.
 */
int	team_of_patient(struct app *, const char *patient_id);
/* The 404 page of the team pages: for anything not the user's to see. */
void	team_not_found(struct app *);

/*
 * The end of support (019_team_close.sql, cgi-bin/patient-close.c): the
 * reasons a 担当者 may give, as stored (team.close_reason) and as shown.
 */
enum team_close_reason {
	TEAM_CLOSE_DEATH,	/* 死亡 */
	TEAM_CLOSE_MOVED,	/* 転出 */
	TEAM_CLOSE_FACILITY,	/* 施設入所 */
	TEAM_CLOSE_OTHER,	/* その他 */
	TEAM_CLOSE__MAX
};
extern const char *const team_close_codes[TEAM_CLOSE__MAX];
extern const char *const team_close_labels[TEAM_CLOSE__MAX];
/* The label of a stored code ("その他" for an unknown one). */
const char	*team_close_label(const char *code);
/* Ends the support of team (its row locked by the caller, in the open
 * transaction), as the account by, on closed_on (YYYY-MM-DD), for the
 * reason code with note ("" but for その他): its pending join requests
 * are rejected, its patient's registration archived, then the team is
 * closed (a read-only archive).  detail
 * (n bytes) gets the audit detail "CODE; N pending join requests
 * rejected".  1 closed, 0 already closed, -1 database error.  The
 * 担当者's /patients/{id}/close and the operator's /operator/teams. */
int	team_close(PGconn *, const char *team, const char *by,
	    const char *closed_on, const char *code, const char *note,
	    char *detail, size_t n);
/* The team's pending join requests rejected by the account by, in the
 * open transaction (the end of support, the withdrawal of consent):
 * their number, or -1 on a database error. */
int	team_join_reject(PGconn *, const char *team, const char *by);
/* Was the last statement refused because the team is closed (the
 * triggers of schema/functions/teams.sql: 55000, team_closed)? */
int	team_closed_error(void);
/* Was it refused because the patient withdrew the consent (the same
 * triggers: 55000, consent_withdrawn; 020_consent.sql)? */
int	team_withdrawn_error(void);
#endif
