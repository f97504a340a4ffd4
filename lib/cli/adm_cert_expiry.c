/* renrakucho-admin cert expiry-notice: the notices of device
 * certificates' coming expiry, 30 and 7 days before
 * (renrakucho-cert-expiry.timer, daily; as the jobs' role when
 * db_jobs_dsn is set).  Which certificates, to whom and what the mails
 * say is cert_expiry_notify()'s (schema/functions/cert_expiry.sql), which
 * records each notice so that a rerun sends nothing twice.  --once: at
 * most one run a Japan-time day across the web nodes (adm_once.c), the
 * claim in the notices' transaction. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "account.h"
#include "cfg.h"
#include "db.h"
#include "adm.h"

int
cmd_cert_expiry_notice(struct adm *a, int argc, char **argv)
{
	PGresult	*r = NULL;
	char		 url[512], detail[96];
	const char	*p[2] = { url, cfg_get(CFG_SERVICE_NAME) };
	const char	*v30[2] = { "0", "0" }, *v7[2] = { "0", "0" }, *d;
	long		 mails;
	int		 i, once = 0, rc;
	const struct adm_opt opts[] = {
		{ "once", .flag = &once },
		{ NULL }
	};

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	rc = 1;
	if (adm_connect_jobs(a) == -1 || db_begin(a->db) == -1)
		goto out;
	if (once && (rc = adm_claim(a, NULL, ADM_DAY)) != -1)
		goto out;
	rc = 1;
	/* The link the mails give: the app's login page. */
	account_login_url(url, sizeof(url));
	if ((r = db_exec(a->db, "SELECT days, certs, mails"
	    " FROM cert_expiry_notify($1, $2)", 2, p)) == NULL) {
		adm_dberr(a, "cert_expiry_notify");
		goto out;
	}
	for (i = 0; i < PQntuples(r); i++) {
		if ((d = db_get(r, i, "days")) == NULL)
			continue;
		if (strcmp(d, "30") == 0) {
			v30[0] = db_get(r, i, "certs");
			v30[1] = db_get(r, i, "mails");
		} else if (strcmp(d, "7") == 0) {
			v7[0] = db_get(r, i, "certs");
			v7[1] = db_get(r, i, "mails");
		}
	}
	mails = strtol(v30[1], NULL, 10) + strtol(v7[1], NULL, 10);
	/* Counts in words, as jobs_audit() takes them. */
	snprintf(detail, sizeof(detail), "%s at 30 days, %s at 7 days, %ld"
	    " mails queued", v30[0], v7[0], mails);
	if (adm_audit(a, "cli.cert.expiry_notice", "device_cert", NULL,
	    detail) == -1 || adm_commit(a) == -1)
		goto out;
	printf("%s\n", detail);
	rc = 0;
out:
	PQclear(r);
	if (rc != 0 && a->db != NULL)
		db_rollback(a->db);
	return rc;
}
