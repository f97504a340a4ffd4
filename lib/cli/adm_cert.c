/* renrakucho-admin cert issue, cert list, cert revoke: device
 * certificates, their bundles and their revocation. */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <openssl/crypto.h>

#include "cert.h"
#include "cfg.h"
#include "db.h"
#include "pki.h"
#include "req.h"
#include "adm.h"

/* --- cert ------------------------------------------------------------ */

/* Refuse to replace an existing file: a bundle someone has not yet
 * installed would be lost. */
static int
adm_absent(const struct adm *a, const char *path)
{
	struct stat	 st;

	if (lstat(path, &st) == 0) {
		adm_errx(a, "%s already exists; remove it or choose another "
		    "name", path);
		return -1;
	}
	if (errno != ENOENT) {
		adm_errx(a, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* data into a new 0600 temporary file beside path, synced; its name in
 * tmp.  Renamed into place only once the database has committed. */
static int
adm_tmpfile(const struct adm *a, const char *path, const void *data,
    size_t len, char *tmp, size_t tmpn)
{
	const char	*p = data;
	ssize_t		 w;
	int		 fd, n;

	n = snprintf(tmp, tmpn, "%s.XXXXXX", path);
	if (n < 0 || (size_t)n >= tmpn) {
		adm_errx(a, "%s: path too long", path);
		tmp[0] = '\0';
		return -1;
	}
	if ((fd = mkstemp(tmp)) == -1) {
		adm_errx(a, "%s: %s", tmp, strerror(errno));
		tmp[0] = '\0';
		return -1;
	}
	/* reload_cmd runs later in some verbs: keep the key out of it. */
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 || fchmod(fd, 0600) == -1)
		goto fail;
	while (len > 0) {
		if ((w = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		p += w;
		len -= (size_t)w;
	}
	if (fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	return 0;
fail:
	adm_errx(a, "%s: %s", tmp, strerror(errno));
	if (fd != -1)
		close(fd);
	(void)unlink(tmp);
	tmp[0] = '\0';
	return -1;
}

int
cmd_cert_issue(struct adm *a, int argc, char **argv)
{
	const char		*login = NULL, *label = NULL, *p12 = NULL,
				*pem = NULL, *days_s = NULL;
	const struct adm_opt	 opts[] = {
		{ "login", .val = &login, .required = 1 },
		{ "label", .val = &label, .required = 1 },
		{ "p12", .val = &p12, .required = 1 },
		{ "pem", .val = &pem, .required = 1 },
		{ "days", .val = &days_s },
		{ NULL }
	};
	const char		*fid, *fstatus, *p[1];
	char			 tp12[PATH_MAX] = "", tpem[PATH_MAX] = "";
	char			 detail[128], err[160];
	char			*both = NULL;
	size_t			 clen = 0, klen = 0;
	struct pki_issued	 iss;
	PGresult		*r = NULL;
	long long		 dflt;
	int			 days, rc, issued = 0, committed = 0;

	memset(&iss, 0, sizeof(iss));
	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	rc = 1;
	if (adm_valid(a, "--login", login, req_v_login, 3, 64) == -1 ||
	    adm_valid(a, "--label", label, cert_v_label, 1, 100) == -1)
		return 2;
	if (strcmp(p12, pem) == 0) {
		adm_errx(a, "--p12 and --pem must be different files");
		return 2;
	}
	if (adm_ready(a) == -1)
		return 1;
	if (adm_num(a, "cert_days (configuration)", cfg_get(CFG_CERT_DAYS),
	    1, ADM_DAYS_MAX, &dflt) == -1)
		return 1;
	if (adm_days(a, days_s, dflt, &days) == -1)
		return 2;
	if (adm_absent(a, p12) == -1 || adm_absent(a, pem) == -1)
		return 1;

	if (adm_connect(a, 1) == -1)
		goto out;
	p[0] = login;
	if ((r = db_exec(a->db, "SELECT f.id, f.status FROM account a"
	    " JOIN facility f ON f.id = a.facility_id"
	    " WHERE lower(a.login) = lower($1) AND a.deleted_at IS NULL",
	    1, p)) == NULL) {
		adm_dberr(a, "account");
		goto out;
	}
	if ((fid = db_get(r, 0, "id")) == NULL ||
	    (fstatus = db_get(r, 0, "status")) == NULL) {
		adm_errx(a, "no live account with login ID %s", login);
		goto out;
	}
	if (strcmp(fstatus, "active") != 0) {
		adm_errx(a, "facility %s is %s: no new certificates", fid,
		    fstatus);
		goto out;
	}
	/* Signed by renrakucho-signer from a request committed on its own
	 * (cert.h: a certificate left without its device_cert row when
	 * what follows fails is in the signer's CRL). */
	if (cert_issue(a->db, fid, NULL, label, days, &iss, err,
	    sizeof(err)) == -1) {
		adm_errx(a, "the signer did not sign: %s", err);
		goto out;
	}
	issued = 1;
	if (db_begin(a->db) == -1)
		goto out;
	if (cert_record(a->db, &iss, fid, NULL, label) == -1) {
		adm_dberr(a, "device_cert");
		goto out;
	}
	snprintf(detail, sizeof(detail), "for login %s", login);
	if (adm_audit(a, "cli.cert.issue", "device_cert", iss.serial,
	    detail) == -1)
		goto out;

	/* curl --cert takes the certificate and its key from one file. */
	clen = strlen(iss.cert_pem);
	klen = strlen(iss.key_pem);
	if ((both = malloc(clen + klen + 1)) == NULL) {
		adm_errx(a, "out of memory");
		goto out;
	}
	memcpy(both, iss.cert_pem, clen);
	memcpy(both + clen, iss.key_pem, klen + 1);
	/* Files before COMMIT (a full disk fails the whole issue), into
	 * place after it (no bundle for a certificate that is not in the
	 * database, where nginx's check would refuse it anyway). */
	if (adm_tmpfile(a, p12, iss.p12, iss.p12_len, tp12,
	    sizeof(tp12)) == -1 ||
	    adm_tmpfile(a, pem, both, clen + klen, tpem, sizeof(tpem)) == -1)
		goto out;
	if (adm_commit(a) == -1)
		goto out;
	committed = 1;
	if (rename(tp12, p12) == -1 || rename(tpem, pem) == -1) {
		adm_errx(a, "certificate %s is recorded but its files could "
		    "not be written (%s); revoke it with \"cert revoke "
		    "--serial %s\"", iss.serial, strerror(errno), iss.serial);
		goto out;
	}
	tp12[0] = tpem[0] = '\0';
	printf("%s\n", iss.p12_password);
	if (fflush(stdout) == EOF) {
		adm_errx(a, "standard output: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (tp12[0] != '\0')
		(void)unlink(tp12);
	if (tpem[0] != '\0')
		(void)unlink(tpem);
	if (both != NULL)
		OPENSSL_clear_free(both, clen + klen + 1);
	if (issued)
		pki_issued_free(&iss);
	PQclear(r);
	if (rc != 0 && !committed)
		db_rollback(a->db);
	return rc;
}

int
cmd_cert_list(struct adm *a, int argc, char **argv)
{
	static const char *const cols[] = { "serial", "facility", "label",
	    "issued", "not_after", "revoked", NULL };

	return adm_list_facility(a, argc, argv, "SELECT d.serial,"
	    " f.id || ' ' || f.name AS facility, d.label,"
	    " " ADM_TS("d.issued_at") " AS issued,"
	    " " ADM_TS("d.not_after") " AS not_after,"
	    " coalesce(" ADM_TS("d.revoked_at") ", '-') AS revoked"
	    " FROM device_cert d JOIN facility f ON f.id = d.facility_id"
	    " WHERE $1::bigint IS NULL OR d.facility_id = $1::bigint"
	    " ORDER BY d.issued_at, d.serial", cols);
}

int
cmd_cert_revoke(struct adm *a, int argc, char **argv)
{
	const char		*serial_s = NULL, *reason = NULL;
	const struct adm_opt	 opts[] = {
		{ "serial", .val = &serial_s, .required = 1 },
		{ "reason", .val = &reason },
		{ NULL }
	};
	char			 serial[41], detail[48];
	long			 ended;
	int			 rc;

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	rc = 1;
	/* As stored: upper-case hex, as nginx's $ssl_client_serial. */
	if (!cert_serial(serial_s, serial)) {
		adm_errx(a, "--serial: 1 to 40 hexadecimal digits: %s",
		    serial_s);
		return 2;
	}
	if (adm_valid(a, "--reason", reason, req_v_line, 0, 100) == -1)
		return 2;

	if (adm_connect(a, 1) == -1 || db_begin(a->db) == -1)
		goto out;
	switch (cert_revoke(a->db, serial, NULL, NULL, reason, &ended)) {
	case CERT_REVOKED:
		break;
	case CERT_NOT_FOUND:
		adm_errx(a, "no certificate with serial %s", serial);
		goto out;
	case CERT_ALREADY:
		adm_errx(a, "certificate %s was already revoked (run "
		    "\"crl update\" if the CRL may be stale)", serial);
		goto out;
	default:
		adm_dberr(a, "device_cert");
		goto out;
	}
	cert_detail(ended, detail, sizeof(detail));
	if (adm_audit(a, "cli.cert.revoke", "device_cert", serial,
	    detail) == -1 || adm_commit(a) == -1)
		goto out;
	printf("revoked %s (%s)\n", serial, detail);
	/* Revoked in the database, which the app checks on every request;
	 * the CRL makes nginx refuse the TLS handshake too. */
	if (adm_crl(a, ADM_CRL_DAYS, 0) == -1) {
		adm_errx(a, "the certificate is revoked but the CRL is not "
		    "updated: run \"crl update\"");
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		db_rollback(a->db);
	return rc;
}
