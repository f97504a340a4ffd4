/* renrakucho-admin audit archive: each month partition of audit_event
 * before --before and past audit_retention_months, exported (JSON
 * lines, adm_audit_stream) with a manifest into audit_archive_dir, both
 * on disk (fsync'd, and their directory), recorded in audit_archive,
 * and only then detached and dropped, in the one transaction that held
 * the partition locked since before the export.  audit partitions: the
 * partitions of this month and the next made ahead (the purge timer). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <libpq-fe.h>
#include <openssl/evp.h>

#include "buf.h"
#include "cfg.h"
#include "db.h"
#include "seal.h"
#include "signer.h"
#include "adm.h"

/* Months past retention and before --before ($1, YYYY-MM; $2, months),
 * oldest first; kept: before --before but within the retention. */
static const char sql_months[] =
    "SELECT to_char(m, 'YYYY-MM') AS month, to_char(m, 'YYYY-MM-DD')"
    " AS first,"
    " (m::timestamp AT TIME ZONE 'Asia/Tokyo')::text AS from_ts,"
    " ((m + interval '1 month') AT TIME ZONE 'Asia/Tokyo')::text AS to_ts,"
    " m + interval '1 month' > date_trunc('month', now() AT TIME ZONE"
    " 'Asia/Tokyo') - make_interval(months => $2::int) AS kept"
    " FROM (SELECT to_date(substr(c.relname, 14, 4) ||"
    " substr(c.relname, 19, 2), 'YYYYMM') AS m"
    " FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
    " WHERE i.inhparent = 'renrakucho.audit_event'::regclass"
    " AND c.relname ~ '^audit_event_y[0-9]{4}m[0-9]{2}$') p"
    " WHERE m < to_date($1, 'YYYY-MM') ORDER BY m";

/* Writes all of s to fd: 0 or -1 (errno). */
static int
adm_write_all(int fd, const char *s, size_t n)
{
	ssize_t	 w;

	while (n > 0) {
		if ((w = write(fd, s, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The month's places in the hash chain ($1 <= at < $2): the ranges of
 * seq it holds, and the last event of each range (its seq and hash),
 * which audit verify needs sealed to bridge the gap the month leaves. */
static const char sql_runs[] =
    "SELECT e.seq, encode(e.hash, 'hex') AS hash,"
    " (SELECT coalesce(range_agg(int8range(seq, seq, '[]')), '{}')::text"
    " FROM audit_event WHERE at >= $1::timestamptz AND at < $2::timestamptz)"
    " AS seqs"
    " FROM audit_event e WHERE e.at >= $1::timestamptz"
    " AND e.at < $2::timestamptz AND NOT EXISTS (SELECT 1 FROM audit_event n"
    " WHERE n.seq = e.seq + 1 AND n.at >= $1::timestamptz"
    " AND n.at < $2::timestamptz) ORDER BY e.seq";

/* The last event of each of the month's ranges (runs) sealed by the
 * signer (which checks it is in audit_event as given), the seal lines
 * written to sealpath (created, synced; never over one there) and
 * appended to seal_file: 0, or -1 with a message.  Run before the
 * month's own event, so no chain lock is held while the signer writes
 * its event. */
static int
archive_seal(struct adm *a, const PGresult *runs, const char *sealpath)
{
	char		 line[SEAL_LINE_MAX], err[256];
	struct buf	 b;
	long long	 seq;
	int		 i, fd = -1, rc = -1;

	memset(&b, 0, sizeof(b));
	for (i = 0; i < PQntuples(runs); i++) {
		seq = strtoll(db_get(runs, i, "seq"), NULL, 10);
		if (signer_seal(seq, db_get(runs, i, "hash"), line,
		    sizeof(line), err, sizeof(err)) == -1) {
			adm_errx(a, "seal of seq %lld: %s", seq, err);
			goto out;
		}
		buf_printf(&b, "%s\n", line);
		if (adm_seal_append(a, line) == -1)
			goto out;
	}
	if (b.oom) {
		adm_errx(a, "out of memory");
		goto out;
	}
	if ((fd = open(sealpath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		adm_errx(a, "%s: %s", sealpath, strerror(errno));
		goto out;
	}
	if (adm_write_all(fd, b.p != NULL ? b.p : "", b.len) == -1 ||
	    fsync(fd) == -1) {
		adm_errx(a, "%s: %s", sealpath, strerror(errno));
		unlink(sealpath);
		goto out;
	}
	rc = 0;
out:
	if (fd != -1)
		close(fd);
	buf_free(&b);
	return rc;
}

/* fsync of a directory, so the names in it are on disk too. */
static int
adm_sync_dir(const char *dir)
{
	int	 fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* One month: the export and manifest as DIR/M.jsonl.tmp and
 * DIR/M.manifest.tmp, synced, linked to their names (never over an
 * existing archive), the manifest sealed, the directory synced, then
 * the record, the drop and the event in the transaction; on any failure
 * the new names are removed and the partition stays.  0 or -1 with a
 * message. */
static int
archive_month(struct adm *a, const char *dir, const PGresult *m, int row)
{
	const char		*month = db_get(m, row, "month");
	char			 file[4096], tmp[4200], man[4096], mtmp[4200];
	char			 sealf[4096];
	char			 sha[2 * EVP_MAX_MD_SIZE + 1];
	char			 detail[256], count[24];
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen = 0, i;
	struct adm_export_sum	 sum;
	EVP_MD_CTX		*ctx = NULL;
	FILE			*out = NULL;
	const char		*p[7], *seqs;
	PGresult		*runs = NULL;
	char			 text[1024];
	int			 fd = -1, linked = 0, rc = -1, n;

	snprintf(file, sizeof(file), "%s/%s.jsonl", dir, month);
	snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	snprintf(man, sizeof(man), "%s/%s.manifest", dir, month);
	snprintf(mtmp, sizeof(mtmp), "%s.tmp", man);
	snprintf(sealf, sizeof(sealf), "%s/%s.seal", dir, month);
	if (db_begin(a->db) == -1)
		goto out;
	p[0] = db_get(m, row, "first");
	if (db_cmd(a->db, "SELECT audit_partition_lock($1::date)", 1,
	    p) == -1) {
		adm_dberr(a, month);
		goto out;
	}
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		adm_errx(a, "SHA-256 failed");
		goto out;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1 || (out = fdopen(fd, "w")) == NULL) {
		adm_errx(a, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	fd = -1;
	if (adm_audit_stream(a, db_get(m, row, "from_ts"), db_get(m, row,
	    "to_ts"), ADM_JSONL, out, ctx, &sum) == -1)
		goto out;
	if (fsync(fileno(out)) == -1 || fclose(out) != 0) {
		out = NULL;
		adm_errx(a, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	out = NULL;
	if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1) {
		adm_errx(a, "SHA-256 failed");
		goto out;
	}
	for (i = 0; i < mdlen; i++)
		snprintf(sha + 2 * i, 3, "%02x", md[i]);

	p[0] = db_get(m, row, "from_ts");
	p[1] = db_get(m, row, "to_ts");
	if ((runs = db_exec(a->db, sql_runs, 2, p)) == NULL) {
		adm_dberr(a, month);
		goto out;
	}
	seqs = PQntuples(runs) > 0 ? db_get(runs, 0, "seqs") : "{}";
	n = snprintf(text, sizeof(text), "month: %s\nfile: %s.jsonl\n"
	    "first_id: %s\nlast_id: %s\ncount: %lld\nsha256: %s\n"
	    "seqs: %s\nseals: %s.seal\n", month, month, sum.first_id,
	    sum.last_id, sum.count, sha, seqs, month);
	if (n < 0 || (size_t)n >= sizeof(text)) {
		adm_errx(a, "%s: the month's chain is in too many pieces"
		    " (seq %s)", month, seqs);
		goto out;
	}
	if ((fd = open(mtmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1 || adm_write_all(fd, text, (size_t)n) == -1 ||
	    fsync(fd) == -1) {
		adm_errx(a, "%s: %s", mtmp, strerror(errno));
		goto out;
	}
	close(fd);
	fd = -1;
	/* link(2), not rename: an archive already there is never
	 * replaced. */
	if (link(tmp, file) == -1) {
		adm_errx(a, "%s: %s", file, strerror(errno));
		goto out;
	}
	linked = 1;
	if (link(mtmp, man) == -1) {
		adm_errx(a, "%s: %s", man, strerror(errno));
		goto out;
	}
	linked = 2;
	unlink(tmp);
	unlink(mtmp);
	if (archive_seal(a, runs, sealf) == -1)
		goto out;
	linked = 3;
	if (adm_sync_dir(dir) == -1) {
		adm_errx(a, "%s: %s", dir, strerror(errno));
		goto out;
	}

	snprintf(count, sizeof(count), "%lld", sum.count);
	p[1] = file;
	p[2] = sha;
	p[3] = count;
	p[4] = sum.count > 0 ? sum.first_id : NULL;
	p[5] = sum.count > 0 ? sum.last_id : NULL;
	p[6] = seqs;
	p[0] = db_get(m, row, "first");
	if (db_cmd(a->db, "SELECT audit_partition_archive($1::date, $2, $3,"
	    " $4::bigint, $5::bigint, $6::bigint, $7::int8multirange)", 7,
	    p) == -1) {
		adm_dberr(a, month);
		goto out;
	}
	snprintf(detail, sizeof(detail), "%s: %lld events, ids %s to %s,"
	    " sha256 %s", month, sum.count, sum.count > 0 ? sum.first_id :
	    "-", sum.count > 0 ? sum.last_id : "-", sha);
	if (adm_audit(a, "cli.audit.archive", "audit_event", month,
	    detail) == -1 || adm_commit(a) == -1)
		goto out;
	printf("archived %s: %lld events, %s\n", month, sum.count, file);
	rc = 0;
out:
	if (out != NULL)
		fclose(out);
	if (fd != -1)
		close(fd);
	EVP_MD_CTX_free(ctx);
	if (rc != 0) {
		db_rollback(a->db);
		unlink(tmp);
		unlink(mtmp);
		if (linked >= 1)
			unlink(file);
		if (linked >= 2)
			unlink(man);
		if (linked >= 3)
			unlink(sealf);
	}
	PQclear(runs);
	return rc;
}

int
cmd_audit_archive(struct adm *a, int argc, char **argv)
{
	const char		*before = NULL, *dir = NULL;
	const struct adm_opt	 opts[] = {
		{ "before", .val = &before, .required = 1 },
		{ "dir", .val = &dir },
		{ NULL }
	};
	const char		*p[2];
	long long		 keep;
	PGresult		*r = NULL;
	int			 rc, row, done = 0;

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	if (strlen(before) != 7 || before[4] != '-' ||
	    strspn(before, "0123456789") != 4 ||
	    strspn(before + 5, "0123456789") != 2 ||
	    strncmp(before + 5, "00", 2) == 0 || strcmp(before + 5, "12") > 0) {
		adm_errx(a, "--before: not a month YYYY-MM: %s", before);
		return 2;
	}
	if (adm_ready(a) == -1)
		return 1;
	if (adm_num(a, "audit_retention_months",
	    cfg_get(CFG_AUDIT_RETENTION_MONTHS), 0, 1200, &keep) == -1)
		return 1;
	if (dir == NULL)
		dir = cfg_get(CFG_AUDIT_ARCHIVE_DIR);
	/* Made on first use, for the owner alone. */
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		adm_errx(a, "%s: %s", dir, strerror(errno));
		return 1;
	}
	if (adm_connect(a, 1) == -1)
		return 1;
	p[0] = before;
	p[1] = cfg_get(CFG_AUDIT_RETENTION_MONTHS);
	if ((r = db_exec(a->db, sql_months, 2, p)) == NULL) {
		adm_dberr(a, "audit_event");
		return 1;
	}
	rc = 0;
	for (row = 0; row < PQntuples(r); row++) {
		if (*db_get(r, row, "kept") == 't') {
			fprintf(stderr, "%s: %s kept: within"
			    " audit_retention_months (%lld)\n", a->label,
			    db_get(r, row, "month"), keep);
			continue;
		}
		/* The first failure stops: later months wait for it. */
		if (archive_month(a, dir, r, row) == -1) {
			rc = 1;
			break;
		}
		done++;
	}
	if (rc == 0 && done == 0)
		printf("nothing to archive before %s\n", before);
	PQclear(r);
	return rc;
}

int
cmd_audit_partitions(struct adm *a, int argc, char **argv)
{
	PGresult		*r = NULL;
	char			 detail[48];
	const char		*n;
	int			 once = 0, rc;
	const struct adm_opt	 opts[] = {
		{ "once", .flag = &once },
		{ NULL }
	};

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	rc = 1;
	if (adm_connect_jobs(a) == -1 || db_begin(a->db) == -1)
		goto out;
	/* --once: the hour's claim (adm_once.c), in this transaction. */
	if (once && (rc = adm_claim(a, NULL, ADM_HOUR)) != -1)
		goto out;
	rc = 1;
	if ((r = db_exec(a->db, "SELECT audit_partitions_ensure() AS n", 0,
	    NULL)) == NULL) {
		adm_dberr(a, "audit_event");
		goto out;
	}
	n = db_get(r, 0, "n");
	/* An event only when one was made: the timer's other runs are
	 * no news. */
	snprintf(detail, sizeof(detail), "%s partitions made", n);
	if ((strcmp(n, "0") != 0 && adm_audit(a, "cli.audit.partitions",
	    "audit_event", NULL, detail) == -1) || adm_commit(a) == -1)
		goto out;
	printf("%s\n", n);
	rc = 0;
out:
	PQclear(r);
	if (rc != 0 && a->db != NULL)
		db_rollback(a->db);
	return rc;
}
