/* renrakucho-admin migrate [--status | --dry-run]: the schema directory
 * (cfg schema_dir) into the database.
 *
 * The directory holds base.sql (the whole schema as it is now), numbered
 * deltas NNN_name.sql (they change tables or data; applied once each, in
 * byte order) and functions/NAME.sql (every function, CREATE OR REPLACE;
 * re-applied on every run, in byte order).  renrakucho.schema_migration,
 * created by base.sql, records each applied file (its path relative to
 * the directory) with the SHA-256 of its bytes; a functions file's row
 * changes only when its text did, so applied_at says since when the
 * database runs that text.
 *
 * One run is one transaction, which first takes the advisory lock
 * ADM_MIGRATE_LOCK, so two runs cannot interleave: the second waits,
 * then finds nothing left to do.  A base.sql or delta whose bytes differ
 * from the recorded hash stops the run before anything is applied: a
 * released migration must not change.
 *
 * Output: "applied FILE" for base.sql, each delta, and each functions
 * file that is new or whose text changed, once committed; "up to date"
 * when there was none (unchanged functions files are re-applied
 * silently).  One audit event cli.migrate per such file, its SHA-256 as
 * the detail. */
#include "config.h"

#include <sys/stat.h>
#include <sys/types.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <openssl/evp.h>

#include "cfg.h"
#include "db.h"
#include "adm.h"

#define ADM_SQL_MAX	(4 * 1024 * 1024)	/* bytes per file */
#define ADM_FILES_MAX	1000
#define ADM_NAME_MAX	200
#define ADM_SHORT	12	/* hex digits of a hash in --status */

/* pg_advisory_xact_lock's key: "rkmigrat" in ASCII, as a big-endian
 * 64-bit integer (0x726b6d6967726174).  Documented in the README. */
#define ADM_MIGRATE_LOCK	"8244803842306367860"

enum adm_kind {
	KIND_BASE,
	KIND_DELTA,
	KIND_FUNCTIONS,
};

enum adm_state {
	STATE_PENDING,	/* not recorded (functions: or text changed) */
	STATE_APPLIED,	/* recorded with this text's hash */
	STATE_CHANGED,	/* base.sql or a delta changed since applied */
};

struct adm_file {
	char		*name;		/* "base.sql", "021_x.sql", "functions/a.sql" */
	enum adm_kind	 kind;
	char		*sql;		/* its bytes, NUL-terminated */
	char		 sha[65];	/* their SHA-256, lower-case hex */
	const char	*rec_sha;	/* as recorded, or NULL */
	const char	*rec_at;	/* when, Japan time */
	enum adm_state	 state;
};

struct adm_schema {
	const char	*dir;
	struct adm_file	*f;
	size_t		 n;
	PGresult	*rec;		/* the recorded rows (rec_* point here) */
	int		 present;	/* schema_migration exists */
};

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

static int
adm_sha256(const char *s, char out[65])
{
	static const char	 hex[] = "0123456789abcdef";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 len, i;

	if (EVP_Digest(s, strlen(s), md, &len, EVP_sha256(), NULL) != 1 ||
	    len != 32)
		return -1;
	for (i = 0; i < len; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
	return 0;
}

/* A delta's name: NNN_ and .sql around at least one byte. */
static int
adm_is_delta(const char *s)
{
	size_t	 len = strlen(s);

	return len > 8 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' &&
	    s[1] <= '9' && s[2] >= '0' && s[2] <= '9' && s[3] == '_' &&
	    strcmp(s + len - 4, ".sql") == 0;
}

static int
adm_is_sql(const char *s)
{
	size_t	 len = strlen(s);

	return s[0] != '.' && len > 4 && strcmp(s + len - 4, ".sql") == 0;
}

/* The names in dir that match, sorted in byte order (C collation,
 * whatever the locale), appended to v (*n of ADM_FILES_MAX used).  A
 * missing dir is empty when missing_ok.  0, or -1 with a message. */
static int
adm_list(const struct adm *a, const char *dir, int (*match)(const char *),
    int missing_ok, char **v, size_t *n)
{
	DIR		*d;
	struct dirent	*e;
	size_t		 first = *n, i;

	if ((d = opendir(dir)) == NULL) {
		if (missing_ok && errno == ENOENT)
			return 0;
		adm_errx(a, "schema_dir %s: %s", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (!match(e->d_name))
			continue;
		/* Names go into messages and the record: keep them plain. */
		for (i = 0; e->d_name[i] != '\0'; i++)
			if ((unsigned char)e->d_name[i] <= ' ' ||
			    (unsigned char)e->d_name[i] >= 0x7f)
				break;
		if (e->d_name[i] != '\0' || i > ADM_NAME_MAX) {
			adm_errx(a, "%s: a schema file name must be printable"
			    " ASCII without spaces, at most %d bytes", dir,
			    ADM_NAME_MAX);
			goto fail;
		}
		if (*n == ADM_FILES_MAX) {
			adm_errx(a, "schema_dir %s: more than %d files", dir,
			    ADM_FILES_MAX);
			goto fail;
		}
		if ((v[*n] = strdup(e->d_name)) == NULL) {
			adm_errx(a, "out of memory");
			goto fail;
		}
		(*n)++;
	}
	closedir(d);
	qsort(v + first, *n - first, sizeof(*v), adm_strcmp);
	return 0;
fail:
	closedir(d);
	return -1;
}

/* One file of the directory, read and hashed. */
static int
adm_load(const struct adm *a, struct adm_schema *s, const char *name,
    enum adm_kind kind)
{
	struct adm_file	*f = &s->f[s->n];
	char		 path[4096];
	int		 len;

	memset(f, 0, sizeof(*f));
	len = snprintf(path, sizeof(path), "%s/%s", s->dir, name);
	if (len < 0 || (size_t)len >= sizeof(path)) {
		adm_errx(a, "%s/%s: path too long", s->dir, name);
		return -1;
	}
	if ((f->name = strdup(name)) == NULL) {
		adm_errx(a, "out of memory");
		return -1;
	}
	s->n++;
	f->kind = kind;
	if ((f->sql = adm_slurp(a, path)) == NULL)
		return -1;
	if (adm_sha256(f->sql, f->sha) == -1) {
		adm_errx(a, "%s: cannot compute its SHA-256", path);
		return -1;
	}
	return 0;
}

static void
adm_schema_free(struct adm_schema *s)
{
	size_t	 i;

	for (i = 0; s->f != NULL && i < s->n; i++) {
		free(s->f[i].name);
		free(s->f[i].sql);
	}
	free(s->f);
	PQclear(s->rec);
	memset(s, 0, sizeof(*s));
}

/* Every file of the directory: base.sql (if there), the deltas, the
 * functions files, in the order they are applied. */
static int
adm_schema_read(const struct adm *a, struct adm_schema *s)
{
	struct stat	 st;
	char		 path[4096], fn[ADM_NAME_MAX + 16];
	char		*names[ADM_FILES_MAX];
	size_t		 nd, nf = 0, i;
	int		 rc = -1;

	s->dir = cfg_get(CFG_SCHEMA_DIR);
	if ((s->f = calloc(ADM_FILES_MAX + 1, sizeof(*s->f))) == NULL) {
		adm_errx(a, "out of memory");
		return -1;
	}
	snprintf(path, sizeof(path), "%s/base.sql", s->dir);
	if (stat(path, &st) == 0 && adm_load(a, s, "base.sql",
	    KIND_BASE) == -1)
		return -1;
	if (adm_list(a, s->dir, adm_is_delta, 0, names, &nf) == -1)
		goto out;
	nd = nf;
	snprintf(path, sizeof(path), "%s/functions", s->dir);
	if (adm_list(a, path, adm_is_sql, 1, names, &nf) == -1)
		goto out;
	for (i = 0; i < nf; i++) {
		snprintf(fn, sizeof(fn), "%s%s", i < nd ? "" : "functions/",
		    names[i]);
		if (adm_load(a, s, fn, i < nd ? KIND_DELTA :
		    KIND_FUNCTIONS) == -1)
			goto out;
	}
	rc = 0;
out:
	for (i = 0; i < nf; i++)
		free(names[i]);
	return rc;
}

/* What the database recorded, and so each file's state.  Returns the
 * number of changed base/delta files, or -1 with a message. */
static int
adm_schema_compare(struct adm *a, struct adm_schema *s)
{
	PGresult	*r;
	const char	*v, *name;
	size_t		 i;
	int		 j, changed = 0;

	if ((r = db_exec(a->db, "SELECT to_regclass("
	    "'renrakucho.schema_migration') IS NOT NULL AS present", 0,
	    NULL)) == NULL) {
		adm_dberr(a, "schema_migration");
		return -1;
	}
	s->present = (v = db_get(r, 0, "present")) != NULL &&
	    strcmp(v, "t") == 0;
	PQclear(r);
	if (s->present && (s->rec = db_exec(a->db, "SELECT file, sha256, "
	    ADM_TS("applied_at") " AS applied_at"
	    " FROM renrakucho.schema_migration", 0, NULL)) == NULL) {
		adm_dberr(a, "schema_migration");
		return -1;
	}
	for (i = 0; i < s->n; i++) {
		s->f[i].state = STATE_PENDING;
		for (j = 0; s->rec != NULL && j < PQntuples(s->rec); j++) {
			name = db_get(s->rec, j, "file");
			if (name == NULL || strcmp(name, s->f[i].name) != 0)
				continue;
			s->f[i].rec_sha = db_get(s->rec, j, "sha256");
			s->f[i].rec_at = db_get(s->rec, j, "applied_at");
			if (s->f[i].rec_sha != NULL &&
			    strcmp(s->f[i].rec_sha, s->f[i].sha) == 0)
				s->f[i].state = STATE_APPLIED;
			else if (s->f[i].kind != KIND_FUNCTIONS) {
				s->f[i].state = STATE_CHANGED;
				changed++;
			}
			break;
		}
	}
	return changed;
}

/* Refuses a run when a released file changed: one line each. */
static void
adm_changed(const struct adm *a, const struct adm_schema *s)
{
	size_t	 i;

	for (i = 0; i < s->n; i++)
		if (s->f[i].state == STATE_CHANGED)
			adm_errx(a, "%s/%s was changed after it was applied:"
			    " recorded %s, now %s; a released migration must"
			    " not change \xe2\x80\x94 write a new delta"
			    " instead", s->dir, s->f[i].name,
			    s->f[i].rec_sha != NULL ? s->f[i].rec_sha : "-",
			    s->f[i].sha);
}

/* The database's state against the files: 0 when a run may go on, -1
 * (with the messages) when a released file changed or an empty database
 * has no base.sql to start from. */
static int
adm_plan(struct adm *a, struct adm_schema *s)
{
	int	 changed;

	if ((changed = adm_schema_compare(a, s)) == -1)
		return -1;
	if (changed > 0) {
		adm_changed(a, s);
		return -1;
	}
	if (!s->present && (s->n == 0 || s->f[0].kind != KIND_BASE)) {
		adm_errx(a, "%s: no base.sql for an empty database", s->dir);
		return -1;
	}
	return 0;
}

/* Whether a run applies f: base.sql only to a database without the
 * record table, a delta once, a functions file always. */
static int
adm_to_apply(const struct adm_schema *s, const struct adm_file *f)
{
	switch (f->kind) {
	case KIND_BASE:
		return !s->present;
	case KIND_DELTA:
		return f->state == STATE_PENDING;
	default:
		return 1;
	}
}

/* Runs one file in the transaction and records it. */
static int
adm_apply(struct adm *a, const struct adm_file *f)
{
	const struct db_error	*e;
	const char		*p[2];
	PGresult		*r;

	if ((r = db_exec_script(a->db, f->sql)) == NULL) {
		e = db_last_error();
		if (e->position > 0)
			adm_errx(a, "%s, line %d: %s", f->name,
			    adm_lineof(f->sql, e->position), e->message);
		else
			adm_errx(a, "%s: %s", f->name, e->message);
		return -1;
	}
	PQclear(r);
	if (PQtransactionStatus(a->db) != PQTRANS_INTRANS) {
		adm_errx(a, "%s: ends the transaction (a schema file must not"
		    " COMMIT or ROLLBACK)", f->name);
		return -1;
	}
	/* The file may have changed role or search_path (SET LOCAL): the
	 * record and the audit event are written as the tool. */
	if ((r = db_exec_script(a->db, "SET LOCAL ROLE NONE;"
	    " SET LOCAL search_path = renrakucho")) == NULL) {
		adm_dberr(a, f->name);
		return -1;
	}
	PQclear(r);
	p[0] = f->name;
	p[1] = f->sha;
	if (db_cmd(a->db, f->kind == KIND_FUNCTIONS ?
	    "INSERT INTO renrakucho.schema_migration (file, sha256)"
	    " VALUES ($1, $2) ON CONFLICT (file) DO UPDATE"
	    " SET sha256 = EXCLUDED.sha256, applied_at = now()"
	    " WHERE schema_migration.sha256 <> EXCLUDED.sha256" :
	    "INSERT INTO renrakucho.schema_migration (file, sha256)"
	    " VALUES ($1, $2)", 2, p) == -1) {
		adm_dberr(a, f->name);
		return -1;
	}
	return 0;
}

static int
adm_migrate_run(struct adm *a, struct adm_schema *s)
{
	const char	*lock[1] = { ADM_MIGRATE_LOCK };
	size_t		 i, n = 0;

	if (db_begin(a->db) == -1) {
		adm_dberr(a, "BEGIN");
		return 1;
	}
	/* A migration may run long, and the second of two runs waits for
	 * the first: no statement_timeout (one round trip with the lock). */
	if (db_cmd_later(a->db, "SELECT set_config('statement_timeout', '0',"
	    " true)", 0, NULL) == -1 || db_cmd(a->db,
	    "SELECT pg_advisory_xact_lock($1::bigint)", 1, lock) == -1) {
		adm_dberr(a, "advisory lock");
		return 1;
	}
	/* Read only under the lock: a run that waited sees what the other
	 * committed. */
	if (adm_plan(a, s) == -1)
		return 1;
	for (i = 0; i < s->n; i++)
		if (adm_to_apply(s, &s->f[i]) && adm_apply(a, &s->f[i]) == -1)
			return 1;
	/* The events once every file is in: they are written by the
	 * schema's own page_audit() (functions/audit.sql), which a first
	 * run creates after base.sql. */
	for (i = 0; i < s->n; i++)
		if (adm_to_apply(s, &s->f[i]) && s->f[i].state != STATE_APPLIED &&
		    adm_audit(a, "cli.migrate", "schema_migration",
		    s->f[i].name, s->f[i].sha) == -1)
			return 1;
	if (adm_commit(a) == -1)
		return 1;
	for (i = 0; i < s->n; i++)
		if (adm_to_apply(s, &s->f[i]) && s->f[i].state != STATE_APPLIED) {
			printf("applied %s\n", s->f[i].name);
			n++;
		}
	if (n == 0)
		printf("up to date\n");
	return 0;
}

/* --dry-run: what a run would do now, without a transaction. */
static int
adm_migrate_dry(struct adm *a, struct adm_schema *s)
{
	size_t	 i, n = 0;

	if (adm_plan(a, s) == -1)
		return 1;
	for (i = 0; i < s->n; i++) {
		if (!adm_to_apply(s, &s->f[i]))
			continue;
		if (s->f[i].state == STATE_APPLIED)
			printf("would re-apply %s (unchanged)\n", s->f[i].name);
		else {
			printf("would apply %s\n", s->f[i].name);
			n++;
		}
	}
	if (n == 0)
		printf("up to date\n");
	return 0;
}

/* --status: FILE<tab>STATE[<tab>DETAIL] per file, in the order a run
 * applies them; 1 when a released file changed. */
static int
adm_migrate_status(struct adm *a, struct adm_schema *s)
{
	const struct adm_file	*f;
	size_t			 i;
	int			 changed;

	if ((changed = adm_schema_compare(a, s)) == -1)
		return 1;
	for (i = 0; i < s->n; i++) {
		f = &s->f[i];
		switch (f->state) {
		case STATE_APPLIED:
			printf("%s\tapplied\t%s %.*s\n", f->name,
			    f->rec_at != NULL ? f->rec_at : "-", ADM_SHORT,
			    f->sha);
			break;
		case STATE_CHANGED:
			printf("%s\tchanged\trecorded %.*s, now %.*s\n",
			    f->name, ADM_SHORT, f->rec_sha != NULL ?
			    f->rec_sha : "-", ADM_SHORT, f->sha);
			break;
		default:
			printf("%s\tpending\n", f->name);
			break;
		}
	}
	return changed > 0 ? 1 : 0;
}

int
cmd_migrate(struct adm *a, int argc, char **argv)
{
	struct adm_schema	 s;
	int			 status = 0, dry = 0, rc;
	const struct adm_opt	 opts[] = {
		{ "status", .flag = &status },
		{ "dry-run", .flag = &dry },
		{ NULL }
	};

	memset(&s, 0, sizeof(s));
	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	if (status && dry) {
		adm_errx(a, "--status and --dry-run exclude each other");
		return adm_usage(a, 1);
	}
	rc = 1;
	if (adm_ready(a) == -1 || adm_schema_read(a, &s) == -1 ||
	    adm_connect(a, 0) == -1)
		goto out;
	if (status)
		rc = adm_migrate_status(a, &s);
	else if (dry)
		rc = adm_migrate_dry(a, &s);
	else
		rc = adm_migrate_run(a, &s);
out:
	adm_schema_free(&s);
	return rc;
}

int
adm_schema_counts(struct adm *a, size_t *files, size_t *pending,
    size_t *changed)
{
	struct adm_schema	 s;
	size_t			 i;
	int			 rc = -1;

	memset(&s, 0, sizeof(s));
	*files = *pending = *changed = 0;
	if (adm_schema_read(a, &s) == -1 || adm_schema_compare(a, &s) == -1)
		goto out;
	*files = s.n;
	for (i = 0; i < s.n; i++)
		if (s.f[i].state == STATE_PENDING)
			(*pending)++;
		else if (s.f[i].state == STATE_CHANGED)
			(*changed)++;
	rc = 0;
out:
	adm_schema_free(&s);
	return rc;
}
