/* renrakucho-admin audit verify --archive FILE.jsonl [--seals FILE]
 * [--pub PEM]: a month archived (audit archive) or a range exported
 * (audit export --format jsonl) checked without the database, from the
 * file and seal lines alone, so that an auditor can do it on a machine
 * of their own.
 *
 * The file is read twice.  The first pass parses every line (jline.h)
 * and takes the fields the chain hashes; the events must come in
 * ascending seq and id.  The second pass splits them into runs of
 * consecutive seq and checks each run as audit verify checks the
 * chain: each event's prev_hash is the hash of the one before, its
 * content gives its hash (seal_chain_hash, the function audit verify
 * uses), and its hash is the one of every seal of its seq.  A run must
 * end at a sealed event, or events after it could have been cut off
 * unseen.  A run's first event links to seq 1's 32 zero bytes, to a
 * seal of the seq before it, or else to an event outside the file
 * (said, not a failure).  Every seal line's signature is checked with
 * the public key.
 *
 * Nothing is read from or written to the database: with --pub not even
 * the configuration is read, and no audit event is written. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "buf.h"
#include "cfg.h"
#include "jline.h"
#include "seal.h"
#include "adm.h"

#define OFF_LINE_MAX	(1024 * 1024)	/* bytes of one event's line */
#define OFF_RUNS_SHOWN	8		/* runs named in the verdict */

/* The content's fields (seal.h) as the export names them: at is at_utc,
 * the time as the chain hashes it. */
static const char *const off_fields[SEAL_CHAIN_FIELDS] = {
	"seq", "at_utc", "account_id", "login", "cert_serial",
	"remote_addr", "action", "object_type", "object_id", "patient_id",
	"outcome", "detail"
};

/* One event of the file. */
struct off_row {
	long long	 seq, id;
	size_t		 line;
	const char	*v[SEAL_CHAIN_FIELDS];
	char		 at[32];	/* at_utc, or at converted to UTC */
	const char	*prev, *hash;
};

static int
off_seal_cmp(const void *a, const void *b)
{
	const struct seal	*x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int
adm_seals_load(struct adm *a, const char *path, const char *pub,
    EVP_PKEY *pk, struct adm_seals *ss)
{
	char		 line[SEAL_LINE_MAX + 2];
	FILE		*f;
	struct seal	*v;
	size_t		 len, lineno = 0;
	int		 rc = -1, r;

	if ((f = fopen(path, "re")) == NULL) {
		adm_errx(a, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		len = strlen(line);
		if (len == 0 || line[len - 1] != '\n') {
			adm_errx(a, "%s:%zu: seal line too long or unterminated",
			    path, lineno);
			goto out;
		}
		line[len - 1] = '\0';
		if (ss->n == ss->cap) {
			if (ss->cap >= ADM_SEALS_MAX) {
				adm_errx(a, "%s: too many seals", path);
				goto out;
			}
			ss->cap = ss->cap == 0 ? 64 : ss->cap * 2;
			if ((v = reallocarray(ss->v, ss->cap,
			    sizeof(*v))) == NULL) {
				adm_errx(a, "out of memory");
				goto out;
			}
			ss->v = v;
		}
		if ((r = seal_check(pk, line, &ss->v[ss->n])) == -1) {
			adm_errx(a, "%s:%zu: malformed seal line", path, lineno);
			goto out;
		}
		if (r == -2) {
			adm_errx(a, "%s:%zu: the seal of seq %lld does not verify"
			    " with %s: it was not made by the signer", path,
			    lineno, ss->v[ss->n].seq, pub);
			goto out;
		}
		ss->n++;
	}
	if (ferror(f)) {
		adm_errx(a, "%s: %s", path, strerror(errno));
		goto out;
	}
	qsort(ss->v, ss->n, sizeof(*ss->v), off_seal_cmp);
	rc = 0;
out:
	fclose(f);
	return rc;
}

/* The first seal of seq, or NULL; the others of seq follow it. */
static const struct seal *
off_seal_of(const struct adm_seals *ss, long long seq)
{
	size_t	 lo = 0, hi = ss->n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ss->v[mid].seq < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < ss->n && ss->v[lo].seq == seq ? &ss->v[lo] : NULL;
}

/* A positive decimal integer of JSON (no sign, fraction or exponent). */
static int
off_int(const char *s, long long *out)
{
	char	*e;

	if (s == NULL || *s < '1' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoll(s, &e, 10);
	return errno != 0 || *e != '\0' ? -1 : 0;
}

/* An archive written before the export had at_utc: its at, PostgreSQL's
 * "YYYY-MM-DD HH:MM:SS[.ffffff]+HH[:MM]", as the chain's UTC text. */
static int
off_at_utc(const char *s, char out[32])
{
	struct tm	 tm;
	char		 frac[7] = "000000";
	const char	*p;
	time_t		 t;
	int		 n = 0, oh, om = 0, sign;
	size_t		 i;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || sscanf(s, "%4d-%2d-%2d %2d:%2d:%2d%n", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
	    &n) != 6 || n != 19)
		return -1;
	p = s + n;
	if (*p == '.') {
		for (i = 0, p++; *p >= '0' && *p <= '9'; p++, i++)
			if (i < 6)
				frac[i] = *p;
		if (i == 0 || i > 6)
			return -1;
	}
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p++ == '-' ? -1 : 1;
	if (p[0] < '0' || p[0] > '9' || p[1] < '0' || p[1] > '9')
		return -1;
	oh = (p[0] - '0') * 10 + p[1] - '0';
	p += 2;
	if (*p == ':') {
		if (p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9')
			return -1;
		om = (p[1] - '0') * 10 + p[2] - '0';
		p += 3;
	}
	if (*p != '\0')
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	t -= sign * (oh * 3600 + om * 60);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 21, "%Y-%m-%dT%H:%M:%S", &tm) != 19)
		return -1;
	snprintf(out + 19, 32 - 19, ".%sZ", frac);
	return 0;
}

/* Line lineno of file parsed into j and row: 0, or -1 with a message. */
static int
off_row(struct adm *a, const char *file, size_t lineno, const char *line,
    size_t len, struct jline *j, struct off_row *row)
{
	const char	*why, *v, *k;
	enum jline_type	 t;
	int		 i;

	memset(row, 0, sizeof(*row));
	row->line = lineno;
	if (jline_parse(line, len, j, &why) == -1) {
		adm_errx(a, "%s:%zu: malformed line: %s", file, lineno, why);
		return -1;
	}
	if (!jline_get(j, "seq", &v, &t) || t != JLINE_NUM ||
	    off_int(v, &row->seq) == -1) {
		adm_errx(a, "%s:%zu: malformed line: no seq (a positive"
		    " integer)", file, lineno);
		return -1;
	}
	if (!jline_get(j, "id", &v, &t) || t != JLINE_NUM ||
	    off_int(v, &row->id) == -1) {
		adm_errx(a, "%s:%zu: malformed line: no id (a positive"
		    " integer)", file, lineno);
		return -1;
	}
	for (i = 0; i < SEAL_CHAIN_FIELDS; i++) {
		k = off_fields[i];
		if (!jline_get(j, k, &v, &t)) {
			if (strcmp(k, "at_utc") == 0 &&
			    jline_get(j, "at", &v, &t) && t == JLINE_STR &&
			    off_at_utc(v, row->at) == 0) {
				row->v[i] = row->at;
				continue;
			}
			adm_errx(a, "%s:%zu: malformed line: no %s", file,
			    lineno, k);
			return -1;
		}
		if (t == JLINE_TRUE || t == JLINE_FALSE ||
		    (i <= 1 && t != (i == 0 ? JLINE_NUM : JLINE_STR))) {
			adm_errx(a, "%s:%zu: malformed line: %s is not a %s",
			    file, lineno, k, i == 0 ? "number" : "string");
			return -1;
		}
		row->v[i] = v;
	}
	if (!jline_get(j, "prev_hash", &row->prev, &t) || t != JLINE_STR ||
	    !seal_hash_ok(row->prev) || !jline_get(j, "hash", &row->hash,
	    &t) || t != JLINE_STR || !seal_hash_ok(row->hash)) {
		adm_errx(a, "%s:%zu: malformed line: prev_hash and hash must"
		    " be 64 hex digits", file, lineno);
		return -1;
	}
	return 0;
}

/* The next line of f into *line (its newline removed): 1, 0 at the
 * end, -1 with a message. */
static int
off_getline(struct adm *a, const char *file, size_t lineno, FILE *f,
    char **line, size_t *cap, size_t *len)
{
	ssize_t	 n;

	errno = 0;
	if ((n = getline(line, cap, f)) == -1) {
		if (ferror(f)) {
			adm_errx(a, "%s: %s", file, strerror(errno));
			return -1;
		}
		return 0;
	}
	if (n == 0 || (*line)[n - 1] != '\n') {
		adm_errx(a, "%s:%zu: malformed line: unterminated (the file"
		    " is cut short)", file, lineno);
		return -1;
	}
	if (n > OFF_LINE_MAX) {
		adm_errx(a, "%s:%zu: malformed line: over %d bytes", file,
		    lineno, OFF_LINE_MAX);
		return -1;
	}
	(*line)[--n] = '\0';
	*len = (size_t)n;
	return 1;
}

/* Pass 1: every line parses, seq and id ascend.  0, or -1 (message). */
static int
off_scan(struct adm *a, const char *file, FILE *f)
{
	struct jline	 j;
	struct off_row	 row;
	char		*line = NULL;
	size_t		 cap = 0, len, lineno = 0;
	long long	 pseq = 0, pid = 0;
	int		 r, rc = -1;

	while ((r = off_getline(a, file, lineno + 1, f, &line, &cap,
	    &len)) == 1) {
		lineno++;
		r = off_row(a, file, lineno, line, len, &j, &row);
		jline_free(&j);
		if (r == -1)
			goto out;
		if (lineno > 1 && (row.seq <= pseq || row.id <= pid)) {
			adm_errx(a, "event seq %lld (id %lld, line %zu) is out"
			    " of order: it comes after seq %lld (id %lld)",
			    row.seq, row.id, lineno, pseq, pid);
			goto out;
		}
		pseq = row.seq;
		pid = row.id;
	}
	if (r == 0)
		rc = 0;
out:
	free(line);
	return rc;
}

/* The runs found, for the verdict. */
struct off_sum {
	long long	 events, runs, seals, outside;
	struct buf	 runs_text;	/* "1 to 5, 9 to 12" */
	struct buf	 out_text;	/* "seq 9 links to seq 8" */
};

static void
off_run_end(struct off_sum *s, long long first, long long last,
    int outside)
{
	if (++s->runs <= OFF_RUNS_SHOWN)
		buf_printf(&s->runs_text, "%s%lld to %lld", s->runs > 1 ?
		    ", " : "", first, last);
	else if (s->runs == OFF_RUNS_SHOWN + 1)
		buf_puts(&s->runs_text, ", ...");
	if (!outside)
		return;
	if (++s->outside <= OFF_RUNS_SHOWN)
		buf_printf(&s->out_text, "%sseq %lld links to seq %lld",
		    s->outside > 1 ? ", " : "", first, first - 1);
	else if (s->outside == OFF_RUNS_SHOWN + 1)
		buf_puts(&s->out_text, ", ...");
}

/* Pass 2: the runs.  0 intact, -1 (the finding or error printed). */
static int
off_chain(struct adm *a, const char *file, FILE *f,
    const struct adm_seals *ss, struct off_sum *sum)
{
	static const char	 zero[65] =
	    "0000000000000000000000000000000000000000000000000000000000000000";
	const struct seal	*s;
	struct jline		 j;
	struct off_row		 row;
	unsigned char		 prev[32];
	char			*line = NULL, h[65], phash[65] = "";
	size_t			 cap = 0, len, lineno = 0, pline = 0;
	long long		 pseq = 0, pid = 0, first = 0;
	int			 r, rc = -1, outside = 0;

	memset(&j, 0, sizeof(j));
	while ((r = off_getline(a, file, lineno + 1, f, &line, &cap,
	    &len)) == 1) {
		lineno++;
		jline_free(&j);
		if (off_row(a, file, lineno, line, len, &j, &row) == -1)
			goto out;
		if (lineno == 1 || row.seq != pseq + 1) {
			if (lineno > 1 && off_seal_of(ss, pseq) == NULL) {
				adm_errx(a, "event seq %lld (id %lld, line %zu)"
				    " ends a run but no seal covers it: seq"
				    " %lld is missing (line %zu is seq %lld)",
				    pseq, pid, pline, pseq + 1, lineno,
				    row.seq);
				goto out;
			}
			if (lineno > 1)
				off_run_end(sum, first, pseq, outside);
			first = row.seq;
			outside = 0;
			s = off_seal_of(ss, row.seq - 1);
			if (row.seq == 1 && strcmp(row.prev, zero) != 0) {
				adm_errx(a, "event seq 1 (id %lld, line %zu)"
				    " does not start the chain: its prev_hash"
				    " is not 32 zero bytes", row.id, lineno);
				goto out;
			}
			outside = row.seq > 1 && s == NULL;
			for (; row.seq > 1 && s != NULL && s < ss->v + ss->n &&
			    s->seq == row.seq - 1; s++) {
				if (strcmp(row.prev, s->hash) != 0) {
					adm_errx(a, "event seq %lld (id %lld,"
					    " line %zu) does not follow event seq"
					    " %lld: its prev_hash is not the hash"
					    " sealed at %s", row.seq, row.id,
					    lineno, row.seq - 1, s->time);
					goto out;
				}
				sum->seals++;
			}
		} else if (strcmp(row.prev, phash) != 0) {
			adm_errx(a, "event seq %lld (id %lld, line %zu) does"
			    " not follow event seq %lld: its prev_hash is not"
			    " that event's hash", row.seq, row.id, lineno,
			    pseq);
			goto out;
		}
		if (seal_unhex(row.prev, prev) == -1 ||
		    seal_chain_hash(prev, row.v, h) == -1) {
			adm_errx(a, "SHA-256 failed");
			goto out;
		}
		if (strcmp(h, row.hash) != 0) {
			adm_errx(a, "event seq %lld (id %lld, line %zu) was"
			    " changed: its content does not give its hash",
			    row.seq, row.id, lineno);
			goto out;
		}
		for (s = off_seal_of(ss, row.seq); s != NULL &&
		    s < ss->v + ss->n && s->seq == row.seq; s++) {
			if (strcmp(s->hash, row.hash) != 0) {
				adm_errx(a, "event seq %lld (id %lld, line %zu)"
				    " does not match its seal of %s", row.seq,
				    row.id, lineno, s->time);
				goto out;
			}
			sum->seals++;
		}
		sum->events++;
		pseq = row.seq;
		pid = row.id;
		pline = lineno;
		memcpy(phash, row.hash, 65);
	}
	if (r == -1)
		goto out;
	if (lineno > 0) {
		if (off_seal_of(ss, pseq) == NULL) {
			adm_errx(a, "event seq %lld (id %lld, line %zu) ends the"
			    " file but no seal covers it", pseq, pid, pline);
			goto out;
		}
		off_run_end(sum, first, pseq, outside);
	}
	rc = 0;
out:
	jline_free(&j);
	free(line);
	return rc;
}

int
adm_audit_verify_archive(struct adm *a, const char *file, const char *seals,
    const char *pub)
{
	char			 sp[PATH_MAX], pp[PATH_MAX];
	struct adm_seals	 ss;
	struct off_sum		 sum;
	EVP_PKEY		*pk = NULL;
	FILE			*f = NULL;
	size_t			 len;
	int			 rc = 1;

	memset(&ss, 0, sizeof(ss));
	memset(&sum, 0, sizeof(sum));
	if (seals == NULL) {
		len = strlen(file);
		if (len > 6 && strcmp(file + len - 6, ".jsonl") == 0)
			len -= 6;
		if (snprintf(sp, sizeof(sp), "%.*s.seal", (int)len, file) >=
		    (int)sizeof(sp)) {
			adm_errx(a, "%s: name too long", file);
			return 1;
		}
		seals = sp;
	}
	if (pub == NULL) {
		if (adm_ready(a) == -1)
			return 1;
		snprintf(pp, sizeof(pp), "%s/%s", cfg_get(CFG_TLS_DIR),
		    SEAL_PUB);
		pub = pp;
	}
	if ((pk = seal_pub_load(pub)) == NULL) {
		adm_errx(a, "%s: cannot read the seals' public key", pub);
		goto out;
	}
	if (adm_seals_load(a, seals, pub, pk, &ss) == -1)
		goto out;
	if ((f = fopen(file, "re")) == NULL) {
		adm_errx(a, "%s: %s", file, strerror(errno));
		goto out;
	}
	if (off_scan(a, file, f) == -1)
		goto out;
	if (fseek(f, 0, SEEK_SET) == -1) {
		adm_errx(a, "%s: %s", file, strerror(errno));
		goto out;
	}
	if (off_chain(a, file, f, &ss, &sum) == -1)
		goto out;
	/* An archive emptied would otherwise pass. */
	if (sum.events == 0) {
		adm_errx(a, "%s: no events: nothing to verify", file);
		goto out;
	}
	if (sum.runs_text.oom || sum.out_text.oom) {
		adm_errx(a, "out of memory");
		goto out;
	}
	printf("archive intact: %lld events in %lld runs (seq %s), %lld seals"
	    " verified%s%s%s\n", sum.events, sum.runs, sum.runs_text.p,
	    sum.seals, sum.outside > 0 ? "; " : "",
	    sum.outside > 0 ? sum.out_text.p : "", sum.outside > 0 ?
	    ", outside this file" : "");
	rc = fflush(stdout) == EOF ? 1 : 0;
out:
	if (f != NULL)
		fclose(f);
	EVP_PKEY_free(pk);
	buf_free(&sum.runs_text);
	buf_free(&sum.out_text);
	free(ss.v);
	return rc;
}
