/* The device_cert table's writes (see cert.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "app.h"
#include "cert.h"
#include "db.h"
#include "log.h"
#include "mail.h"
#include "pki.h"
#include "req.h"
#include "signer.h"

int
cert_v_label(struct req_val *v, const struct req_key *k)
{
	if (!req_v_line(v, k))
		return 0;
	if (v->len > CERT_LABEL_MAX_BYTES) {
		v->err = "端末名が長すぎます。漢字やかなは85文字まで、英数字は"
		    "100文字までで入力してください。";
		return 0;
	}
	return 1;
}

/* Every revocation: the certificates among $1 (text[]) still live, of
 * facility $2 (NULL: any), as revoked by $3 for reason $4, and the
 * sessions on them, in one call (functions/grants.sql: the app's role
 * may not update device_cert itself). */
static const char cert_revoke_sql[] =
    "SELECT serial, issued_by, label, facility_id, sessions"
    " FROM device_cert_revoke($1::text[], $2::bigint, $3::bigint, $4)";

int
cert_issue(PGconn *c, const char *facility_id, const char *account_id,
    const char *label, int days, struct pki_issued *iss, char *err, size_t n)
{
	struct pki_keypair	 kp;
	PGresult		*r = NULL;
	const char		*p[5];
	char			 d[16], *chain = NULL;
	int			 rc = -1;

	memset(iss, 0, sizeof(*iss));
	snprintf(err, n, "internal error");
	snprintf(d, sizeof(d), "%d", days);
	if (pki_keypair_new(&kp) == -1) {
		snprintf(err, n, "no key pair");
		goto out;
	}
	p[0] = facility_id;
	p[1] = account_id;
	p[2] = label;
	p[3] = kp.pub_pem;
	p[4] = d;
	/* Committed on its own: the signer signs only what it can see. */
	if ((r = db_exec_alone(c, "INSERT INTO cert_issuance (facility_id,"
	    " account_id, label, public_key, not_after) VALUES ($1::bigint,"
	    " $2::bigint, $3, $4, now() + make_interval(days => $5::int))"
	    " RETURNING id", 5, p)) == NULL || PQntuples(r) != 1) {
		snprintf(err, n, "cannot record the issuance");
		goto out;
	}
	if (signer_sign(db_get(r, 0, "id"), &chain, err, n) == -1) {
		log_err("certificate issuance %s: %s", db_get(r, 0, "id"), err);
		goto out;
	}
	if (pki_bundle(kp.key_pem, chain, label, iss) == -1) {
		snprintf(err, n, "the signer's certificate does not fit");
		goto out;
	}
	rc = 0;
out:
	free(chain);
	PQclear(r);
	pki_keypair_free(&kp);
	return rc;
}

int
cert_record(PGconn *c, const struct pki_issued *iss, const char *facility_id,
    const char *issued_by, const char *label)
{
	char		 na[24];
	const char	*p[6];

	snprintf(na, sizeof(na), "%lld", (long long)iss->not_after);
	p[0] = iss->serial;
	p[1] = iss->sha256;
	p[2] = facility_id;
	p[3] = issued_by;
	p[4] = label;
	p[5] = na;
	/* Only what the signer signed for this facility and issuer
	 * (functions/grants.sql). */
	return db_cmd(c, "SELECT device_cert_record($1, $2, $3::bigint,"
	    " $4::bigint, $5, to_timestamp($6::bigint))", 6, p);
}

enum cert_revoke
cert_revoke(PGconn *c, const char *serial, const char *facility_id,
    const char *by, const char *reason, long *sessions)
{
	char		 norm[41], set[48], body[1024], url[512];
	const char	*p[4];
	PGresult	*r;
	enum cert_revoke rc = CERT_ERROR;

	if (sessions != NULL)
		*sessions = 0;
	if (!cert_serial(serial, norm))
		return CERT_NOT_FOUND;
	snprintf(set, sizeof(set), "{%s}", norm);
	p[0] = set;
	p[1] = facility_id;
	p[2] = by;
	p[3] = reason;
	if ((r = db_exec(c, cert_revoke_sql, 4, p)) == NULL)
		return CERT_ERROR;
	if (PQntuples(r) != 1) {
		PQclear(r);
		p[0] = norm;
		r = db_exec(c, "SELECT 1 FROM device_cert WHERE serial = $1"
		    " AND ($2::bigint IS NULL OR facility_id = $2::bigint)",
		    2, p);
		if (r != NULL)
			rc = PQntuples(r) == 1 ? CERT_ALREADY : CERT_NOT_FOUND;
		goto out;
	}
	if (sessions != NULL)
		*sessions = strtol(db_get(r, 0, "sessions"), NULL, 10);
	if (db_get(r, 0, "issued_by") != NULL) {
		snprintf(body, sizeof(body), "あなたが発行した端末の証明書"
		    "「%s」が失効しました。この端末からはログインできません。\n"
		    "心当たりがない場合は、施設管理者または事務局にお問い合わせ"
		    "ください。\n\n%s\n", db_get(r, 0, "label"),
		    account_login_url(url, sizeof(url)));
		if (mail_queue_account(c, db_get(r, 0, "issued_by"),
		    CERT_REVOKE_SUBJECT, body) == -1)
			goto out;
	}
	if (cert_mail_facility(c, db_get(r, 0, "facility_id"),
	    db_get(r, 0, "issued_by"), CERT_REVOKE_SUBJECT,
	    "事業所の端末の証明書「%3$s」が失効しました（発行した人：%1$s"
	    "、ログインID：%2$s）。この端末からはログインできません。\n"
	    "心当たりがない場合は、事務局にお問い合わせください。\n",
	    db_get(r, 0, "label")) == -1)
		goto out;
	rc = CERT_REVOKED;
out:
	PQclear(r);
	return rc;
}

long
cert_revoke_unused(PGconn *c, const char *serials, const char *reason)
{
	const char *const p[] = { serials, NULL, NULL, reason };
	PGresult	*r;
	long		 n;

	if ((r = db_exec(c, cert_revoke_sql, 4, p)) == NULL)
		return -1;
	n = PQntuples(r);
	PQclear(r);
	return n;
}

int
cert_serial(const char *s, char out[41])
{
	size_t	 i, len = strlen(s);

	if (len == 0 || len > 40 ||
	    strspn(s, "0123456789abcdefABCDEF") != len)
		return 0;
	for (i = 0; i <= len; i++)
		out[i] = (char)(s[i] >= 'a' && s[i] <= 'f' ?
		    s[i] - 'a' + 'A' : s[i]);
	return 1;
}

const char *
cert_detail(long sessions, char *buf, size_t n)
{
	snprintf(buf, n, "%ld sessions ended", sessions);
	return buf;
}

void
cert_revoke_post(struct app *a, const char *serial_in,
    const char *facility_id, const char *action, const char *done)
{
	char	 serial[41], detail[48];
	long	 n;

	if (serial_in == NULL || !cert_serial(serial_in, serial)) {
		app_error(a, 404, "証明書が見つかりません",
		    "指定された証明書は見つかりませんでした。");
		return;
	}
	/* Revoking the certificate of this very device would end the
	 * session in the middle of the page; My Profile does it with a
	 * warning. */
	if (strcmp(serial, a->req.ssl_serial) == 0) {
		app_error(a, 409, "この端末の証明書です",
		    "いま使っている端末の証明書は、ここでは失効できません。"
		    "別の端末から操作してください。");
		return;
	}
	if (db_begin(a->db) == -1) {
		app_dberr(a);
		return;
	}
	switch (cert_revoke(a->db, serial, facility_id, a->user.account_id,
	    action, &n)) {
	case CERT_REVOKED:
		break;
	case CERT_ALREADY:
		db_rollback(a->db);
		app_error(a, 409, "既に失効しています",
		    "この証明書は既に失効しています。変更はありません。");
		return;
	case CERT_NOT_FOUND:
		db_rollback(a->db);
		app_error(a, 404, "証明書が見つかりません",
		    "指定された証明書は見つかりませんでした。");
		return;
	default:
		app_dberr(a);
		return;
	}
	if (app_audit(a, action, "device_cert", serial, NULL, "success",
	    cert_detail(n, detail, sizeof(detail))) == -1 ||
	    db_commit(a->db) == -1) {
		app_dberr(a);
		return;
	}
	app_redirect(a, done);
}

int
cert_mail_facility(PGconn *c, const char *facility_id, const char *account_id,
    const char *what, const char *fmt, const char *label)
{
	char		 url[512], subject[256];
	const char	*p[6];

	/* Not twice to one mailbox: a placeholder's own mail already goes
	 * to the representative address. */
	p[0] = facility_id;
	p[1] = account_id;
	if ((p[2] = mail_subject(subject, sizeof(subject), what)) == NULL)
		return -1;
	p[3] = fmt;
	p[4] = label;
	p[5] = account_login_url(url, sizeof(url));
	return db_cmd(c, "INSERT INTO mail_outbox (to_addr, subject, body)"
	    " SELECT f.email, $3, format($4::text, coalesce(a.name, '事務局'),"
	    " coalesce(a.login, '-'), $5::text) || E'\n' || $6::text || E'\n'"
	    " FROM facility f LEFT JOIN account a ON a.id = $2::bigint"
	    " WHERE f.id = $1::bigint AND NOT coalesce(a.email_is_placeholder"
	    " AND a.deleted_at IS NULL AND a.facility_id = f.id, false)",
	    6, p);
}

long
cert_revoke_account(PGconn *c, const char *account_id, const char *by,
    long *pickups)
{
	const char	*p[1] = { account_id };
	PGresult	*r;
	long		 n = 0, u;
	int		 i;

	*pickups = 0;
	/* Bundles still waiting die with the account: never installed
	 * anywhere, their certificates go without a mail. */
	if ((r = db_exec(c, "WITH gone AS (UPDATE pickup SET p12 = NULL"
	    " WHERE created_by = $1::bigint AND p12 IS NOT NULL"
	    " RETURNING serial) SELECT count(*) AS n,"
	    " coalesce(array_agg(serial), '{}')::text AS serials FROM gone",
	    1, p)) == NULL)
		return -1;
	*pickups = strtol(db_get(r, 0, "n"), NULL, 10);
	u = cert_revoke_unused(c, db_get(r, 0, "serials"), "account deleted");
	PQclear(r);
	if (u == -1)
		return -1;
	/* Its live certificates, unless another live account of the
	 * facility has logged in on one (a shared device stays): locked
	 * first (a login on one waits), then chosen. */
	if (db_cmd(c, "SELECT device_cert_lock(array(SELECT serial"
	    " FROM device_cert WHERE issued_by = $1::bigint OR serial IN"
	    " (SELECT serial FROM pickup WHERE created_by = $1::bigint)))",
	    1, p) == -1)
		return -1;
	if ((r = db_exec(c, "SELECT d.serial, d.facility_id FROM device_cert d"
	    " WHERE d.revoked_at IS NULL AND (d.issued_by = $1::bigint"
	    " OR d.serial IN (SELECT serial FROM pickup"
	    " WHERE created_by = $1::bigint))"
	    " AND NOT EXISTS (SELECT 1 FROM session s"
	    " JOIN account o ON o.id = s.account_id"
	    " WHERE s.cert_serial = d.serial AND o.id <> $1::bigint"
	    " AND o.deleted_at IS NULL AND o.facility_id = d.facility_id)"
	    " ORDER BY d.serial", 1, p)) == NULL)
		return -1;
	for (i = 0; i < PQntuples(r); i++) {
		if (cert_revoke(c, db_get(r, i, "serial"),
		    db_get(r, i, "facility_id"), by, "account deleted",
		    NULL) != CERT_REVOKED) {
			PQclear(r);
			return -1;
		}
		n++;
	}
	PQclear(r);
	return n + u;
}

const char *
cert_account_detail(long revoked, long pickups, char *buf, size_t n)
{
	snprintf(buf, n, "%ld certificates revoked, %ld pickups cancelled",
	    revoked, pickups);
	return buf;
}
