/* renrakucho-admin session purge, mail purge, pickup purge: deleting
 * what is past keeping (renrakucho-purge.timer), as the jobs' role when
 * db_jobs_dsn is set.  --once: at most once per Japan-time hour across
 * the web nodes (adm_once.c); each verb is one transaction, the claim
 * its first statement. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "cfg.h"
#include "db.h"
#include "pickup.h"
#include "adm.h"

/* One DELETE of what is past keeping and its audit event ("N <what>
 * deleted"), in one transaction; prints the count.  once: claimed for
 * the hour first. */
static int
adm_purge(struct adm *a, int once, const char *sql, int n,
    const char *const *p, const char *action, const char *otype,
    const char *what)
{
	PGresult	*r = NULL;
	char		 detail[64];
	int		 rc = 1;

	/* The jobs' role or the owner: the app role may not DELETE. */
	if (adm_connect_jobs(a) == -1 || db_begin(a->db) == -1)
		goto out;
	if (once && (rc = adm_claim(a, NULL, ADM_HOUR)) != -1)
		goto out;
	rc = 1;
	if ((r = db_exec(a->db, sql, n, p)) == NULL) {
		adm_dberr(a, otype);
		goto out;
	}
	snprintf(detail, sizeof(detail), "%s %s deleted", PQcmdTuples(r),
	    what);
	if (adm_audit(a, action, otype, NULL, detail) == -1 ||
	    adm_commit(a) == -1)
		goto out;
	printf("%s\n", PQcmdTuples(r));
	rc = 0;
out:
	PQclear(r);
	if (rc != 0 && a->db != NULL)
		db_rollback(a->db);
	return rc;
}

/* --- session --------------------------------------------------------- */

int
cmd_session_purge(struct adm *a, int argc, char **argv)
{
	int			 once = 0, rc;
	const struct adm_opt	 opts[] = {
		{ "once", .flag = &once },
		{ NULL }
	};

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	return adm_purge(a, once, "DELETE FROM session"
	    " WHERE ended_at < now() - interval '30 days'"
	    " OR expires_at < now() - interval '30 days'", 0, NULL,
	    "cli.session.purge", "session", "sessions");
}

/* --- mail ------------------------------------------------------------ */

#define ADM_MAIL_KEEP_DAYS	90

/* Sent mail by when it was sent; given-up mail (never due again, see
 * lib/mail.c) by when it was queued.  Mail still being tried stays.
 * Then the bodies of mail sent mail_body_keep_days ago or more are
 * emptied (mail_body_purge, functions/audit_purge.sql): who was mailed
 * what subject, and when, stays for the audit.  Prints the mails
 * deleted; the event counts both. */
int
cmd_mail_purge(struct adm *a, int argc, char **argv)
{
	const char		*days_s = NULL;
	int			 once = 0;
	const struct adm_opt	 opts[] = {
		{ "days", .val = &days_s },
		{ "once", .flag = &once },
		{ NULL }
	};
	char			 days[16], detail[80];
	const char		*p[1] = { days };
	PGresult		*r = NULL, *b = NULL;
	long long		 keep;
	int			 d, rc;

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	if (adm_days(a, days_s, ADM_MAIL_KEEP_DAYS, &d) == -1)
		return 2;
	if (adm_ready(a) == -1 || adm_num(a, "mail_body_keep_days",
	    cfg_get(CFG_MAIL_BODY_KEEP_DAYS), 0, ADM_DAYS_MAX, &keep) == -1)
		return 1;
	rc = 1;
	snprintf(days, sizeof(days), "%d", d);
	if (adm_connect_jobs(a) == -1 || db_begin(a->db) == -1)
		goto out;
	if (once && (rc = adm_claim(a, NULL, ADM_HOUR)) != -1)
		goto out;
	rc = 1;
	if ((r = db_exec(a->db, "DELETE FROM mail_outbox"
	    " WHERE (sent_at IS NOT NULL AND sent_at < now()"
	    " - make_interval(days => $1::int))"
	    " OR (sent_at IS NULL AND next_attempt_at = 'infinity'"
	    " AND created_at < now() - make_interval(days => $1::int))",
	    1, p)) == NULL) {
		adm_dberr(a, "mail_outbox");
		goto out;
	}
	snprintf(days, sizeof(days), "%lld", keep);
	if ((b = db_exec(a->db, "SELECT mail_body_purge($1::int) AS n", 1,
	    p)) == NULL) {
		adm_dberr(a, "mail_outbox");
		goto out;
	}
	snprintf(detail, sizeof(detail), "%s mails deleted, %s bodies emptied",
	    PQcmdTuples(r), db_get(b, 0, "n"));
	if (adm_audit(a, "cli.mail.purge", "mail_outbox", NULL, detail) ==
	    -1 || adm_commit(a) == -1)
		goto out;
	printf("%s\n", PQcmdTuples(r));
	rc = 0;
out:
	PQclear(r);
	PQclear(b);
	if (rc != 0 && a->db != NULL)
		db_rollback(a->db);
	return rc;
}

/* --- pickup ---------------------------------------------------------- */

/* Expired bundles (their certificates revoked), then the failed
 * attempts older than pickup_failure_keep_days, which only the
 * per-address limit reads.  Prints the bundles; the event counts
 * both. */
int
cmd_pickup_purge(struct adm *a, int argc, char **argv)
{
	char			 detail[80], days[24];
	const char		*p[1] = { days };
	PGresult		*r = NULL;
	long long		 keep;
	long			 n;
	int			 once = 0, rc;
	const struct adm_opt	 opts[] = {
		{ "once", .flag = &once },
		{ NULL }
	};

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	if (adm_ready(a) == -1 || adm_num(a, "pickup_failure_keep_days",
	    cfg_get(CFG_PICKUP_FAILURE_KEEP_DAYS), 1, ADM_DAYS_MAX,
	    &keep) == -1)
		return 1;
	if (adm_connect_jobs(a) == -1 || db_begin(a->db) == -1)
		return 1;
	if (once && (rc = adm_claim(a, NULL, ADM_HOUR)) != -1)
		goto out;
	rc = 1;
	if ((n = pickup_purge(a->db)) == -1) {
		adm_dberr(a, "pickup");
		goto out;
	}
	snprintf(days, sizeof(days), "%lld", keep);
	if ((r = db_exec(a->db, "DELETE FROM pickup_failure"
	    " WHERE at < now() - make_interval(days => $1::int)", 1,
	    p)) == NULL) {
		adm_dberr(a, "pickup_failure");
		goto out;
	}
	snprintf(detail, sizeof(detail), "%ld bundles deleted, %s failures"
	    " deleted", n, PQcmdTuples(r));
	if (adm_audit(a, "cli.pickup.purge", "pickup", NULL, detail) == -1 ||
	    adm_commit(a) == -1)
		goto out;
	printf("%ld\n", n);
	rc = 0;
out:
	PQclear(r);
	if (rc != 0)
		db_rollback(a->db);
	return rc;
}
