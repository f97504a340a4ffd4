/* What the two files of the operator CGI share: operator.c (the menu,
 * facilities, accounts, certificates, notices, main) and
 * operator-stats.c (/operator/stats: usage at a glance, its CSV). */
#ifndef RK_CGI_OPERATOR_H
#define RK_CGI_OPERATOR_H

struct app;

/* 1 for an operator; else answers 403 with an "operator.access"
 * denied event and returns 0. */
int	operator_allowed(struct app *);

/* The pages of operator-stats.c.  kind: the CSV's ?kind= (validated
 * as a token, NULL when absent or invalid). */
void	operator_stats(struct app *);
void	operator_stats_csv(struct app *, const char *kind);

/* The pages of operator-teams.c (/operator/teams): the 担当者不在
 * teams; naming a 担当者 (account: the validated id, or NULL); ending
 * the support (note: the validated note, or NULL). */
void	operator_teams(struct app *, const char *notice);
void	operator_team_lead(struct app *, const char *account);
void	operator_team_close(struct app *, const char *note);
#endif
