/* Configuration: "key = value" lines read once per process. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "log.h"
#include "req.h"

#define CFG_LINE_MAX	1024

/*
 * The configuration reference, one row per key of enum cfg_key (same
 * order): name, default, description.  A key is added here and in
 * cfg.h's enum, nowhere else in the code: the manual page
 * renrakucho.conf(5) is generated from this table, and the tests
 * (tests/cgi/doc-drift.sh, tests/unit/cfg.c) fail when a key lacks a
 * description or is missing from the documented files
 * (conf/deploy/renrakucho.conf, conf/renrakucho.conf.in).  Descriptions
 * are plain text: the generator escapes them for roff.  A key with a
 * validator (lib/req.h's, with its min..max) is checked as the file is
 * read: a value it refuses makes the file fail to load.
 */
static const struct cfg_def cfg_defs[CFG__MAX] = {
	/* CFG_DB_HOST */		{ "db_host", "/var/run/postgresql",
	  "Where the CGIs connect: a socket directory (pgbouncer's, or "
	  "PostgreSQL's) or a host name." },
	/* CFG_DB_PORT */		{ "db_port", "6432",
	  "The port; for a socket directory it names the socket, "
	  ".s.PGSQL.<port>." },
	/* CFG_DB_NAME */		{ "db_name", "renrakucho",
	  "The database, as pgbouncer exposes it." },
	/* CFG_DB_USER */		{ "db_user", "renrakucho_app",
	  "The CGIs' least-privilege database role." },
	/* CFG_DB_PASSWORD */		{ "db_password", "",
	  "That role's password, sent only when the server asks for one; "
	  "empty when the socket itself is the boundary (peer or trust on "
	  "a socket only renrakucho reaches)." },
	/* CFG_DB_OWNER_DSN */		{ "db_owner_dsn", "dbname=renrakucho",
	  "libpq connection string of the schema owner, for "
	  "renrakucho-admin only (migrate, the CA, accounts, the jobs); the "
	  "CGIs never use it." },
	/* CFG_DB_JOBS_DSN */		{ "db_jobs_dsn", "",
	  "libpq connection string of the jobs' role (renrakucho_jobs), "
	  "used by the routine verbs the timers run (mail deliver and "
	  "purge, pickup and session purge, crl update) and by check; empty: "
	  "db_owner_dsn." },
	/* CFG_STATEMENT_TIMEOUT_MS */	{ "statement_timeout_ms", "5000",
	  "Upper bound of any one statement of a CGI, in milliseconds." },
	/* CFG_MUNICIPALITY_NAME */	{ "municipality_name", "島根県出雲市",
	  "The service area: patients must live here." },
	/* CFG_MUNICIPALITY_CODE */	{ "municipality_code", "32203",
	  "Its local government code (全国地方公共団体コード, 5 digits)." },
	/* CFG_SERVICE_NAME */		{ "service_name", "電子連絡帳",
	  "The service's name (e.g. ルピナスネット出雲): page titles, the "
	  "portal and the manual, and every mail's subject 【name】; one line, "
	  "1 to 40 characters.", req_v_line, 1, 40 },
	/* CFG_APP_URL */		{ "app_url", "https://127.0.0.1:8443/",
	  "The app's public base URL (client certificate required), "
	  "ending in \"/\"." },
	/* CFG_PORTAL_URL */		{ "portal_url", "https://127.0.0.1:8444/",
	  "The public portal's base URL, ending in \"/\"." },
	/* CFG_SECRETARIAT_NAME */	{ "secretariat_name", "電子連絡帳 事務局",
	  "Who runs the service (the city's secretariat, with its "
	  "department), shown on the portal, the manual, the app's footer "
	  "and error pages; one line, 1 to 80 characters.",
	  req_v_line, 1, 80 },
	/* CFG_SECRETARIAT_PHONE */	{ "secretariat_phone", "",
	  "The secretariat's phone number; at most 30 characters.",
	  req_v_line, 0, 30 },
	/* CFG_SECRETARIAT_FAX */	{ "secretariat_fax", "",
	  "The secretariat's fax number; at most 30 characters.",
	  req_v_line, 0, 30 },
	/* CFG_SECRETARIAT_EMAIL */	{ "secretariat_email", "",
	  "The secretariat's e-mail address.", req_v_email, 0, 254 },
	/* CFG_SECRETARIAT_HOURS */	{ "secretariat_hours", "",
	  "When the secretariat answers the phone (e.g. 平日 8:30〜17:15), "
	  "shown next to its number; at most 60 characters.",
	  req_v_line, 0, 60 },
	/* CFG_MAIL_FROM */		{ "mail_from", "renrakucho@localhost",
	  "Sender address of every mail." },
	/* CFG_SENDMAIL */		{ "sendmail", "/usr/sbin/sendmail -t -i",
	  "Command that takes one message on standard input, run by "
	  "\"renrakucho-admin mail deliver\"." },
	/* CFG_CA_DIR */		{ "ca_dir", SYSCONFDIR "/renrakucho/ca",
	  "The CA's directory (ca.key, ca.crt, server.key, server.crt)." },
	/* CFG_CRL_FILE */		{ "crl_file", SYSCONFDIR "/renrakucho/crl.pem",
	  "The CRL nginx reads (ssl_crl), written atomically by "
	  "\"renrakucho-admin crl update\"." },
	/* CFG_RELOAD_CMD */		{ "reload_cmd", "nginx -s reload",
	  "Command run after the CRL is written, so that nginx loads it; "
	  "empty runs nothing." },
	/* CFG_SCHEMA_DIR */		{ "schema_dir", PKGDATADIR "/schema",
	  "The installed SQL (base.sql, the numbered deltas, functions/), "
	  "applied by \"renrakucho-admin migrate\"." },
	/* CFG_CERT_DAYS */		{ "cert_days", "730",
	  "Validity of a new device certificate, in days." },
	/* CFG_SIGNER_SOCKET */		{ "signer_socket",
	    "/run/renrakucho-signer/signer.sock",
	  "renrakucho-signer's socket: device certificates and the CRL are "
	  "signed there, the one process that reads the CA key." },
	/* CFG_TLS_DIR */		{ "tls_dir", SYSCONFDIR "/renrakucho/tls",
	  "The certificates nginx serves and checks clients with: ca.crt "
	  "(the CA's certificate, no key), server.crt and server.key "
	  "(root's, 0600); \"renrakucho-admin setup\" writes them, \"check\" "
	  "reads the two certificates, never the key." },
	/* CFG_AUDIT_REPORT_TO */	{ "audit_report_to", "",
	  "Where \"renrakucho-admin audit report --mail\" sends the daily "
	  "access-pattern report (only when it lists anything); empty: "
	  "secretariat_email." },
	/* CFG_AUDIT_REPORT_MIN_PATIENTS */	{ "audit_report_min_patients",
	    "20",
	  "The audit report lists an account that viewed more distinct "
	  "patients in a day than this, and than 3 times its daily median "
	  "over the previous 30 days." },
	/* CFG_AUDIT_WORK_HOURS */	{ "audit_work_hours", "07:00-20:00",
	  "Working hours in Japan time, HH:MM-HH:MM: the audit report lists "
	  "registration lookups outside them." },
	/* CFG_AUDIT_RETENTION_MONTHS */	{ "audit_retention_months", "60",
	  "Months the audit trail stays in the database: \"renrakucho-admin "
	  "audit archive\" exports and drops only months that ended at least "
	  "this long ago (60: five years, the medical record's retention)." },
	/* CFG_AUDIT_ARCHIVE_DIR */	{ "audit_archive_dir",
	    "/var/lib/renrakucho/audit-archive",
	  "Where \"renrakucho-admin audit archive\" writes each month it "
	  "archives: YYYY-MM.jsonl and its manifest YYYY-MM.manifest." },
	/* CFG_PICKUP_FAILURE_KEEP_DAYS */	{ "pickup_failure_keep_days", "30",
	  "\"renrakucho-admin pickup purge\" deletes failed pickup attempts "
	  "(kept for the per-address limit) older than this many days." },
	/* CFG_MAIL_BODY_KEEP_DAYS */	{ "mail_body_keep_days", "0",
	  "\"renrakucho-admin mail purge\" empties the body of mail sent this "
	  "many days ago or more (0: at the first purge after delivery); "
	  "address, subject and times stay for the audit." },
	/* CFG_SEAL_FILE */		{ "seal_file",
	    "/var/lib/renrakucho/audit-seals",
	  "The audit chain's seals, one line each, appended by "
	  "\"renrakucho-admin audit seal\" (renrakucho-seal.timer) and "
	  "checked by \"audit verify\"; the signer's public key is "
	  "seal.pub in tls_dir." },
	/* CFG_LOOKUP_HOURLY_LIMIT */	{ "lookup_hourly_limit", "30",
	  "Registration lookups an account may make in any hour (a lookup "
	  "of /patients/new, a registration, a join request's identity "
	  "check: each answers whether a person is registered); beyond, "
	  "the page refuses with 429 and a \"patient.lookup\" or "
	  "\"join.request\" denied event, and the operator menu lists the "
	  "account for 24 hours." },
	/* CFG_CERT_MAX_ACTIVE */	{ "cert_max_active", "5",
	  "How many live (neither revoked nor expired) device certificates "
	  "one account may have issued in My Profile, waiting pickups "
	  "included; at the limit My Profile refuses another until one is "
	  "revoked." },
	/* CFG_CLUSTER_SYNC_STANDBYS */	{ "cluster_sync_standbys", "0",
	  "How many synchronous standbys the PostgreSQL cluster should have "
	  "(0 to 8): \"renrakucho-admin check\" fails its cluster item when "
	  "fewer standbys stream with sync_state sync or quorum, and warns "
	  "when one replays more than 16 MiB or 10 s behind; 0: a single "
	  "server, or standbys that nothing requires.", req_v_int, 0, 8 },
};

static char	*cfg_vals[CFG__MAX];
static int	 cfg_loaded;

static char *
cfg_trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* A value against its key's validator: NULL, or why it is refused. */
static const char *
cfg_check(const struct cfg_def *d, char *v)
{
	struct req_key	 k;
	struct req_val	 rv;

	if (d->valid == NULL)
		return NULL;
	memset(&k, 0, sizeof(k));
	k.name = d->name;
	k.valid = d->valid;
	k.min = d->min;
	k.max = d->max;
	memset(&rv, 0, sizeof(rv));
	rv.present = 1;
	rv.s = v;
	rv.len = strlen(v);
	if ((rv.len == 0 && d->min == 0) || d->valid(&rv, &k))
		return NULL;
	return rv.err != NULL ? rv.err : "invalid";
}

int
cfg_load_file(const char *path)
{
	FILE	*f;
	char	 line[CFG_LINE_MAX], *k, *v, *eq;
	const char	*why;
	int	 lineno = 0, rc = -1;
	size_t	 i;

	if ((f = fopen(path, "re")) == NULL) {
		log_err("%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			log_err("%s:%d: line too long", path, lineno);
			goto out;
		}
		k = cfg_trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			log_err("%s:%d: expected key = value", path, lineno);
			goto out;
		}
		*eq = '\0';
		k = cfg_trim(k);
		v = cfg_trim(eq + 1);
		for (i = 0; i < CFG__MAX; i++)
			if (strcmp(k, cfg_defs[i].name) == 0)
				break;
		if (i == CFG__MAX) {
			log_err("%s:%d: unknown key %s", path, lineno, k);
			goto out;
		}
		if ((why = cfg_check(&cfg_defs[i], v)) != NULL) {
			/* A number's bounds are values, a text's lengths. */
			log_err("%s:%d: %s refused (%lld to %lld%s): %s",
			    path, lineno, k, (long long)cfg_defs[i].min,
			    (long long)cfg_defs[i].max,
			    cfg_defs[i].valid == req_v_int ? "" : " characters",
			    why);
			goto out;
		}
		free(cfg_vals[i]);
		if ((cfg_vals[i] = strdup(v)) == NULL)
			goto out;
	}
	cfg_loaded = 1;
	rc = 0;
out:
	fclose(f);
	return rc;
}

int
cfg_load(void)
{
	const char	*p;

	if (cfg_loaded)
		return 0;
	if ((p = getenv("RENRAKUCHO_CONF")) == NULL || *p == '\0')
		p = SYSCONFDIR "/renrakucho.conf";
	return cfg_load_file(p);
}

const struct cfg_def *
cfg_def(enum cfg_key k)
{
	return (unsigned)k < CFG__MAX ? &cfg_defs[k] : NULL;
}

const char *
cfg_get(enum cfg_key k)
{
	if ((unsigned)k >= CFG__MAX)
		return "";
	return cfg_vals[k] != NULL ? cfg_vals[k] : cfg_defs[k].dflt;
}
