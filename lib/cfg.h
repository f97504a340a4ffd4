/* Configuration file: "key = value" lines, '#' comments.  Path from the
 * RENRAKUCHO_CONF environment variable (set by nginx's fastcgi_param or
 * the operator's shell), else SYSCONFDIR "/renrakucho.conf". */
#ifndef RK_CFG_H
#define RK_CFG_H
#include "req.h"

/* Every key, in the order of its row in cfg_defs (lib/cfg.c), which
 * holds its name, default and description. */
enum cfg_key {
	CFG_DB_HOST,		/* pgbouncer socket directory or host */
	CFG_DB_PORT,
	CFG_DB_NAME,
	CFG_DB_USER,
	CFG_DB_PASSWORD,
	CFG_DB_OWNER_DSN,	/* admin CLI: migrations, CA, accounts */
	CFG_DB_JOBS_DSN,	/* admin CLI's routine verbs ("": the owner's) */
	CFG_STATEMENT_TIMEOUT_MS,
	CFG_MUNICIPALITY_NAME,	/* 島根県出雲市 */
	CFG_MUNICIPALITY_CODE,	/* 32203 */
	CFG_SERVICE_NAME,	/* shown in page titles */
	CFG_APP_URL,		/* https://127.0.0.1:8443 */
	CFG_PORTAL_URL,
	CFG_SECRETARIAT_NAME,
	CFG_SECRETARIAT_PHONE,
	CFG_SECRETARIAT_FAX,
	CFG_SECRETARIAT_EMAIL,
	CFG_SECRETARIAT_HOURS,	/* when it answers the phone */
	CFG_MAIL_FROM,
	CFG_SENDMAIL,		/* command, e.g. /usr/sbin/sendmail -t -i */
	CFG_CA_DIR,		/* CA key and certificate (ca init, ca server-cert) */
	CFG_CRL_FILE,		/* where nginx reads the CRL */
	CFG_RELOAD_CMD,		/* run after the CRL is written */
	CFG_SCHEMA_DIR,
	CFG_CERT_DAYS,
	CFG_SIGNER_SOCKET,	/* renrakucho-signer's unix socket */
	CFG_TLS_DIR,		/* what nginx serves: ca.crt, server.crt */
	CFG_AUDIT_REPORT_TO,	/* audit report's recipient ("": secretariat) */
	CFG_AUDIT_REPORT_MIN_PATIENTS,	/* report: patients a day, at least */
	CFG_AUDIT_WORK_HOURS,	/* report: 07:00-20:00 (Japan time) */
	CFG_AUDIT_RETENTION_MONTHS,	/* audit archive: months kept in the database */
	CFG_AUDIT_ARCHIVE_DIR,	/* audit archive: where the months go */
	CFG_PICKUP_FAILURE_KEEP_DAYS,	/* pickup purge */
	CFG_MAIL_BODY_KEEP_DAYS,	/* mail purge: bodies of sent mail */
	CFG_SEAL_FILE,		/* the audit chain's seals, appended */
	CFG_LOOKUP_HOURLY_LIMIT,	/* registration lookups an hour */
	CFG_CERT_MAX_ACTIVE,	/* live certificates one account may issue */
	CFG_CLUSTER_SYNC_STANDBYS,	/* check: synchronous standbys wanted */
	CFG__MAX
};

/* One key of the configuration reference: the parser, renrakucho.conf(5)
 * ("renrakucho-admin help --conf --man") and "help --conf" read this one
 * table, so they cannot drift apart. */
struct cfg_def {
	const char	*name;	/* as written in the file */
	const char	*dflt;	/* the value when the key is absent */
	const char	*doc;	/* what it is: plain text, sentences */
	req_validator	 valid;	/* NULL: any value; else checked on load */
	int64_t		 min;	/* its bounds (req_key's); an empty value */
	int64_t		 max;	/* passes when min is 0 */
};

/* Loads once; returns 0, or -1 with a log line (file unreadable,
 * unknown key, malformed line). */
int		 cfg_load(void);
/* The value, or the compiled-in default ("" if none).  Never NULL. */
const char	*cfg_get(enum cfg_key);
/* Override (admin CLI --conf, tests). */
int		 cfg_load_file(const char *path);
/* The key's row of the reference; NULL past CFG__MAX. */
const struct cfg_def	*cfg_def(enum cfg_key);
#endif
