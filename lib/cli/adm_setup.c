/* renrakucho-admin setup: a new installation in one step, as root, and
 * safe to run again (what exists is kept; a second run changes nothing
 * and says so).  In order:
 *
 *  1. the CA: "renrakucho-signer init" run as the signer's user, which
 *     alone reads the key; its certificate copied to tls_dir/ca.crt
 *     (0644), for nginx and clients, and the audit seals' public key
 *     to tls_dir/seal.pub;
 *  2. the server certificate for --san: root makes the key
 *     (tls_dir/server.key, 0600 root) and has "renrakucho-signer
 *     server-cert" sign its public key (tls_dir/server.crt);
 *  3. the database, as the PostgreSQL superuser: a child process drops
 *     to the OS user --pg-user (postgres) and logs in by peer
 *     authentication on the socket of db_owner_dsn, so no password is
 *     involved.  It creates the database of db_owner_dsn, sets
 *     log_error_verbosity = terse for it (a server log line then holds
 *     no row data: no DETAIL with the values of a failed row), writes
 *     the peer map of the package's OS users to their roles (and of
 *     root to the superuser) into the cluster's pg_ident.conf and
 *     pg_hba.conf (a block between markers, replaced when it differs),
 *     reloads the configuration, and migrates (which creates the
 *     roles);
 *  4. unless an operator account exists: the first facility and its
 *     operator (password on standard input, as "account add"); unless
 *     a certificate the operator issued is live: a first-certificate
 *     pickup through lib/pickup.c, as the web's pickups, whose number
 *     and password are printed for root to hand over.  The child keeps
 *     group renrakucho for this step, the group that reaches the
 *     signer's socket.
 *
 * --peer-map does the peer map alone: a new cluster's, before "restore"
 * (which needs root's way in, and an empty database).
 *
 * Output: one line per item, "created", "kept" and so on, then "nothing
 * changed" when that is so. */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <openssl/crypto.h>

#include "account.h"
#include "auth.h"
#include "cfg.h"
#include "db.h"
#include "facility.h"
#include "pickup.h"
#include "pki.h"
#include "adm.h"

#define SETUP_SIGNER_USER	"renrakucho-signer"
#define SETUP_GROUP		"renrakucho"
#define SETUP_SIGNER		LIBEXECDIR "/renrakucho/renrakucho-signer"
#define SETUP_OUT_MAX		(64 * 1024)
#define SETUP_FILE_MAX		(1024 * 1024)
#define SETUP_BEGIN	"# BEGIN renrakucho: written by renrakucho-admin setup"
#define SETUP_END	"# END renrakucho"
/* The child's exit status when it changed something. */
#define SETUP_CHANGED	3

struct setup {
	const char	*san;
	const char	*ca_cn;
	const char	*pg_user;
	const char	*fac_name;
	const char	*fac_email;
	const char	*login;
	const char	*name;
	const char	*email;
	int		 peer_only;
	int		 changed;
};

/* The peer map: the package's OS users to their database roles, and
 * root to the superuser (db_owner_dsn's user=postgres: root's
 * renrakucho-admin, who may become postgres anyway). */
static const char setup_ident[] =
    "renrakucho\trenrakucho\t\trenrakucho_app\n"
    "renrakucho\trenrakucho\t\trenrakucho_jobs\n"
    "renrakucho\trenrakucho-signer\trenrakucho_signer\n"
    "renrakucho\tpostgres\t\tpostgres\n"
    "renrakucho\troot\t\t\tpostgres\n";
static const char setup_hba[] =
    "local\t%1$s\trenrakucho_app,renrakucho_jobs,renrakucho_signer\t"
    "peer map=renrakucho\n"
    "local\tall\tpostgres\tpeer map=renrakucho\n"
    /* Auditors (renrakucho-admin auditor add) log in with their own
     * role and password, on the socket, straight to PostgreSQL. */
    "local\t%1$s\t+renrakucho_auditor\tscram-sha-256\n";

static void
setup_say(struct setup *s, int changed, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
setup_say(struct setup *s, int changed, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (changed)
		s->changed = 1;
}

/* --- processes as another user ---------------------------------------- */

/* This process becomes user (with its groups, and extra group too when
 * not NULL), in /.  0 or -1 (errno). */
static int
setup_become(const char *user, const char *extra)
{
	struct passwd	*pw;
	struct group	*gr;
	gid_t		 groups[NGROUPS_MAX + 1];
	int		 n = NGROUPS_MAX;

	if ((pw = getpwnam(user)) == NULL) {
		errno = ENOENT;
		return -1;
	}
	if (getgrouplist(user, pw->pw_gid, groups, &n) == -1)
		return -1;
	if (extra != NULL) {
		if ((gr = getgrnam(extra)) == NULL) {
			errno = ENOENT;
			return -1;
		}
		groups[n++] = gr->gr_gid;
	}
	if (setgroups((size_t)n, groups) == -1 ||
	    setgid(pw->pw_gid) == -1 || setuid(pw->pw_uid) == -1 ||
	    chdir("/") == -1)
		return -1;
	if (setenv("HOME", "/", 1) == -1 || setenv("USER", user, 1) == -1)
		return -1;
	return 0;
}

/* Runs argv as user with in (may be NULL) on its standard input; its
 * standard output into *out (malloc'd, NUL-terminated) when out is not
 * NULL, else to ours.  Its exit status, or -1 with a message. */
static int
setup_run(struct adm *a, const char *user, char *const argv[],
    const char *in, char **out)
{
	int	 pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, st, rc = -1;
	pid_t	 pid;
	size_t	 len = 0, inlen = in != NULL ? strlen(in) : 0;
	ssize_t	 r;
	char	*buf = NULL;

	if (pipe(pin) == -1 || (out != NULL && pipe(pout) == -1)) {
		adm_errx(a, "pipe: %s", strerror(errno));
		goto out;
	}
	fflush(stdout);
	if ((pid = fork()) == -1) {
		adm_errx(a, "fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		if (dup2(pin[0], STDIN_FILENO) == -1 || (out != NULL &&
		    dup2(pout[1], STDOUT_FILENO) == -1))
			_exit(127);
		close(pin[0]);
		close(pin[1]);
		if (out != NULL) {
			close(pout[0]);
			close(pout[1]);
		}
		if (setup_become(user, NULL) == -1) {
			fprintf(stderr, "%s: cannot become %s: %s\n", a->label,
			    user, strerror(errno));
			_exit(127);
		}
		execv(argv[0], argv);
		fprintf(stderr, "%s: %s: %s\n", a->label, argv[0],
		    strerror(errno));
		_exit(127);
	}
	close(pin[0]);
	pin[0] = -1;
	/* The input is a public key: far below a pipe's buffer. */
	if (inlen > 0 && write(pin[1], in, inlen) != (ssize_t)inlen)
		adm_errx(a, "%s: cannot write its input", argv[0]);
	close(pin[1]);
	pin[1] = -1;
	if (out != NULL) {
		close(pout[1]);
		pout[1] = -1;
		if ((buf = malloc(SETUP_OUT_MAX + 1)) == NULL) {
			adm_errx(a, "out of memory");
			kill(pid, SIGTERM);
		} else
			while (len < SETUP_OUT_MAX && (r = read(pout[0],
			    buf + len, SETUP_OUT_MAX - len)) > 0)
				len += (size_t)r;
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			adm_errx(a, "waitpid: %s", strerror(errno));
			goto out;
		}
	rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (out != NULL && buf != NULL) {
		buf[len] = '\0';
		*out = buf;
		buf = NULL;
	}
out:
	free(buf);
	if (pin[0] != -1)
		close(pin[0]);
	if (pin[1] != -1)
		close(pin[1]);
	if (pout[0] != -1)
		close(pout[0]);
	if (pout[1] != -1)
		close(pout[1]);
	return rc;
}

/* --- files ------------------------------------------------------------ */

/* The contents of path (malloc'd, NUL-terminated), or NULL (errno). */
static char *
setup_read(const char *path)
{
	FILE	*f;
	char	*buf;
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	if ((buf = malloc(SETUP_FILE_MAX + 1)) == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, SETUP_FILE_MAX, f);
	if (ferror(f) || n == SETUP_FILE_MAX) {
		fclose(f);
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	fclose(f);
	buf[n] = '\0';
	return buf;
}

/* Replaces path with data at once (a temporary file renamed over it),
 * mode, owned by uid:gid (-1: the writer's).  0 or -1 with a message. */
static int
setup_write(struct adm *a, const char *path, const char *data, size_t len,
    mode_t mode, uid_t uid, gid_t gid)
{
	char	 tmp[PATH_MAX];
	int	 fd;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.rk-setup", path) >=
	    sizeof(tmp)) {
		adm_errx(a, "%s: path too long", path);
		return -1;
	}
	(void)unlink(tmp);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    mode)) == -1) {
		adm_errx(a, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	if (write(fd, data, len) != (ssize_t)len || fchmod(fd, mode) == -1 ||
	    ((uid != (uid_t)-1 || gid != (gid_t)-1) &&
	    fchown(fd, uid, gid) == -1) || fsync(fd) == -1) {
		adm_errx(a, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		return -1;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		adm_errx(a, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* mkdir path mode, owned by uid:gid, unless it exists.  0 or -1. */
static int
setup_mkdir(struct adm *a, const char *path, mode_t mode, uid_t uid,
    gid_t gid)
{
	if (mkdir(path, mode) == -1) {
		if (errno == EEXIST)
			return 0;
		adm_errx(a, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (chmod(path, mode) == -1 || chown(path, uid, gid) == -1) {
		adm_errx(a, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* --- 1, 2: the CA and the server certificate --------------------------- */

/* dir/name copied to tls/name (0644 root), unless it holds the same. */
static int
setup_publish(struct adm *a, struct setup *s, const char *dir,
    const char *tls, const char *name, const char *what)
{
	char	 src[PATH_MAX], copy[PATH_MAX], *have = NULL, *pem;
	int	 rc = -1;

	snprintf(src, sizeof(src), "%s/%s", dir, name);
	snprintf(copy, sizeof(copy), "%s/%s", tls, name);
	if ((pem = setup_read(src)) == NULL) {
		adm_errx(a, "%s: %s", src, strerror(errno));
		return -1;
	}
	have = setup_read(copy);
	if (have != NULL && strcmp(have, pem) == 0)
		setup_say(s, 0, "%s: kept (%s)", what, copy);
	else {
		if (setup_write(a, copy, pem, strlen(pem), 0644, 0, 0) == -1)
			goto out;
		setup_say(s, 1, "%s: written (%s)", what, copy);
	}
	rc = 0;
out:
	free(have);
	free(pem);
	return rc;
}

static int
setup_ca(struct adm *a, struct setup *s)
{
	const char	*dir = cfg_get(CFG_CA_DIR);
	struct passwd	*pw;
	struct stat	 st;
	const char	*tls = cfg_get(CFG_TLS_DIR);
	char		 crt[PATH_MAX], parent[PATH_MAX], *p;
	char *const	 argv[] = { (char *)SETUP_SIGNER, (char *)"init",
	    (char *)"--ca-dir", (char *)dir, (char *)"--cn",
	    (char *)s->ca_cn, NULL };
	int		 existed;

	if ((pw = getpwnam(SETUP_SIGNER_USER)) == NULL) {
		adm_errx(a, "no user %s (the package creates it)",
		    SETUP_SIGNER_USER);
		return -1;
	}
	/* The directories, when tmpfiles.d has not made them: the signer's
	 * alone. */
	snprintf(parent, sizeof(parent), "%s", dir);
	if ((p = strrchr(parent, '/')) != NULL && p != parent) {
		*p = '\0';
		if (setup_mkdir(a, parent, 0700, pw->pw_uid, pw->pw_gid) == -1)
			return -1;
	}
	if (setup_mkdir(a, dir, 0700, pw->pw_uid, pw->pw_gid) == -1)
		return -1;
	snprintf(crt, sizeof(crt), "%s/ca.crt", dir);
	existed = stat(crt, &st) == 0;
	if (setup_run(a, SETUP_SIGNER_USER, argv, NULL, NULL) != 0) {
		adm_errx(a, "%s init failed", SETUP_SIGNER);
		return -1;
	}
	setup_say(s, !existed, "CA: %s (%s)", existed ? "kept" : "created",
	    dir);

	if (setup_mkdir(a, tls, 0755, 0, 0) == -1)
		return -1;
	/* The CA certificate, and the audit seals' public key (the
	 * signer's init made it), for nginx and auditors. */
	if (setup_publish(a, s, dir, tls, "ca.crt", "CA certificate") == -1 ||
	    setup_publish(a, s, dir, tls, "seal.pub", "audit seal key") == -1)
		return -1;
	return 0;
}

static int
setup_server_cert(struct adm *a, struct setup *s)
{
	const char		*tls = cfg_get(CFG_TLS_DIR);
	char *const		 argv[] = { (char *)SETUP_SIGNER,
	    (char *)"server-cert", (char *)"--ca-dir",
	    (char *)cfg_get(CFG_CA_DIR), (char *)"--san", (char *)s->san,
	    NULL };
	struct pki_keypair	 kp = { NULL, NULL };
	struct stat		 st;
	char			 key[PATH_MAX], crt[PATH_MAX], *out = NULL;
	int			 rc = -1;

	snprintf(key, sizeof(key), "%s/server.key", tls);
	snprintf(crt, sizeof(crt), "%s/server.crt", tls);
	if (stat(key, &st) == 0 && stat(crt, &st) == 0) {
		setup_say(s, 0, "server certificate: kept (%s)", crt);
		return 0;
	}
	if (s->san == NULL) {
		adm_errx(a, "--san is needed to issue the server certificate");
		return -1;
	}
	/* The key never leaves root: the signer sees the public key. */
	if (pki_keypair_new(&kp) == -1) {
		adm_errx(a, "cannot make the server key");
		goto out;
	}
	if (setup_run(a, SETUP_SIGNER_USER, argv, kp.pub_pem, &out) != 0 ||
	    out == NULL || strstr(out, "-----BEGIN CERTIFICATE-----") == NULL) {
		adm_errx(a, "%s server-cert failed", SETUP_SIGNER);
		goto out;
	}
	if (setup_mkdir(a, tls, 0755, 0, 0) == -1 ||
	    setup_write(a, key, kp.key_pem, strlen(kp.key_pem), 0600, 0,
	    0) == -1 ||
	    setup_write(a, crt, out, strlen(out), 0644, 0, 0) == -1)
		goto out;
	setup_say(s, 1, "server certificate: issued for %s (%s, key %s)",
	    s->san, crt, key);
	rc = 0;
out:
	pki_keypair_free(&kp);
	free(out);
	return rc;
}

/* --- 3: the database, as the superuser --------------------------------- */

/* path with the block between SETUP_BEGIN and SETUP_END set to body: at
 * the top when top (pg_hba.conf: the first matching line wins), else at
 * the end.  1 written, 0 already so, -1 error. */
static int
setup_block(struct adm *a, const char *path, const char *body, int top)
{
	struct stat	 st;
	char		*old, *nw = NULL, *b, *e, block[2048];
	size_t		 n;
	int		 rc = -1;

	if ((old = setup_read(path)) == NULL || stat(path, &st) == -1) {
		adm_errx(a, "%s: %s", path, strerror(errno));
		goto out;
	}
	snprintf(block, sizeof(block), "%s\n%s%s\n", SETUP_BEGIN, body,
	    SETUP_END);
	if ((b = strstr(old, SETUP_BEGIN "\n")) != NULL &&
	    (b == old || b[-1] == '\n') &&
	    (e = strstr(b, "\n" SETUP_END "\n")) != NULL) {
		e += strlen("\n" SETUP_END "\n");
		if ((size_t)(e - b) == strlen(block) &&
		    strncmp(b, block, strlen(block)) == 0) {
			rc = 0;
			goto out;
		}
		memmove(b, e, strlen(e) + 1);	/* the old block out */
	}
	n = strlen(old) + strlen(block) + 2;
	if ((nw = malloc(n)) == NULL)
		goto out;
	if (top)
		snprintf(nw, n, "%s%s", block, old);
	else
		snprintf(nw, n, "%s%s%s", old, old[0] != '\0' &&
		    old[strlen(old) - 1] != '\n' ? "\n" : "", block);
	if (setup_write(a, path, nw, strlen(nw), st.st_mode & 07777,
	    st.st_uid, st.st_gid) == -1)
		goto out;
	rc = 1;
out:
	free(old);
	free(nw);
	return rc;
}

/* One value of a statement, copied into buf; 0, or -1 with a message. */
static int
setup_value(struct adm *a, PGconn *c, const char *sql, const char *p1,
    char *buf, size_t n)
{
	const char	*params[1] = { p1 };
	PGresult	*r;

	if ((r = db_exec(c, sql, p1 != NULL, params)) == NULL) {
		adm_dberr(a, sql);
		return -1;
	}
	snprintf(buf, n, "%s", PQntuples(r) > 0 && !PQgetisnull(r, 0, 0) ?
	    PQgetvalue(r, 0, 0) : "");
	PQclear(r);
	return 0;
}

static int
setup_cluster(struct adm *a, struct setup *s, const char *dbname)
{
	const char	*kw[] = { "dbname", "dbname", NULL };
	const char	*val[] = { cfg_get(CFG_DB_OWNER_DSN), "postgres", NULL };
	PGconn		*c;
	char		 v[PATH_MAX], *id = NULL, sql[256];
	int		 rc = -1;

	/* The owner DSN's socket, its maintenance database. */
	c = PQconnectdbParams(kw, val, 1);
	if (PQstatus(c) != CONNECTION_OK) {
		adm_errx(a, "connecting as %s: %s", s->pg_user,
		    PQerrorMessage(c));
		goto out;
	}
	if (setup_value(a, c, "SELECT datname FROM pg_database"
	    " WHERE datname = $1", dbname, v, sizeof(v)) == -1)
		goto out;
	if ((id = PQescapeIdentifier(c, dbname, strlen(dbname))) == NULL)
		goto out;
	if (v[0] == '\0') {
		snprintf(sql, sizeof(sql), "CREATE DATABASE %s", id);
		if (db_cmd(c, sql, 0, NULL) == -1) {
			adm_dberr(a, "CREATE DATABASE");
			goto out;
		}
		setup_say(s, 1, "database %s: created", dbname);
	} else
		setup_say(s, 0, "database %s: kept", dbname);

	if (setup_value(a, c, "SELECT 1 FROM pg_db_role_setting r"
	    " JOIN pg_database d ON d.oid = r.setdatabase"
	    " WHERE d.datname = $1 AND r.setrole = 0"
	    " AND 'log_error_verbosity=terse' = ANY (r.setconfig)", dbname,
	    v, sizeof(v)) == -1)
		goto out;
	if (v[0] == '\0') {
		snprintf(sql, sizeof(sql),
		    "ALTER DATABASE %s SET log_error_verbosity = terse", id);
		if (db_cmd(c, sql, 0, NULL) == -1) {
			adm_dberr(a, "ALTER DATABASE");
			goto out;
		}
		setup_say(s, 1, "log_error_verbosity = terse: set for %s",
		    dbname);
	} else
		setup_say(s, 0, "log_error_verbosity = terse: kept");

	rc = 0;
out:
	PQfreemem(id);
	PQfinish(c);
	return rc;
}

/* The peer map into the cluster's files, then a reload. */
static int
setup_peer_map(struct adm *a, struct setup *s, const char *dbname)
{
	const char	*kw[] = { "dbname", "dbname", NULL };
	const char	*val[] = { cfg_get(CFG_DB_OWNER_DSN), "postgres", NULL };
	PGconn		*c;
	char		 hba[PATH_MAX], ident[PATH_MAX], body[512];
	int		 rc = -1, w1, w2;

	c = PQconnectdbParams(kw, val, 1);
	if (PQstatus(c) != CONNECTION_OK) {
		adm_errx(a, "connecting as %s: %s", s->pg_user,
		    PQerrorMessage(c));
		goto out;
	}
	if (setup_value(a, c, "SHOW hba_file", NULL, hba, sizeof(hba)) ==
	    -1 || setup_value(a, c, "SHOW ident_file", NULL, ident,
	    sizeof(ident)) == -1)
		goto out;
	snprintf(body, sizeof(body), setup_hba, dbname);
	if ((w1 = setup_block(a, hba, body, 1)) == -1 ||
	    (w2 = setup_block(a, ident, setup_ident, 0)) == -1)
		goto out;
	if (w1 || w2) {
		if (db_cmd(c, "SELECT pg_reload_conf()", 0, NULL) == -1) {
			adm_dberr(a, "pg_reload_conf");
			goto out;
		}
		setup_say(s, 1, "peer map: written (%s, %s), PostgreSQL"
		    " reloaded", ident, hba);
	} else
		setup_say(s, 0, "peer map: kept");
	rc = 0;
out:
	PQfinish(c);
	return rc;
}

/* The migrations' record, to tell whether migrate changed anything:
 * "" before the first. */
static int
setup_schema_state(struct adm *a, char *buf, size_t n)
{
	if (setup_value(a, a->db, "SELECT to_regclass("
	    "'renrakucho.schema_migration')", NULL, buf, n) == -1)
		return -1;
	if (buf[0] == '\0')
		return 0;
	return setup_value(a, a->db, "SELECT count(*) || ' ' ||"
	    " coalesce(max(applied_at)::text, '')"
	    " FROM renrakucho.schema_migration", NULL, buf, n);
}

static int
setup_migrate(struct adm *a, struct setup *s)
{
	char	 before[128], after[128];
	char	*argv[] = { (char *)a->label, NULL };
	int	 rc;

	if (adm_connect(a, 0) == -1 ||
	    setup_schema_state(a, before, sizeof(before)) == -1)
		return -1;
	PQfinish(a->db);
	a->db = NULL;
	optind = 0;
	if ((rc = cmd_migrate(a, 1, argv)) != 0)
		return -1;
	if (setup_schema_state(a, after, sizeof(after)) == -1)
		return -1;
	if (strcmp(before, after) != 0)
		s->changed = 1;
	PQfinish(a->db);
	a->db = NULL;
	return 0;
}

/* --- 4: the first facility, operator and pickup ------------------------ */

/* The first facility and its operator, unless an operator exists; the
 * operator's id and facility into id and fac.  0 or -1. */
static int
setup_first_operator(struct adm *a, struct setup *s, char *id, char *fac)
{
	struct facility		 f;
	struct account_new	 n;
	PGresult		*r;
	const char		*msg;
	char			 hash[AUTH_HASH_MAX] = "";
	int			 rc = -1;

	memset(&f, 0, sizeof(f));
	memset(&n, 0, sizeof(n));
	if ((r = db_exec(a->db, "SELECT id, facility_id, login FROM account"
	    " WHERE is_operator AND deleted_at IS NULL ORDER BY id LIMIT 1",
	    0, NULL)) == NULL) {
		adm_dberr(a, "account");
		return -1;
	}
	if (PQntuples(r) == 1) {
		snprintf(id, 24, "%s", db_get(r, 0, "id"));
		snprintf(fac, 24, "%s", db_get(r, 0, "facility_id"));
		setup_say(s, 0, "operator: kept (%s)", db_get(r, 0, "login"));
		PQclear(r);
		return 0;
	}
	PQclear(r);
	if (s->fac_name == NULL || s->fac_email == NULL ||
	    s->login == NULL || s->name == NULL) {
		adm_errx(a, "no operator yet: --facility, --facility-email,"
		    " --login and --name are needed");
		return -1;
	}
	f.v[FACILITY_F_NAME] = s->fac_name;
	f.v[FACILITY_F_EMAIL] = s->fac_email;
	f.v[FACILITY_F_MNAME] = cfg_get(CFG_MUNICIPALITY_NAME);
	f.v[FACILITY_F_MCODE] = cfg_get(CFG_MUNICIPALITY_CODE);
	for (size_t i = 0; i < FACILITY_F__MAX; i++)
		if ((msg = facility_check(i, f.v[i])) != NULL) {
			adm_errx(a, "facility: %s", msg);
			return -1;
		}
	if ((msg = account_check(ACCOUNT_F_LOGIN, s->login)) != NULL ||
	    (msg = account_check(ACCOUNT_F_NAME, s->name)) != NULL ||
	    (msg = account_check(ACCOUNT_F_EMAIL, s->email)) != NULL) {
		adm_errx(a, "operator: %s", msg);
		return -1;
	}
	/* The password before the transaction: a prompt must not hold it
	 * open. */
	if (adm_newhash(a, s->login, hash) == -1 || db_begin(a->db) == -1)
		goto out;
	if (facility_add(a->db, &f, fac, 24) == -1) {
		adm_dberr(a, "facility");
		goto out;
	}
	n.facility_id = fac;
	n.login = s->login;
	n.name = s->name;
	n.email = s->email;
	n.password_hash = hash;
	n.is_staff = 1;
	n.is_facility_admin = 1;
	n.is_operator = 1;
	/* Root typed it for the operator, who sets their own at the first
	 * login. */
	n.must_change = 1;
	if (account_insert(a->db, &n, id, 24) != ACCOUNT_OK) {
		adm_dberr(a, "account");
		goto out;
	}
	if (adm_audit(a, "cli.facility.add", "facility", fac,
	    s->fac_name) == -1 || adm_audit(a, "cli.account.add", "account",
	    id, "staff,facility-admin,operator") == -1 || adm_commit(a) == -1)
		goto out;
	setup_say(s, 1, "facility: created (id %s, %s)", fac, s->fac_name);
	setup_say(s, 1, "operator: created (id %s, login %s)", id, s->login);
	rc = 0;
out:
	OPENSSL_cleanse(hash, sizeof(hash));
	if (rc != 0)
		db_rollback(a->db);
	return rc;
}

/* The operator's first certificate, behind a pickup, unless a
 * certificate issued by the operator is live (picked up or waiting): so
 * a run after a failed or expired pickup (its certificate revoked)
 * makes a new one. */
static int
setup_pickup(struct adm *a, struct setup *s, const char *id,
    const char *fac)
{
	struct pickup_new	 pk;
	struct pki_issued	 iss;
	const char		*label = "setup";
	char			 v[64];
	int			 rc = -1;

	memset(&pk, 0, sizeof(pk));
	memset(&iss, 0, sizeof(iss));
	if (setup_value(a, a->db, "SELECT count(*) FROM device_cert"
	    " WHERE issued_by = $1 AND revoked_at IS NULL", id, v,
	    sizeof(v)) == -1)
		return -1;
	if (strcmp(v, "0") != 0) {
		setup_say(s, 0, "first certificate: kept (issued already)");
		return 0;
	}
	/* Signed first, outside any transaction: the signer must see the
	 * committed issuance. */
	if (pickup_issue(a->db, fac, label, id, &iss) == -1) {
		adm_errx(a, "cannot issue the first certificate: is"
		    " renrakucho-signer.socket running?");
		goto out;
	}
	if (db_begin(a->db) == -1)
		goto out;
	if (pickup_create(a->db, &iss, fac, label, id, &pk) == -1) {
		adm_errx(a, "cannot issue the first certificate");
		goto out;
	}
	if (adm_audit(a, "cli.cert.issue", "device_cert", pk.serial,
	    label) == -1 || adm_commit(a) == -1)
		goto out;
	setup_say(s, 1, "pickup number: %s", pk.number);
	setup_say(s, 1, "pickup password: %s", pk.password);
	setup_say(s, 1, "pickup expires: %s (the portal's certificate page,"
	    " or /certificate-pickup)", pk.expires);
	rc = 0;
out:
	pki_issued_free(&iss);
	OPENSSL_cleanse(&pk, sizeof(pk));
	if (rc != 0)
		db_rollback(a->db);
	return rc;
}

static int
setup_operator(struct adm *a, struct setup *s)
{
	char	 id[24], fac[24];

	if (adm_connect(a, 1) == -1 ||
	    setup_first_operator(a, s, id, fac) == -1)
		return -1;
	return setup_pickup(a, s, id, fac);
}

/* The database part, in a child that is the superuser's OS user. */
static int
setup_database(struct adm *a, struct setup *s)
{
	PQconninfoOption	*o, *opts;
	char			 dbname[128] = "", *err = NULL;
	pid_t			 pid;
	int			 st, rc;

	if ((opts = PQconninfoParse(cfg_get(CFG_DB_OWNER_DSN), &err)) ==
	    NULL) {
		adm_errx(a, "db_owner_dsn: %s", err != NULL ? err : "invalid");
		PQfreemem(err);
		return -1;
	}
	for (o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, "dbname") == 0 && o->val != NULL)
			snprintf(dbname, sizeof(dbname), "%s", o->val);
	PQconninfoFree(opts);
	if (dbname[0] == '\0') {
		adm_errx(a, "db_owner_dsn names no dbname");
		return -1;
	}
	fflush(stdout);
	if ((pid = fork()) == -1) {
		adm_errx(a, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (setup_become(s->pg_user, SETUP_GROUP) == -1) {
			adm_errx(a, "cannot become %s: %s", s->pg_user,
			    strerror(errno));
			_exit(1);
		}
		s->changed = 0;
		if (s->peer_only)
			rc = setup_peer_map(a, s, dbname) == -1;
		else
			rc = setup_cluster(a, s, dbname) == -1 ||
			    setup_peer_map(a, s, dbname) == -1 ||
			    setup_migrate(a, s) == -1 ||
			    setup_operator(a, s) == -1;
		if (a->db != NULL)
			PQfinish(a->db);
		fflush(stdout);
		_exit(rc ? 1 : s->changed ? SETUP_CHANGED : 0);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(st) || (WEXITSTATUS(st) != 0 &&
	    WEXITSTATUS(st) != SETUP_CHANGED))
		return -1;
	if (WEXITSTATUS(st) == SETUP_CHANGED)
		s->changed = 1;
	return 0;
}

int
cmd_setup(struct adm *a, int argc, char **argv)
{
	struct setup		 s;
	const struct adm_opt	 opts[] = {
		{ "san", .val = &s.san },
		{ "ca-cn", .val = &s.ca_cn },
		{ "facility", .val = &s.fac_name },
		{ "facility-email", .val = &s.fac_email },
		{ "login", .val = &s.login },
		{ "name", .val = &s.name },
		{ "email", .val = &s.email },
		{ "pg-user", .val = &s.pg_user },
		{ "peer-map", .flag = &s.peer_only },
		{ NULL }
	};
	int			 rc;

	memset(&s, 0, sizeof(s));
	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	if (s.ca_cn == NULL)
		s.ca_cn = "renrakucho CA";
	if (s.pg_user == NULL)
		s.pg_user = "postgres";
	if (geteuid() != 0) {
		adm_errx(a, "must run as root");
		return 1;
	}
	if (adm_ready(a) == -1)
		return 1;
	if (s.peer_only) {
		if (setup_database(a, &s) == -1)
			return 1;
	} else if (setup_ca(a, &s) == -1 || setup_server_cert(a, &s) == -1 ||
	    setup_database(a, &s) == -1)
		return 1;
	if (!s.changed)
		printf("nothing changed\n");
	return 0;
}
