/* renrakucho-admin ca init, ca server-cert, crl update: the CA's files
 * and the CRL.  ca init and ca server-cert work on cfg ca_dir locally
 * (root, before anything runs); the CRL is signed by renrakucho-signer,
 * asked over cfg signer_socket.  cert revoke rewrites the CRL through
 * adm_crl. */
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
#include "pki_ca.h"
#include "signer.h"
#include "req.h"
#include "adm.h"

#define ADM_SERVER_DAYS		825
#define ADM_CRL_MAX		(4 * 1024 * 1024)	/* bytes */
/* crl update --if-changed renews a CRL this close to its nextUpdate. */
#define ADM_CRL_RENEW		(2 * 86400)

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

/* The current CRL file, whole, or NULL (missing: *missing set). */
static char *
adm_crl_read(struct adm *a, const char *path, size_t *lenp, int *missing)
{
	FILE	*f;
	char	*buf;
	size_t	 len;

	*missing = 0;
	if ((f = fopen(path, "re")) == NULL) {
		if (errno == ENOENT)
			*missing = 1;
		else
			adm_errx(a, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((buf = malloc(ADM_CRL_MAX + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	len = fread(buf, 1, ADM_CRL_MAX + 1, f);
	fclose(f);
	if (len == 0 || len > ADM_CRL_MAX) {
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

/* Why the CRL pem (len bytes) should replace the file, or NULL when it
 * need not: the file is missing or unreadable, its revoked serials
 * differ, or its nextUpdate is less than ADM_CRL_RENEW away. */
static const char *
adm_crl_why(struct adm *a, const char *pem, size_t len)
{
	char		*cur = NULL, *cs = NULL, *ns = NULL;
	const char	*why = NULL;
	size_t		 clen = 0;
	time_t		 cnext, nnext;
	int		 missing;

	if ((cur = adm_crl_read(a, cfg_get(CFG_CRL_FILE), &clen,
	    &missing)) == NULL)
		return missing ? "the file was missing" :
		    "the file was unreadable";
	if (pki_crl_summary(cur, clen, &cs, &cnext) == -1)
		why = "the file was not a CRL";
	else if (pki_crl_summary(pem, len, &ns, &nnext) == -1)
		why = "the new CRL does not parse";
	else if (strcmp(cs, ns) != 0)
		why = "the revoked serials changed";
	else if (cnext - time(NULL) < ADM_CRL_RENEW)
		why = "its next update was less than 2 days away";
	free(cur);
	free(cs);
	free(ns);
	return why;
}

/* The CRL from the signer (every revoked certificate not yet a day past
 * its expiry, and every signed certificate left without its device_cert
 * row), written atomically, then reload_cmd.  if_changed: only when
 * adm_crl_why says so; it says which. */
int
adm_crl(struct adm *a, int days, int if_changed)
{
	char		*pem = NULL, *serials = NULL, *p;
	const char	*why = NULL;
	char		 next[40], err[160], count[80];
	size_t		 len = 0, n = 0;
	time_t		 nnext;
	int		 rc = -1;

	if (signer_crl(days, &pem, &len, err, sizeof(err)) == -1) {
		adm_errx(a, "the signer gave no CRL: %s", err);
		return -1;
	}
	if (pki_crl_summary(pem, len, &serials, &nnext) == -1) {
		adm_errx(a, "the signer's CRL does not parse");
		goto out;
	}
	if (*serials != '\0')
		for (n = 1, p = serials; (p = strchr(p, ',')) != NULL; p++)
			n++;
	adm_utc(nnext, next, sizeof(next));
	if (if_changed && (why = adm_crl_why(a, pem, len)) == NULL) {
		printf("unchanged %s: %zu revoked serial%s, not written, "
		    "nginx not reloaded\n", cfg_get(CFG_CRL_FILE), n,
		    n == 1 ? "" : "s");
		rc = 0;
		goto out;
	}
	/* On failure pki prints the reason. */
	if (pki_crl_save(cfg_get(CFG_CRL_FILE), pem, len) == -1)
		goto out;
	printf("wrote %s%s%s%s: %zu revoked serial%s, next update %s\n",
	    cfg_get(CFG_CRL_FILE), why != NULL ? " (" : "",
	    why != NULL ? why : "", why != NULL ? ")" : "", n,
	    n == 1 ? "" : "s", next);
	snprintf(count, sizeof(count), "%zu revoked", n);
	/* Autocommit: nothing in the database changed, the event records
	 * that the file did. */
	if (adm_audit(a, "cli.crl.update", "device_cert", NULL, count) == -1)
		goto out;
	if (adm_reload(a) == -1)
		goto out;
	rc = 0;
out:
	free(serials);
	free(pem);
	return rc;
}

int
cmd_crl_update(struct adm *a, int argc, char **argv)
{
	const char		*days_s = NULL;
	int			 if_changed = 0;
	const struct adm_opt	 opts[] = {
		{ "days", .val = &days_s },
		{ "if-changed", .flag = &if_changed },
		{ NULL }
	};
	int			 rc, days;

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	if (adm_days(a, days_s, ADM_CRL_DAYS, &days) == -1)
		return 2;
	if (adm_connect_jobs(a) == -1 || adm_crl(a, days, if_changed) == -1)
		return 1;
	return 0;
}

