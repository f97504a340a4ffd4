/* renrakucho-admin mail deliver: the outbox through the sendmail command
 * (renrakucho-mail.timer, every minute; as the jobs' role when
 * db_jobs_dsn is set); the delivery itself is lib/mail.c's. */
#include "config.h"

#include <signal.h>
#include <stdio.h>

#include <libpq-fe.h>

#include "db.h"
#include "mail.h"
#include "adm.h"

#define ADM_MAIL_LIMIT_MAX	100000

int
cmd_mail_deliver(struct adm *a, int argc, char **argv)
{
	const char		*limit_s = NULL;
	const struct adm_opt	 opts[] = {
		{ "limit", .val = &limit_s },
		{ NULL }
	};
	struct mail_counts	 n;
	long long		 limit = 1000;
	char			 detail[96];
	int			 rc;

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	rc = 0;
	if (limit_s != NULL && adm_num(a, "--limit", limit_s, 1,
	    ADM_MAIL_LIMIT_MAX, &limit) == -1)
		return 2;
	/* A sendmail that exits early must not kill us mid-write. */
	signal(SIGPIPE, SIG_IGN);
	if (adm_connect_jobs(a) == -1)
		return 1;
	if ((rc = mail_deliver(a->db, (long)limit, &n)) == -1)
		adm_dberr(a, "mail_outbox");
	printf("sent %ld, failed %ld, gave up %ld\n", n.sent, n.failed,
	    n.gaveup);
	if (n.sent + n.failed + n.gaveup > 0) {
		snprintf(detail, sizeof(detail), "sent %ld, failed %ld,"
		    " gave up %ld", n.sent, n.failed, n.gaveup);
		if (db_begin(a->db) == -1 || adm_audit(a, "cli.mail.deliver",
		    "mail_outbox", NULL, detail) == -1 ||
		    adm_commit(a) == -1) {
			db_rollback(a->db);
			return 1;
		}
	}
	return rc == -1 ? 1 : 0;
}

