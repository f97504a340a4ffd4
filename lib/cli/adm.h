/* renrakucho-admin's private interface: what admin.c (dispatch, options,
 * usage, the shared helpers) gives the verb files adm_*.c, and the verbs
 * they give the verb table. */
#ifndef RK_ADM_H
#define RK_ADM_H
#include <stddef.h>
#include <stdio.h>
#include <libpq-fe.h>
#include <openssl/evp.h>

#include "auth.h"
#include "req.h"

#define ADM_PROG	"renrakucho-admin"
#define ADM_DAYS_MAX	3650
#define ADM_CRL_DAYS	7

/* Timestamps in listings: Japan time with its offset, so nobody has to
 * guess which zone a column is in. */
#define ADM_TS(col) "to_char(" col " AT TIME ZONE 'Asia/Tokyo'," \
	" 'YYYY-MM-DD HH24:MI:SS\"+09\"')"

struct adm;

typedef int (*adm_fn)(struct adm *, int, char **);

/* One verb of the table in admin.c. */
struct adm_def {
	const char	*verb;
	const char	*sub;	/* NULL: the verb stands alone */
	adm_fn		 fn;
	const char	*args;	/* usage after the verb; plain text */
	const char	*help;	/* one line; plain text */
};

/* One run of the tool: the verb, its configuration and connection. */
struct adm {
	const struct adm_def	*def;
	const char		*conf;	/* --conf, or NULL */
	int			 ready;	/* configuration loaded */
	const char		*label;	/* "renrakucho-admin cert issue" */
	PGconn			*db;
	int			 jobs;	/* connected as the jobs' role */
	int			 auditor; /* audit verify --db: an auditor's role */
	char			 who[80];	/* audit login: "cli:<user>" */
};

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

extern const struct adm_opt	adm_noopts[];

/* Messages: one line on stderr, prefixed with the verb, control
 * characters escaped.  adm_dberr adds the failed statement's primary
 * message (db_last_error). */
void	adm_errx(const struct adm *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	adm_dberr(const struct adm *, const char *what);
/* --help: usage on stdout, 0.  bad: usage on stderr, 2. */
int	adm_usage(const struct adm *, int bad);

/* A verb's options, then no operands: -1 to go on, else the exit status
 * (usage already printed). */
int	adm_parse(struct adm *, int argc, char **argv,
	    const struct adm_opt *);
/* Option values through the web forms' validators (req.h): validator
 * with the bounds min..max on s; 0, or -1 with a message naming what.
 * A NULL s (option not given) is valid. */
int	adm_valid(const struct adm *, const char *what, const char *s,
	    req_validator, int64_t min, int64_t max);
/* A decimal number in [min, max] (req_v_int): 0, or -1 with a message. */
int	adm_num(const struct adm *, const char *what, const char *s,
	    int64_t min, int64_t max, long long *out);
/* --days: s, or dflt when s is NULL, in 1..ADM_DAYS_MAX. */
int	adm_days(const struct adm *, const char *s, long long dflt,
	    int *out);

/* Loads the configuration once (each verb calls it after its options,
 * so --help works without one).  0 or -1 (cfg printed why). */
int	adm_ready(struct adm *);
/* Connects with the owner DSN; schema: search_path = renrakucho (every
 * verb but migrate).  0 or -1 with a message. */
int	adm_connect(struct adm *, int schema);
/* The same with dsn (audit verify --db: an auditor's own role). */
int	adm_connect_dsn(struct adm *, const char *dsn, int schema);
/* The routine verbs' connection (the timers, check): db_jobs_dsn when
 * set, else the owner DSN as adm_connect(a, 1).  0 or -1. */
int	adm_connect_jobs(struct adm *);
/* COMMIT: 0, or -1 with a message. */
int	adm_commit(struct adm *);
/* One audit event of this operator, in the current transaction (or
 * autocommit): 0, or -1 with a message.  On the jobs' connection only
 * the jobs' own events can be written (functions/jobs.sql). */
int	adm_audit(struct adm *, const char *action, const char *otype,
	    const char *oid, const char *detail);
/* The rows of sql as a tab-separated table of cols, with a header
 * line: 0, or 1 (the exit status) with a message. */
int	adm_table(struct adm *, const char *sql, int n,
	    const char *const *p, const char *const *cols);

/* adm_once.c: --once.  Claims (the verb, period) for this host in
 * job_run (schema/023_job_run.sql) as the first statement of the current
 * transaction, the job's own, so that its failure releases the claim.
 * period NULL: the current Japan-time day or hour by the database's
 * clock.  As adm_parse: -1 claimed, go on with the work; else the exit
 * status: 0 another run did it (waited for if under way), one line on
 * stdout says which node, the transaction rolled back, no audit event;
 * 1 failure, with a message. */
enum adm_period {
	ADM_DAY,
	ADM_HOUR,
};
int	adm_claim(struct adm *, const char *period, enum adm_period);

/* adm_migrate.c: the schema directory against the database, for check:
 * how many files it holds, how many are not applied (or, functions/,
 * changed since) and how many released ones changed; 0 or -1 with a
 * message. */
int	adm_schema_counts(struct adm *, size_t *files, size_t *pending,
	    size_t *changed);

/* adm_help.c: the manual pages in roff, generated from the tables so
 * they cannot drift: renrakucho-admin(8) from the n verbs, and
 * renrakucho.conf(5) from cfg's reference; adm_conf_ref prints that
 * reference as a configuration file of the defaults, one comment each.
 * The last two: 0, or -1 with a message when a key lacks its default or
 * description. */
void	adm_man_admin(FILE *, const struct adm_def *, size_t n);
int	adm_man_conf(FILE *);
int	adm_conf_ref(FILE *);

/* adm_ca.c: the CRL from the signer, written and reloaded (if_changed:
 * only when its revoked serials changed or its nextUpdate nears). */
int	adm_crl(struct adm *, int days, int if_changed);
/* adm_account.c: a list verb with an optional --facility ID. */
int	adm_list_facility(struct adm *, int argc, char **argv,
	    const char *sql, const char *const *cols);

/* adm_account.c: a new password from standard input (twice at a
 * terminal), checked by the password policy for login (password_check),
 * hashed into hash: 0, or -1 with a message. */
int	adm_newhash(const struct adm *, const char *login,
	    char hash[AUTH_HASH_MAX]);
/* adm_account.c: a new database role password (read as adm_newhash
 * reads it, at least 8 characters) into pw, n bytes: 0, or -1 with a
 * message (pw cleansed). */
int	adm_readpw(const struct adm *, char *pw, size_t n);

/* The verbs (exit status: 0, 1 failure, 2 usage). */
int	cmd_setup(struct adm *, int, char **);
int	cmd_migrate(struct adm *, int, char **);
int	cmd_ca_init(struct adm *, int, char **);
int	cmd_ca_server_cert(struct adm *, int, char **);
int	cmd_crl_update(struct adm *, int, char **);
int	cmd_facility_add(struct adm *, int, char **);
int	cmd_facility_list(struct adm *, int, char **);
int	cmd_account_add(struct adm *, int, char **);
int	cmd_account_list(struct adm *, int, char **);
int	cmd_account_unlock(struct adm *, int, char **);
int	cmd_account_passwd(struct adm *, int, char **);
int	cmd_cert_issue(struct adm *, int, char **);
int	cmd_cert_list(struct adm *, int, char **);
int	cmd_cert_revoke(struct adm *, int, char **);
int	cmd_session_purge(struct adm *, int, char **);
int	cmd_mail_deliver(struct adm *, int, char **);
int	cmd_pickup_purge(struct adm *, int, char **);
int	cmd_mail_purge(struct adm *, int, char **);
int	cmd_check(struct adm *, int, char **);
int	cmd_backup(struct adm *, int, char **);
int	cmd_restore(struct adm *, int, char **);
int	cmd_auditor_add(struct adm *, int, char **);
int	cmd_auditor_list(struct adm *, int, char **);
int	cmd_auditor_remove(struct adm *, int, char **);
int	cmd_audit_report(struct adm *, int, char **);
int	cmd_audit_actions(struct adm *, int, char **);

/* adm_audit_export.c: audit_event's rows with from <= at < to
 * (timestamptz text), every column and at_utc, in id order, streamed
 * through a cursor in the current transaction to out, and into md when not NULL;
 * sum gets the count and the first and last id.  0, or -1 with a
 * message. */
enum adm_format { ADM_CSV, ADM_JSONL };
struct adm_export_sum {
	long long	 count;
	char		 first_id[24];	/* "" when count is 0 */
	char		 last_id[24];
};
int	adm_audit_stream(struct adm *, const char *from, const char *to,
	    enum adm_format, FILE *out, EVP_MD_CTX *md,
	    struct adm_export_sum *);
int	cmd_audit_export(struct adm *, int, char **);
int	cmd_audit_archive(struct adm *, int, char **);
int	cmd_audit_partitions(struct adm *, int, char **);
int	cmd_audit_verify(struct adm *, int, char **);
int	cmd_audit_seal(struct adm *, int, char **);
/* adm_audit_chain.c: line (a seal, lib/seal.h) and a newline at the end
 * of seal_file, in one write, synced: 0 or -1 with a message. */
int	adm_seal_append(struct adm *, const char *);
/* adm_audit_offline.c: audit verify --archive, without the database
 * (and without the configuration when pub is given); seals NULL: file
 * with .jsonl replaced by .seal; pub NULL: tls_dir's seal.pub.  The
 * exit status. */
int	adm_audit_verify_archive(struct adm *, const char *file,
	    const char *seals, const char *pub);
/* adm_audit_offline.c: the lines of a seals file (lib/seal.h). */
#define ADM_SEALS_MAX	1000000
struct seal;
struct adm_seals {
	struct seal	*v;		/* sorted by seq */
	size_t		 n, cap;
	size_t		 next;		/* audit verify: first not yet met */
};
/* Every line of path, each signature checked with pk (read from pub,
 * named in messages), sorted by seq: 0, or -1 with a message. */
int	adm_seals_load(struct adm *, const char *path, const char *pub,
	    EVP_PKEY *pk, struct adm_seals *);
/* adm_cert_expiry.c */
int	cmd_cert_expiry_notice(struct adm *, int, char **);
#endif
