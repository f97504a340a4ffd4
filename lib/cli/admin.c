/* renrakucho-admin: the operators' command-line tool.  It does what must
 * happen outside a browser: schema migrations, the CA, facilities and
 * accounts, device certificates, the CRL, mail delivery, housekeeping.
 *
 * This file holds the verb table, option parsing, usage and the helpers
 * every verb shares; each verb group has its file (adm_migrate.c,
 * adm_ca.c, adm_account.c, adm_cert.c, adm_mail.c, adm_housekeeping.c,
 * adm_check.c, adm_backup.c, adm_setup.c, adm_audit_chain.c), and
 * adm_help.c prints the manual pages from the tables.
 *
 * It talks to PostgreSQL with the owner DSN (never through pgbouncer's
 * transaction pool), or for the routine verbs the timers run (mail, the
 * purges, crl update) and check with db_jobs_dsn when set, through the CGIs'
 * database layer (db.h), and writes every change together with its
 * audit event in one transaction.  With --once a timer's verb claims its
 * period in that transaction first (adm_once.c), so that of several web
 * nodes running the same timers one does the work.  Passwords
 * are read from stdin, never from argv, where any user could see them in
 * ps(1).
 *
 * Exit status: 0 success, 1 failure (one line on stderr), 2 usage. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "audit.h"
#include "cfg.h"
#include "db.h"
#include "log.h"
#include "req.h"
#include "adm.h"

/*
 * The verbs: name, sub-verb, function, usage and help.  --help, the
 * usage lines and the manual page renrakucho-admin(8) ("help --man",
 * run by the build) are all printed from this table; a verb is added
 * with one row here (its function declared in adm.h), and
 * tests/cgi/doc-reference.sh fails if the installed manual lacks it.
 * args and help are plain text: the manual's generator escapes them.
 */
/* The timers' verbs whose work is once per period, not per web node
 * (adm_once.c). */
#define ADM_ONCE_HOUR	"; --once: at most one run a Japan-time hour" \
	" across the web nodes (job_run)"

static const struct adm_def adm_defs[] = {
	{ "setup", NULL, cmd_setup,
	  "[--san DNS:name,IP:addr,...] [--ca-cn NAME] [--facility NAME"
	  " --facility-email E --login L --name N [--email E]]"
	  " [--pg-user postgres] [--peer-map] < password",
	  "as root, once or again: CA, server certificate, database, roles,"
	  " peer map, first operator and its certificate pickup;"
	  " --peer-map: that alone (a new cluster, before restore)" },
	{ "migrate", NULL, cmd_migrate, "[--status | --dry-run]",
	  "apply the schema: base.sql, new deltas, the functions" },
	{ "ca", "init", cmd_ca_init, "[--cn NAME]",
	  "create the CA key and self-signed certificate" },
	{ "ca", "server-cert", cmd_ca_server_cert,
	  "[--san DNS:name,IP:addr,...] [--days N]",
	  "issue the TLS server certificate for nginx" },
	{ "crl", "update", cmd_crl_update, "[--days N] [--if-changed]",
	  "rewrite the CRL (signed by renrakucho-signer) and reload nginx;"
	  " --if-changed: only when the revoked serials changed or its"
	  " next update is within 2 days" },
	{ "facility", "add", cmd_facility_add,
	  "--name N --municipality-code C --municipality NAME --email E"
	  " [--address A] [--phone P]",
	  "register a facility; prints its id" },
	{ "facility", "list", cmd_facility_list, "",
	  "list the facilities" },
	{ "account", "add", cmd_account_add,
	  "--facility ID --login L --name N [--kana K] [--profession P]"
	  " [--email E | --placeholder]"
	  " [--role staff|facility-admin|operator]... [--own-password]"
	  " < password",
	  "create an account (password on stdin, changed at the first login"
	  " unless --own-password: the person's own); prints its id" },
	{ "account", "list", cmd_account_list, "[--facility ID]",
	  "list the accounts" },
	{ "account", "unlock", cmd_account_unlock, "--login L",
	  "clear an account's failed-login lock" },
	{ "account", "passwd", cmd_account_passwd,
	  "--login L [--own-password] < password",
	  "set an account's password (on stdin; changed at the next login"
	  " unless --own-password); ends its sessions, mails the person" },
	{ "cert", "issue", cmd_cert_issue,
	  "--login L --label TEXT --p12 FILE --pem FILE [--days N]",
	  "issue a device certificate; prints the PKCS#12 password" },
	{ "cert", "list", cmd_cert_list, "[--facility ID]",
	  "list the device certificates" },
	{ "cert", "revoke", cmd_cert_revoke, "--serial HEX [--reason TEXT]",
	  "revoke a device certificate and update the CRL" },
	{ "session", "purge", cmd_session_purge, "[--once]",
	  "delete sessions over 30 days past their end; prints the count"
	  ADM_ONCE_HOUR },
	{ "mail", "deliver", cmd_mail_deliver, "[--limit N]",
	  "send queued mail through the sendmail command (cron: every"
	  " minute)" },
	{ "pickup", "purge", cmd_pickup_purge, "[--once]",
	  "delete expired certificate pickups' bundles, revoking their"
	  " certificates, and failed pickup attempts past"
	  " pickup_failure_keep_days; prints the bundles' count"
	  ADM_ONCE_HOUR },
	{ "mail", "purge", cmd_mail_purge, "[--days N] [--once]",
	  "delete mail sent or given up over N (90) days ago, and empty"
	  " the bodies of mail sent past mail_body_keep_days; prints the"
	  " mails' count" ADM_ONCE_HOUR },
	{ "check", NULL, cmd_check, "[--prometheus FILE]",
	  "check the database, the cluster (primary, standbys:"
	  " cluster_sync_standbys), signer, CRL, certificates and mail; one"
	  " line each, exit 1 on any problem" },
	{ "backup", NULL, cmd_backup, "DIR",
	  "write the database, roles, CA directory and configuration into"
	  " the new DIR, with a MANIFEST of SHA-256 sums" },
	{ "restore", NULL, cmd_restore, "DIR",
	  "verify DIR's MANIFEST, then restore the roles, the database (it"
	  " must be empty), the CA directory and the configuration" },
	{ "auditor", "add", cmd_auditor_add, "NAME [--generate] < password",
	  "create an auditor's own database role (a member of"
	  " renrakucho_auditor, logged by pgaudit); --generate: print a new"
	  " random password once instead of reading one" },
	{ "auditor", "list", cmd_auditor_list, "",
	  "list the auditors' roles" },
	{ "auditor", "remove", cmd_auditor_remove, "NAME",
	  "drop an auditor's role" },
	{ "audit", "report", cmd_audit_report,
	  "[--day YYYY-MM-DD] [--mail] [--once]",
	  "the day's access patterns (default yesterday, Japan time):"
	  " accounts that viewed more patients than usual, lookups outside"
	  " working hours, refused accesses; --mail: also queue it to"
	  " audit_report_to when it lists anything; --once: at most one"
	  " run per day reported across the web nodes (job_run)" },
	{ "audit", "actions", cmd_audit_actions, "[--markdown | --columns]",
	  "print the audit trail's actions (what object_type, object_id and"
	  " detail hold) or its columns; --markdown: doc/audit.md" },
	{ "audit", "export", cmd_audit_export,
	  "--since YYYY-MM-DD --until YYYY-MM-DD --format csv|jsonl"
	  " [--out FILE]",
	  "write the audit events of those days (Japan time, both"
	  " included), every column in id order: CSV for spreadsheets or"
	  " JSON lines" },
	{ "audit", "archive", cmd_audit_archive, "--before YYYY-MM [--dir DIR]",
	  "export each month partition before YYYY-MM and past"
	  " audit_retention_months to DIR (audit_archive_dir) as"
	  " YYYY-MM.jsonl with a manifest, then detach and drop it" },
	{ "audit", "partitions", cmd_audit_partitions, "[--once]",
	  "make the audit trail's partitions of this month and the next"
	  " when missing (purge timer); prints how many it made"
	  ADM_ONCE_HOUR },
	{ "audit", "verify", cmd_audit_verify, "[--from SEQ] [--db DSN"
	  " [--seals FILE] [--pub PEM]] | --archive FILE.jsonl [--seals FILE]"
	  " [--pub PEM]",
	  "recompute the audit trail's hash chain and check every seal;"
	  " exit 1 naming the first event changed, deleted, inserted or"
	  " reordered; --db: connect as an auditor's own role (with --seals"
	  " and --pub, no configuration needed); --archive: an export's or"
	  " archive's JSON lines against its seals (FILE.seal), without the"
	  " database" },
	{ "audit", "seal", cmd_audit_seal, "",
	  "have renrakucho-signer seal the chain's head; append the seal"
	  " to seal_file and syslog (timer: hourly, on every web node:"
	  " each node's file is a witness of its own)" },
	{ "cert", "expiry-notice", cmd_cert_expiry_notice, "[--once]",
	  "mail the account that issued each live device certificate and"
	  " its facility's representative address 30 and 7 days before it"
	  " expires, each notice once (timer: daily); prints the counts;"
	  " --once: at most one run a Japan-time day across the web nodes"
	  " (job_run)" },
};

#define ADM_NDEFS	(sizeof(adm_defs) / sizeof(adm_defs[0]))

/* --- messages -------------------------------------------------------- */

/* One line on stderr, prefixed with the command; control characters in
 * the arguments (a file name, a database message) are escaped so the
 * message stays one line. */
void
adm_errx(const struct adm *a, const char *fmt, ...)
{
	char	 msg[1024], esc[2048];
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_escape(esc, sizeof(esc), msg);
	fflush(stdout);
	fprintf(stderr, "%s: %s\n", a != NULL && a->label != NULL ?
	    a->label : ADM_PROG, esc);
}

void
adm_dberr(const struct adm *a, const char *what)
{
	const struct db_error	*e = db_last_error();

	adm_errx(a, "%s: %s", what, e->message[0] != '\0' ? e->message :
	    "database error");
}

static void
adm_usage_line(FILE *f, const struct adm_def *d)
{
	fprintf(f, "usage: %s [--conf FILE] %s%s%s%s%s\n", ADM_PROG, d->verb,
	    d->sub != NULL ? " " : "", d->sub != NULL ? d->sub : "",
	    d->args[0] != '\0' ? " " : "", d->args);
}

int
adm_usage(const struct adm *a, int bad)
{
	FILE	*f = bad ? stderr : stdout;

	adm_usage_line(f, a->def);
	if (!bad)
		fprintf(f, "%s\n", a->def->help);
	return bad ? 2 : 0;
}

static void
adm_help(FILE *f)
{
	char	 name[40];
	size_t	 i;

	fprintf(f, "usage: %s [--conf FILE] VERB [ARGS]\n"
	    "       %s --help | --version\n"
	    "Configuration: --conf FILE, else $RENRAKUCHO_CONF, else %s.\n"
	    "Verbs:\n", ADM_PROG, ADM_PROG, SYSCONFDIR "/renrakucho.conf");
	for (i = 0; i < ADM_NDEFS; i++) {
		snprintf(name, sizeof(name), "%s%s%s", adm_defs[i].verb,
		    adm_defs[i].sub != NULL ? " " : "",
		    adm_defs[i].sub != NULL ? adm_defs[i].sub : "");
		fprintf(f, "  %-18s %s\n", name, adm_defs[i].help);
	}
	fprintf(f, "  %-18s %s\n", "help", "this list; --conf: every"
	    " configuration key; --man: the manual page (roff)");
	fprintf(f, "Run \"%s VERB --help\" for a verb's options.\n", ADM_PROG);
}

/* "help [--conf] [--man]": the list, the configuration reference, or
 * either as a manual page (the build writes doc/ with them). */
static int
adm_help_verb(int argc, char **argv)
{
	int	 i, conf = 0, man = 0, rc = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--conf") == 0)
			conf = 1;
		else if (strcmp(argv[i], "--man") == 0)
			man = 1;
		else {
			fprintf(stderr, "usage: %s help [--conf] [--man]\n",
			    ADM_PROG);
			return 2;
		}
	}
	if (conf && man)
		rc = adm_man_conf(stdout);
	else if (conf)
		rc = adm_conf_ref(stdout);
	else if (man)
		adm_man_admin(stdout, adm_defs, ADM_NDEFS);
	else
		adm_help(stdout);
	if (rc == -1)
		return 1;
	if (fflush(stdout) == EOF || ferror(stdout)) {
		adm_errx(NULL, "standard output: %s", strerror(errno));
		return 1;
	}
	return 0;
}

/* --- option values --------------------------------------------------- */

/* getopt_long restarted on a new argument vector: optind = 0 makes
 * glibc re-initialise (ordering and the half-read option cluster). */
static int
adm_getopt(int argc, char **argv, const struct option *opts)
{
	return getopt_long(argc, argv, "", opts, NULL);
}

/* A single-valued option given twice is a mistake, not "last wins". */
static int
adm_once(const struct adm *a, const char **dst, const char *name)
{
	if (*dst != NULL) {
		adm_errx(a, "--%s given twice", name);
		return -1;
	}
	*dst = optarg;
	return 0;
}

#define ADM_OPTS_MAX	14	/* per verb, --help not counted */
#define ADM_OPT_HELP	'h'
#define ADM_OPT_BASE	256	/* getopt value of opts[0]: clear of '?' */

const struct adm_opt adm_noopts[] = { { .name = NULL } };

/* The getopt table keeps the verb's order with --help last: glibc lists
 * ambiguous abbreviations in table order. */
int
adm_parse(struct adm *a, int argc, char **argv, const struct adm_opt *opts)
{
	struct option		 lo[ADM_OPTS_MAX + 2];
	const struct adm_opt	*o;
	size_t			 i, n;
	int			 ch, rc;

	for (n = 0; opts[n].name != NULL; n++) {
		if (n == ADM_OPTS_MAX)
			abort();	/* a programming error */
		lo[n].name = opts[n].name;
		lo[n].has_arg = opts[n].flag != NULL ? no_argument :
		    required_argument;
		lo[n].flag = NULL;
		lo[n].val = ADM_OPT_BASE + (int)n;
	}
	lo[n].name = "help";
	lo[n].has_arg = no_argument;
	lo[n].flag = NULL;
	lo[n].val = ADM_OPT_HELP;
	memset(&lo[n + 1], 0, sizeof(lo[n + 1]));

	while ((ch = adm_getopt(argc, argv, lo)) != -1) {
		if (ch == ADM_OPT_HELP)
			return adm_usage(a, 0);
		if (ch < ADM_OPT_BASE || ch >= ADM_OPT_BASE + (int)n)
			return adm_usage(a, 1);
		o = &opts[ch - ADM_OPT_BASE];
		if (o->flag != NULL)
			*o->flag = 1;
		else if (o->fn != NULL) {
			if ((rc = o->fn(a, optarg, o->arg)) != -1)
				return rc;
		} else if (adm_once(a, o->val, o->name) == -1)
			return 2;
	}
	if (optind != argc)
		return adm_usage(a, 1);
	for (i = 0; i < n; i++)
		if (opts[i].required && *opts[i].val == NULL)
			return adm_usage(a, 1);
	return -1;
}

/* The value as a form field: the same checks, bounds and parsing as the
 * web forms'. */
static int
adm_check(const char *s, req_validator fn, int64_t min, int64_t max,
    struct req_val *v)
{
	struct req_key	 k;

	memset(&k, 0, sizeof(k));
	memset(v, 0, sizeof(*v));
	k.valid = fn;
	k.min = min;
	k.max = max;
	v->present = 1;
	/* The stock validators other than req_v_multiline (not used here)
	 * only read the value. */
	v->s = (char *)(uintptr_t)s;
	v->len = strlen(s);
	return fn(v, &k);
}

int
adm_valid(const struct adm *a, const char *what, const char *s,
    req_validator fn, int64_t min, int64_t max)
{
	struct req_val	 v;

	if (s == NULL || adm_check(s, fn, min, max, &v))
		return 0;
	adm_errx(a, "%s: %s: %s", what, v.err != NULL ? v.err : "invalid",
	    s);
	return -1;
}

int
adm_num(const struct adm *a, const char *what, const char *s,
    int64_t min, int64_t max, long long *out)
{
	struct req_val	 v;

	/* Digits only: no sign, no blanks. */
	if (s != NULL && *s >= '0' && *s <= '9' &&
	    adm_check(s, req_v_int, min, max, &v)) {
		*out = (long long)v.num;
		return 0;
	}
	adm_errx(a, "%s: expected a number from %lld to %lld: %s", what,
	    (long long)min, (long long)max, s != NULL ? s : "");
	return -1;
}

int
adm_days(const struct adm *a, const char *s, long long dflt, int *out)
{
	long long	 v = dflt;

	if (s != NULL && adm_num(a, "--days", s, 1, ADM_DAYS_MAX, &v) == -1)
		return -1;
	*out = (int)v;
	return 0;
}

/* --- configuration, identity, database ------------------------------- */

static void	adm_whoami(struct adm *);

/* Called by each verb once its options are parsed, so that --help and
 * usage errors work without a configuration file. */
int
adm_ready(struct adm *a)
{
	if (a->ready)
		return 0;
	/* cfg logs the reason (file, line) in one line. */
	if ((a->conf != NULL ? cfg_load_file(a->conf) : cfg_load()) == -1)
		return -1;
	adm_whoami(a);
	a->ready = 1;
	return 0;
}
/* Who is acting, for the audit trail: the sudo caller if any (root's
 * name says nothing), else the Unix user. */
static void
adm_whoami(struct adm *a)
{
	const char	*u = getenv("SUDO_USER");
	struct passwd	*pw;
	size_t		 i, len;

	if (u != NULL) {
		len = strlen(u);
		for (i = 0; i < len; i++)
			if (u[i] < '!' || u[i] > '~')
				break;
		if (len == 0 || len > 64 || i != len)
			u = NULL;
	}
	if (u == NULL && (pw = getpwuid(geteuid())) != NULL)
		u = pw->pw_name;
	if (u != NULL)
		snprintf(a->who, sizeof(a->who), "cli:%s", u);
	else
		snprintf(a->who, sizeof(a->who), "cli:uid %u",
		    (unsigned)geteuid());
}

int
adm_connect_dsn(struct adm *a, const char *dsn, int schema)
{
	/* The operator gets one line about a failed statement, from the
	 * verb (adm_dberr): some failures, such as a login ID already in
	 * use, are answers, not faults to log. */
	db_log_errors(0);
	/* db logs libpq's reason in one line. */
	if ((a->db = db_connect_dsn(dsn)) == NULL)
		return -1;
	if (PQsetClientEncoding(a->db, "UTF8") != 0) {
		adm_errx(a, "cannot set the client encoding to UTF8");
		return -1;
	}
	/* NOTICEs (a migration's "already exists, skipping") are noise on
	 * an operator's terminal and in cron mail.  search_path for the
	 * statements outside a transaction (db_begin sets it in one). */
	if (db_cmd(a->db, "SET client_min_messages = warning", 0,
	    NULL) == -1 || (schema && db_cmd(a->db,
	    "SET search_path = renrakucho", 0, NULL) == -1)) {
		adm_dberr(a, "session setup");
		return -1;
	}
	return 0;
}

int
adm_connect(struct adm *a, int schema)
{
	if (adm_ready(a) == -1)
		return -1;
	return adm_connect_dsn(a, cfg_get(CFG_DB_OWNER_DSN), schema);
}

int
adm_connect_jobs(struct adm *a)
{
	const char	*dsn;

	if (adm_ready(a) == -1)
		return -1;
	if (*(dsn = cfg_get(CFG_DB_JOBS_DSN)) == '\0')
		return adm_connect(a, 1);
	a->jobs = 1;
	return adm_connect_dsn(a, dsn, 1);
}

int
adm_commit(struct adm *a)
{
	if (db_commit(a->db) == -1) {
		adm_dberr(a, "COMMIT");
		return -1;
	}
	return 0;
}

/* One audit event of this operator, in the current transaction. */
int
adm_audit(struct adm *a, const char *action, const char *otype,
    const char *oid, const char *detail)
{
	struct audit	 ev;
	const char	*p[3];

	if (a->jobs) {
		/* No INSERT on audit_event for the jobs' role. */
		p[0] = a->who;
		p[1] = action;
		p[2] = detail;
		if (db_cmd(a->db, "SELECT jobs_audit($1, $2, $3)", 3,
		    p) == -1) {
			adm_dberr(a, action);
			return -1;
		}
		return 0;
	}
	memset(&ev, 0, sizeof(ev));
	ev.login = a->who;
	ev.action = action;
	ev.object_type = otype;
	ev.object_id = oid;
	ev.outcome = "success";
	ev.detail = detail;
	if (audit_write(a->db, &ev) == -1) {
		adm_errx(a, "cannot write the audit event %s", action);
		return -1;
	}
	return 0;
}

/* --- output ---------------------------------------------------------- */

/* One tab-separated field; control characters (a tab in a name) become
 * spaces so every row stays one line with the same columns. */
static void
adm_field(const char *s, int last)
{
	if (s == NULL)
		s = "";
	for (; *s != '\0'; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s);
	putchar(last ? '\n' : '\t');
}

int
adm_table(struct adm *a, const char *sql, int n, const char *const *p,
    const char *const *cols)
{
	PGresult	*r;
	int		 i, j, ncol;

	if ((r = db_exec(a->db, sql, n, p)) == NULL) {
		adm_dberr(a, "query");
		return 1;
	}
	for (ncol = 0; cols[ncol] != NULL; ncol++)
		adm_field(cols[ncol], cols[ncol + 1] == NULL);
	for (i = 0; i < PQntuples(r); i++)
		for (j = 0; j < ncol; j++)
			adm_field(db_get(r, i, cols[j]), j + 1 == ncol);
	PQclear(r);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		adm_errx(a, "standard output: %s", strerror(errno));
		return 1;
	}
	return 0;
}

/* --- main ------------------------------------------------------------ */

/* "VERB" or "VERB SUB" to its table row; NULL if unknown.  *nargs says
 * how many words of argv the name took. */
static const struct adm_def *
adm_find(int argc, char **argv, int *nargs, int *verbknown)
{
	size_t	 i;

	*verbknown = 0;
	for (i = 0; i < ADM_NDEFS; i++) {
		if (strcmp(argv[0], adm_defs[i].verb) != 0)
			continue;
		*verbknown = 1;
		if (adm_defs[i].sub == NULL) {
			*nargs = 1;
			return &adm_defs[i];
		}
		if (argc > 1 && strcmp(argv[1], adm_defs[i].sub) == 0) {
			*nargs = 2;
			return &adm_defs[i];
		}
	}
	return NULL;
}

/* "renrakucho-admin ca" alone, or with --help: its sub-verbs. */
static int
adm_verb_help(const char *verb, int help)
{
	FILE	*f = help ? stdout : stderr;
	size_t	 i;

	for (i = 0; i < ADM_NDEFS; i++)
		if (strcmp(adm_defs[i].verb, verb) == 0)
			adm_usage_line(f, &adm_defs[i]);
	return help ? 0 : 2;
}

int
main(int argc, char *argv[])
{
	static const struct option opts[] = {
		{ "conf", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct adm		 a;
	const struct adm_def	*d;
	const char		*conf = NULL;
	char			 label[64];
	int			 ch, nargs = 0, known, rc;

	memset(&a, 0, sizeof(a));
	log_setprog(ADM_PROG);
	/* "+": options after the verb are the verb's. */
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1)
		switch (ch) {
		case 'c':
			if (adm_once(&a, &conf, "conf") == -1)
				return 2;
			break;
		case 'h':
			adm_help(stdout);
			return 0;
		case 'V':
			printf("%s %s\n", ADM_PROG, PACKAGE_VERSION);
			return 0;
		default:
			adm_help(stderr);
			return 2;
		}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		adm_help(stderr);
		return 2;
	}
	if (strcmp(argv[0], "help") == 0)
		return adm_help_verb(argc, argv);
	if ((d = adm_find(argc, argv, &nargs, &known)) == NULL) {
		if (known)
			return adm_verb_help(argv[0], argc > 1 &&
			    strcmp(argv[1], "--help") == 0);
		adm_errx(NULL, "unknown verb %s (see %s --help)", argv[0],
		    ADM_PROG);
		return 2;
	}
	snprintf(label, sizeof(label), "%s %s%s%s", ADM_PROG, d->verb,
	    d->sub != NULL ? " " : "", d->sub != NULL ? d->sub : "");
	a.def = d;
	a.label = label;
	/* The verb's own argv: argv[0] names it in getopt's messages. */
	argc -= nargs - 1;
	argv += nargs - 1;
	argv[0] = label;
	optind = 0;

	a.conf = conf;
	/* Messages of the library (log.h) name the verb too. */
	log_setprog(label);
	rc = d->fn(&a, argc, argv);
	if (a.db != NULL) {
		db_rollback(a.db);
		PQfinish(a.db);
	}
	if (fflush(stdout) == EOF && rc == 0) {
		adm_errx(&a, "standard output: %s", strerror(errno));
		rc = 1;
	}
	return rc;
}
