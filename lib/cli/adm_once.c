/* --once: a timer's job run once per period however many web nodes run
 * the timer (schema/023_job_run.sql).
 *
 * The claim is an INSERT of (job, period) into job_run, the first
 * statement of the job's transaction: a second node's INSERT waits on
 * the key until the first commits (then it inserts nothing and says who
 * ran it) or rolls back (then it claims and does the work itself).  So
 * a run that fails leaves no claim, and two runs, at the same moment or
 * hours apart, do the work once.  The period comes from the database's
 * clock, not the node's, so nodes whose clocks differ agree on it. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "cfg.h"
#include "db.h"
#include "adm.h"

/* How long a claim waits for another node's run of the same period to
 * end: a transaction of a job, each statement within
 * statement_timeout_ms, not the statement timeout itself (the second
 * node would fail, its unit marked failed, for a run that went well). */
#define ONCE_WAIT_MS	"600000"

/* to_char() patterns of the periods, Japan time. */
static const char *const once_formats[] = {
	"YYYY-MM-DD",		/* ADM_DAY */
	"YYYY-MM-DD HH24:00",	/* ADM_HOUR */
};

/* The current period by the database's clock (the transaction's
 * start): 0 or -1 with a message. */
static int
once_period(struct adm *a, enum adm_period kind, char *buf, size_t n)
{
	PGresult	*r;
	const char	*p[1] = { once_formats[kind] };

	if ((r = db_exec(a->db, "SELECT to_char(now() AT TIME ZONE"
	    " 'Asia/Tokyo', $1) AS period", 1, p)) == NULL) {
		adm_dberr(a, "job_run");
		return -1;
	}
	snprintf(buf, n, "%s", db_get(r, 0, "period"));
	PQclear(r);
	return 0;
}

/* The INSERT, allowed to wait ONCE_WAIT_MS: 1 inserted, 0 the key was
 * taken (committed by another run), -1 with a message. */
static int
once_insert(struct adm *a, const char *const *p)
{
	PGresult	*r;
	const char	*wait[1] = { ONCE_WAIT_MS };
	const char	*back[1] = { cfg_get(CFG_STATEMENT_TIMEOUT_MS) };
	int		 n;

	if (db_cmd_later(a->db, "SELECT set_config('statement_timeout', $1,"
	    " true)", 1, wait) == -1 || (r = db_exec(a->db,
	    "INSERT INTO job_run (job, period, node) VALUES ($1, $2, $3)"
	    " ON CONFLICT DO NOTHING RETURNING period", 3, p)) == NULL) {
		adm_dberr(a, "job_run");
		return -1;
	}
	n = PQntuples(r);
	PQclear(r);
	if (db_cmd_later(a->db, "SELECT set_config('statement_timeout', $1,"
	    " true)", 1, back) == -1) {
		adm_dberr(a, "job_run");
		return -1;
	}
	return n == 1;
}

/* "audit report: already run for 2026-12-02 by node web2 at ..." */
static int
once_taken(struct adm *a, const char *const *p)
{
	PGresult	*r;

	/* READ COMMITTED: this statement's snapshot sees the row the
	 * INSERT waited for. */
	if ((r = db_exec(a->db, "SELECT node, " ADM_TS("at") " AS at"
	    " FROM job_run WHERE job = $1 AND period = $2", 2, p)) == NULL) {
		adm_dberr(a, "job_run");
		return -1;
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		adm_errx(a, "job_run: the claim of %s %s vanished", p[0], p[1]);
		return -1;
	}
	printf("%s: already run for %s by node %s at %s\n", p[0], p[1],
	    db_get(r, 0, "node"), db_get(r, 0, "at"));
	PQclear(r);
	db_rollback(a->db);
	return 0;
}

int
adm_claim(struct adm *a, const char *period, enum adm_period kind)
{
	char		 job[64], per[48], node[HOST_NAME_MAX + 1];
	const char	*p[3] = { job, per, node };
	int		 rc;

	snprintf(job, sizeof(job), "%s%s%s", a->def->verb,
	    a->def->sub != NULL ? " " : "",
	    a->def->sub != NULL ? a->def->sub : "");
	memset(node, 0, sizeof(node));
	if (gethostname(node, sizeof(node) - 1) == -1 || node[0] == '\0') {
		adm_errx(a, "--once: this host has no name");
		return 1;
	}
	if (period != NULL)
		snprintf(per, sizeof(per), "%s", period);
	else if (once_period(a, kind, per, sizeof(per)) == -1)
		return 1;
	if ((rc = once_insert(a, p)) == -1)
		return 1;
	if (rc == 1)
		return -1;
	return once_taken(a, p) == -1 ? 1 : 0;
}
