/* renrakucho-admin session purge, pickup purge: deleting what is past
 * keeping (cron). */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <libpq-fe.h>

#include "db.h"
#include "pickup.h"
#include "adm.h"

/* --- session --------------------------------------------------------- */

int
cmd_session_purge(struct adm *a, int argc, char **argv)
{
	PGresult	*r = NULL;
	char		 detail[48];
	int		 rc;

	if ((rc = adm_parse(a, argc, argv, adm_noopts)) != -1)
		return rc;
	rc = 1;
	/* As the owner: the app role may not DELETE. */
	if (adm_connect(a, 1) == -1 || db_begin(a->db) == -1)
		goto out;
	if ((r = db_exec(a->db, "DELETE FROM session"
	    " WHERE ended_at < now() - interval '30 days'"
	    " OR expires_at < now() - interval '30 days'", 0, NULL)) == NULL) {
		adm_dberr(a, "session");
		goto out;
	}
	snprintf(detail, sizeof(detail), "%s sessions deleted",
	    PQcmdTuples(r));
	if (adm_audit(a, "cli.session.purge", "session", NULL,
	    detail) == -1 || adm_commit(a) == -1)
		goto out;
	printf("%s\n", PQcmdTuples(r));
	rc = 0;
out:
	PQclear(r);
	if (rc != 0)
		db_rollback(a->db);
	return rc;
}

int
cmd_pickup_purge(struct adm *a, int argc, char **argv)
{
	char		 detail[48];
	long		 n;
	int		 rc;

	if ((rc = adm_parse(a, argc, argv, adm_noopts)) != -1)
		return rc;
	if (adm_connect(a, 1) == -1 || db_begin(a->db) == -1)
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

