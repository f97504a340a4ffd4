/* renrakucho-admin backup DIR, restore DIR: everything needed to rebuild
 * the service elsewhere, as root with the owner DSN (db_owner_dsn).
 *
 * DIR (made 0700, files 0600) holds
 *   database.dump    pg_dump --format=custom of the database
 *   roles.sql        the renrakucho_* roles of the cluster (pg_dumpall
 *                    --roles-only, filtered; CREATE made idempotent)
 *   ca.tar           the CA directory (ca_dir) as it is: the CA KEY
 *   renrakucho.conf  the configuration file in use
 *   MANIFEST         the SHA-256 of each, as sha256sum(1) writes them
 *
 * restore DIR checks the MANIFEST before anything else and refuses any
 * mismatch, naming the file; refuses a database that holds any table;
 * then restores the roles, the database (pg_restore, one transaction),
 * the CA directory and the configuration: into the configuration's own
 * path when there is none there yet, else beside it as FILE.restored
 * when it differs, for the operator to compare (its DSNs and paths may
 * be the old host's). */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <openssl/evp.h>

#include "cfg.h"
#include "db.h"
#include "adm.h"

#define BK_DUMP		"database.dump"
#define BK_ROLES	"roles.sql"
#define BK_CA		"ca.tar"
#define BK_CONF		"renrakucho.conf"
#define BK_MANIFEST	"MANIFEST"
#define BK_PATH_MAX	4096
#define BK_LINE_MAX	8192

/* In the order they are written and restored. */
static const char *const bk_files[] = { BK_ROLES, BK_DUMP, BK_CA, BK_CONF };
#define BK_NFILES	(sizeof(bk_files) / sizeof(bk_files[0]))

static int
bk_path(const struct adm *a, char *buf, const char *dir, const char *name)
{
	if ((size_t)snprintf(buf, BK_PATH_MAX, "%s/%s", dir, name) >=
	    BK_PATH_MAX) {
		adm_errx(a, "%s: path too long", dir);
		return -1;
	}
	return 0;
}

/* The configuration file in use, found as cfg_load finds it. */
static const char *
bk_conf_path(const struct adm *a)
{
	const char	*p;

	if (a->conf != NULL)
		return a->conf;
	if ((p = getenv("RENRAKUCHO_CONF")) != NULL && *p != '\0')
		return p;
	return SYSCONFDIR "/renrakucho.conf";
}

/* Runs argv (no shell), its standard output into out_fd when not -1:
 * 0, or -1 with a message naming the command. */
static int
bk_run(const struct adm *a, char *const *argv, int out_fd)
{
	pid_t	 pid;
	int	 st;

	fflush(NULL);
	if ((pid = fork()) == -1) {
		adm_errx(a, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (out_fd != -1 && dup2(out_fd, STDOUT_FILENO) == -1)
			_exit(126);
		execvp(argv[0], argv);
		fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR) {
			adm_errx(a, "waitpid: %s", strerror(errno));
			return -1;
		}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	adm_errx(a, "%s failed (%s %d)", argv[0], WIFEXITED(st) ?
	    "exit status" : "signal", WIFEXITED(st) ? WEXITSTATUS(st) :
	    WTERMSIG(st));
	return -1;
}

/* SHA-256 of a file's bytes, lower-case hex: 0, or -1 with a message. */
static int
bk_sha256(const struct adm *a, const char *path, char out[65])
{
	unsigned char	 buf[65536], md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0, i;
	EVP_MD_CTX	*ctx = NULL;
	ssize_t		 n = 0;
	int		 fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		adm_errx(a, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
		goto out;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			adm_errx(a, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1)
			goto out;
	}
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1)
		goto out;
	for (i = 0; i < mdlen; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	rc = 0;
out:
	if (rc == -1 && n != -1)
		adm_errx(a, "%s: cannot compute its SHA-256", path);
	EVP_MD_CTX_free(ctx);
	close(fd);
	return rc;
}

/* A new file of the backup, 0600, for writing: its descriptor or -1. */
static int
bk_create(const struct adm *a, const char *path)
{
	int	 fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1)
		adm_errx(a, "%s: %s", path, strerror(errno));
	return fd;
}

/* Copies src to the new file dst (mode 0600 unless mode is given). */
static int
bk_copy(const struct adm *a, const char *src, const char *dst, mode_t mode)
{
	char	 buf[65536];
	ssize_t	 n;
	int	 in, out, rc = -1;

	if ((in = open(src, O_RDONLY | O_CLOEXEC)) == -1) {
		adm_errx(a, "%s: %s", src, strerror(errno));
		return -1;
	}
	if ((out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    mode)) == -1) {
		adm_errx(a, "%s: %s", dst, strerror(errno));
		close(in);
		return -1;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			break;
	if (n != 0 || fsync(out) == -1)
		adm_errx(a, "%s: %s", dst, strerror(errno));
	else
		rc = 0;
	close(in);
	if (close(out) == -1 && rc == 0) {
		adm_errx(a, "%s: %s", dst, strerror(errno));
		rc = -1;
	}
	return rc;
}

/* The verb's one operand, DIR (adm_parse takes options only), and the
 * configuration: -1 to go on, else the exit status. */
static int
bk_operand(struct adm *a, int argc, char **argv, const char **dir)
{
	if (argc != 2 || argv[1][0] == '-')
		return adm_usage(a, !(argc == 2 &&
		    strcmp(argv[1], "--help") == 0));
	*dir = argv[1];
	return adm_ready(a) == -1 ? 1 : -1;
}

/* --- backup ------------------------------------------------------------ */

/* DIR made, or found empty: 0, or -1 with a message. */
static int
bk_newdir(const struct adm *a, const char *dir)
{
	struct dirent	*e;
	DIR		*d;
	int		 n = 0;

	if (mkdir(dir, 0700) == 0)
		return 0;
	if (errno != EEXIST || (d = opendir(dir)) == NULL) {
		adm_errx(a, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	if (n > 0) {
		adm_errx(a, "%s exists and is not empty: a backup goes into a"
		    " new directory", dir);
		return -1;
	}
	if (chmod(dir, 0700) == -1) {
		adm_errx(a, "%s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* pg_dumpall --roles-only, kept to the renrakucho_* roles: their CREATE
 * (made idempotent: the restored cluster may have them from setup),
 * their ALTER (attributes, password verifier, settings) and the
 * memberships in them. */
static int
bk_roles(const struct adm *a, const char *dir)
{
	char	 all[BK_PATH_MAX], out[BK_PATH_MAX], line[BK_LINE_MAX];
	char	 dsn[BK_PATH_MAX], name[64];
	char	*argv[] = { "pg_dumpall", "--roles-only",
	    "--quote-all-identifiers", "--no-comments", dsn, NULL };
	FILE	*in = NULL, *o = NULL;
	int	 fd, rc = -1, n = 0;
	size_t	 len;

	if (bk_path(a, all, dir, ".roles-all.sql") == -1 ||
	    bk_path(a, out, dir, BK_ROLES) == -1)
		return -1;
	snprintf(dsn, sizeof(dsn), "--dbname=%s", cfg_get(CFG_DB_OWNER_DSN));
	if ((fd = bk_create(a, all)) == -1)
		return -1;
	if (bk_run(a, argv, fd) == -1) {
		close(fd);
		goto out;
	}
	close(fd);
	if ((in = fopen(all, "re")) == NULL || (fd = bk_create(a, out)) == -1 ||
	    (o = fdopen(fd, "w")) == NULL) {
		adm_errx(a, "%s: %s", in == NULL ? all : out, strerror(errno));
		goto out;
	}
	fprintf(o, "-- The renrakucho_* roles, from pg_dumpall --roles-only"
	    " (renrakucho-admin backup).\n");
	while (fgets(line, sizeof(line), in) != NULL) {
		if (sscanf(line, "CREATE ROLE \"%63[a-z_]\";", name) == 1 &&
		    strncmp(name, "renrakucho_", 11) == 0) {
			fprintf(o, "DO $$BEGIN IF NOT EXISTS (SELECT FROM"
			    " pg_roles WHERE rolname = '%s') THEN CREATE ROLE"
			    " \"%s\"; END IF; END$$;\n", name, name);
			n++;
		} else if (strncmp(line, "ALTER ROLE \"renrakucho_", 23) == 0 ||
		    strncmp(line, "GRANT \"renrakucho_", 18) == 0)
			fputs(line, o);
		len = strlen(line);
		if (len > 0 && line[len - 1] != '\n' && !feof(in)) {
			adm_errx(a, "%s: line too long", all);
			goto out;
		}
	}
	if (n == 0) {
		adm_errx(a, "pg_dumpall: no renrakucho_* role in the cluster");
		goto out;
	}
	if (ferror(in) || fflush(o) == EOF || fsync(fileno(o)) == -1) {
		adm_errx(a, "%s: %s", out, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (in != NULL)
		fclose(in);
	if (o != NULL && fclose(o) == EOF && rc == 0) {
		adm_errx(a, "%s: %s", out, strerror(errno));
		rc = -1;
	}
	unlink(all);
	return rc;
}

static int
bk_manifest(const struct adm *a, const char *dir)
{
	char	 path[BK_PATH_MAX], sha[65];
	FILE	*f;
	size_t	 i;
	int	 fd;

	if (bk_path(a, path, dir, BK_MANIFEST) == -1 ||
	    (fd = bk_create(a, path)) == -1)
		return -1;
	if ((f = fdopen(fd, "w")) == NULL) {
		close(fd);
		return -1;
	}
	for (i = 0; i < BK_NFILES; i++) {
		char	 p[BK_PATH_MAX];

		if (bk_path(a, p, dir, bk_files[i]) == -1 ||
		    bk_sha256(a, p, sha) == -1) {
			fclose(f);
			return -1;
		}
		fprintf(f, "%s  %s\n", sha, bk_files[i]);
	}
	if (fflush(f) == EOF || fsync(fileno(f)) == -1 || fclose(f) == EOF) {
		adm_errx(a, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
cmd_backup(struct adm *a, int argc, char **argv)
{
	char		 path[BK_PATH_MAX], arg[BK_PATH_MAX + 16];
	char		 dsn[BK_PATH_MAX];
	char		*dump[] = { "pg_dump", "--format=custom", arg, dsn, NULL };
	char		*tar[] = { "tar", "--create", "--file", path,
	    "--directory", NULL, ".", NULL };
	const char	*dir, *ca;
	int		 rc;

	if ((rc = bk_operand(a, argc, argv, &dir)) != -1)
		return rc;
	umask(077);
	if (bk_newdir(a, dir) == -1)
		return 1;

	if (bk_roles(a, dir) == -1)
		return 1;
	printf("%-16s the renrakucho_* roles (with their password"
	    " verifiers)\n", BK_ROLES);

	if (bk_path(a, path, dir, BK_DUMP) == -1)
		return 1;
	snprintf(arg, sizeof(arg), "--file=%s", path);
	snprintf(dsn, sizeof(dsn), "--dbname=%s", cfg_get(CFG_DB_OWNER_DSN));
	if (bk_run(a, dump, -1) == -1)
		return 1;
	printf("%-16s the database (pg_dump --format=custom)\n", BK_DUMP);

	ca = cfg_get(CFG_CA_DIR);
	tar[5] = (char *)(uintptr_t)ca;
	if (bk_path(a, path, dir, BK_CA) == -1 || bk_run(a, tar, -1) == -1)
		return 1;
	printf("%-16s the CA directory %s: it holds the CA PRIVATE KEY;"
	    " keep this backup offline\n", BK_CA, ca);

	if (bk_path(a, path, dir, BK_CONF) == -1 ||
	    bk_copy(a, bk_conf_path(a), path, 0600) == -1)
		return 1;
	printf("%-16s the configuration %s\n", BK_CONF, bk_conf_path(a));

	if (bk_manifest(a, dir) == -1)
		return 1;
	printf("%-16s the SHA-256 of each file (sha256sum -c %s)\n",
	    BK_MANIFEST, BK_MANIFEST);
	return 0;
}

/* --- restore ----------------------------------------------------------- */

/* Every file of the backup listed in MANIFEST with the SHA-256 of its
 * bytes, and nothing else listed: 0, or -1 naming the file. */
static int
bk_verify(const struct adm *a, const char *dir)
{
	char	 path[BK_PATH_MAX], file[BK_PATH_MAX], line[BK_LINE_MAX];
	char	 want[65], name[256], sha[65];
	int	 seen[BK_NFILES] = { 0 };
	FILE	*f;
	size_t	 i;
	int	 rc = -1;

	if (bk_path(a, path, dir, BK_MANIFEST) == -1)
		return -1;
	if ((f = fopen(path, "re")) == NULL) {
		adm_errx(a, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%64[0-9a-f]  %255[^\n]", want, name) != 2 ||
		    strlen(want) != 64) {
			adm_errx(a, "%s: malformed line", path);
			goto out;
		}
		for (i = 0; i < BK_NFILES; i++)
			if (strcmp(name, bk_files[i]) == 0)
				break;
		if (i == BK_NFILES || seen[i]) {
			adm_errx(a, "%s: unexpected entry %s", path, name);
			goto out;
		}
		seen[i] = 1;
		if (bk_path(a, file, dir, name) == -1 ||
		    bk_sha256(a, file, sha) == -1)
			goto out;
		if (strcmp(sha, want) != 0) {
			adm_errx(a, "%s: SHA-256 %s does not match the"
			    " MANIFEST's %s: refused, nothing restored", file,
			    sha, want);
			goto out;
		}
	}
	for (i = 0; i < BK_NFILES; i++)
		if (!seen[i]) {
			adm_errx(a, "%s: %s is not listed: refused", path,
			    bk_files[i]);
			goto out;
		}
	rc = 0;
out:
	fclose(f);
	return rc;
}

/* The target database, created when it does not exist yet (connected
 * to the "postgres" database with the same parameters). */
static int
bk_target(struct adm *a)
{
	PQconninfoOption	*opts, *o;
	const char		*kw[64], *val[64], *dbname = NULL;
	char			*err = NULL, *id = NULL, sql[512];
	PGconn			*c = NULL;
	PGresult		*r = NULL;
	int			 n = 0, rc = -1;

	if ((a->db = PQconnectdb(cfg_get(CFG_DB_OWNER_DSN))) != NULL &&
	    PQstatus(a->db) == CONNECTION_OK) {
		PQfinish(a->db);
		a->db = NULL;
		return adm_connect(a, 0);
	}
	PQfinish(a->db);
	a->db = NULL;
	if ((opts = PQconninfoParse(cfg_get(CFG_DB_OWNER_DSN), &err)) ==
	    NULL) {
		adm_errx(a, "db_owner_dsn: %s", err != NULL ? err : "invalid");
		PQfreemem(err);
		return -1;
	}
	for (o = opts; o->keyword != NULL && n < 63; o++) {
		if (o->val == NULL)
			continue;
		if (strcmp(o->keyword, "dbname") == 0) {
			dbname = o->val;
			continue;
		}
		kw[n] = o->keyword;
		val[n++] = o->val;
	}
	kw[n] = "dbname";
	val[n++] = "postgres";
	kw[n] = NULL;
	val[n] = NULL;
	if (dbname == NULL)
		dbname = "renrakucho";
	c = PQconnectdbParams(kw, val, 0);
	if (PQstatus(c) != CONNECTION_OK) {
		adm_errx(a, "cannot connect to the server: %s",
		    PQerrorMessage(c));
		goto out;
	}
	if ((id = PQescapeIdentifier(c, dbname, strlen(dbname))) == NULL)
		goto out;
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", id);
	if ((r = PQexec(c, sql)) == NULL ||
	    PQresultStatus(r) != PGRES_COMMAND_OK) {
		adm_errx(a, "%s: %s", sql, PQerrorMessage(c));
		goto out;
	}
	printf("created the database %s\n", dbname);
	rc = adm_connect(a, 0);
out:
	PQclear(r);
	PQfreemem(id);
	PQfinish(c);
	PQconninfoFree(opts);
	return rc;
}

/* The configuration: into its path when there is no file there, else
 * beside it when it differs. */
static int
bk_restore_conf(const struct adm *a, const char *dir)
{
	char		 src[BK_PATH_MAX], dst[BK_PATH_MAX], s1[65], s2[65];
	const char	*conf = bk_conf_path(a);
	struct stat	 st;

	if (bk_path(a, src, dir, BK_CONF) == -1)
		return -1;
	if (stat(conf, &st) == -1) {
		if (bk_copy(a, src, conf, 0640) == -1)
			return -1;
		printf("configuration    restored into %s\n", conf);
		return 0;
	}
	if (bk_sha256(a, src, s1) == -1 || bk_sha256(a, conf, s2) == -1)
		return -1;
	if (strcmp(s1, s2) == 0) {
		printf("configuration    %s is the backup's\n", conf);
		return 0;
	}
	snprintf(dst, sizeof(dst), "%s.restored", conf);
	if (unlink(dst) == -1 && errno != ENOENT) {
		adm_errx(a, "%s: %s", dst, strerror(errno));
		return -1;
	}
	if (bk_copy(a, src, dst, 0640) == -1 ||
	    chown(dst, st.st_uid, st.st_gid) == -1) {
		adm_errx(a, "%s: %s", dst, strerror(errno));
		return -1;
	}
	printf("configuration    the backup's is %s: compare it with %s"
	    " and move it into place\n", dst, conf);
	return 0;
}

int
cmd_restore(struct adm *a, int argc, char **argv)
{
	char		 path[BK_PATH_MAX], dsn[BK_PATH_MAX], *sql = NULL;
	char		*pgr[] = { "pg_restore", "--exit-on-error",
	    "--single-transaction", dsn, path, NULL };
	char		*tar[] = { "tar", "--extract", "--same-permissions",
	    "--file", path, "--directory", NULL, NULL };
	const char	*dir, *ca, *n;
	PGresult	*r;
	FILE		*f;
	long		 len;
	int		 rc;

	if ((rc = bk_operand(a, argc, argv, &dir)) != -1)
		return rc;
	if (bk_verify(a, dir) == -1)
		return 1;
	printf("MANIFEST         every file matches\n");
	if (bk_target(a) == -1)
		return 1;
	if ((r = db_exec(a->db, "SELECT count(*) AS n FROM pg_class c"
	    " JOIN pg_namespace s ON s.oid = c.relnamespace"
	    " WHERE s.nspname NOT IN ('pg_catalog', 'information_schema')"
	    " AND s.nspname !~ '^pg_toast'", 0, NULL)) == NULL) {
		adm_dberr(a, "pg_class");
		return 1;
	}
	n = db_get(r, 0, "n");
	if (n == NULL || strcmp(n, "0") != 0) {
		adm_errx(a, "the database of db_owner_dsn holds %s relations:"
		    " restore needs an empty one", n != NULL ? n : "?");
		PQclear(r);
		return 1;
	}
	PQclear(r);

	/* The roles first: the dump's objects are theirs. */
	if (bk_path(a, path, dir, BK_ROLES) == -1)
		return 1;
	if ((f = fopen(path, "re")) == NULL || fseek(f, 0, SEEK_END) == -1 ||
	    (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) == -1 ||
	    (sql = calloc(1, (size_t)len + 1)) == NULL ||
	    fread(sql, 1, (size_t)len, f) != (size_t)len) {
		adm_errx(a, "%s: %s", path, strerror(errno));
		if (f != NULL)
			fclose(f);
		free(sql);
		return 1;
	}
	fclose(f);
	r = db_exec_script(a->db, sql);
	free(sql);
	if (r == NULL) {
		adm_dberr(a, BK_ROLES);
		return 1;
	}
	PQclear(r);
	printf("%-16s the roles restored\n", BK_ROLES);

	snprintf(dsn, sizeof(dsn), "--dbname=%s", cfg_get(CFG_DB_OWNER_DSN));
	if (bk_path(a, path, dir, BK_DUMP) == -1 || bk_run(a, pgr, -1) == -1)
		return 1;
	printf("%-16s the database restored\n", BK_DUMP);

	ca = cfg_get(CFG_CA_DIR);
	tar[6] = (char *)(uintptr_t)ca;
	if (mkdir(ca, 0700) == -1 && errno != EEXIST) {
		adm_errx(a, "%s: %s", ca, strerror(errno));
		return 1;
	}
	if (bk_path(a, path, dir, BK_CA) == -1 || bk_run(a, tar, -1) == -1)
		return 1;
	printf("%-16s the CA directory restored into %s\n", BK_CA, ca);

	if (bk_restore_conf(a, dir) == -1)
		return 1;
	return 0;
}
