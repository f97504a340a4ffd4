/* Certificate pickups (see pickup.h). */
#include "config.h"

#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "app.h"
#include "auth.h"
#include "cert.h"
#include "cfg.h"
#include "db.h"
#include "jtime.h"
#include "log.h"
#include "pickup.h"
#include "pki.h"

#define PICKUP_DIGITS	12
#define PICKUP_P12_MAX	65536	/* the schema's bound */

/* PICKUP_DIGITS uniformly random digits. */
static int
pickup_digits(char out[PICKUP_DIGITS + 1])
{
	return auth_random_chars(out, PICKUP_DIGITS, "0123456789");
}

/* "123456789012" -> "1234-5678-9012". */
static void
pickup_format(const char *d, char out[PICKUP_NO_LEN + 1])
{
	snprintf(out, PICKUP_NO_LEN + 1, "%.4s-%.4s-%.4s", d, d + 4, d + 8);
}

static char *
pickup_hex(const unsigned char *p, size_t n)
{
	static const char x[] = "0123456789abcdef";
	char	*s;
	size_t	 i;

	if ((s = malloc(2 * n + 3)) == NULL)
		return NULL;
	s[0] = '\\';
	s[1] = 'x';
	for (i = 0; i < n; i++) {
		s[2 + 2 * i] = x[p[i] >> 4];
		s[3 + 2 * i] = x[p[i] & 15];
	}
	s[2 + 2 * n] = '\0';
	return s;
}

static int
pickup_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* bytea in PostgreSQL's hex output ("\x0a1b..") -> malloc'd bytes. */
static unsigned char *
pickup_unhex(const char *s, size_t *len)
{
	unsigned char	*p;
	size_t		 n, i;
	int		 hi, lo;

	if (s == NULL || strncmp(s, "\\x", 2) != 0)
		return NULL;
	s += 2;
	n = strlen(s);
	if (n == 0 || n % 2 != 0 || n / 2 > PICKUP_P12_MAX)
		return NULL;
	if ((p = malloc(n / 2)) == NULL)
		return NULL;
	for (i = 0; i < n / 2; i++) {
		if ((hi = pickup_nibble(s[2 * i])) == -1 ||
		    (lo = pickup_nibble(s[2 * i + 1])) == -1) {
			free(p);
			return NULL;
		}
		p[i] = (unsigned char)(hi << 4 | lo);
	}
	*len = n / 2;
	return p;
}

int
pickup_issue(PGconn *c, const char *facility_id, const char *label,
    const char *issued_by, struct pki_issued *iss)
{
	char	 err[160], *end;
	long	 days;

	memset(iss, 0, sizeof(*iss));
	days = strtol(cfg_get(CFG_CERT_DAYS), &end, 10);
	if (*end != '\0' || days < 1 || days > 3650) {
		log_err("pickup: cert_days out of range");
		return -1;
	}
	return cert_issue(c, facility_id, issued_by, label, (int)days, iss,
	    err, sizeof(err));
}

int
pickup_create(PGconn *c, const struct pki_issued *iss,
    const char *facility_id, const char *label, const char *issued_by,
    struct pickup_new *out)
{
	PGresult	*r = NULL;
	char		 hash[AUTH_HASH_MAX], digits[PICKUP_DIGITS + 1];
	char		 hours[8], *hex = NULL;
	const char	*p[7];
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	if (iss->p12_len > PICKUP_P12_MAX ||
	    auth_hash_password(iss->p12_password, AUTH_PBKDF2_ITER, hash,
	    sizeof(hash)) == -1 || pickup_digits(digits) == -1 ||
	    (hex = pickup_hex(iss->p12, iss->p12_len)) == NULL)
		goto out;
	snprintf(hours, sizeof(hours), "%d", PICKUP_HOURS);

	if (cert_record(c, iss, facility_id, issued_by, label) == -1)
		goto out;
	p[0] = digits;
	p[1] = hash;
	p[2] = iss->serial;
	p[3] = facility_id;
	p[4] = issued_by;
	p[5] = hex;
	p[6] = hours;
	r = db_exec(c, "INSERT INTO pickup (number, password_hash, serial,"
	    " facility_id, created_by, p12, expires_at) VALUES ($1, $2, $3,"
	    " $4::bigint, $5::bigint, $6::bytea, now() + make_interval(hours"
	    " => $7::int)) RETURNING id, " JTIME_SQL("expires_at") " AS exp",
	    7, p);
	if (r == NULL || PQntuples(r) != 1)
		goto out;
	snprintf(out->pickup_id, sizeof(out->pickup_id), "%s",
	    db_get(r, 0, "id"));
	jtime_db(db_get(r, 0, "exp"), JTIME_MINUTE, out->expires,
	    sizeof(out->expires), NULL);
	snprintf(out->serial, sizeof(out->serial), "%s", iss->serial);
	snprintf(out->password, sizeof(out->password), "%s",
	    iss->p12_password);
	pickup_format(digits, out->number);
	rc = 0;
out:
	if (rc == -1)
		OPENSSL_cleanse(out, sizeof(*out));
	if (hex != NULL)
		OPENSSL_clear_free(hex, strlen(hex));
	OPENSSL_cleanse(hash, sizeof(hash));
	OPENSSL_cleanse(digits, sizeof(digits));
	PQclear(r);
	return rc;
}

/* A pickup mail: the device, one item ("証明書取得用No" or
 * "証明書取得用パスワード") and its value, how (what to do, and where
 * the other item is), the portal's page cfg portal_url +
 * "certificate/" and the expiry, into buf.  "" when it does not fit. */
static const char *
pickup_mail_text(const struct pickup_new *pn, const char *label,
    const char *item, const char *value, const char *how, char *buf,
    size_t n)
{
	const char	*portal = cfg_get(CFG_PORTAL_URL);
	int		 w;

	w = snprintf(buf, n,
	    "%sの端末用証明書（端末名：%s）を発行しました。\n"
	    "\n"
	    "%s：%s\n"
	    "\n"
	    "%s"
	    "\n"
	    "%s%scertificate/\n"
	    "\n"
	    "有効期限：%s まで（一度だけ取得できます）\n"
	    "\n"
	    "お心当たりのない場合は、施設管理者または事務局にご連絡ください。\n",
	    cfg_get(CFG_SERVICE_NAME), label, item, value, how, portal,
	    *portal != '\0' && portal[strlen(portal) - 1] == '/' ? "" : "/",
	    pn->expires);
	if (w < 0 || (size_t)w >= n) {
		if (n > 0)
			buf[0] = '\0';
	}
	return buf;
}

const char *
pickup_mail_body(const struct pickup_new *pn, const char *label,
    int number_where, char *buf, size_t n)
{
	char	 how[1024];

	snprintf(how, sizeof(how), "%s"
	    "証明書を入れる端末で次のページを開き、証明書取得用Noと"
	    "このパスワードを入力して証明書を取得してください。\n"
	    "証明書をインストールするときに求められるパスワードも、"
	    "このパスワードです。\n", number_where == PICKUP_NO_MAILED ?
	    "証明書取得用Noは、このメールとは別のメールでお送りします"
	    "（このメールには書かれていません）。\n" :
	    "証明書取得用Noは、発行した画面に表示されています"
	    "（メールではお送りしません）。\n");
	return pickup_mail_text(pn, label, "証明書取得用パスワード",
	    pn->password, how, buf, n);
}

const char *
pickup_number_mail_body(const struct pickup_new *pn, const char *label,
    char *buf, size_t n)
{
	return pickup_mail_text(pn, label, "証明書取得用No", pn->number,
	    "証明書取得用パスワードは、このメールとは別のメールでお送りします"
	    "（このメールには書かれていません）。\n"
	    "証明書を入れる端末で次のページを開き、この証明書取得用Noと"
	    "証明書取得用パスワードを入力して証明書を取得してください。\n",
	    buf, n);
}

/* Why a pickup row cannot be fetched, if it cannot. */
static enum pickup_result
pickup_state(const PGresult *r)
{
	if (strcmp(db_get(r, 0, "used"), "t") == 0)
		return PICKUP_USED;
	if (strcmp(db_get(r, 0, "locked"), "t") == 0)
		return PICKUP_LOCKED;
	if (strcmp(db_get(r, 0, "has_p12"), "f") == 0 ||
	    strcmp(db_get(r, 0, "expired"), "t") == 0)
		return PICKUP_EXPIRED;
	return PICKUP_OK;
}

#define PICKUP_COLS \
	"SELECT p.id, p.serial, d.label, p.password_hash, p.replaces," \
	" p.created_by, p.facility_id," \
	" p.fetched_at IS NOT NULL AS used, p.locked_at IS NOT NULL AS locked," \
	" p.p12 IS NOT NULL AS has_p12," \
	" (p.expires_at <= now() OR d.revoked_at IS NOT NULL) AS expired" \
	" FROM pickup p JOIN device_cert d ON d.serial = p.serial"

int
pickup_drop(PGconn *c, const char *serial)
{
	const char *const p[] = { serial };

	return db_cmd(c, "UPDATE pickup SET p12 = NULL WHERE serial = $1",
	    1, p);
}

/* A bundle that can no longer be fetched (row 0 of r) is deleted, and
 * its certificate, never installed anywhere, revoked. */
static int
pickup_void(PGconn *c, const PGresult *r, const char *reason)
{
	char	 set[48];

	snprintf(set, sizeof(set), "{%s}", db_get(r, 0, "serial"));
	if (pickup_drop(c, db_get(r, 0, "serial")) == -1 ||
	    cert_revoke_unused(c, set, reason) == -1)
		return -1;
	return 0;
}

/* Row 0 of r is fetchable: take the bundle out (read and deleted in one
 * statement, on the row the caller locked). */
static enum pickup_result
pickup_out(PGconn *c, const PGresult *r, struct pickup_bundle *b)
{
	PGresult	*u;
	const char	*p[1];

	memset(b, 0, sizeof(*b));
	p[0] = db_get(r, 0, "id");
	u = db_exec(c, "WITH old AS (SELECT id, p12 FROM pickup"
	    " WHERE id = $1::bigint AND p12 IS NOT NULL)"
	    " UPDATE pickup p SET p12 = NULL, fetched_at = now() FROM old"
	    " WHERE p.id = old.id RETURNING old.p12", 1, p);
	if (u == NULL || PQntuples(u) != 1 ||
	    (b->p12 = pickup_unhex(db_get(u, 0, "p12"), &b->p12_len)) ==
	    NULL) {
		log_err("pickup: bundle %s unreadable", p[0]);
		PQclear(u);
		return PICKUP_ERROR;
	}
	PQclear(u);
	/* A replacement: the certificate it replaces goes once the new
	 * one is out (revoked before, by someone else: nothing to do). */
	if (db_get(r, 0, "replaces") != NULL &&
	    cert_revoke(c, db_get(r, 0, "replaces"), db_get(r, 0,
	    "facility_id"), db_get(r, 0, "created_by"), "replaced",
	    NULL) == CERT_ERROR) {
		OPENSSL_clear_free(b->p12, b->p12_len);
		memset(b, 0, sizeof(*b));
		return PICKUP_ERROR;
	}
	snprintf(b->pickup_id, sizeof(b->pickup_id), "%s", p[0]);
	snprintf(b->serial, sizeof(b->serial), "%s", db_get(r, 0, "serial"));
	snprintf(b->label, sizeof(b->label), "%s", db_get(r, 0, "label"));
	return PICKUP_OK;
}

/* State of a locked row; an expired bundle is deleted on the way. */
static enum pickup_result
pickup_check(PGconn *c, const PGresult *r)
{
	enum pickup_result st = pickup_state(r);

	if (st == PICKUP_EXPIRED &&
	    strcmp(db_get(r, 0, "has_p12"), "t") == 0 &&
	    pickup_void(c, r, "pickup expired") == -1)
		return PICKUP_ERROR;
	return st;
}

int
pickup_addr_key(const char *addr, char *out, size_t n)
{
	struct in6_addr	 a6;
	struct in_addr	 a4;
	char		 t[INET6_ADDRSTRLEN];
	static const unsigned char mapped[12] =
	    { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (addr == NULL || n == 0)
		return -1;
	if (inet_pton(AF_INET, addr, &a4) == 1) {
		if (inet_ntop(AF_INET, &a4, t, sizeof(t)) == NULL)
			return -1;
	} else if (inet_pton(AF_INET6, addr, &a6) == 1) {
		if (memcmp(a6.s6_addr, mapped, sizeof(mapped)) == 0) {
			memcpy(&a4, a6.s6_addr + 12, 4);
			if (inet_ntop(AF_INET, &a4, t, sizeof(t)) == NULL)
				return -1;
		} else {
			memset(a6.s6_addr + 8, 0, 8);
			if (inet_ntop(AF_INET6, &a6, t, sizeof(t)) == NULL)
				return -1;
			if (strlen(t) + 3 >= sizeof(t))
				return -1;
			strcat(t, "/64");
		}
	} else
		return -1;
	if (strlen(t) >= n)
		return -1;
	memcpy(out, t, strlen(t) + 1);
	return 0;
}

/* addr's key for pickup_failure into key; 0 when there is none (no or
 * an unparsable address: nothing is counted, as without an address). */
static int
pickup_key(const char *addr, char *key, size_t n)
{
	if (addr == NULL || *addr == '\0' ||
	    pickup_addr_key(addr, key, n) == -1) {
		if (addr != NULL && *addr != '\0')
			log_err("pickup: unparsable remote address");
		return 0;
	}
	return 1;
}

static int
pickup_fail_addr(PGconn *c, const char *addr)
{
	char		 key[INET6_ADDRSTRLEN + 4];
	const char	*p[1];

	if (!pickup_key(addr, key, sizeof(key)))
		return 0;
	p[0] = key;
	return db_cmd(c, "INSERT INTO pickup_failure (remote_addr)"
	    " VALUES ($1::inet)", 1, p);
}

enum pickup_result
pickup_fetch(PGconn *c, const char *number, const char *password,
    const char *remote_addr, struct pickup_bundle *out)
{
	char		 digits[PICKUP_DIGITS + 1], max[16];
	char		 key[INET6_ADDRSTRLEN + 4];
	const char	*p[3];
	PGresult	*r = NULL, *u = NULL;
	enum pickup_result rc = PICKUP_ERROR;
	size_t		 i, n = 0;
	int		 bad = 0;

	memset(out, 0, sizeof(*out));
	/* Digits only: "1234-5678-9012", "1234 5678 9012" all count. */
	for (i = 0; number[i] != '\0'; i++) {
		if (number[i] >= '0' && number[i] <= '9') {
			if (n == PICKUP_DIGITS) {
				bad = 1;
				break;
			}
			digits[n++] = number[i];
		} else if (number[i] != '-' && number[i] != ' ')
			bad = 1;
	}
	digits[n] = '\0';
	if (n != PICKUP_DIGITS)
		bad = 1;

	if (pickup_key(remote_addr, key, sizeof(key))) {
		snprintf(max, sizeof(max), "%d", PICKUP_ADDR_FAILS);
		p[0] = key;
		p[1] = max;
		r = db_exec(c, "SELECT count(*) >= $2::int AS over"
		    " FROM pickup_failure WHERE remote_addr = $1::inet"
		    " AND at > now() - interval '1 hour'", 2, p);
		if (r == NULL)
			goto out;
		if (strcmp(db_get(r, 0, "over"), "t") == 0) {
			rc = PICKUP_LOCKED;
			goto out;
		}
		PQclear(r);
		r = NULL;
	}

	/* Not a pickup number: no lookup and no KDF, a failure all the
	 * same (the same answer as a wrong number). */
	if (bad) {
		rc = pickup_fail_addr(c, remote_addr) == -1 ?
		    PICKUP_ERROR : PICKUP_BAD;
		goto out;
	}
	p[0] = digits;
	r = db_exec(c, PICKUP_COLS " WHERE p.number = $1 FOR UPDATE OF p",
	    1, p);
	if (r == NULL)
		goto out;
	if (PQntuples(r) != 1) {
		auth_check_nothing(password);
		rc = pickup_fail_addr(c, remote_addr) == -1 ?
		    PICKUP_ERROR : PICKUP_BAD;
		goto out;
	}
	/* A locked pickup is not tried at all: that is what the lock is for. */
	if (strcmp(db_get(r, 0, "locked"), "t") == 0) {
		rc = pickup_fail_addr(c, remote_addr) == -1 ?
		    PICKUP_ERROR : PICKUP_LOCKED;
		goto out;
	}
	if (!auth_check_password(password, db_get(r, 0, "password_hash"))) {
		snprintf(max, sizeof(max), "%d", PICKUP_MAX_FAILS);
		p[0] = db_get(r, 0, "id");
		p[1] = max;
		u = db_exec(c, "UPDATE pickup SET fails = fails + 1,"
		    " locked_at = CASE WHEN fails + 1 >= $2::int THEN now()"
		    " END WHERE id = $1::bigint RETURNING locked_at IS NOT NULL"
		    " AS locked", 2, p);
		if (u == NULL || pickup_fail_addr(c, remote_addr) == -1)
			goto out;
		rc = PICKUP_BAD;
		/* Locked for good: the bundle goes, the certificate too. */
		if (strcmp(db_get(u, 0, "locked"), "t") == 0 &&
		    strcmp(db_get(r, 0, "has_p12"), "t") == 0 &&
		    pickup_void(c, r, "pickup locked") == -1)
			rc = PICKUP_ERROR;
		goto out;
	}
	if ((rc = pickup_check(c, r)) == PICKUP_OK)
		rc = pickup_out(c, r, out);
out:
	OPENSSL_cleanse(digits, sizeof(digits));
	PQclear(u);
	PQclear(r);
	return rc;
}

int
pickup_set_replaces(PGconn *c, const char *pickup_id, const char *serial)
{
	const char *const p[] = { pickup_id, serial };

	return db_cmd(c, "UPDATE pickup SET replaces = $2"
	    " WHERE id = $1::bigint", 2, p);
}

enum pickup_result
pickup_take(PGconn *c, const char *pickup_id, const char *account_id,
    const char *serial, struct pickup_bundle *out)
{
	const char *const p[] = { pickup_id, account_id, serial };
	PGresult	*r;
	enum pickup_result rc;

	memset(out, 0, sizeof(*out));
	r = db_exec(c, PICKUP_COLS " JOIN account a ON a.id = p.created_by"
	    " AND a.facility_id = p.facility_id AND a.deleted_at IS NULL"
	    " WHERE p.id = $1::bigint AND a.id = $2::bigint"
	    " AND p.replaces = $3 FOR UPDATE OF p", 3, p);
	if (r == NULL)
		return PICKUP_ERROR;
	if (PQntuples(r) != 1)
		rc = PICKUP_BAD;
	else if ((rc = pickup_check(c, r)) == PICKUP_OK)
		rc = pickup_out(c, r, out);
	PQclear(r);
	return rc;
}

long
pickup_purge(PGconn *c)
{
	PGresult	*r;
	long		 n;

	r = db_exec(c, "WITH gone AS (UPDATE pickup SET p12 = NULL"
	    " WHERE p12 IS NOT NULL AND expires_at <= now() RETURNING serial)"
	    " SELECT count(*) AS n, coalesce(array_agg(serial), '{}')::text"
	    " AS serials FROM gone", 0, NULL);
	if (r == NULL)
		return -1;
	n = strtol(db_get(r, 0, "n"), NULL, 10);
	/* Never fetched, never installed: revoked without a mail. */
	if (cert_revoke_unused(c, db_get(r, 0, "serials"),
	    "pickup expired") == -1)
		n = -1;
	PQclear(r);
	return n;
}

void
pickup_bundle_free(struct pickup_bundle *b)
{
	if (b == NULL)
		return;
	if (b->p12 != NULL)
		OPENSSL_clear_free(b->p12, b->p12_len);
	memset(b, 0, sizeof(*b));
}

int
pickup_serve(struct app *a, const struct pickup_bundle *b)
{
	char	 name[sizeof(b->label) + 32];

	snprintf(name, sizeof(name), "renrakucho-%s.p12", b->label);
	return app_download(a, "application/x-pkcs12", name, b->p12,
	    b->p12_len);
}
