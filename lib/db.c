/* PostgreSQL access: keyword-array connections, parameters only. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "db.h"
#include "log.h"

static struct db_error	db_err;
static int		db_quiet;

/*
 * Round trips.  BEGIN, set_config and the audit INSERT return nothing
 * the page waits for, so they travel with the next statement in one
 * pipeline (libpq's pipeline mode, one Sync):
 *   db_begin   sends nothing; BEGIN and set_config go out in front of the
 *              transaction's first statement (or not at all: a
 *              transaction without statements needs neither BEGIN nor
 *              COMMIT);
 *   db_cmd_later  queues one statement whose result nothing reads (the
 *              audit INSERT) until the next db_exec or db_commit.
 *   db_exec_alone  a statement in a transaction of its own sends
 *              set_config and the statement in one pipeline without BEGIN
 *              or COMMIT: a pipeline's statements are one implicit
 *              transaction, committed at its Sync (the pages whose *_view
 *              function checks the session, schema/functions/pages.sql).
 * A queued statement's error comes back from the call that sends it; the
 * rest of that pipeline is skipped, so nothing after it runs, COMMIT
 * included.
 */
#define DB_QUEUE	8

/* What goes out in front of a pipeline's statements (db_pipe.begin). */
#define DB_BEGIN	1	/* BEGIN and the settings (db_begin) */
#define DB_SETTINGS	2	/* the settings alone (db_exec_alone) */

struct db_queued {
	char		*block;		/* p[], the values and sql: one free() */
	const char	*sql;
	int		 n;
	const char	**p;		/* n values, NULL = SQL NULL */
	PGresult	**keep;		/* db_keep: where its result goes */
};

static struct {
	int		 begin;		/* DB_BEGIN or DB_SETTINGS not sent yet */
	size_t		 nq;
	struct db_queued q[DB_QUEUE];
} db_pipe;

static PGconn *
db_finish_connect(PGconn *c)
{
	if (c == NULL) {
		log_err("database: out of memory");
		return NULL;
	}
	if (PQstatus(c) != CONNECTION_OK) {
		log_err("database: %s", PQerrorMessage(c));
		PQfinish(c);
		return NULL;
	}
	/* No DETAIL, HINT or CONTEXT in any error text libpq makes
	 * (PQresultErrorMessage, PQerrorMessage): a DETAIL holds the row's
	 * values ("Key (lower(email))=(...) already exists"), and what
	 * reaches a log must hold no personal data. */
	PQsetErrorVerbosity(c, PQERRORS_TERSE);
	return c;
}

PGconn *
db_connect(void)
{
	const char *const kw[] = { "host", "port", "dbname", "user",
	    "password", "application_name", "connect_timeout", NULL };
	const char *const val[] = { cfg_get(CFG_DB_HOST), cfg_get(CFG_DB_PORT),
	    cfg_get(CFG_DB_NAME), cfg_get(CFG_DB_USER),
	    cfg_get(CFG_DB_PASSWORD), "renrakucho", "5", NULL };

	return db_finish_connect(PQconnectdbParams(kw, val, 0));
}

PGconn *
db_connect_dsn(const char *dsn)
{
	const char *const kw[] = { "dbname", "application_name", NULL };
	const char *const val[] = { dsn, "renrakucho-admin", NULL };

	/* expand_dbname: dsn is a connection string from configuration. */
	return db_finish_connect(PQconnectdbParams(kw, val, 1));
}

static void
db_queue_clear(void)
{
	size_t	 i;

	for (i = 0; i < db_pipe.nq; i++)
		free(db_pipe.q[i].block);
	db_pipe.nq = 0;
}

/* Copy a statement and its parameters into the queue.  0, or -1 when the
 * queue is full or memory is out (the caller then runs it at once). */
static int
db_queue(const char *sql, int n, const char *const *p)
{
	struct db_queued	*q;
	size_t			 len, off, l, i;
	char			*b;

	if (db_pipe.nq == DB_QUEUE || n < 0)
		return -1;
	len = (size_t)n * sizeof(char *) + strlen(sql) + 1;
	for (i = 0; i < (size_t)n; i++)
		if (p[i] != NULL)
			len += strlen(p[i]) + 1;
	if ((b = malloc(len)) == NULL)
		return -1;
	q = &db_pipe.q[db_pipe.nq++];
	q->keep = NULL;
	q->block = b;
	q->n = n;
	q->p = (const char **)(void *)b;	/* malloc aligns for pointers */
	off = (size_t)n * sizeof(char *);
	for (i = 0; i < (size_t)n; i++) {
		q->p[i] = NULL;
		if (p[i] == NULL)
			continue;
		l = strlen(p[i]) + 1;
		memcpy(b + off, p[i], l);
		q->p[i] = b + off;
		off += l;
	}
	memcpy(b + off, sql, strlen(sql) + 1);
	q->sql = b + off;
	return 0;
}

/* Copies one diagnostic field of r into dst (n bytes), up to its first
 * newline; "" when absent. */
static void
db_field(char *dst, size_t n, const PGresult *r, int field)
{
	const char	*s;
	size_t		 len;

	s = r != NULL ? PQresultErrorField(r, field) : NULL;
	if (s == NULL)
		s = "";
	len = strcspn(s, "\n");
	if (len >= n)
		len = n - 1;
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/* Keep the first real failure of a pipeline: its SQLSTATE, constraint,
 * message and position (only copied here, on the error path). */
static void
db_failed(PGconn *c, const PGresult *r)
{
	const char	*pos;
	char		 line[sizeof(db_err.message) + 96];

	db_field(db_err.sqlstate, sizeof(db_err.sqlstate), r,
	    PG_DIAG_SQLSTATE);
	db_field(db_err.constraint, sizeof(db_err.constraint), r,
	    PG_DIAG_CONSTRAINT_NAME);
	db_field(db_err.message, sizeof(db_err.message), r,
	    PG_DIAG_MESSAGE_PRIMARY);
	if (db_err.message[0] == '\0') {
		/* No server error: libpq's own (connection lost). */
		snprintf(db_err.message, sizeof(db_err.message), "%s",
		    r != NULL ? PQresultErrorMessage(r) : PQerrorMessage(c));
		db_err.message[strcspn(db_err.message, "\n")] = '\0';
	}
	pos = r != NULL ? PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION) :
	    NULL;
	db_err.position = pos != NULL ? (int)strtol(pos, NULL, 10) : 0;
	if (db_quiet)
		return;
	/* A unique violation or a serialisation failure is a normal outcome
	 * the caller handles; log it briefly (db_error_line). */
	db_error_line(&db_err, line, sizeof(line));
	log_err("database: %s", line);
}

void
db_error_line(const struct db_error *e, char *buf, size_t n)
{
	char		 msg[sizeof(e->message)];
	const char	*s;
	size_t		 o = 0;
	int		 quoted = 0, data = strncmp(e->sqlstate, "22", 2) == 0;

	/* A data exception's primary message quotes the value that failed
	 * ("invalid input syntax for type date: \"1950-13-45\"", "value
	 * \"...\" is out of range"): each quoted part becomes "?". */
	for (s = e->message; *s != '\0' && o + 1 < sizeof(msg); s++) {
		if (data && *s == '"') {
			if (quoted && o + 2 < sizeof(msg))
				msg[o++] = '?';
			quoted = !quoted;
		} else if (quoted)
			continue;
		msg[o++] = *s;
	}
	msg[o] = '\0';
	snprintf(buf, n, "%s%s%s%s%s%s", e->sqlstate,
	    e->sqlstate[0] != '\0' ? " " : "",
	    e->constraint[0] != '\0' ? "constraint " : "",
	    e->constraint, e->constraint[0] != '\0' ? ": " : "", msg);
}

/*
 * One round trip: the pending BEGIN and set_config, the queued
 * statements, then sql, then COMMIT if commit is set.  Returns sql's
 * result (COMMAND_OK or TUPLES_OK) or NULL after logging the first
 * failure; with commit, also NULL unless the COMMIT committed.  Every
 * statement sent is drained and the Sync read, so the connection leaves
 * pipeline mode in step with the server whatever failed.
 */
static PGresult *
db_pipeline(PGconn *c, const char *sql, int n, const char *const *p,
    int commit)
{
	char		 ms[24];
	const char	*tp[1];
	PGresult	*r, *last = NULL, **keep[DB_QUEUE] = { NULL };
	size_t		 i;
	int		 sent = 0, want, ok = 1, failed = 0, done, k, first;

	want = (db_pipe.begin == DB_BEGIN ? 2 : db_pipe.begin ? 1 : 0) +
	    (int)db_pipe.nq + 1;
	if (PQenterPipelineMode(c) == 0) {
		db_failed(c, NULL);
		db_queue_clear();
		return NULL;
	}
	if (db_pipe.begin) {
		/* Transaction-local: pgbouncer hands the server connection to
		 * another client after COMMIT, so session settings would leak
		 * or vanish. */
		snprintf(ms, sizeof(ms), "%s", cfg_get(CFG_STATEMENT_TIMEOUT_MS));
		tp[0] = ms;
		ok = (db_pipe.begin == DB_SETTINGS ||
		    (PQsendQueryParams(c, "BEGIN", 0, NULL, NULL, NULL, NULL,
		    0) && ++sent)) &&
		    PQsendQueryParams(c, "SELECT set_config('search_path',"
		    " 'renrakucho', true), set_config('statement_timeout', $1,"
		    " true), set_config('timezone', 'Asia/Tokyo', true)", 1,
		    NULL, tp, NULL, NULL, 0) && ++sent;
		db_pipe.begin = 0;
	}
	first = sent;
	for (i = 0; ok && i < db_pipe.nq; i++) {
		keep[i] = db_pipe.q[i].keep;
		ok = PQsendQueryParams(c, db_pipe.q[i].sql, db_pipe.q[i].n,
		    NULL, db_pipe.q[i].p, NULL, NULL, 0) && ++sent;
	}
	if (ok)
		ok = PQsendQueryParams(c, sql, n, NULL, p, NULL, NULL, 0) &&
		    ++sent;
	if (ok && commit)
		ok = PQsendQueryParams(c, "COMMIT", 0, NULL, NULL, NULL, NULL,
		    0) && ++sent;
	db_queue_clear();
	if (!ok) {
		db_failed(c, NULL);
		failed = 1;
	}
	if (PQpipelineSync(c) == 0) {
		if (!failed)
			db_failed(c, NULL);
		PQexitPipelineMode(c);
		return NULL;
	}
	/* Each statement's results end with a NULL; then the Sync. */
	for (k = 0; k < sent; k++)
		while ((r = PQgetResult(c)) != NULL) {
			switch (PQresultStatus(r)) {
			case PGRES_COMMAND_OK:
			case PGRES_TUPLES_OK:
				if (k == want - 1 && last == NULL) {
					last = r;
					continue;
				}
				if (k >= first && k < want - 1 &&
				    keep[k - first] != NULL &&
				    *keep[k - first] == NULL) {
					*keep[k - first] = r;
					continue;
				}
				/* COMMIT of a failed transaction "succeeds"
				 * as ROLLBACK. */
				if (k == want && !failed &&
				    strcmp(PQcmdStatus(r), "COMMIT") != 0) {
					log_err("database: COMMIT: the"
					    " transaction was rolled back");
					failed = 1;
				}
				break;
			case PGRES_PIPELINE_ABORTED:
				break;
			default:
				if (!failed)
					db_failed(c, r);
				failed = 1;
				break;
			}
			PQclear(r);
		}
	/* Without BEGIN the statements commit at the Sync, which may fail
	 * on its own. */
	while ((r = PQgetResult(c)) != NULL) {
		done = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
		if (!done && PQresultStatus(r) == PGRES_FATAL_ERROR) {
			if (!failed)
				db_failed(c, r);
			failed = 1;
		}
		PQclear(r);
		if (done)
			break;
	}
	PQexitPipelineMode(c);
	if (failed || last == NULL) {
		if (!failed)
			db_failed(c, NULL);
		PQclear(last);
		/* All or nothing: no kept result of a failed round trip. */
		for (k = 0; k < DB_QUEUE; k++)
			if (keep[k] != NULL) {
				PQclear(*keep[k]);
				*keep[k] = NULL;
			}
		return NULL;
	}
	return last;
}

int
db_begin(PGconn *c)
{
	if (PQstatus(c) != CONNECTION_OK)
		return -1;
	db_queue_clear();
	db_pipe.begin = DB_BEGIN;
	return 0;
}

PGresult *
db_exec_alone(PGconn *c, const char *sql, int n, const char *const *p)
{
	if (PQstatus(c) != CONNECTION_OK)
		return NULL;
	db_queue_clear();
	db_pipe.begin = DB_SETTINGS;
	return db_pipeline(c, sql, n, p, 0);
}

/* COMMIT of a failed transaction "succeeds" as ROLLBACK: check the
 * command tag too. */
int
db_commit(PGconn *c)
{
	PGresult	*r;
	int		 rc = -1;

	if (db_pipe.begin && db_pipe.nq == 0) {
		/* Nothing was sent: there is no transaction to end. */
		db_pipe.begin = 0;
		return 0;
	}
	if ((r = db_exec(c, "COMMIT", 0, NULL)) == NULL)
		return -1;
	if (strcmp(PQcmdStatus(r), "COMMIT") == 0)
		rc = 0;
	else
		log_err("database: COMMIT: the transaction was rolled back");
	PQclear(r);
	return rc;
}

void
db_rollback(PGconn *c)
{
	PGresult	*r;

	db_pipe.begin = 0;
	db_queue_clear();
	/* Idle: nothing was sent since db_begin, nothing to undo. */
	if (PQstatus(c) != CONNECTION_OK ||
	    PQtransactionStatus(c) == PQTRANS_IDLE)
		return;
	r = PQexec(c, "ROLLBACK");
	PQclear(r);
}

PGresult *
db_exec(PGconn *c, const char *sql, int n, const char *const *p)
{
	PGresult	*r;

	if (db_pipe.begin || db_pipe.nq > 0)
		return db_pipeline(c, sql, n, p, 0);
	r = PQexecParams(c, sql, n, NULL, p, NULL, NULL, 0);
	switch (PQresultStatus(r)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
		return r;
	default:
		break;
	}
	db_failed(c, r);
	PQclear(r);
	return NULL;
}

int
db_keep(PGconn *c, PGresult **out, const char *sql, int n,
    const char *const *p)
{
	*out = NULL;
	if ((!db_pipe.begin && PQtransactionStatus(c) != PQTRANS_INTRANS) ||
	    db_queue(sql, n, p) == -1)
		return (*out = db_exec(c, sql, n, p)) == NULL ? -1 : 0;
	db_pipe.q[db_pipe.nq - 1].keep = out;
	return 0;
}

PGresult *
db_exec_commit(PGconn *c, const char *sql, int n, const char *const *p)
{
	return db_pipeline(c, sql, n, p, 1);
}

int
db_cmd(PGconn *c, const char *sql, int n, const char *const *p)
{
	PGresult	*r;

	if ((r = db_exec(c, sql, n, p)) == NULL)
		return -1;
	PQclear(r);
	return 0;
}

int
db_cmd_later(PGconn *c, const char *sql, int n, const char *const *p)
{
	/* Queued only inside a transaction: outside one, nothing would
	 * ever send it. */
	if ((db_pipe.begin || PQtransactionStatus(c) == PQTRANS_INTRANS) &&
	    db_queue(sql, n, p) == 0)
		return 0;
	return db_cmd(c, sql, n, p);
}

PGresult *
db_exec_script(PGconn *c, const char *sql)
{
	PGresult	*r;

	/* The simple protocol cannot join a pipeline: what db_begin or
	 * db_cmd_later left pending goes first, in a round trip of its
	 * own. */
	if (db_pipe.begin || db_pipe.nq > 0) {
		if ((r = db_pipeline(c, "SELECT 1", 0, NULL, 0)) == NULL)
			return NULL;
		PQclear(r);
	}
	r = PQexec(c, sql);
	switch (PQresultStatus(r)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		return r;
	default:
		break;
	}
	db_failed(c, r);
	PQclear(r);
	return NULL;
}

const char *
db_get(const PGresult *r, int row, const char *col)
{
	int	 f;

	if (r == NULL || row < 0 || row >= PQntuples(r))
		return NULL;
	if ((f = PQfnumber(r, col)) < 0) {
		log_err("database: no column %s", col);
		return NULL;
	}
	if (PQgetisnull(r, row, f))
		return NULL;
	return PQgetvalue(r, row, f);
}

const char *
db_sqlstate(void)
{
	return db_err.sqlstate;
}

const struct db_error *
db_last_error(void)
{
	return &db_err;
}

void
db_log_errors(int on)
{
	db_quiet = !on;
}

int
db_lost(PGconn *c)
{
	const char	*s = db_err.sqlstate;

	if (c == NULL || PQstatus(c) != CONNECTION_OK)
		return 1;
	/* Through pgbouncer the client's connection outlives the server's:
	 * a server shut down or restarting (57P01-57P03), a connection
	 * exception (class 08, pgbouncer's own "server conn crashed?") or
	 * no connection to be had (53300) are the database being away.  So
	 * is a server that refuses to write (25006): in a cluster, a
	 * connection that reached a standby, or a primary that its manager
	 * restarts read-only before promoting it again (Patroni after a
	 * crash); the write waits for the primary, like any failover. */
	return strncmp(s, "08", 2) == 0 || strcmp(s, "57P01") == 0 ||
	    strcmp(s, "57P02") == 0 || strcmp(s, "57P03") == 0 ||
	    strcmp(s, "53300") == 0 || strcmp(s, "25006") == 0;
}
