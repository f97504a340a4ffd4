/* renrakucho-admin audit verify, audit seal: the audit trail's hash
 * chain (schema/004_audit_chain.sql) and its seals (lib/seal.h).
 *
 * verify reads the chain in seq order through a cursor, in one
 * REPEATABLE READ snapshot (the head and the events agree in it), and
 * recomputes each event's hash from its content here, not with the
 * database's functions: it stops at the first event that is missing
 * (a gap in seq), doubled (two events with one seq), out of place (its
 * prev_hash is not the hash of the event before it) or changed (its
 * content does not give its hash), at a head (audit_chain_head) beyond
 * the last event, and at a seal whose signature fails or whose event's
 * hash is not the one sealed: so a chain rewritten consistently after
 * an event that a seal covers is found too.
 *
 * seal asks renrakucho-signer to sign the chain's head, appends the
 * seal line to seal_file (O_APPEND) and to syslog, and audits it. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>
#include <sys/stat.h>

#include <libpq-fe.h>
#include <openssl/evp.h>

#include "audit.h"
#include "cfg.h"
#include "db.h"
#include "seal.h"
#include "signer.h"
#include "adm.h"

#define CHAIN_FETCH	1000		/* rows per FETCH */

/* The canonical content's fields, in order (004_audit_chain.sql). */
static const char *const chain_fields[] = {
	"seq", "at", "account_id", "login", "cert_serial", "remote_addr",
	"action", "object_type", "object_id", "patient_id", "outcome",
	"detail", NULL
};

#define CHAIN_SELECT "SELECT seq, id," \
	" to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')" \
	" AS at, account_id, login, cert_serial, remote_addr, action," \
	" object_type, object_id, patient_id, outcome, detail," \
	" encode(prev_hash, 'hex') AS prev_hash, encode(hash, 'hex') AS hash" \
	" FROM audit_event"

/* Every line of path (seal_file), each signature checked with pubp
 * (NULL: tls_dir's seal.pub), sorted by seq.  A missing or empty file
 * is no seals.  0 or -1 with a message. */
static int
chain_seals_load(struct adm *a, const char *path, const char *pubp,
    struct adm_seals *ss)
{
	char		 pub[PATH_MAX];
	struct stat	 st;
	EVP_PKEY	*pk;
	int		 rc;

	memset(ss, 0, sizeof(*ss));
	if (stat(path, &st) == -1) {
		if (errno == ENOENT)
			return 0;
		adm_errx(a, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (st.st_size == 0)
		return 0;
	if (pubp != NULL)
		snprintf(pub, sizeof(pub), "%s", pubp);
	else
		snprintf(pub, sizeof(pub), "%s/%s", cfg_get(CFG_TLS_DIR),
		    SEAL_PUB);
	if ((pk = seal_pub_load(pub)) == NULL) {
		adm_errx(a, "%s: cannot read the seals' public key", pub);
		return -1;
	}
	rc = adm_seals_load(a, path, pub, pk, ss);
	EVP_PKEY_free(pk);
	return rc;
}

/* 32 bytes from 64 hex digits: 0 or -1. */
static int
chain_unhex(const char *s, unsigned char out[32])
{
	return seal_unhex(s, out);
}

/* SHA-256(prev || content) of row i, as 64 hex digits into out. */
static int
chain_hash(const PGresult *r, int i, const unsigned char prev[32],
    char out[65])
{
	const char	*v[SEAL_CHAIN_FIELDS];
	int		 j, col;

	for (j = 0; j < SEAL_CHAIN_FIELDS; j++) {
		if (chain_fields[j] == NULL ||
		    (col = PQfnumber(r, chain_fields[j])) < 0)
			return -1;
		v[j] = PQgetisnull(r, i, col) ? NULL : PQgetvalue(r, i, col);
	}
	return seal_chain_hash(prev, v, out);
}

/* The verdict on a chain that fails: one line, and the event. */
struct chain_state {
	long long	 want;		/* the seq the next event must have */
	long long	 checked;
	long long	 first;		/* seq of the first event read */
	long long	 seals_ok;
	long long	 last_seal_ok;	/* seq of the last seal that matched */
	char		 prev[65];	/* stored hash of the event before */
	char		 why[512];
	char		*archived;	/* audit_archive's seqs, all months */
	long long	 narchived;	/* events bridged as archived */
};

/* Events seq lo to hi are missing before an event whose prev_hash is
 * prev: 1 when audit archive took them (audit_archive.seqs holds them
 * all) and a seal of seq hi gives prev (so the archived events are the
 * ones the chain had); 0 when they are not archived; 2 when they are
 * but no seal bridges them (st->why); -1 error. */
static int
chain_bridge(struct adm *a, struct chain_state *st,
    const struct adm_seals *ss, long long lo, long long hi,
    const char *prev, long long seq, const char *id)
{
	char		 ls[24], hs[24];
	const char	*p[3] = { st->archived, ls, hs };
	PGresult	*r;
	size_t		 i;
	int		 in;

	snprintf(ls, sizeof(ls), "%lld", lo);
	snprintf(hs, sizeof(hs), "%lld", hi);
	if ((r = db_exec(a->db, "SELECT $1::int8multirange @>"
	    " int8range($2::bigint, $3::bigint, '[]') AS covered", 3,
	    p)) == NULL) {
		adm_dberr(a, "audit_archive");
		return -1;
	}
	in = *db_get(r, 0, "covered") == 't';
	PQclear(r);
	if (!in)
		return 0;
	for (i = 0; i < ss->n; i++)
		if (ss->v[i].seq == hi && prev != NULL &&
		    strcmp(ss->v[i].hash, prev) == 0)
			return 1;
	snprintf(st->why, sizeof(st->why), "events seq %lld to %lld are"
	    " archived (audit_archive) but no seal of seq %lld gives the"
	    " prev_hash of event seq %lld (id %s)", lo, hi, hi, seq, id);
	return 2;
}

/* Where the event whose hash is hash is in the chain: its seq, or -1. */
static long long
chain_find(struct adm *a, const char *hash)
{
	const char	*p[1] = { hash };
	PGresult	*r;
	long long	 seq = -1;

	if ((r = db_exec(a->db, "SELECT seq FROM audit_event"
	    " WHERE hash = decode($1, 'hex') ORDER BY seq LIMIT 1", 1,
	    p)) != NULL && PQntuples(r) == 1)
		seq = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	PQclear(r);
	return seq;
}

/* Row i checked: 0, 1 with st->why (the chain fails here), -1 error. */
static int
chain_row(struct adm *a, const PGresult *r, int i, struct chain_state *st,
    struct adm_seals *ss)
{
	unsigned char	 prev[32];
	char		 h[65];
	const char	*id = db_get(r, i, "id"), *sh = db_get(r, i, "hash"),
			*sp = db_get(r, i, "prev_hash");
	long long	 seq = strtoll(db_get(r, i, "seq"), NULL, 10), at;
	struct seal	*s;
	int		 v, bridged = 0;

	if (st->checked == 0)
		st->first = seq;
	if (seq < st->want) {
		snprintf(st->why, sizeof(st->why), "event seq %lld (id %s)"
		    " was inserted: seq %lld is in the chain already", seq, id,
		    seq);
		return 1;
	}
	if (seq > st->want) {
		if ((v = chain_bridge(a, st, ss, st->want, seq - 1, sp, seq,
		    id)) == -1 || v == 2)
			return v == 2 ? 1 : -1;
		if (v == 0) {
			snprintf(st->why, sizeof(st->why), "event seq %lld was"
			    " deleted: the chain goes from seq %lld to seq %lld"
			    " (id %s)", st->want, st->want - 1, seq, id);
			return 1;
		}
		st->narchived += seq - st->want;
		bridged = 1;
	}
	if (seq == 1 && (sp == NULL || strspn(sp, "0") != 64 ||
	    sp[64] != '\0')) {
		snprintf(st->why, sizeof(st->why), "event seq 1 (id %s) was"
		    " inserted or replaced: its prev_hash is not zero", id);
		return 1;
	}
	if (st->checked > 0 && !bridged &&
	    (sp == NULL || strcmp(sp, st->prev) != 0)) {
		at = sp != NULL ? chain_find(a, sp) : -1;
		if (at > seq)
			snprintf(st->why, sizeof(st->why), "event seq %lld"
			    " (id %s) was reordered: it was written after"
			    " event seq %lld", seq, id, at);
		else
			snprintf(st->why, sizeof(st->why), "event seq %lld"
			    " (id %s) was inserted or replaced: its prev_hash"
			    " is not the hash of event seq %lld", seq, id,
			    seq - 1);
		return 1;
	}
	if (chain_unhex(sp, prev) == -1 || chain_hash(r, i, prev, h) == -1 ||
	    sh == NULL || strcmp(h, sh) != 0) {
		snprintf(st->why, sizeof(st->why), "event seq %lld (id %s)"
		    " was changed: its content does not give its hash", seq,
		    id);
		return 1;
	}
	for (; ss->next < ss->n && ss->v[ss->next].seq <= seq; ss->next++) {
		s = &ss->v[ss->next];
		if (s->seq < seq)	/* before --from */
			continue;
		if (strcmp(s->hash, h) != 0) {
			if (st->last_seal_ok > 0)
				snprintf(st->why, sizeof(st->why), "event seq"
				    " %lld (id %s) does not match its seal of %s:"
				    " the chain was rewritten after seq %lld"
				    " (the last seal that matches) and up to"
				    " seq %lld", seq, id, s->time,
				    st->last_seal_ok, seq);
			else
				snprintf(st->why, sizeof(st->why), "event seq"
				    " %lld (id %s) does not match its seal of %s:"
				    " the chain was rewritten up to seq %lld",
				    seq, id, s->time, seq);
			return 1;
		}
		st->seals_ok++;
		st->last_seal_ok = seq;
	}
	memcpy(st->prev, sh, 65);
	st->checked++;
	st->want = seq + 1;
	return 0;
}

/* The chain from seq from in one snapshot: 0 intact, 1 (st->why), -1
 * error (message printed). */
static int
chain_walk(struct adm *a, long long from, struct chain_state *st,
    struct adm_seals *ss, long long *head)
{
	char		 fs[24], hhash[65];
	const char	*p[1] = { fs };
	PGresult	*r = NULL;
	long long	 hseq;
	int		 i, n, rc = -1, v;

	snprintf(fs, sizeof(fs), "%lld", from);
	if (db_cmd(a->db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
	    0, NULL) == -1 ||
	    (r = db_exec(a->db, "SELECT seq, encode(hash, 'hex') AS hash"
	    " FROM audit_chain_head", 0, NULL)) == NULL) {
		adm_dberr(a, "audit_chain_head");
		goto out;
	}
	if (PQntuples(r) != 1) {
		adm_errx(a, "audit_chain_head has %d rows, not one",
		    PQntuples(r));
		goto out;
	}
	hseq = strtoll(db_get(r, 0, "seq"), NULL, 10);
	*head = hseq;
	snprintf(hhash, sizeof(hhash), "%s", db_get(r, 0, "hash"));
	PQclear(r);
	if ((r = db_exec(a->db, "SELECT coalesce(range_agg(s), '{}')::text"
	    " AS seqs FROM audit_archive, unnest(seqs) s", 0, NULL)) == NULL) {
		adm_dberr(a, "audit_archive");
		goto out;
	}
	if ((st->archived = strdup(db_get(r, 0, "seqs"))) == NULL) {
		adm_errx(a, "out of memory");
		goto out;
	}
	PQclear(r);
	r = NULL;
	st->want = from;
	if (db_cmd(a->db, "DECLARE chain NO SCROLL CURSOR FOR " CHAIN_SELECT
	    " WHERE seq >= $1::bigint ORDER BY seq, id", 1, p) == -1) {
		adm_dberr(a, "audit_event");
		goto out;
	}
	for (;;) {
		if ((r = db_exec(a->db, "FETCH 1000 FROM chain", 0,
		    NULL)) == NULL) {
			adm_dberr(a, "audit_event");
			goto out;
		}
		if ((n = PQntuples(r)) == 0)
			break;
		for (i = 0; i < n; i++)
			if ((v = chain_row(a, r, i, st, ss)) != 0) {
				rc = v;
				goto out;
			}
		PQclear(r);
		r = NULL;
	}
	rc = 0;
	if (st->checked == 0 ? hseq >= from : st->want <= hseq) {
		snprintf(st->why, sizeof(st->why), "events seq %lld to %lld"
		    " were deleted: the chain's head (audit_chain_head) is"
		    " seq %lld", st->checked == 0 ? from : st->want, hseq,
		    hseq);
		rc = 1;
	} else if (st->checked > 0 && st->want - 1 > hseq) {
		snprintf(st->why, sizeof(st->why), "events seq %lld to %lld"
		    " were inserted: the chain's head (audit_chain_head) is"
		    " seq %lld", hseq + 1, st->want - 1, hseq);
		rc = 1;
	} else if (st->checked > 0 && strcmp(st->prev, hhash) != 0) {
		snprintf(st->why, sizeof(st->why), "event seq %lld was"
		    " replaced: its hash is not the one of the chain's head"
		    " (audit_chain_head)", hseq);
		rc = 1;
	} else if (ss->next < ss->n) {
		snprintf(st->why, sizeof(st->why), "event seq %lld was"
		    " deleted: it is sealed (%s) but the chain ends at seq"
		    " %lld", ss->v[ss->next].seq, ss->v[ss->next].time,
		    st->checked == 0 ? from - 1 : st->want - 1);
		rc = 1;
	}
out:
	PQclear(r);
	(void)db_cmd(a->db, "ROLLBACK", 0, NULL);
	return rc;
}

/* The verb's own event: success, or failure with the first finding. */
static int
chain_audit(struct adm *a, const char *action, const char *oid,
    const char *outcome, const char *detail)
{
	struct audit	 ev;
	const char	*p[2] = { outcome, detail };

	/* An auditor's own role (--db) has no INSERT: its function. */
	if (a->auditor) {
		if (db_cmd(a->db, "SELECT auditor_verified($1, $2)", 2,
		    p) == -1) {
			adm_dberr(a, "auditor_verified");
			return -1;
		}
		return 0;
	}
	memset(&ev, 0, sizeof(ev));
	ev.login = a->who;
	ev.action = action;
	ev.object_type = "audit_event";
	ev.object_id = oid;
	ev.outcome = outcome;
	ev.detail = detail;
	if (audit_write(a->db, &ev) == -1) {
		adm_dberr(a, action);
		return -1;
	}
	return 0;
}

int
cmd_audit_verify(struct adm *a, int argc, char **argv)
{
	const char		*from_s = NULL, *archive = NULL,
				*seals = NULL, *pub = NULL, *dsn = NULL;
	const struct adm_opt	 opts[] = {
		{ .name = "from", .val = &from_s },
		{ .name = "archive", .val = &archive },
		{ .name = "seals", .val = &seals },
		{ .name = "pub", .val = &pub },
		{ .name = "db", .val = &dsn },
		{ .name = NULL }
	};
	struct adm_seals	 ss;
	struct chain_state	 st;
	char			 detail[160];
	long long		 from = 1, head = 0;
	int			 rc;

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	/* An export checked offline: no database, no event. */
	if (archive != NULL && from_s == NULL && dsn == NULL)
		return adm_audit_verify_archive(a, archive, seals, pub);
	if (archive != NULL || (dsn == NULL && (seals != NULL || pub != NULL)))
		return adm_usage(a, 1);
	if (from_s != NULL && adm_num(a, "--from", from_s, 1,
	    INT64_MAX / 2, &from) == -1)
		return 2;
	/* --db: an auditor's own connection; with --seals and --pub no
	 * configuration is read. */
	if (dsn != NULL) {
		if ((seals == NULL || pub == NULL) && adm_ready(a) == -1)
			return 1;
		a->auditor = 1;
		if (adm_connect_dsn(a, dsn, 1) == -1)
			return 1;
	} else if (adm_connect(a, 1) == -1)
		return 1;
	if (chain_seals_load(a, seals != NULL ? seals :
	    cfg_get(CFG_SEAL_FILE), pub, &ss) == -1)
		return 1;
	memset(&st, 0, sizeof(st));
	rc = chain_walk(a, from, &st, &ss, &head);
	free(ss.v);
	free(st.archived);
	if (rc == -1)
		return 1;
	if (rc == 1) {
		adm_errx(a, "%s", st.why);
		(void)chain_audit(a, "cli.audit.verify", NULL, "failure",
		    st.why);
		return 1;
	}
	snprintf(detail, sizeof(detail), "checked %lld events from seq %lld,"
	    " %lld seals", st.checked, from, st.seals_ok);
	if (chain_audit(a, "cli.audit.verify", NULL, "success", detail) == -1)
		return 1;
	if (st.narchived > 0)
		printf("audit chain intact: %lld events checked (seq %lld to"
		    " %lld, %lld archived), %lld seals verified\n", st.checked,
		    from, st.want - 1, st.narchived, st.seals_ok);
	else
		printf("audit chain intact: %lld events checked (seq %lld to"
		    " %lld), %lld seals verified\n", st.checked, st.checked >
		    0 ? st.first : from, st.checked > 0 ? st.want - 1 :
		    from - 1, st.seals_ok);
	return fflush(stdout) == EOF ? 1 : 0;
}

int
adm_seal_append(struct adm *a, const char *line)
{
	const char	*path = cfg_get(CFG_SEAL_FILE);
	char		 buf[SEAL_LINE_MAX + 2];
	size_t		 len;
	ssize_t		 w;
	int		 fd;

	len = (size_t)snprintf(buf, sizeof(buf), "%s\n", line);
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) == -1) {
		adm_errx(a, "%s: %s", path, strerror(errno));
		return -1;
	}
	if ((w = write(fd, buf, len)) == -1 || (size_t)w != len ||
	    fsync(fd) == -1) {
		adm_errx(a, "%s: write: %s", path, w == -1 ?
		    strerror(errno) : "short write");
		close(fd);
		return -1;
	}
	if (close(fd) == -1) {
		adm_errx(a, "%s: close: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
cmd_audit_seal(struct adm *a, int argc, char **argv)
{
	PGresult	*r;
	EVP_PKEY	*pk;
	struct seal	 s;
	char		 line[SEAL_LINE_MAX], err[256], pub[PATH_MAX];
	char		 hash[65], detail[100], oid[24];
	long long	 seq;
	int		 rc;

	if ((rc = adm_parse(a, argc, argv, adm_noopts)) != -1)
		return rc;
	if (adm_connect_jobs(a) == -1)
		return 1;
	if ((r = db_exec(a->db, "SELECT seq, encode(hash, 'hex') AS hash"
	    " FROM audit_chain_head", 0, NULL)) == NULL) {
		adm_dberr(a, "audit_chain_head");
		return 1;
	}
	if (PQntuples(r) != 1) {
		PQclear(r);
		adm_errx(a, "audit_chain_head has no row");
		return 1;
	}
	seq = strtoll(db_get(r, 0, "seq"), NULL, 10);
	snprintf(hash, sizeof(hash), "%s", db_get(r, 0, "hash"));
	PQclear(r);
	if (seq == 0) {
		printf("nothing to seal: the audit trail is empty\n");
		return 0;
	}
	if (signer_seal(seq, hash, line, sizeof(line), err,
	    sizeof(err)) == -1) {
		adm_errx(a, "the signer did not seal seq %lld: %s", seq, err);
		return 1;
	}
	/* What goes into the file must verify as audit verify will. */
	snprintf(pub, sizeof(pub), "%s/%s", cfg_get(CFG_TLS_DIR), SEAL_PUB);
	if ((pk = seal_pub_load(pub)) == NULL) {
		adm_errx(a, "%s: cannot read the seals' public key", pub);
		return 1;
	}
	rc = seal_check(pk, line, &s);
	EVP_PKEY_free(pk);
	if (rc != 0 || s.seq != seq || strcmp(s.hash, hash) != 0) {
		adm_errx(a, "the signer's seal does not verify with %s", pub);
		return 1;
	}
	if (adm_seal_append(a, line) == -1)
		return 1;
	openlog(ADM_PROG, LOG_PID, LOG_AUTH);
	syslog(LOG_NOTICE, "audit seal: %s", line);
	closelog();
	snprintf(oid, sizeof(oid), "%lld", seq);
	snprintf(detail, sizeof(detail), "seq %lld hash %s", seq, hash);
	if (adm_audit(a, "cli.audit.seal", "audit_event", oid, detail) == -1)
		return 1;
	printf("%s\n", line);
	return fflush(stdout) == EOF ? 1 : 0;
}
