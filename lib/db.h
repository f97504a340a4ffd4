/* PostgreSQL through libpq: keyword-array connections, parameters only,
 * one transaction per user action. */
#ifndef RK_DB_H
#define RK_DB_H
#include <libpq-fe.h>

/* The CGIs' connection (cfg db_*: via pgbouncer).  NULL on failure,
 * logged: the caller answers 503. */
PGconn		*db_connect(void);
/* A connection from a libpq connection string (admin CLI: owner DSN). */
PGconn		*db_connect_dsn(const char *dsn);
/* BEGIN plus transaction-local search_path and statement_timeout (set
 * per transaction because pgbouncer pools by transaction).  0 or -1.
 * Sent together with the transaction's first statement, in one round
 * trip (see db.c), so a failure of either shows there. */
int		 db_begin(PGconn *);
/* COMMIT, with whatever db_cmd_later queued, in one round trip; -1 also
 * when the server answers ROLLBACK (an earlier statement failed). */
int		 db_commit(PGconn *);
void		 db_rollback(PGconn *);
/* PQexecParams with text parameters (NULL pointer = SQL NULL).  Returns
 * the result when its status is COMMAND_OK or TUPLES_OK; otherwise logs
 * the error, keeps its detail for db_last_error(), clears and returns
 * NULL.  The caller PQclear()s a non-NULL result. */
PGresult	*db_exec(PGconn *, const char *sql, int nparams,
		    const char *const *params);
/* In a transaction: sql is sent with the next db_exec or db_exec_commit,
 * in its round trip, and *out gets its result (NULL if anything in that
 * round trip failed; the caller PQclear()s it).  Outside one, or when the
 * queue is full, it runs at once.  0, or -1 when run at once and failed. */
int		 db_keep(PGconn *, PGresult **out, const char *sql, int nparams,
		    const char *const *params);
/* The transaction's last statement: sent with whatever db_begin and
 * db_cmd_later left pending, and COMMIT, in one round trip.  Its result as
 * db_exec's, but only once the transaction committed; NULL (logged, and
 * nothing committed) if anything failed. */
PGresult	*db_exec_commit(PGconn *, const char *sql, int nparams,
		    const char *const *params);
/* One statement in a transaction of its own, with db_begin's settings,
 * in one round trip and without BEGIN or COMMIT: the statements of a
 * pipeline are one implicit transaction, committed at its Sync.  Its
 * result as db_exec's, once committed; NULL (logged) if anything
 * failed. */
PGresult	*db_exec_alone(PGconn *, const char *sql, int nparams,
		    const char *const *params);
/* Like db_exec for a statement whose result is not needed: 0 or -1. */
int		 db_cmd(PGconn *, const char *sql, int nparams,
		    const char *const *params);
/* db_cmd without waiting: inside a transaction the statement is queued
 * and sent with the next db_exec, db_exec_commit or db_commit, which
 * report its failure (and skip everything after it).  For statements
 * whose result nothing reads, such as the audit INSERT.  Outside a
 * transaction, or when the queue is full, it runs at once as db_cmd.
 * 0, or -1 when run at once and failed. */
int		 db_cmd_later(PGconn *, const char *sql, int nparams,
		    const char *const *params);
/* Several statements of a trusted file (the admin CLI's schema files),
 * parameterless, through the simple query protocol, in the current
 * transaction if any; first sends what db_begin or db_cmd_later left
 * pending.  The last statement's result, or NULL as db_exec (the error's
 * position counts characters from the start of sql). */
PGresult	*db_exec_script(PGconn *, const char *sql);
/* Column by name of row 0..n-1; NULL when SQL NULL or no such column. */
const char	*db_get(const PGresult *, int row, const char *col);
/* The last failed statement on this process (per process, like the
 * connection): copied from the error result, "" / 0 when a field is
 * absent; a connection failure leaves only message. */
struct db_error {
	char	 sqlstate[6];
	char	 constraint[64];	/* PG_DIAG_CONSTRAINT_NAME */
	char	 message[512];		/* PG_DIAG_MESSAGE_PRIMARY, one line */
	int	 position;		/* PG_DIAG_STATEMENT_POSITION, 1-based
					 * characters; 0 if none */
};
const struct db_error *db_last_error(void);
/* The one line a failed statement is logged with, into buf (n bytes):
 * "SQLSTATE constraint NAME: primary message", never the DETAIL (it
 * holds the row's values: no log may hold personal data), and in a data
 * exception's (class 22) message each double-quoted value becomes "?". */
void		 db_error_line(const struct db_error *, char *buf, size_t n);
/* SQLSTATE of the last failed db_exec on this process ("" if none). */
const char	*db_sqlstate(void);
/* 0: failed statements are not logged (the admin CLI reports them
 * itself, in one line, from db_last_error()).  1, the default: logged. */
void		 db_log_errors(int on);
/* 1 when the connection is gone, or the last error says the server is
 * (shutting down, restarting, unreachable behind pgbouncer): -> 503. */
int		 db_lost(PGconn *);
#endif
