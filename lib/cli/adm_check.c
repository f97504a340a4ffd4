/* renrakucho-admin check [--prometheus FILE]: is the service healthy?
 * One line per item, "ok   ITEM: what was found" (or WARN, FAIL),
 * exit 1 when any item is not ok:
 *
 *   database     reachable (db_jobs_dsn, else the owner DSN), every file
 *                of schema_dir applied, none changed since
 *   cluster      the server reached is the primary (FAIL on a standby);
 *                its address and each standby streaming from it; FAIL
 *                when fewer than cluster_sync_standbys are synchronous,
 *                WARN when one replays over 16 MiB or 10 s behind
 *   signer       answers PING on signer_socket
 *   crl          crl_file's nextUpdate: FAIL within a day, WARN within 3
 *   server_cert  tls_dir/server.crt's notAfter: FAIL within 7 days, WARN 30
 *   ca_cert      tls_dir/ca.crt's notAfter, the same bounds
 *   mail         the outbox: waiting mail (FAIL when the oldest waits over
 *                an hour), mail given up in the last 7 days (FAIL)
 *
 * Certificates only are read, never a key.  --prometheus FILE writes the
 * same as gauges for node_exporter's textfile collector, atomically
 * (FILE.tmp, then rename), whatever the outcome. */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cfg.h"
#include "db.h"
#include "log.h"
#include "signer.h"
#include "adm.h"

#define CHK_DAY			86400L
#define CHK_CRL_FAIL		(1 * CHK_DAY)
#define CHK_CRL_WARN		(3 * CHK_DAY)
#define CHK_CERT_FAIL		(7 * CHK_DAY)
#define CHK_CERT_WARN		(30 * CHK_DAY)
#define CHK_MAIL_WAIT_MAX	3600L	/* seconds the oldest mail may wait */
#define CHK_LAG_BYTES		(16LL * 1024 * 1024)	/* a standby's replay */
#define CHK_LAG_SECONDS		10.0			/* lag, at most */
#define CHK_ITEMS		9

enum chk_state {
	CHK_OK,
	CHK_WARN,
	CHK_FAIL,
};

static const char *const chk_words[] = { "ok", "WARN", "FAIL" };

struct chk_item {
	const char	*name;
	enum chk_state	 st;
	char		 text[1024];	/* cluster: up to 8 standbys */
};

/* What was measured, for the gauges; a value stays -1 when it could
 * not be. */
struct chk {
	struct adm	*a;
	time_t		 now;
	struct chk_item	 item[CHK_ITEMS];
	size_t		 n;
	long long	 schema_files, schema_pending;
	long long	 crl_next, server_na, ca_na;
	long long	 mail_waiting, mail_oldest, mail_abandoned;
	long long	 standbys, sync_standbys, lag_max;
};

static void
chk_add(struct chk *c, const char *name, enum chk_state st,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
chk_add(struct chk *c, const char *name, enum chk_state st,
    const char *fmt, ...)
{
	struct chk_item	*it;
	va_list		 ap;

	if (c->n == CHK_ITEMS)
		abort();	/* a programming error */
	it = &c->item[c->n++];
	it->name = name;
	it->st = st;
	va_start(ap, fmt);
	vsnprintf(it->text, sizeof(it->text), fmt, ap);
	va_end(ap);
}

/* "2026-12-09 14:00:00 UTC" */
static void
chk_utc(long long t, char *buf, size_t n)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, n, "%lld", t);
}

static long long
chk_asn1_time(const ASN1_TIME *t)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return -1;
	return (long long)timegm(&tm);
}

/* A date against the bounds: the state and its words ("in 6 days",
 * "passed 2 hours ago"). */
static enum chk_state
chk_bounds(const struct chk *c, long long when, long fail, long warn,
    char *words, size_t n)
{
	long long	 left = when - (long long)c->now;

	if (left < 0)
		snprintf(words, n, "passed %lld h ago", (-left + 3599) / 3600);
	else if (left < 2 * CHK_DAY)
		snprintf(words, n, "in %lld h", left / 3600);
	else
		snprintf(words, n, "in %lld days", left / CHK_DAY);
	return left < fail ? CHK_FAIL : left < warn ? CHK_WARN : CHK_OK;
}

/* --- database ---------------------------------------------------------- */

static int
chk_database(struct chk *c)
{
	size_t	 files, pending, changed;

	if (adm_connect_jobs(c->a) == -1) {
		chk_add(c, "database", CHK_FAIL, "unreachable");
		return -1;
	}
	if (adm_schema_counts(c->a, &files, &pending, &changed) == -1) {
		chk_add(c, "database", CHK_FAIL, "reachable, but the schema"
		    " could not be compared with %s",
		    cfg_get(CFG_SCHEMA_DIR));
		return 0;
	}
	c->schema_files = (long long)files;
	c->schema_pending = (long long)(pending + changed);
	if (pending + changed == 0)
		chk_add(c, "database", CHK_OK, "reachable, migrated (%zu"
		    " files)", files);
	else
		chk_add(c, "database", CHK_FAIL, "reachable, %zu of %zu files"
		    " not applied, %zu changed since applied (renrakucho-admin"
		    " migrate --status)", pending, files, changed);
	return 0;
}

/* --- cluster ----------------------------------------------------------- */

/* What the standbys add up to, and their description. */
struct chk_standbys {
	long long	 n, sync, lag_max;
	char		 list[700];	/* "pg2 10.0.0.3 streaming sync (...)" */
	char		 lagging[200];	/* names, "pg2, pg3" */
};

/* One standby of cluster_standbys() into s: its words, whether it
 * counts as synchronous, whether it lags. */
static void
chk_standby(const PGresult *r, int i, struct chk_standbys *s)
{
	const char	*state = db_get(r, i, "state");
	const char	*sync = db_get(r, i, "sync_state");
	const char	*bytes = db_get(r, i, "lag_bytes");
	const char	*secs = db_get(r, i, "lag_seconds");
	char		 name[64], lag[64];
	long long	 b = bytes != NULL ? strtoll(bytes, NULL, 10) : 0;
	size_t		 len;

	/* application_name is the standby's to choose: one line. */
	log_escape(name, sizeof(name), db_get(r, i, "name") != NULL &&
	    *db_get(r, i, "name") != '\0' ? db_get(r, i, "name") :
	    "(no name)");
	s->n++;
	if (state != NULL && strcmp(state, "streaming") == 0 && sync !=
	    NULL && (strcmp(sync, "sync") == 0 || strcmp(sync, "quorum") == 0))
		s->sync++;
	if (b > s->lag_max)
		s->lag_max = b;
	snprintf(lag, sizeof(lag), "replay lag %s B%s%s%s", bytes != NULL ?
	    bytes : "?", secs != NULL ? ", " : "", secs != NULL ? secs : "",
	    secs != NULL ? " s" : "");
	len = strlen(s->list);
	snprintf(s->list + len, sizeof(s->list) - len, "%s%s %s %s %s (%s)",
	    len > 0 ? "; " : "", name, db_get(r, i, "addr") != NULL ?
	    db_get(r, i, "addr") : "local socket", state != NULL ? state : "?",
	    sync != NULL ? sync : "?", lag);
	if (b > CHK_LAG_BYTES || (secs != NULL &&
	    strtod(secs, NULL) > CHK_LAG_SECONDS)) {
		len = strlen(s->lagging);
		snprintf(s->lagging + len, sizeof(s->lagging) - len, "%s%s",
		    len > 0 ? ", " : "", name);
	}
}

/* The standbys streaming from the primary: 0, or -1 (item added). */
static int
chk_standbys(struct chk *c, struct chk_standbys *s)
{
	PGresult	*r;
	int		 i;

	memset(s, 0, sizeof(*s));
	if ((r = db_exec(c->a->db, "SELECT name, addr, state, sync_state,"
	    " lag_bytes, lag_seconds FROM cluster_standbys()", 0,
	    NULL)) == NULL) {
		chk_add(c, "cluster", CHK_FAIL, "the standbys cannot be read:"
		    " %s", db_last_error()->message);
		return -1;
	}
	for (i = 0; i < PQntuples(r); i++)
		chk_standby(r, i, s);
	PQclear(r);
	return 0;
}

/* Whether the server reached (through pgbouncer, HAProxy) is the
 * primary, and its address into addr: 0, or -1 (item added: on a
 * standby, or the query failed). */
static int
chk_primary(struct chk *c, char *addr, size_t n)
{
	PGresult	*r;
	int		 standby;

	if ((r = db_exec(c->a->db, "SELECT pg_is_in_recovery() AS standby,"
	    " coalesce(CASE WHEN family(inet_server_addr()) = 6"
	    " THEN '[' || host(inet_server_addr()) || ']'"
	    " ELSE host(inet_server_addr()) END || ':' || inet_server_port(),"
	    " 'local socket') AS addr", 0, NULL)) == NULL) {
		chk_add(c, "cluster", CHK_FAIL, "not checked: %s",
		    db_last_error()->message);
		return -1;
	}
	snprintf(addr, n, "%s", db_get(r, 0, "addr"));
	standby = strcmp(db_get(r, 0, "standby"), "t") == 0;
	PQclear(r);
	if (standby) {
		chk_add(c, "cluster", CHK_FAIL, "connected to a standby (%s),"
		    " not the primary", addr);
		return -1;
	}
	return 0;
}

/* The primary and what streams from it, against cluster_sync_standbys.
 * The words of the item are tests/integration/check.sh's and the
 * cluster test's: what is wrong first ("synchronous standby missing:
 * 0 of 1; ", "lagging over 16 MiB or 10 s: pg2; "), then the primary
 * and its standbys. */
static void
chk_cluster(struct chk *c)
{
	struct chk_standbys	 s;
	const char		*ws = cfg_get(CFG_CLUSTER_SYNC_STANDBYS);
	char			 addr[80], why[320];
	long long		 want = 0;
	enum chk_state		 st = CHK_OK;

	/* Checked as the file was read (0..8); empty is the default. */
	if (*ws != '\0' && adm_num(c->a, "cluster_sync_standbys", ws, 0, 8,
	    &want) == -1) {
		chk_add(c, "cluster", CHK_FAIL, "cluster_sync_standbys: not"
		    " a number from 0 to 8");
		return;
	}
	if (chk_primary(c, addr, sizeof(addr)) == -1 ||
	    chk_standbys(c, &s) == -1)
		return;
	c->standbys = s.n;
	c->sync_standbys = s.sync;
	c->lag_max = s.lag_max;
	why[0] = '\0';
	if (s.sync < want) {
		st = CHK_FAIL;
		snprintf(why, sizeof(why), "synchronous standby missing:"
		    " %lld of %lld; ", s.sync, want);
	}
	if (s.lagging[0] != '\0') {
		if (st == CHK_OK)
			st = CHK_WARN;
		snprintf(why + strlen(why), sizeof(why) - strlen(why),
		    "lagging over 16 MiB or 10 s: %s; ", s.lagging);
	}
	if (s.n == 0)
		chk_add(c, "cluster", st, "%sprimary %s, %s", why, addr,
		    want == 0 ? "single server (no standby)" : "no standby");
	else
		chk_add(c, "cluster", st, "%sprimary %s, %lld standby%s (%lld"
		    " synchronous): %s", why, addr, s.n, s.n == 1 ? "" : "s",
		    s.sync, s.list);
}

/* --- signer ------------------------------------------------------------ */

/* The signer answers PING on cfg signer_socket: without it no device
 * certificate can be issued and no CRL renewed. */
static void
chk_signer(struct chk *c)
{
	char	 err[256];

	if (signer_ping(err, sizeof(err)) == -1)
		chk_add(c, "signer", CHK_FAIL, "%s: %s",
		    cfg_get(CFG_SIGNER_SOCKET), err);
	else
		chk_add(c, "signer", CHK_OK, "answers on %s",
		    cfg_get(CFG_SIGNER_SOCKET));
}

/* --- CRL and certificates ---------------------------------------------- */

static void
chk_crl(struct chk *c)
{
	const char	*path = cfg_get(CFG_CRL_FILE);
	X509_CRL	*crl = NULL;
	BIO		*b;
	char		 utc[40], words[40];
	enum chk_state	 st;

	if ((b = BIO_new_file(path, "r")) == NULL) {
		chk_add(c, "crl", CHK_FAIL, "%s: %s", path, strerror(errno));
		return;
	}
	crl = PEM_read_bio_X509_CRL(b, NULL, NULL, NULL);
	BIO_free(b);
	if (crl == NULL || (c->crl_next =
	    chk_asn1_time(X509_CRL_get0_nextUpdate(crl))) == -1) {
		chk_add(c, "crl", CHK_FAIL, "%s: not a CRL with a nextUpdate",
		    path);
		c->crl_next = -1;
		goto out;
	}
	chk_utc(c->crl_next, utc, sizeof(utc));
	st = chk_bounds(c, c->crl_next, CHK_CRL_FAIL, CHK_CRL_WARN, words,
	    sizeof(words));
	chk_add(c, "crl", st, "%s: next update %s (%s)%s", path, utc, words,
	    st == CHK_OK ? "" : "; nginx refuses every client certificate"
	    " once it passes (renrakucho-admin crl update)");
out:
	X509_CRL_free(crl);
}

static void
chk_cert(struct chk *c, const char *item, const char *file, long long *na)
{
	X509		*x = NULL;
	BIO		*b;
	char		 path[4096], utc[40], words[40];
	enum chk_state	 st;

	snprintf(path, sizeof(path), "%s/%s", cfg_get(CFG_TLS_DIR), file);
	if ((b = BIO_new_file(path, "r")) == NULL) {
		chk_add(c, item, CHK_FAIL, "%s: %s", path, strerror(errno));
		return;
	}
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	BIO_free(b);
	if (x == NULL || (*na = chk_asn1_time(X509_get0_notAfter(x))) ==
	    -1) {
		chk_add(c, item, CHK_FAIL, "%s: not a certificate", path);
		*na = -1;
		goto out;
	}
	chk_utc(*na, utc, sizeof(utc));
	st = chk_bounds(c, *na, CHK_CERT_FAIL, CHK_CERT_WARN, words,
	    sizeof(words));
	chk_add(c, item, st, "%s: expires %s (%s)", path, utc, words);
out:
	X509_free(x);
}

/* --- mail -------------------------------------------------------------- */

static void
chk_mail(struct chk *c)
{
	PGresult	*r;
	long long	 recent;

	/* Given up: next_attempt_at = infinity (lib/mail.c). */
	if ((r = db_exec(c->a->db, "SELECT"
	    " count(*) FILTER (WHERE w) AS waiting,"
	    " coalesce(floor(extract(epoch FROM now() -"
	    " min(created_at) FILTER (WHERE w)))::bigint, 0) AS oldest,"
	    " count(*) FILTER (WHERE g) AS abandoned,"
	    " count(*) FILTER (WHERE g AND created_at >"
	    " now() - interval '7 days') AS recent"
	    " FROM (SELECT created_at,"
	    " next_attempt_at <> 'infinity' AS w,"
	    " next_attempt_at = 'infinity' AS g"
	    " FROM mail_outbox WHERE sent_at IS NULL) m", 0, NULL)) == NULL) {
		chk_add(c, "mail", CHK_FAIL, "the outbox cannot be read: %s",
		    db_last_error()->message);
		return;
	}
	c->mail_waiting = strtoll(db_get(r, 0, "waiting"), NULL, 10);
	c->mail_oldest = strtoll(db_get(r, 0, "oldest"), NULL, 10);
	c->mail_abandoned = strtoll(db_get(r, 0, "abandoned"), NULL, 10);
	recent = strtoll(db_get(r, 0, "recent"), NULL, 10);
	PQclear(r);
	chk_add(c, "mail", c->mail_oldest > CHK_MAIL_WAIT_MAX || recent > 0 ?
	    CHK_FAIL : CHK_OK, "%lld waiting (the oldest for %lld s),"
	    " %lld given up (%lld in the last 7 days)%s", c->mail_waiting,
	    c->mail_oldest, c->mail_abandoned, recent,
	    c->mail_oldest > CHK_MAIL_WAIT_MAX ? "; is the mail timer"
	    " running, does sendmail work?" : "");
}

/* --- the gauges -------------------------------------------------------- */

/* One gauge of the file, NULL-named at the end of a table. */
struct chk_gauge {
	const char	*name;
	const char	*help;
	const char	*label;	/* "{item=\"crl\"}", or NULL */
	long long	 v;	/* -1: not measured, no sample */
};

/* The samples measured; HELP and TYPE once before the first of a name. */
static void
chk_gauges(FILE *f, const struct chk_gauge *g, const char **last)
{
	for (; g->name != NULL; g++) {
		if (g->v < 0)
			continue;
		if (*last == NULL || strcmp(*last, g->name) != 0)
			fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", g->name,
			    g->help, g->name);
		*last = g->name;
		fprintf(f, "%s%s %lld\n", g->name, g->label != NULL ?
		    g->label : "", g->v);
	}
}

static int
chk_prometheus(const struct chk *c, const char *path)
{
	static const char cert_help[] =
	    "The certificate's notAfter (Unix time).";
	const struct chk_gauge	 g[] = {
		{ "renrakucho_check_time_seconds",
		  "When the check ran (Unix time).", NULL, (long long)c->now },
		{ "renrakucho_schema_files", "Schema files in schema_dir.",
		  NULL, c->schema_files },
		{ "renrakucho_schema_unapplied_files",
		  "Schema files not applied, or changed since.", NULL,
		  c->schema_pending },
		{ "renrakucho_crl_next_update_seconds",
		  "The CRL's nextUpdate (Unix time).", NULL, c->crl_next },
		{ "renrakucho_cert_not_after_seconds", cert_help,
		  "{cert=\"server\"}", c->server_na },
		{ "renrakucho_cert_not_after_seconds", cert_help,
		  "{cert=\"ca\"}", c->ca_na },
		{ "renrakucho_mail_waiting", "Mail waiting in the outbox.",
		  NULL, c->mail_waiting },
		{ "renrakucho_mail_oldest_waiting_seconds",
		  "How long the oldest waiting mail has waited.", NULL,
		  c->mail_oldest },
		{ "renrakucho_mail_abandoned", "Mail given up after the last"
		  " attempt, still in the outbox.", NULL, c->mail_abandoned },
		{ "renrakucho_cluster_standbys", "Standbys connected to the"
		  " primary (pg_stat_replication).", NULL, c->standbys },
		{ "renrakucho_cluster_sync_standbys", "Standbys streaming with"
		  " sync_state sync or quorum.", NULL, c->sync_standbys },
		{ "renrakucho_cluster_replay_lag_bytes", "The largest replay lag"
		  " of a standby, in bytes of WAL.", NULL, c->lag_max },
		{ NULL, NULL, NULL, 0 }
	};
	struct chk_gauge	 ok[CHK_ITEMS + 1];
	char			 tmp[4096], label[CHK_ITEMS][64];
	const char		*last = NULL;
	FILE			*f;
	size_t			 i, n = 0;

	for (i = 0; i < c->n; i++) {
		snprintf(label[n], sizeof(label[n]), "{item=\"%s\"}",
		    c->item[i].name);
		ok[n].name = "renrakucho_check_ok";
		ok[n].help = "1 when the item of renrakucho-admin check is ok,"
		    " else 0.";
		ok[n].label = label[n];
		ok[n++].v = c->item[i].st == CHK_OK;
	}
	ok[n].name = NULL;
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >=
	    sizeof(tmp) || (f = fopen(tmp, "we")) == NULL) {
		adm_errx(c->a, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	chk_gauges(f, ok, &last);
	chk_gauges(f, g, &last);
	if (fflush(f) == EOF || ferror(f) || fsync(fileno(f)) == -1) {
		adm_errx(c->a, "%s: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		return -1;
	}
	if (fclose(f) == EOF || chmod(tmp, 0644) == -1 ||
	    rename(tmp, path) == -1) {
		adm_errx(c->a, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

int
cmd_check(struct adm *a, int argc, char **argv)
{
	const char		*prom = NULL;
	const struct adm_opt	 opts[] = {
		{ "prometheus", .val = &prom },
		{ NULL }
	};
	struct chk		 c;
	size_t			 i;
	int			 rc, db;

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	if (adm_ready(a) == -1)
		return 1;
	memset(&c, 0, sizeof(c));
	c.a = a;
	c.now = time(NULL);
	c.schema_files = c.schema_pending = c.crl_next = -1;
	c.server_na = c.ca_na = -1;
	c.mail_waiting = c.mail_oldest = c.mail_abandoned = -1;
	c.standbys = c.sync_standbys = c.lag_max = -1;

	db = chk_database(&c);
	if (db == 0)
		chk_cluster(&c);
	else
		chk_add(&c, "cluster", CHK_FAIL, "not checked: no database");
	chk_signer(&c);
	chk_crl(&c);
	chk_cert(&c, "server_cert", "server.crt", &c.server_na);
	chk_cert(&c, "ca_cert", "ca.crt", &c.ca_na);
	if (db == 0)
		chk_mail(&c);
	else
		chk_add(&c, "mail", CHK_FAIL, "not checked: no database");

	rc = 0;
	for (i = 0; i < c.n; i++) {
		printf("%-4s %s: %s\n", chk_words[c.item[i].st],
		    c.item[i].name, c.item[i].text);
		if (c.item[i].st == CHK_WARN || c.item[i].st == CHK_FAIL)
			rc = 1;
	}
	if (prom != NULL && chk_prometheus(&c, prom) == -1)
		rc = 1;
	return rc;
}
