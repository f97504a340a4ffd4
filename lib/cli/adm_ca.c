/* renrakucho-admin ca init, ca server-cert, crl update: the CA's files
 * and the CRL.  cert revoke rewrites the CRL through adm_crl. */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "cfg.h"
#include "db.h"
#include "pki.h"
#include "req.h"
#include "adm.h"

#define ADM_SERVER_DAYS		825

/* --- ca -------------------------------------------------------------- */

/* The CA is set up before the database may exist (first install), so
 * these two verbs write files only; the key stays in ca_dir. */
int
cmd_ca_init(struct adm *a, int argc, char **argv)
{
	const char		*cn = NULL;
	const struct adm_opt	 opts[] = {
		{ "cn", .val = &cn },
		{ NULL }
	};
	int			 rc;

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	if (cn == NULL)
		cn = "renrakucho CA";
	if (adm_valid(a, "--cn", cn, req_v_line, 1, 64) == -1)
		return 2;
	if (adm_ready(a) == -1)
		return 1;
	if (pki_ca_init(cfg_get(CFG_CA_DIR), cn) == -1)
		return 1;	/* pki printed the reason */
	printf("created %s/ca.crt\n", cfg_get(CFG_CA_DIR));
	return 0;
}

int
cmd_ca_server_cert(struct adm *a, int argc, char **argv)
{
	const char		*san = NULL, *days_s = NULL;
	const struct adm_opt	 opts[] = {
		{ "san", .val = &san },
		{ "days", .val = &days_s },
		{ NULL }
	};
	int			 rc, days;

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	if (adm_days(a, days_s, ADM_SERVER_DAYS, &days) == -1 ||
	    adm_valid(a, "--san", san, req_v_line, 0, 1024) == -1)
		return 2;
	if (adm_ready(a) == -1)
		return 1;
	if (pki_server_cert(cfg_get(CFG_CA_DIR), san, days) == -1)
		return 1;	/* pki printed the reason */
	printf("wrote %s/server.crt and server.key (%d days)\n",
	    cfg_get(CFG_CA_DIR), days);
	return 0;
}

/* --- crl ------------------------------------------------------------- */

static void
adm_utc(time_t t, char *buf, size_t n)
{
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, n, "%lld", (long long)t);
}

/* Runs reload_cmd.  A command that ran and failed is only a warning:
 * the CRL file is in place and nginx reads it when it (re)starts; this
 * is the usual case of nginx not running at all.  A command that could
 * not run (126, 127, a signal) is an error: it will never work. */
static int
adm_reload(struct adm *a)
{
	const char	*cmd = cfg_get(CFG_RELOAD_CMD);
	int		 st;

	if (*cmd == '\0')
		return 0;
	fflush(stdout);
	fflush(stderr);
	if ((st = system(cmd)) == -1) {
		adm_errx(a, "reload_cmd: %s", strerror(errno));
		return -1;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st) && WEXITSTATUS(st) != 126 &&
	    WEXITSTATUS(st) != 127) {
		adm_errx(a, "warning: reload_cmd exited with %d (is nginx "
		    "running?); the CRL is written and will be read when "
		    "nginx starts", WEXITSTATUS(st));
		return 0;
	}
	if (WIFEXITED(st))
		adm_errx(a, "reload_cmd could not be run (exit %d): %s",
		    WEXITSTATUS(st), cmd);
	else
		adm_errx(a, "reload_cmd killed by signal %d",
		    WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return -1;
}

/* The CRL from the database: every revoked certificate not yet a day
 * past its own expiry (after that, nginx refuses it as expired). */
int
adm_crl(struct adm *a, int days)
{
	PGresult	*r;
	const char	**serials = NULL;
	const char	*s, *t;
	time_t		*when = NULL;
	char		 next[40];
	long long	 v;
	size_t		 i, n;
	char		 count[24];
	int		 rc = -1;

	if ((r = db_exec(a->db, "SELECT serial,"
	    " extract(epoch FROM revoked_at)::bigint AS revoked"
	    " FROM device_cert WHERE revoked_at IS NOT NULL"
	    " AND not_after > now() - interval '1 day'"
	    " ORDER BY revoked_at, serial", 0, NULL)) == NULL) {
		adm_dberr(a, "revoked certificates");
		return -1;
	}
	n = (size_t)PQntuples(r);
	if ((serials = calloc(n + 1, sizeof(*serials))) == NULL ||
	    (when = calloc(n + 1, sizeof(*when))) == NULL) {
		adm_errx(a, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		s = db_get(r, (int)i, "serial");
		t = db_get(r, (int)i, "revoked");
		if (s == NULL || t == NULL) {
			adm_errx(a, "revoked certificates: unexpected NULL");
			goto out;
		}
		errno = 0;
		v = strtoll(t, NULL, 10);
		if (errno != 0) {
			adm_errx(a, "revocation time out of range: %s", t);
			goto out;
		}
		serials[i] = s;
		when[i] = (time_t)v;
	}
	/* On failure pki prints the reason. */
	if (pki_crl_write(cfg_get(CFG_CA_DIR), cfg_get(CFG_CRL_FILE),
	    serials, when, n, days) == -1)
		goto out;
	adm_utc(time(NULL) + (time_t)days * 86400, next, sizeof(next));
	printf("wrote %s: %zu revoked serial%s, next update %s\n",
	    cfg_get(CFG_CRL_FILE), n, n == 1 ? "" : "s", next);
	snprintf(count, sizeof(count), "%zu revoked", n);
	/* Autocommit: nothing in the database changed, the event records
	 * that the file did. */
	if (adm_audit(a, "cli.crl.update", NULL, NULL, count) == -1)
		goto out;
	if (adm_reload(a) == -1)
		goto out;
	rc = 0;
out:
	free(serials);
	free(when);
	PQclear(r);
	return rc;
}

int
cmd_crl_update(struct adm *a, int argc, char **argv)
{
	const char		*days_s = NULL;
	const struct adm_opt	 opts[] = {
		{ "days", .val = &days_s },
		{ NULL }
	};
	int			 rc, days;

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	if (adm_days(a, days_s, ADM_CRL_DAYS, &days) == -1)
		return 2;
	if (adm_connect(a, 1) == -1 || adm_crl(a, days) == -1)
		return 1;
	return 0;
}

