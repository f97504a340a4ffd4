/* renrakucho-admin session purge, mail purge, pickup purge: deleting
 * what is past keeping (renrakucho-purge.timer), as the jobs' role when
 * db_jobs_dsn is set. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "db.h"
#include "pickup.h"
#include "adm.h"

/* One DELETE of what is past keeping and its audit event ("N <what>
 * deleted"), in one transaction; prints the count. */
static int
adm_purge(struct adm *a, const char *sql, int n, const char *const *p,
    const char *action, const char *otype, const char *what)
{
	PGresult	*r = NULL;
	char		 detail[64];
	int		 rc = 1;

	/* The jobs' role or the owner: the app role may not DELETE. */
	if (adm_connect_jobs(a) == -1 || db_begin(a->db) == -1)
		goto out;
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
	int	 rc;

	if ((rc = adm_parse(a, argc, argv, adm_noopts)) != -1)
		return rc;
	return adm_purge(a, "DELETE FROM session"
	    " WHERE ended_at < now() - interval '30 days'"
	    " OR expires_at < now() - interval '30 days'", 0, NULL,
	    "cli.session.purge", "session", "sessions");
}

/* --- mail ------------------------------------------------------------ */

#define ADM_MAIL_KEEP_DAYS	90

/* Sent mail by when it was sent; given-up mail (never due again, see
 * lib/mail.c) by when it was queued.  Mail still being tried stays. */
int
cmd_mail_purge(struct adm *a, int argc, char **argv)
{
	const char		*days_s = NULL;
	const struct adm_opt	 opts[] = {
		{ "days", .val = &days_s },
		{ NULL }
	};
	char			 days[16];
	const char		*p[1] = { days };
	int			 d, rc;

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	if (adm_days(a, days_s, ADM_MAIL_KEEP_DAYS, &d) == -1)
		return 2;
	snprintf(days, sizeof(days), "%d", d);
	return adm_purge(a, "DELETE FROM mail_outbox"
	    " WHERE (sent_at IS NOT NULL AND sent_at < now()"
	    " - make_interval(days => $1::int))"
	    " OR (sent_at IS NULL AND next_attempt_at = 'infinity'"
	    " AND created_at < now() - make_interval(days => $1::int))",
	    1, p, "cli.mail.purge", "mail_outbox", "mails");
}

/* --- pickup ---------------------------------------------------------- */

int
cmd_pickup_purge(struct adm *a, int argc, char **argv)
{
	char		 detail[48];
	long		 n;
	int		 rc;

	if ((rc = adm_parse(a, argc, argv, adm_noopts)) != -1)
		return rc;
	if (adm_connect_jobs(a) == -1 || db_begin(a->db) == -1)
		return 1;
	if ((n = pickup_purge(a->db)) == -1) {
		adm_dberr(a, "pickup");
		db_rollback(a->db);
		return 1;
	}
	snprintf(detail, sizeof(detail), "%ld bundles deleted", n);
	if (adm_audit(a, "cli.pickup.purge", "pickup", NULL, detail) == -1 ||
	    adm_commit(a) == -1) {
		db_rollback(a->db);
		return 1;
	}
	printf("%ld\n", n);
	return 0;
}

