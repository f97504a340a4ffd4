/* renrakucho-admin audit export: the audit trail between two dates,
 * every column of audit_event (whatever columns it has: e.*) and at_utc,
 * the time as the hash chain hashes it (so that audit verify --archive
 * can check the file alone), in id order, as CSV for spreadsheets
 * (lib/csv.c) or as JSON lines; streamed through a cursor, never the
 * whole range in memory.  adm_audit_stream is also what audit archive
 * writes a month with. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <openssl/evp.h>

#include "buf.h"
#include "csv.h"
#include "db.h"
#include "adm.h"

#define ADM_FETCH	"FETCH FORWARD 500 FROM adm_audit_export"

/* Type OIDs (pg_type.h) the JSON lines write as numbers, booleans or
 * hex. */
#define OID_BOOL	16
#define OID_BYTEA	17
#define OID_INT8	20
#define OID_INT2	21
#define OID_INT4	23

/* A bytea value as libpq gives it in text ("\x0a1b"): its hex digits. */
static const char *
adm_hex(Oid type, const char *v)
{
	if (type == OID_BYTEA && strncmp(v, "\\x", 2) == 0)
		return v + 2;
	return v;
}

/* A JSON string: quotes, backslashes and control characters escaped;
 * the database's UTF-8 as it is. */
static void
adm_json_str(struct buf *b, const char *s)
{
	const char	*q;

	buf_puts(b, "\"");
	for (; *s != '\0'; s = q) {
		for (q = s; *q != '\0' && *q != '"' && *q != '\\' &&
		    (unsigned char)*q >= 0x20; q++)
			;
		buf_put(b, s, (size_t)(q - s));
		if (*q == '\0')
			break;
		switch (*q) {
		case '"':
			buf_puts(b, "\\\"");
			break;
		case '\\':
			buf_puts(b, "\\\\");
			break;
		case '\n':
			buf_puts(b, "\\n");
			break;
		case '\r':
			buf_puts(b, "\\r");
			break;
		case '\t':
			buf_puts(b, "\\t");
			break;
		default:
			buf_printf(b, "\\u%04x", (unsigned char)*q);
			break;
		}
		q++;
	}
	buf_puts(b, "\"");
}

/* Row row of r as one JSON object on one line. */
static void
adm_json_row(struct buf *b, const PGresult *r, int row)
{
	const char	*v;
	Oid		 t;
	int		 i;

	buf_puts(b, "{");
	for (i = 0; i < PQnfields(r); i++) {
		if (i > 0)
			buf_puts(b, ",");
		adm_json_str(b, PQfname(r, i));
		buf_puts(b, ":");
		t = PQftype(r, i);
		v = PQgetvalue(r, row, i);
		if (PQgetisnull(r, row, i))
			buf_puts(b, "null");
		else if (t == OID_INT2 || t == OID_INT4 || t == OID_INT8)
			buf_puts(b, v);
		else if (t == OID_BOOL)
			buf_puts(b, *v == 't' ? "true" : "false");
		else
			adm_json_str(b, adm_hex(t, v));
	}
	buf_puts(b, "}\n");
}

/* Writes b to out and into the digest; -1 with a message on a write
 * error. */
static int
adm_emit(struct adm *a, FILE *out, EVP_MD_CTX *md, const struct buf *b)
{
	if (b->oom) {
		adm_errx(a, "out of memory");
		return -1;
	}
	if (b->len == 0)
		return 0;
	if (fwrite(b->p, 1, b->len, out) != b->len) {
		adm_errx(a, "cannot write the export: %s", strerror(errno));
		return -1;
	}
	if (md != NULL && EVP_DigestUpdate(md, b->p, b->len) != 1) {
		adm_errx(a, "SHA-256 failed");
		return -1;
	}
	return 0;
}

int
adm_audit_stream(struct adm *a, const char *from, const char *to,
    enum adm_format fmt, FILE *out, EVP_MD_CTX *md,
    struct adm_export_sum *sum)
{
	const char	*p[2] = { from, to };
	PGresult	*r = NULL;
	struct buf	 b;
	int		 i, row, n, head = fmt == ADM_CSV, rc = -1;

	memset(&b, 0, sizeof(b));
	memset(sum, 0, sizeof(*sum));
	/* Times as Japan time with their offset, whatever the server's. */
	if (db_cmd(a->db, "SET LOCAL timezone = 'Asia/Tokyo'", 0, NULL) ==
	    -1 || db_cmd(a->db, "SET LOCAL datestyle = 'ISO, YMD'", 0,
	    NULL) == -1 || db_cmd(a->db, "SET LOCAL statement_timeout = 0",
	    0, NULL) == -1 ||
	    db_cmd(a->db, "DECLARE adm_audit_export NO SCROLL CURSOR FOR"
	    " SELECT e.*, to_char(e.at AT TIME ZONE 'UTC',"
	    " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS at_utc"
	    " FROM audit_event e WHERE e.at >= $1::timestamptz"
	    " AND e.at < $2::timestamptz ORDER BY e.id", 2, p) == -1) {
		adm_dberr(a, "audit_event");
		goto out;
	}
	if (fmt == ADM_CSV) {
		buf_puts(&b, CSV_BOM);
		if (adm_emit(a, out, md, &b) == -1)
			goto out;
	}
	do {
		if ((r = db_exec(a->db, ADM_FETCH, 0, NULL)) == NULL) {
			adm_dberr(a, "audit_event");
			goto out;
		}
		n = PQntuples(r);
		buf_reset(&b);
		if (head) {
			/* The header: the columns there are, by name. */
			for (i = 0; i < PQnfields(r); i++)
				csv_cell(&b, PQfname(r, i),
				    i + 1 == PQnfields(r));
			head = 0;
		}
		for (row = 0; row < n; row++) {
			if (fmt == ADM_JSONL)
				adm_json_row(&b, r, row);
			else
				for (i = 0; i < PQnfields(r); i++)
					csv_cell(&b, PQgetisnull(r, row, i) ?
					    NULL : adm_hex(PQftype(r, i),
					    PQgetvalue(r, row, i)),
					    i + 1 == PQnfields(r));
			if (sum->count++ == 0)
				snprintf(sum->first_id,
				    sizeof(sum->first_id), "%s",
				    db_get(r, row, "id"));
			snprintf(sum->last_id, sizeof(sum->last_id), "%s",
			    db_get(r, row, "id"));
			/* One row at a time to the file: a fetch's rows
			 * are the most held in memory. */
			if (adm_emit(a, out, md, &b) == -1)
				goto out;
			buf_reset(&b);
		}
		if (adm_emit(a, out, md, &b) == -1)
			goto out;
		PQclear(r);
		r = NULL;
	} while (n > 0);
	if (db_cmd(a->db, "CLOSE adm_audit_export", 0, NULL) == -1) {
		adm_dberr(a, "audit_event");
		goto out;
	}
	if (fflush(out) != 0) {
		adm_errx(a, "cannot write the export: %s", strerror(errno));
		goto out;
	}
	rc = 0;
out:
	PQclear(r);
	buf_free(&b);
	return rc;
}

/* "YYYY-MM-DD" in the form, or -1 with a message (the database refuses
 * a day that does not exist). */
static int
adm_ymd(const struct adm *a, const char *what, const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : s[i] < '0' ||
		    s[i] > '9')
			break;
	if (i != 10 || s[i] != '\0') {
		adm_errx(a, "--%s: not a date YYYY-MM-DD: %s", what, s);
		return -1;
	}
	return 0;
}

int
cmd_audit_export(struct adm *a, int argc, char **argv)
{
	const char		*since = NULL, *until = NULL, *format = NULL,
				*path = NULL;
	const struct adm_opt	 opts[] = {
		{ "since", .val = &since, .required = 1 },
		{ "until", .val = &until, .required = 1 },
		{ "format", .val = &format, .required = 1 },
		{ "out", .val = &path },
		{ NULL }
	};
	struct adm_export_sum	 sum;
	enum adm_format		 fmt;
	PGresult		*r = NULL;
	FILE			*out = stdout;
	char			 detail[128];
	const char		*p[2];
	int			 fd, rc;

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	if (adm_ymd(a, "since", since) == -1 ||
	    adm_ymd(a, "until", until) == -1)
		return 2;
	if (strcmp(format, "csv") == 0)
		fmt = ADM_CSV;
	else if (strcmp(format, "jsonl") == 0)
		fmt = ADM_JSONL;
	else {
		adm_errx(a, "--format: csv or jsonl, not %s", format);
		return 2;
	}
	rc = 1;
	if (adm_connect(a, 1) == -1 || db_begin(a->db) == -1)
		goto out;
	/* The range's ends: midnight of since and of the day after until,
	 * in Japan time. */
	p[0] = since;
	p[1] = until;
	if ((r = db_exec(a->db, "SELECT ($1::date::timestamp AT TIME ZONE"
	    " 'Asia/Tokyo')::text AS from_ts, (($2::date + 1)::timestamp"
	    " AT TIME ZONE 'Asia/Tokyo')::text AS to_ts,"
	    " $1::date <= $2::date AS ordered", 2, p)) == NULL) {
		adm_dberr(a, "--since/--until");
		goto out;
	}
	if (*db_get(r, 0, "ordered") != 't') {
		adm_errx(a, "--since %s is after --until %s", since, until);
		rc = 2;
		goto out;
	}
	if (path != NULL) {
		/* The trail is not for every reader of the directory. */
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC |
		    O_CLOEXEC, 0600)) == -1 ||
		    (out = fdopen(fd, "w")) == NULL) {
			adm_errx(a, "%s: %s", path, strerror(errno));
			if (fd != -1)
				close(fd);
			out = stdout;
			goto out;
		}
	}
	if (adm_audit_stream(a, db_get(r, 0, "from_ts"), db_get(r, 0,
	    "to_ts"), fmt, out, NULL, &sum) == -1)
		goto out;
	if (out != stdout && (fsync(fileno(out)) == -1 || fclose(out) != 0)) {
		out = stdout;
		adm_errx(a, "%s: %s", path, strerror(errno));
		goto out;
	}
	out = stdout;
	snprintf(detail, sizeof(detail), "%s..%s, %s, %lld events", since,
	    until, format, sum.count);
	if (adm_audit(a, "cli.audit.export", "audit_event", NULL, detail) ==
	    -1 || adm_commit(a) == -1)
		goto out;
	if (path != NULL)
		fprintf(stderr, "%s: %lld events\n", path, sum.count);
	rc = 0;
out:
	if (out != stdout)
		fclose(out);
	PQclear(r);
	if (rc != 0 && a->db != NULL)
		db_rollback(a->db);
	return rc;
}
