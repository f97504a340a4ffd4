/* renrakucho-admin: the operators' command-line tool.  It does what must
 * happen outside a browser: schema migrations, the CA, facilities and
 * accounts, device certificates, the CRL, session housekeeping.
 *
 * It talks straight to PostgreSQL with the owner DSN (never through
 * pgbouncer) and writes every change together with its audit event in
 * one transaction.  Passwords are read from stdin, never from argv,
 * where any user could see them in ps(1).
 *
 * Exit status: 0 success, 1 failure (one line on stderr), 2 usage. */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "account.h"
#include "audit.h"
#include "auth.h"
#include "cfg.h"
#include "db.h"
#include "log.h"
#include "pickup.h"
#include "pki.h"

#define ADM_PROG		"renrakucho-admin"
#define ADM_PW_MIN		8	/* characters */
#define ADM_PW_MAX		256	/* bytes */
#define ADM_SQL_MAX		(4 * 1024 * 1024)
#define ADM_MIGRATIONS_MAX	1000
#define ADM_DAYS_MAX		3650
#define ADM_CRL_DAYS		7
#define ADM_SERVER_DAYS		825
#define ADM_ERR_MAX		512

/* Timestamps in listings: Japan time with its offset, so nobody has to
 * guess which zone a column is in. */
#define ADM_TS(col) "to_char(" col " AT TIME ZONE 'Asia/Tokyo'," \
	" 'YYYY-MM-DD HH24:MI:SS\"+09\"')"

struct adm_def;

struct adm {
	const struct adm_def	*def;
	const char		*conf;	/* --conf, or NULL */
	int			 ready;	/* configuration loaded */
	const char		*label;	/* "renrakucho-admin cert issue" */
	PGconn			*db;
	char			 who[80];	/* audit login: "cli:<user>" */
	char			 err[ADM_ERR_MAX];	/* last database error */
	char			 state[6];		/* its SQLSTATE */
	char			 constraint[64];	/* its constraint */
	int			 errpos;	/* its statement position */
};

typedef int (*adm_fn)(struct adm *, int, char **);

enum adm_cmd {
	CMD_MIGRATE,
	CMD_CA_INIT,
	CMD_CA_SERVER_CERT,
	CMD_CRL_UPDATE,
	CMD_FACILITY_ADD,
	CMD_FACILITY_LIST,
	CMD_ACCOUNT_ADD,
	CMD_ACCOUNT_LIST,
	CMD_ACCOUNT_UNLOCK,
	CMD_ACCOUNT_PASSWD,
	CMD_CERT_ISSUE,
	CMD_CERT_LIST,
	CMD_CERT_REVOKE,
	CMD_SESSION_PURGE,
	CMD_MAIL_DELIVER,
	CMD_PICKUP_PURGE,
	CMD__MAX
};

struct adm_def {
	const char	*verb;
	const char	*sub;	/* NULL: the verb stands alone */
	adm_fn		 fn;
	const char	*args;
	const char	*help;
};

static int	cmd_migrate(struct adm *, int, char **);
static int	cmd_ca_init(struct adm *, int, char **);
static int	cmd_ca_server_cert(struct adm *, int, char **);
static int	cmd_crl_update(struct adm *, int, char **);
static int	cmd_facility_add(struct adm *, int, char **);
static int	cmd_facility_list(struct adm *, int, char **);
static int	cmd_account_add(struct adm *, int, char **);
static int	cmd_account_list(struct adm *, int, char **);
static int	cmd_account_unlock(struct adm *, int, char **);
static int	cmd_account_passwd(struct adm *, int, char **);
static int	cmd_cert_issue(struct adm *, int, char **);
static int	cmd_cert_list(struct adm *, int, char **);
static int	cmd_cert_revoke(struct adm *, int, char **);
static int	cmd_session_purge(struct adm *, int, char **);
static int	cmd_mail_deliver(struct adm *, int, char **);
static int	cmd_pickup_purge(struct adm *, int, char **);

static const struct adm_def adm_defs[CMD__MAX] = {
	/* CMD_MIGRATE */
	{ "migrate", NULL, cmd_migrate, "",
	  "apply the schema files not yet applied" },
	/* CMD_CA_INIT */
	{ "ca", "init", cmd_ca_init, "[--cn NAME]",
	  "create the CA key and self-signed certificate" },
	/* CMD_CA_SERVER_CERT */
	{ "ca", "server-cert", cmd_ca_server_cert,
	  "[--san DNS:name,IP:addr,...] [--days N]",
	  "issue the TLS server certificate for nginx" },
	/* CMD_CRL_UPDATE */
	{ "crl", "update", cmd_crl_update, "[--days N]",
	  "rewrite the CRL from the database and reload nginx" },
	/* CMD_FACILITY_ADD */
	{ "facility", "add", cmd_facility_add,
	  "--name N --municipality-code C --municipality NAME --email E"
	  " [--address A] [--phone P]",
	  "register a facility; prints its id" },
	/* CMD_FACILITY_LIST */
	{ "facility", "list", cmd_facility_list, "",
	  "list the facilities" },
	/* CMD_ACCOUNT_ADD */
	{ "account", "add", cmd_account_add,
	  "--facility ID --login L --name N [--kana K] [--profession P]"
	  " [--email E | --placeholder]"
	  " [--role staff|facility-admin|operator]... < password",
	  "create an account (password on stdin); prints its id" },
	/* CMD_ACCOUNT_LIST */
	{ "account", "list", cmd_account_list, "[--facility ID]",
	  "list the accounts" },
	/* CMD_ACCOUNT_UNLOCK */
	{ "account", "unlock", cmd_account_unlock, "--login L",
	  "clear an account's failed-login lock" },
	/* CMD_ACCOUNT_PASSWD */
	{ "account", "passwd", cmd_account_passwd, "--login L < password",
	  "set an account's password (on stdin); ends its sessions" },
	/* CMD_CERT_ISSUE */
	{ "cert", "issue", cmd_cert_issue,
	  "--login L --label TEXT --p12 FILE --pem FILE [--days N]",
	  "issue a device certificate; prints the PKCS#12 password" },
	/* CMD_CERT_LIST */
	{ "cert", "list", cmd_cert_list, "[--facility ID]",
	  "list the device certificates" },
	/* CMD_CERT_REVOKE */
	{ "cert", "revoke", cmd_cert_revoke, "--serial HEX [--reason TEXT]",
	  "revoke a device certificate and update the CRL" },
	/* CMD_SESSION_PURGE */
	{ "session", "purge", cmd_session_purge, "",
	  "delete sessions over 30 days past their end; prints the count" },
	/* CMD_MAIL_DELIVER */
	{ "mail", "deliver", cmd_mail_deliver, "[--limit N]",
	  "send queued mail through the sendmail command (cron: every"
	  " minute)" },
	/* CMD_PICKUP_PURGE */
	{ "pickup", "purge", cmd_pickup_purge, "",
	  "delete expired certificate pickups' bundles, revoking their"
	  " certificates; prints the count" },
};

/* --- messages -------------------------------------------------------- */

/* One line on stderr, prefixed with the command; control characters in
 * the arguments (a file name, a database message) are escaped so the
 * message stays one line. */
static void __attribute__((format(printf, 2, 3)))
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

static void
adm_dberr(const struct adm *a, const char *what)
{
	adm_errx(a, "%s: %s", what, a->err[0] != '\0' ? a->err :
	    "database error");
}

static void
adm_usage_line(FILE *f, const struct adm_def *d)
{
	fprintf(f, "usage: %s [--conf FILE] %s%s%s%s%s\n", ADM_PROG, d->verb,
	    d->sub != NULL ? " " : "", d->sub != NULL ? d->sub : "",
	    d->args[0] != '\0' ? " " : "", d->args);
}

/* --help: usage on stdout, 0.  A mistake: usage on stderr, 2. */
static int
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
	for (i = 0; i < CMD__MAX; i++) {
		snprintf(name, sizeof(name), "%s%s%s", adm_defs[i].verb,
		    adm_defs[i].sub != NULL ? " " : "",
		    adm_defs[i].sub != NULL ? adm_defs[i].sub : "");
		fprintf(f, "  %-18s %s\n", name, adm_defs[i].help);
	}
	fprintf(f, "  %-18s %s\n", "help", "this list");
	fprintf(f, "Run \"%s VERB --help\" for a verb's options.\n", ADM_PROG);
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

/* One long option of a verb; exactly one of val, flag and fn says what
 * it does.  Tables end with a NULL name; --help is implied. */
struct adm_opt {
	const char	 *name;		/* without the "--" */
	const char	**val;		/* --name VALUE, at most once */
	int		  required;	/* *val may not stay NULL */
	int		 *flag;		/* --name alone: set to 1 */
	/* --name VALUE, each time checked by fn(a, VALUE, arg): -1 to
	 * go on, else the exit status. */
	int		(*fn)(struct adm *, const char *, void *);
	void		 *arg;
};

#define ADM_OPTS_MAX	14	/* per verb, --help not counted */
#define ADM_OPT_HELP	'h'
#define ADM_OPT_BASE	256	/* getopt value of opts[0]: clear of '?' */

static const struct adm_opt adm_noopts[] = { { .name = NULL } };

/* A verb's options, then no operands.  The getopt table keeps the
 * verb's order with --help last: glibc lists ambiguous abbreviations in
 * table order.  Returns -1 to go on, else the exit status (usage
 * already printed). */
static int
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

/* Decimal, digits only (no sign, no blanks), within [min, max]. */
static int
adm_num(const struct adm *a, const char *what, const char *s,
    long long min, long long max, long long *out)
{
	char		*end;
	long long	 v;

	if (s == NULL || *s < '0' || *s > '9')
		goto bad;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		goto bad;
	*out = v;
	return 0;
bad:
	adm_errx(a, "%s: expected a number from %lld to %lld: %s", what,
	    min, max, s != NULL ? s : "");
	return -1;
}

/* Human-entered text: bounded in bytes, no control characters (they
 * would break the tab-separated listings and the log). */
static int
adm_text(const struct adm *a, const char *what, const char *s, size_t max,
    int empty_ok)
{
	size_t	 i, len;

	if (s == NULL)
		return 0;
	len = strlen(s);
	if (len == 0 && !empty_ok) {
		adm_errx(a, "%s: must not be empty", what);
		return -1;
	}
	if (len > max) {
		adm_errx(a, "%s: longer than %zu bytes", what, max);
		return -1;
	}
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			adm_errx(a, "%s: contains a control character", what);
			return -1;
		}
	return 0;
}

/* As the login column's CHECK: 3..64 printable ASCII, no space. */
static int
adm_login_ok(const struct adm *a, const char *s)
{
	size_t	 i, len = strlen(s);

	for (i = 0; i < len; i++)
		if (s[i] < '!' || s[i] > '~')
			break;
	if (len < 3 || len > 64 || i != len) {
		adm_errx(a, "--login: 3 to 64 printable ASCII characters, "
		    "no spaces: %s", s);
		return -1;
	}
	return 0;
}

/* A plausible address: printable ASCII, one '@' with something on both
 * sides and a dot in the domain.  Delivery is the real test. */
static int
adm_email_ok(const struct adm *a, const char *s)
{
	const char	*at;
	size_t		 i, len = strlen(s);

	for (i = 0; i < len; i++)
		if (s[i] < '!' || s[i] > '~')
			break;
	at = strchr(s, '@');
	if (len < 3 || len > 254 || i != len || at == NULL || at == s ||
	    strchr(at + 1, '@') != NULL || strchr(at + 1, '.') == NULL ||
	    at[1] == '.' || s[len - 1] == '.') {
		adm_errx(a, "not a valid e-mail address: %s", s);
		return -1;
	}
	if (account_is_placeholder(s)) {
		adm_errx(a, "%s addresses are reserved for --placeholder",
		    ACCOUNT_PLACEHOLDER_DOMAIN);
		return -1;
	}
	return 0;
}

static int
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
static int
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

static void
adm_keeperr(struct adm *a, const PGresult *r)
{
	const char	*s;
	char		*p;

	a->state[0] = a->constraint[0] = '\0';
	a->errpos = 0;
	if (r == NULL) {
		snprintf(a->err, sizeof(a->err), "%s",
		    PQerrorMessage(a->db));
	} else {
		s = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
		snprintf(a->err, sizeof(a->err), "%s", s != NULL ? s :
		    PQresultErrorMessage(r));
		if ((s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) != NULL)
			snprintf(a->state, sizeof(a->state), "%s", s);
		if ((s = PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME)) !=
		    NULL)
			snprintf(a->constraint, sizeof(a->constraint), "%s",
			    s);
		if ((s = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION)) !=
		    NULL)
			a->errpos = (int)strtol(s, NULL, 10);
	}
	/* libpq ends its own messages with a newline. */
	if ((p = strchr(a->err, '\n')) != NULL)
		*p = '\0';
}

/* PQexecParams with text parameters.  Unlike db_exec it does not log:
 * some failures (a login ID already in use) are answers for the
 * operator, who gets one line about it from the caller (adm_dberr). */
static PGresult *
adm_q(struct adm *a, const char *sql, int n, const char *const *p)
{
	PGresult	*r;

	r = PQexecParams(a->db, sql, n, NULL, p, NULL, NULL, 0);
	switch (PQresultStatus(r)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
		return r;
	default:
		break;
	}
	adm_keeperr(a, r);
	PQclear(r);
	return NULL;
}

static int
adm_qcmd(struct adm *a, const char *sql, int n, const char *const *p)
{
	PGresult	*r;

	if ((r = adm_q(a, sql, n, p)) == NULL)
		return -1;
	PQclear(r);
	return 0;
}

static int
adm_begin(struct adm *a)
{
	if (adm_qcmd(a, "BEGIN", 0, NULL) == -1) {
		adm_dberr(a, "BEGIN");
		return -1;
	}
	return 0;
}

/* COMMIT of a failed transaction "succeeds" as ROLLBACK: check the
 * command tag, not only the status. */
static int
adm_commit(struct adm *a)
{
	PGresult	*r;
	int		 rc = -1;

	if ((r = adm_q(a, "COMMIT", 0, NULL)) == NULL) {
		adm_dberr(a, "COMMIT");
		return -1;
	}
	if (strcmp(PQcmdStatus(r), "COMMIT") == 0)
		rc = 0;
	else
		adm_errx(a, "COMMIT: the transaction was rolled back");
	PQclear(r);
	return rc;
}

static void
adm_rollback(struct adm *a)
{
	PGresult	*r;

	if (a->db == NULL || PQstatus(a->db) != CONNECTION_OK ||
	    PQtransactionStatus(a->db) == PQTRANS_IDLE)
		return;
	r = PQexec(a->db, "ROLLBACK");
	PQclear(r);
}

/* schema: set search_path to the application schema (every verb but
 * migrate, which may run before the schema exists). */
static int
adm_connect(struct adm *a, int schema)
{
	if (adm_ready(a) == -1)
		return -1;
	/* db logs libpq's reason in one line. */
	if ((a->db = db_connect_dsn(cfg_get(CFG_DB_OWNER_DSN))) == NULL)
		return -1;
	if (PQsetClientEncoding(a->db, "UTF8") != 0) {
		adm_errx(a, "cannot set the client encoding to UTF8");
		return -1;
	}
	/* NOTICEs (a migration's "already exists, skipping") are noise on
	 * an operator's terminal and in cron mail. */
	if (adm_qcmd(a, "SET client_min_messages = warning", 0, NULL) == -1 ||
	    (schema && adm_qcmd(a, "SET search_path = renrakucho",
	    0, NULL) == -1)) {
		adm_dberr(a, "session setup");
		return -1;
	}
	return 0;
}

/* One audit event of this operator, in the current transaction. */
static int
adm_audit(struct adm *a, const char *action, const char *otype,
    const char *oid, const char *detail)
{
	struct audit	 ev;

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

/* --- passwords ------------------------------------------------------- */

static struct termios		adm_tio;
static volatile sig_atomic_t	adm_tio_saved;

/* A signal while echo is off must not leave the terminal that way. */
static void
adm_tio_signal(int sig)
{
	if (adm_tio_saved)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &adm_tio);
	(void)raise(sig);	/* SA_RESETHAND: now the default action */
}

/* One line of stdin into buf (n bytes): 0, or -1 with a message.  The
 * whole line is consumed even when too long, so nothing is left over
 * for the next prompt. */
static int
adm_readline(const struct adm *a, char *buf, size_t n)
{
	size_t	 len = 0;
	int	 c, bad = 0, toolong = 0;

	while ((c = getc(stdin)) != EOF && c != '\n') {
		if (c == '\0')
			bad = 1;
		if (len + 1 >= n)
			toolong = 1;
		else
			buf[len++] = (char)c;
	}
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	if (c == EOF && ferror(stdin)) {
		adm_errx(a, "cannot read the password: %s", strerror(errno));
		return -1;
	}
	if (bad || toolong) {
		adm_errx(a, "password: %s", bad ? "contains a NUL byte" :
		    "too long");
		return -1;
	}
	return 0;
}

static int
adm_readpw_tty(const struct adm *a, const char *prompt, char *buf,
    size_t n)
{
	struct termios		 t;
	struct sigaction	 sa, old[3];
	static const int	 sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	int			 i, rc;

	if (tcgetattr(STDIN_FILENO, &adm_tio) == -1) {
		adm_errx(a, "terminal: %s", strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = adm_tio_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++)
		(void)sigaction(sigs[i], &sa, &old[i]);
	adm_tio_saved = 1;
	t = adm_tio;
	t.c_lflag &= ~(tcflag_t)ECHO;
	t.c_lflag |= ECHONL;
	fprintf(stderr, "%s", prompt);
	fflush(stderr);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == -1) {
		adm_errx(a, "terminal: %s", strerror(errno));
		rc = -1;
	} else
		rc = adm_readline(a, buf, n);
	(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &adm_tio);
	adm_tio_saved = 0;
	for (i = 0; i < 3; i++)
		(void)sigaction(sigs[i], &old[i], NULL);
	return rc;
}

/* The new password: one line of stdin, or typed twice on a terminal
 * with echo off.  At least ADM_PW_MIN characters (UTF-8 counted as
 * characters, not bytes). */
static int
adm_readpw(const struct adm *a, char *pw, size_t n)
{
	char	 again[ADM_PW_MAX + 2];
	size_t	 i, chars = 0;
	int	 rc = -1;

	if (isatty(STDIN_FILENO)) {
		if (adm_readpw_tty(a, "New password: ", pw, n) == -1 ||
		    adm_readpw_tty(a, "Again: ", again, sizeof(again)) == -1)
			goto out;
		if (strcmp(pw, again) != 0) {
			adm_errx(a, "the passwords do not match");
			goto out;
		}
	} else if (adm_readline(a, pw, n) == -1)
		goto out;
	for (i = 0; pw[i] != '\0'; i++)
		if (((unsigned char)pw[i] & 0xc0) != 0x80)
			chars++;
	if (chars == 0) {
		adm_errx(a, "no password given on standard input");
		goto out;
	}
	if (chars < ADM_PW_MIN) {
		adm_errx(a, "the password must have at least %d characters",
		    ADM_PW_MIN);
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(again, sizeof(again));
	if (rc == -1)
		OPENSSL_cleanse(pw, n);
	return rc;
}

/* Read and hash: the plaintext lives only in this frame. */
static int
adm_newhash(const struct adm *a, char hash[AUTH_HASH_MAX])
{
	char	 pw[ADM_PW_MAX + 2];
	int	 rc = -1;

	if (adm_readpw(a, pw, sizeof(pw)) == -1)
		goto out;
	if (auth_hash_password(pw, AUTH_PBKDF2_ITER, hash,
	    AUTH_HASH_MAX) == -1) {
		adm_errx(a, "cannot hash the password");
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(pw, sizeof(pw));
	return rc;
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

static int
adm_table(struct adm *a, const char *sql, int n, const char *const *p,
    const char *const *cols)
{
	PGresult	*r;
	int		 i, j, ncol;

	if ((r = adm_q(a, sql, n, p)) == NULL) {
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

static void
adm_utc(time_t t, char *buf, size_t n)
{
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, n, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, n, "%lld", (long long)t);
}

/* --- files ----------------------------------------------------------- */

/* The file's whole text, NUL-terminated; NULL with a message.  Bounded,
 * and a NUL inside would silently cut the SQL short. */
static char *
adm_slurp(const struct adm *a, const char *path)
{
	struct stat	 st;
	char		*buf = NULL;
	size_t		 off = 0;
	ssize_t		 got;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1) {
		adm_errx(a, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > ADM_SQL_MAX) {
		adm_errx(a, "%s: not a regular file of at most %d bytes", path,
		    ADM_SQL_MAX);
		goto fail;
	}
	if ((buf = malloc((size_t)st.st_size + 1)) == NULL) {
		adm_errx(a, "%s: out of memory", path);
		goto fail;
	}
	while (off < (size_t)st.st_size) {
		got = read(fd, buf + off, (size_t)st.st_size - off);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0) {
			adm_errx(a, "%s: %s", path, got == 0 ?
			    "shrank while being read" : strerror(errno));
			goto fail;
		}
		off += (size_t)got;
	}
	buf[off] = '\0';
	if (memchr(buf, '\0', off) != NULL) {
		adm_errx(a, "%s: contains a NUL byte", path);
		goto fail;
	}
	close(fd);
	return buf;
fail:
	if (fd != -1)
		close(fd);
	free(buf);
	return NULL;
}

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

/* --- migrate --------------------------------------------------------- */

static int
adm_strcmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The 1-based line of character position pos (PostgreSQL counts
 * characters, not bytes) in the UTF-8 text. */
static int
adm_lineof(const char *text, int pos)
{
	const unsigned char	*p = (const unsigned char *)text;
	int			 line = 1, ch = 0;

	for (; *p != '\0'; p++) {
		if ((*p & 0xc0) == 0x80)
			continue;
		if (++ch >= pos)
			break;
		if (*p == '\n')
			line++;
	}
	return line;
}

/* *.sql file names of dir in byte order (C collation, whatever the
 * locale): NNN_ prefixes fix the order.  Count in *np, or -1. */
static char **
adm_migrations(const struct adm *a, const char *dir, size_t *np)
{
	DIR		*d;
	struct dirent	*e;
	char		**v = NULL;
	size_t		 n = 0, len;

	if ((d = opendir(dir)) == NULL) {
		adm_errx(a, "schema_dir %s: %s", dir, strerror(errno));
		return NULL;
	}
	if ((v = calloc(ADM_MIGRATIONS_MAX, sizeof(*v))) == NULL)
		goto fail;
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len < 5 || len > 200 ||
		    strcmp(e->d_name + len - 4, ".sql") != 0)
			continue;
		if (n == ADM_MIGRATIONS_MAX) {
			adm_errx(a, "schema_dir %s: more than %d files", dir,
			    ADM_MIGRATIONS_MAX);
			goto fail;
		}
		if ((v[n] = strdup(e->d_name)) == NULL)
			goto fail;
		n++;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), adm_strcmp);
	*np = n;
	return v;
fail:
	if (errno == ENOMEM)
		adm_errx(a, "out of memory");
	closedir(d);
	while (v != NULL && n > 0)
		free(v[--n]);
	free(v);
	return NULL;
}

static int
adm_apply(struct adm *a, const char *dir, const char *name)
{
	char		 path[PATH_MAX];
	char		*sql = NULL;
	const char	*p[1];
	PGresult	*r = NULL;
	int		 n, rc = -1;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path)) {
		adm_errx(a, "%s/%s: path too long", dir, name);
		return -1;
	}
	if ((sql = adm_slurp(a, path)) == NULL)
		return -1;
	if (adm_begin(a) == -1)
		goto out;
	/* Our own file of several statements: the one place where a
	 * parameterless multi-statement PQexec is right. */
	r = PQexec(a->db, sql);
	if (PQresultStatus(r) != PGRES_COMMAND_OK &&
	    PQresultStatus(r) != PGRES_TUPLES_OK) {
		adm_keeperr(a, r);
		if (a->errpos > 0)
			adm_errx(a, "%s, line %d: %s", name,
			    adm_lineof(sql, a->errpos), a->err);
		else
			adm_errx(a, "%s: %s", name, a->err);
		goto out;
	}
	p[0] = name;
	/* The file may have moved search_path; the audit insert needs
	 * ours. */
	if (adm_qcmd(a, "SELECT set_config('search_path', 'renrakucho', "
	    "true)", 0, NULL) == -1 ||
	    adm_qcmd(a, "INSERT INTO renrakucho.schema_migration (version)"
	    " VALUES ($1)", 1, p) == -1) {
		adm_dberr(a, name);
		goto out;
	}
	if (adm_audit(a, "cli.migrate", "schema_migration", name, NULL) == -1)
		goto out;
	if (adm_commit(a) == -1)
		goto out;
	printf("applied %s\n", name);
	fflush(stdout);
	rc = 0;
out:
	PQclear(r);
	if (rc == -1)
		adm_rollback(a);
	free(sql);
	return rc;
}

static int
cmd_migrate(struct adm *a, int argc, char **argv)
{
	PGresult	*r = NULL, *done = NULL;
	const char	*dir, *v;
	char		**files = NULL;
	size_t		 i, nfiles = 0, applied = 0;
	int		 j, rc, present;

	if ((rc = adm_parse(a, argc, argv, adm_noopts)) != -1)
		return rc;
	rc = 1;
	if (adm_connect(a, 0) == -1)
		return 1;
	dir = cfg_get(CFG_SCHEMA_DIR);
	if ((files = adm_migrations(a, dir, &nfiles)) == NULL)
		goto out;

	if ((r = adm_q(a, "SELECT to_regclass('renrakucho.schema_migration')"
	    " IS NOT NULL AS present", 0, NULL)) == NULL) {
		adm_dberr(a, "schema_migration");
		goto out;
	}
	present = strcmp(db_get(r, 0, "present") != NULL ?
	    db_get(r, 0, "present") : "f", "t") == 0;
	if (present && (done = adm_q(a, "SELECT version FROM"
	    " renrakucho.schema_migration", 0, NULL)) == NULL) {
		adm_dberr(a, "schema_migration");
		goto out;
	}

	for (i = 0; i < nfiles; i++) {
		for (j = 0; done != NULL && j < PQntuples(done); j++)
			if ((v = db_get(done, j, "version")) != NULL &&
			    strcmp(v, files[i]) == 0)
				break;
		if (done != NULL && j < PQntuples(done))
			continue;
		if (adm_apply(a, dir, files[i]) == -1)
			goto out;
		applied++;
	}
	if (applied == 0)
		printf("up to date\n");
	rc = 0;
out:
	PQclear(r);
	PQclear(done);
	for (i = 0; files != NULL && i < nfiles; i++)
		free(files[i]);
	free(files);
	return rc;
}

/* --- ca -------------------------------------------------------------- */

/* The CA is set up before the database may exist (first install), so
 * these two verbs write files only; the key stays in ca_dir. */
static int
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
	if (adm_text(a, "--cn", cn, 64, 0) == -1)
		return 2;
	if (adm_ready(a) == -1)
		return 1;
	if (pki_ca_init(cfg_get(CFG_CA_DIR), cn) == -1)
		return 1;	/* pki printed the reason */
	printf("created %s/ca.crt\n", cfg_get(CFG_CA_DIR));
	return 0;
}

static int
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
	    adm_text(a, "--san", san, 1024, 1) == -1)
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
static int
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

	if ((r = adm_q(a, "SELECT serial,"
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

static int
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

/* --- facility -------------------------------------------------------- */

static int
cmd_facility_add(struct adm *a, int argc, char **argv)
{
	const char		*name = NULL, *code = NULL, *muni = NULL,
				*email = NULL, *addr = NULL, *phone = NULL, *id;
	const struct adm_opt	 opts[] = {
		{ "name", .val = &name, .required = 1 },
		{ "municipality-code", .val = &code, .required = 1 },
		{ "municipality", .val = &muni, .required = 1 },
		{ "email", .val = &email, .required = 1 },
		{ "address", .val = &addr },
		{ "phone", .val = &phone },
		{ NULL }
	};
	const char		*p[6];
	PGresult		*r = NULL;
	size_t			 len;
	int			 rc;

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	rc = 1;
	len = strlen(code);
	if ((len != 5 && len != 6) || strspn(code, "0123456789") != len) {
		adm_errx(a, "--municipality-code: 5 or 6 digits: %s", code);
		return 2;
	}
	if (adm_text(a, "--name", name, 600, 0) == -1 ||
	    adm_text(a, "--municipality", muni, 300, 0) == -1 ||
	    adm_text(a, "--address", addr, 900, 1) == -1 ||
	    adm_text(a, "--phone", phone, 30, 1) == -1 ||
	    adm_email_ok(a, email) == -1)
		return 2;

	if (adm_connect(a, 1) == -1 || adm_begin(a) == -1)
		goto out;
	p[0] = name;
	p[1] = addr != NULL ? addr : "";
	p[2] = code;
	p[3] = muni;
	p[4] = email;
	p[5] = phone != NULL ? phone : "";
	if ((r = adm_q(a, "INSERT INTO facility (name, address,"
	    " municipality_code, municipality_name, email, phone)"
	    " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", 6, p)) == NULL ||
	    (id = db_get(r, 0, "id")) == NULL) {
		adm_dberr(a, "facility");
		goto out;
	}
	if (adm_audit(a, "cli.facility.add", "facility", id, name) == -1 ||
	    adm_commit(a) == -1)
		goto out;
	printf("%s\n", id);
	rc = 0;
out:
	PQclear(r);
	if (rc != 0)
		adm_rollback(a);
	return rc;
}

static int
cmd_facility_list(struct adm *a, int argc, char **argv)
{
	static const char *const cols[] = { "id", "name", "municipality",
	    "email", "status", NULL };
	int		 rc;

	if ((rc = adm_parse(a, argc, argv, adm_noopts)) != -1)
		return rc;
	if (adm_connect(a, 1) == -1)
		return 1;
	return adm_table(a, "SELECT id, name,"
	    " municipality_name || ' (' || municipality_code || ')'"
	    " AS municipality, email, status FROM facility ORDER BY id",
	    0, NULL, cols);
}

/* --- account --------------------------------------------------------- */

enum adm_role {
	ROLE_STAFF,
	ROLE_FACILITY_ADMIN,
	ROLE_OPERATOR,
	ROLE__MAX
};

static const char *const adm_roles[ROLE__MAX] = {
	"staff",		/* ROLE_STAFF */
	"facility-admin",	/* ROLE_FACILITY_ADMIN */
	"operator",		/* ROLE_OPERATOR */
};

/* Looks a facility up in the current transaction: 0 found, -1 with a
 * message. */
static int
adm_facility_exists(struct adm *a, const char *id)
{
	const char	*p[1] = { id };
	PGresult	*r;
	int		 n;

	if ((r = adm_q(a, "SELECT 1 FROM facility WHERE id = $1::bigint",
	    1, p)) == NULL) {
		adm_dberr(a, "facility");
		return -1;
	}
	n = PQntuples(r);
	PQclear(r);
	if (n != 1) {
		adm_errx(a, "no facility with id %s", id);
		return -1;
	}
	return 0;
}

/* --role, repeatable: arg is the int[ROLE__MAX] of the roles given. */
static int
adm_role(struct adm *a, const char *s, void *arg)
{
	int	*roles = arg;
	int	 i;

	for (i = 0; i < ROLE__MAX; i++)
		if (strcmp(s, adm_roles[i]) == 0)
			break;
	if (i == ROLE__MAX) {
		adm_errx(a, "--role: staff, facility-admin or operator: %s",
		    s);
		return adm_usage(a, 1);
	}
	roles[i] = 1;
	return -1;
}

static int
cmd_account_add(struct adm *a, int argc, char **argv)
{
	const char		*fac_s = NULL, *login = NULL, *name = NULL,
				*kana = NULL, *prof = NULL, *email = NULL, *id;
	int			 roles[ROLE__MAX] = { 0 }, placeholder = 0;
	const struct adm_opt	 opts[] = {
		{ "facility", .val = &fac_s, .required = 1 },
		{ "login", .val = &login, .required = 1 },
		{ "name", .val = &name, .required = 1 },
		{ "kana", .val = &kana },
		{ "profession", .val = &prof },
		{ "email", .val = &email },
		{ "placeholder", .flag = &placeholder },
		{ "role", .fn = adm_role, .arg = roles },
		{ NULL }
	};
	const char		*p[11];
	char			 fac[24], hash[AUTH_HASH_MAX] = "";
	char			 ph[64], rolelist[48];
	int			 rc;
	long long		 facid;
	PGresult		*r = NULL;

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	rc = 1;
	if (email != NULL && placeholder) {
		adm_errx(a, "--email and --placeholder exclude each other");
		return adm_usage(a, 1);
	}
	if (!roles[ROLE_STAFF] && !roles[ROLE_FACILITY_ADMIN] &&
	    !roles[ROLE_OPERATOR])
		roles[ROLE_STAFF] = 1;
	if (adm_num(a, "--facility", fac_s, 1, INT64_MAX, &facid) == -1 ||
	    adm_login_ok(a, login) == -1 ||
	    adm_text(a, "--name", name, 300, 0) == -1 ||
	    adm_text(a, "--kana", kana, 300, 1) == -1 ||
	    adm_text(a, "--profession", prof, 150, 1) == -1 ||
	    (email != NULL && adm_email_ok(a, email) == -1))
		return 2;
	snprintf(fac, sizeof(fac), "%lld", facid);
	if (placeholder) {
		/* Mail to it goes to the facility's representative address;
		 * the random part keeps it unique among live accounts. */
		if (account_placeholder(fac, ph, sizeof(ph)) == -1) {
			adm_errx(a, "no random bytes");
			return 1;
		}
		email = ph;
	}
	snprintf(rolelist, sizeof(rolelist), "%s%s%s%s%s",
	    roles[ROLE_STAFF] ? "staff" : "",
	    roles[ROLE_STAFF] && (roles[ROLE_FACILITY_ADMIN] ||
	    roles[ROLE_OPERATOR]) ? "," : "",
	    roles[ROLE_FACILITY_ADMIN] ? "facility-admin" : "",
	    roles[ROLE_FACILITY_ADMIN] && roles[ROLE_OPERATOR] ? "," : "",
	    roles[ROLE_OPERATOR] ? "operator" : "");

	/* The password first: a prompt must not hold a transaction open. */
	if (adm_newhash(a, hash) == -1)
		goto out;
	if (adm_connect(a, 1) == -1 || adm_begin(a) == -1 ||
	    adm_facility_exists(a, fac) == -1)
		goto out;
	p[0] = fac;
	p[1] = login;
	p[2] = name;
	p[3] = kana != NULL ? kana : "";
	p[4] = prof != NULL ? prof : "";
	p[5] = email;
	p[6] = placeholder ? "t" : "f";
	p[7] = hash;
	p[8] = roles[ROLE_STAFF] ? "t" : "f";
	p[9] = roles[ROLE_FACILITY_ADMIN] ? "t" : "f";
	p[10] = roles[ROLE_OPERATOR] ? "t" : "f";
	if ((r = adm_q(a, "INSERT INTO account (facility_id, login, name,"
	    " kana, profession, email, email_is_placeholder, password_hash,"
	    " is_staff, is_facility_admin, is_operator) VALUES ($1::bigint,"
	    " $2, $3, $4, $5, $6, $7::boolean, $8, $9::boolean,"
	    " $10::boolean, $11::boolean) RETURNING id", 11, p)) == NULL ||
	    (id = db_get(r, 0, "id")) == NULL) {
		if (strcmp(a->state, "23505") == 0 &&
		    strcmp(a->constraint, "account_login_live") == 0)
			adm_errx(a, "login ID already in use: %s", login);
		else if (strcmp(a->state, "23505") == 0 &&
		    strcmp(a->constraint, "account_email_live") == 0)
			adm_errx(a, "e-mail address already in use: %s",
			    email);
		else
			adm_dberr(a, "account");
		goto out;
	}
	if (adm_audit(a, "cli.account.add", "account", id, rolelist) == -1 ||
	    adm_commit(a) == -1)
		goto out;
	printf("%s\n", id);
	rc = 0;
out:
	PQclear(r);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (rc != 0)
		adm_rollback(a);
	return rc;
}

/* The list commands with an optional --facility ID: the rows of sql
 * ($1: the facility id, or NULL for all) as a table of cols. */
static int
adm_list_facility(struct adm *a, int argc, char **argv, const char *sql,
    const char *const *cols)
{
	const char		*fac_s = NULL, *p[1] = { NULL };
	const struct adm_opt	 opts[] = {
		{ "facility", .val = &fac_s },
		{ NULL }
	};
	char			 fac[24];
	long long		 facid;
	int			 rc;

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	if (fac_s != NULL) {
		if (adm_num(a, "--facility", fac_s, 1, INT64_MAX,
		    &facid) == -1)
			return 2;
		snprintf(fac, sizeof(fac), "%lld", facid);
		p[0] = fac;
	}
	if (adm_connect(a, 1) == -1)
		return 1;
	return adm_table(a, sql, 1, p, cols);
}

static int
cmd_account_list(struct adm *a, int argc, char **argv)
{
	static const char *const cols[] = { "id", "login", "name",
	    "facility", "roles", "locked", "deleted", NULL };

	return adm_list_facility(a, argc, argv, "SELECT a.id, a.login, a.name,"
	    " f.id || ' ' || f.name AS facility,"
	    " concat_ws(',', CASE WHEN a.is_staff THEN 'staff' END,"
	    "  CASE WHEN a.is_facility_admin THEN 'facility-admin' END,"
	    "  CASE WHEN a.is_operator THEN 'operator' END) AS roles,"
	    " CASE WHEN a.locked_until > now() THEN 'locked' ELSE '-' END"
	    "  AS locked,"
	    " CASE WHEN a.deleted_at IS NOT NULL THEN 'deleted' ELSE '-' END"
	    "  AS deleted"
	    " FROM account a JOIN facility f ON f.id = a.facility_id"
	    " WHERE $1::bigint IS NULL OR a.facility_id = $1::bigint"
	    " ORDER BY a.id", cols);
}

/* --login L, required, alone or with --help. */
static int
adm_login_opt(struct adm *a, int argc, char **argv, const char **login)
{
	const struct adm_opt	 opts[] = {
		{ "login", .val = login, .required = 1 },
		{ NULL }
	};
	int			 rc;

	*login = NULL;
	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	if (adm_login_ok(a, *login) == -1)
		return 2;
	return -1;	/* go on */
}

static int
cmd_account_unlock(struct adm *a, int argc, char **argv)
{
	const char	*login, *p[1], *id;
	PGresult	*r = NULL;
	int		 rc;

	if ((rc = adm_login_opt(a, argc, argv, &login)) != -1)
		return rc;
	rc = 1;
	p[0] = login;
	if (adm_connect(a, 1) == -1 || adm_begin(a) == -1)
		goto out;
	if ((r = adm_q(a, "UPDATE account SET fail_count = 0,"
	    " fail_window_start = NULL, locked_until = NULL"
	    " WHERE lower(login) = lower($1) AND deleted_at IS NULL"
	    " RETURNING id", 1, p)) == NULL) {
		adm_dberr(a, "account");
		goto out;
	}
	if ((id = db_get(r, 0, "id")) == NULL) {
		adm_errx(a, "no live account with login ID %s", login);
		goto out;
	}
	if (adm_audit(a, "cli.account.unlock", "account", id, NULL) == -1 ||
	    adm_commit(a) == -1)
		goto out;
	printf("unlocked %s\n", login);
	rc = 0;
out:
	PQclear(r);
	if (rc != 0)
		adm_rollback(a);
	return rc;
}

static int
cmd_account_passwd(struct adm *a, int argc, char **argv)
{
	const char	*login, *p[2], *id;
	char		 hash[AUTH_HASH_MAX] = "", detail[48];
	PGresult	*r = NULL, *s = NULL;
	int		 rc;

	if ((rc = adm_login_opt(a, argc, argv, &login)) != -1)
		return rc;
	rc = 1;
	if (adm_newhash(a, hash) == -1)
		goto out;
	p[0] = login;
	p[1] = hash;
	if (adm_connect(a, 1) == -1 || adm_begin(a) == -1)
		goto out;
	if ((r = adm_q(a, "UPDATE account SET password_hash = $2"
	    " WHERE lower(login) = lower($1) AND deleted_at IS NULL"
	    " RETURNING id", 2, p)) == NULL) {
		adm_dberr(a, "account");
		goto out;
	}
	if ((id = db_get(r, 0, "id")) == NULL) {
		adm_errx(a, "no live account with login ID %s", login);
		goto out;
	}
	/* Whoever knew the old password must not stay logged in. */
	p[0] = id;
	if ((s = adm_q(a, "UPDATE session SET ended_at = now(),"
	    " end_reason = 'password changed'"
	    " WHERE account_id = $1::bigint AND ended_at IS NULL",
	    1, p)) == NULL) {
		adm_dberr(a, "session");
		goto out;
	}
	snprintf(detail, sizeof(detail), "%s sessions ended",
	    PQcmdTuples(s));
	if (adm_audit(a, "cli.account.passwd", "account", id, detail) == -1 ||
	    adm_commit(a) == -1)
		goto out;
	printf("password set for %s (%s)\n", login, detail);
	rc = 0;
out:
	PQclear(r);
	PQclear(s);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (rc != 0)
		adm_rollback(a);
	return rc;
}

/* --- cert ------------------------------------------------------------ */

static int
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
	const char		*fid, *fname, *fstatus, *p[5];
	char			 tp12[PATH_MAX] = "", tpem[PATH_MAX] = "";
	char			 na[24], detail[128];
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
	if (adm_login_ok(a, login) == -1 ||
	    adm_text(a, "--label", label, 300, 0) == -1)
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

	if (adm_connect(a, 1) == -1 || adm_begin(a) == -1)
		goto out;
	p[0] = login;
	if ((r = adm_q(a, "SELECT f.id, f.name, f.status FROM account a"
	    " JOIN facility f ON f.id = a.facility_id"
	    " WHERE lower(a.login) = lower($1) AND a.deleted_at IS NULL"
	    " FOR SHARE OF a", 1, p)) == NULL) {
		adm_dberr(a, "account");
		goto out;
	}
	if ((fid = db_get(r, 0, "id")) == NULL ||
	    (fname = db_get(r, 0, "name")) == NULL ||
	    (fstatus = db_get(r, 0, "status")) == NULL) {
		adm_errx(a, "no live account with login ID %s", login);
		goto out;
	}
	if (strcmp(fstatus, "active") != 0) {
		adm_errx(a, "facility %s is %s: no new certificates", fid,
		    fstatus);
		goto out;
	}
	if (pki_issue(cfg_get(CFG_CA_DIR), fname, label, days, &iss) == -1)
		goto out;	/* pki printed the reason */
	issued = 1;
	snprintf(na, sizeof(na), "%lld", (long long)iss.not_after);
	p[0] = iss.serial;
	p[1] = iss.sha256;
	p[2] = fid;
	p[3] = label;
	p[4] = na;
	if (adm_qcmd(a, "INSERT INTO device_cert (serial, sha256,"
	    " facility_id, issued_by, label, not_after) VALUES ($1, $2,"
	    " $3::bigint, NULL, $4, to_timestamp($5::bigint))", 5, p) == -1) {
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
		adm_rollback(a);
	return rc;
}

static int
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

static int
cmd_cert_revoke(struct adm *a, int argc, char **argv)
{
	const char		*serial_s = NULL, *reason = NULL, *p[2];
	const struct adm_opt	 opts[] = {
		{ "serial", .val = &serial_s, .required = 1 },
		{ "reason", .val = &reason },
		{ NULL }
	};
	char			 serial[41], detail[48];
	PGresult		*r = NULL, *s = NULL;
	size_t			 i, len;
	int			 rc;

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	rc = 1;
	/* As stored: upper-case hex, as nginx's $ssl_client_serial. */
	len = strlen(serial_s);
	if (len == 0 || len >= sizeof(serial) ||
	    strspn(serial_s, "0123456789abcdefABCDEF") != len) {
		adm_errx(a, "--serial: 1 to 40 hexadecimal digits: %s",
		    serial_s);
		return 2;
	}
	for (i = 0; i <= len; i++)
		serial[i] = (char)(serial_s[i] >= 'a' && serial_s[i] <= 'f' ?
		    serial_s[i] - 'a' + 'A' : serial_s[i]);
	if (adm_text(a, "--reason", reason, 300, 1) == -1)
		return 2;

	if (adm_connect(a, 1) == -1 || adm_begin(a) == -1)
		goto out;
	p[0] = serial;
	p[1] = reason;
	if ((r = adm_q(a, "UPDATE device_cert SET revoked_at = now(),"
	    " revoke_reason = $2 WHERE serial = $1 AND revoked_at IS NULL"
	    " RETURNING serial", 2, p)) == NULL) {
		adm_dberr(a, "device_cert");
		goto out;
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		if ((r = adm_q(a, "SELECT 1 FROM device_cert WHERE serial = $1",
		    1, p)) == NULL)
			adm_dberr(a, "device_cert");
		else if (PQntuples(r) == 0)
			adm_errx(a, "no certificate with serial %s", serial);
		else
			adm_errx(a, "certificate %s was already revoked (run "
			    "\"crl update\" if the CRL may be stale)", serial);
		goto out;
	}
	/* A revoked device must lose its sessions now, not at expiry. */
	if ((s = adm_q(a, "UPDATE session SET ended_at = now(),"
	    " end_reason = 'certificate revoked'"
	    " WHERE cert_serial = $1 AND ended_at IS NULL", 1, p)) == NULL) {
		adm_dberr(a, "session");
		goto out;
	}
	snprintf(detail, sizeof(detail), "%s sessions ended",
	    PQcmdTuples(s));
	if (adm_audit(a, "cli.cert.revoke", "device_cert", serial,
	    detail) == -1 || adm_commit(a) == -1)
		goto out;
	printf("revoked %s (%s)\n", serial, detail);
	/* Revoked in the database, which the app checks on every request;
	 * the CRL makes nginx refuse the TLS handshake too. */
	if (adm_crl(a, ADM_CRL_DAYS) == -1) {
		adm_errx(a, "the certificate is revoked but the CRL is not "
		    "updated: run \"crl update\"");
		goto out;
	}
	rc = 0;
out:
	PQclear(r);
	PQclear(s);
	if (rc != 0)
		adm_rollback(a);
	return rc;
}

/* --- session --------------------------------------------------------- */

static int
cmd_session_purge(struct adm *a, int argc, char **argv)
{
	PGresult	*r = NULL;
	char		 detail[48];
	int		 rc;

	if ((rc = adm_parse(a, argc, argv, adm_noopts)) != -1)
		return rc;
	rc = 1;
	/* As the owner: the app role may not DELETE. */
	if (adm_connect(a, 1) == -1 || adm_begin(a) == -1)
		goto out;
	if ((r = adm_q(a, "DELETE FROM session"
	    " WHERE ended_at < now() - interval '30 days'"
	    " OR expires_at < now() - interval '30 days'", 0, NULL)) == NULL) {
		adm_dberr(a, "session");
		goto out;
	}
	snprintf(detail, sizeof(detail), "%s sessions deleted",
	    PQcmdTuples(r));
	if (adm_audit(a, "cli.session.purge", "session", NULL,
	    detail) == -1 || adm_commit(a) == -1)
		goto out;
	printf("%s\n", PQcmdTuples(r));
	rc = 0;
out:
	PQclear(r);
	if (rc != 0)
		adm_rollback(a);
	return rc;
}

/* --- mail ------------------------------------------------------------ */

#define ADM_MAIL_ATTEMPTS	10
#define ADM_MAIL_LIMIT_MAX	100000
#define ADM_B64_LINE		57	/* raw bytes per 76-character line */
#define ADM_EWORD_RAW		45	/* raw bytes per encoded word */

/* Minutes to wait after the n-th failure (1-based; the last repeats). */
static const int adm_backoff[] = { 1, 5, 15, 60, 120, 240, 480, 720, 1440 };

/* A header value must stay one header: no CR, LF or other control. */
static int
adm_header_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static void
adm_b64(FILE *f, const unsigned char *p, size_t n)
{
	unsigned char	 out[4 * ((ADM_B64_LINE + 2) / 3) + 1];

	EVP_EncodeBlock(out, p, (int)n);
	fputs((const char *)out, f);
}

/* RFC 2047 B encoding, split on UTF-8 character boundaries so that each
 * encoded word decodes to whole characters, folded between words. */
static void
adm_subject(FILE *f, const char *s)
{
	size_t	 len = strlen(s), i = 0, n;

	fputs("Subject:", f);
	while (i < len) {
		n = len - i < ADM_EWORD_RAW ? len - i : ADM_EWORD_RAW;
		while (i + n < len && n > 0 &&
		    ((unsigned char)s[i + n] & 0xc0) == 0x80)
			n--;
		fputs(i == 0 ? " =?UTF-8?B?" : "\n =?UTF-8?B?", f);
		adm_b64(f, (const unsigned char *)s + i, n);
		fputs("?=", f);
		i += n;
	}
	fputs("\n", f);
}

/* The message through the sendmail command; NULL on success, else why
 * it failed. */
static const char *
adm_sendmail(const char *id, const char *to, const char *subject,
    const char *body)
{
	static char	 why[128];
	const char	*from = cfg_get(CFG_MAIL_FROM), *dom;
	unsigned char	 rnd[8];
	char		 date[64];
	time_t		 now = time(NULL);
	struct tm	 tm;
	size_t		 i, n, len = strlen(body);
	FILE		*f;
	int		 st;

	if (!adm_header_ok(to) || !adm_header_ok(subject) ||
	    !adm_header_ok(from) || *to == '\0')
		return "refused: control character in a header";
	if ((dom = strrchr(from, '@')) == NULL || !adm_header_ok(dom))
		dom = "@localhost";
	if (auth_random_bytes(rnd, sizeof(rnd)) == -1 ||
	    localtime_r(&now, &tm) == NULL ||
	    strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z",
	    &tm) == 0)
		return "cannot make the headers";
	/* The recipient is in To: (sendmail -t), never on a command line. */
	fflush(NULL);
	if ((f = popen(cfg_get(CFG_SENDMAIL), "w")) == NULL)
		return "cannot run the sendmail command";
	fprintf(f, "From: %s\nTo: %s\n", from, to);
	adm_subject(f, subject);
	fprintf(f, "Date: %s\nMessage-ID: <outbox-%s.", date, id);
	for (i = 0; i < sizeof(rnd); i++)
		fprintf(f, "%02x", rnd[i]);
	fprintf(f, "%s>\nMIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=UTF-8\n"
	    "Content-Transfer-Encoding: base64\n\n", dom);
	for (i = 0; i < len; i += n) {
		n = len - i < ADM_B64_LINE ? len - i : ADM_B64_LINE;
		adm_b64(f, (const unsigned char *)body + i, n);
		fputc('\n', f);
	}
	st = pclose(f);
	if (st == -1)
		return "sendmail: wait failed";
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return NULL;
	if (WIFEXITED(st))
		snprintf(why, sizeof(why), "sendmail exited with status %d",
		    WEXITSTATUS(st));
	else
		snprintf(why, sizeof(why), "sendmail killed by signal %d",
		    WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	return why;
}

/* Delivers the next due message in its own transaction: 1 sent, 0
 * failed (rescheduled or given up), 2 nothing due, -1 database error. */
static int
adm_mail_one(struct adm *a, int *gaveup)
{
	PGresult	*r = NULL;
	const char	*why, *p[4];
	char		 mins[16];
	long		 att;
	int		 rc = -1;

	if (adm_begin(a) == -1)
		return -1;
	/* Another deliverer (cron overlapping) skips what this one holds. */
	r = adm_q(a, "SELECT id, to_addr, subject, body, attempts"
	    " FROM mail_outbox WHERE sent_at IS NULL"
	    " AND next_attempt_at <= now() ORDER BY id LIMIT 1"
	    " FOR UPDATE SKIP LOCKED", 0, NULL);
	if (r == NULL) {
		adm_dberr(a, "mail_outbox");
		goto out;
	}
	if (PQntuples(r) == 0) {
		rc = adm_commit(a) == -1 ? -1 : 2;
		goto out;
	}
	p[0] = db_get(r, 0, "id");
	why = adm_sendmail(p[0], db_get(r, 0, "to_addr"),
	    db_get(r, 0, "subject"), db_get(r, 0, "body"));
	if (why == NULL) {
		if (adm_qcmd(a, "UPDATE mail_outbox SET sent_at = now(),"
		    " attempts = attempts + 1, last_error = NULL"
		    " WHERE id = $1::bigint", 1, p) == -1) {
			adm_dberr(a, "mail_outbox");
			goto out;
		}
		rc = adm_commit(a) == -1 ? -1 : 1;
		goto out;
	}
	att = strtol(db_get(r, 0, "attempts"), NULL, 10) + 1;
	*gaveup = att >= ADM_MAIL_ATTEMPTS;
	snprintf(mins, sizeof(mins), "%d", adm_backoff[att - 1 <
	    (long)(sizeof(adm_backoff) / sizeof(adm_backoff[0])) ?
	    att - 1 : (long)(sizeof(adm_backoff) / sizeof(adm_backoff[0])) -
	    1]);
	p[1] = *gaveup ? "gave up" : why;
	p[2] = mins;
	p[3] = *gaveup ? "t" : "f";
	/* Given up: never due again, the row stays for the record. */
	if (adm_qcmd(a, "UPDATE mail_outbox SET attempts = attempts + 1,"
	    " last_error = $2, next_attempt_at = CASE WHEN $4::boolean"
	    " THEN 'infinity' ELSE now() + make_interval(mins => $3::int) END"
	    " WHERE id = $1::bigint", 4, p) == -1) {
		adm_dberr(a, "mail_outbox");
		goto out;
	}
	fprintf(stderr, "%s: message %s: %s\n", a->label, p[0], why);
	rc = adm_commit(a) == -1 ? -1 : 0;
out:
	PQclear(r);
	if (rc == -1)
		adm_rollback(a);
	return rc;
}

static int
cmd_mail_deliver(struct adm *a, int argc, char **argv)
{
	const char		*limit_s = NULL;
	const struct adm_opt	 opts[] = {
		{ "limit", .val = &limit_s },
		{ NULL }
	};
	long long		 limit = 1000, i;
	long			 sent = 0, failed = 0, gaveup = 0;
	char			 detail[96];
	int			 rc, g;

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	rc = 0;
	if (limit_s != NULL && adm_num(a, "--limit", limit_s, 1,
	    ADM_MAIL_LIMIT_MAX, &limit) == -1)
		return 2;
	/* A sendmail that exits early must not kill us mid-write. */
	signal(SIGPIPE, SIG_IGN);
	if (adm_connect(a, 1) == -1)
		return 1;
	for (i = 0; i < limit; i++) {
		g = 0;
		if ((rc = adm_mail_one(a, &g)) == -1)
			break;
		if (rc == 2)
			break;
		if (rc == 1)
			sent++;
		else if (g)
			gaveup++;
		else
			failed++;
	}
	printf("sent %ld, failed %ld, gave up %ld\n", sent, failed, gaveup);
	if (sent + failed + gaveup > 0) {
		snprintf(detail, sizeof(detail), "sent %ld, failed %ld,"
		    " gave up %ld", sent, failed, gaveup);
		if (adm_begin(a) == -1 || adm_audit(a, "cli.mail.deliver",
		    "mail_outbox", NULL, detail) == -1 ||
		    adm_commit(a) == -1) {
			adm_rollback(a);
			return 1;
		}
	}
	return rc == -1 ? 1 : 0;
}

static int
cmd_pickup_purge(struct adm *a, int argc, char **argv)
{
	char		 detail[48];
	long		 n;
	int		 rc;

	if ((rc = adm_parse(a, argc, argv, adm_noopts)) != -1)
		return rc;
	if (adm_connect(a, 1) == -1 || adm_begin(a) == -1)
		return 1;
	if ((n = pickup_purge(a->db)) == -1) {
		adm_dberr(a, "pickup");
		adm_rollback(a);
		return 1;
	}
	snprintf(detail, sizeof(detail), "%ld bundles deleted", n);
	if (adm_audit(a, "cli.pickup.purge", "pickup", NULL, detail) == -1 ||
	    adm_commit(a) == -1) {
		adm_rollback(a);
		return 1;
	}
	printf("%ld\n", n);
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
	for (i = 0; i < CMD__MAX; i++) {
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

	for (i = 0; i < CMD__MAX; i++)
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
	if (strcmp(argv[0], "help") == 0) {
		adm_help(stdout);
		return 0;
	}
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
	rc = d->fn(&a, argc, argv);
	adm_rollback(&a);
	if (a.db != NULL)
		PQfinish(a.db);
	if (fflush(stdout) == EOF && rc == 0) {
		adm_errx(&a, "standard output: %s", strerror(errno));
		rc = 1;
	}
	return rc;
}
