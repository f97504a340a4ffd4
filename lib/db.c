/* PostgreSQL access: keyword-array connections, parameters only. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cfg.h"
#include "db.h"
#include "log.h"

static char	db_state[6];

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

int
db_begin(PGconn *c)
{
	char		 ms[24];
	const char	*p[1];
	PGresult	*r;

	if (db_cmd(c, "BEGIN", 0, NULL) == -1)
		return -1;
	/* Transaction-local: pgbouncer hands the server connection to another
	 * client after COMMIT, so session settings would leak or vanish. */
	snprintf(ms, sizeof(ms), "%s", cfg_get(CFG_STATEMENT_TIMEOUT_MS));
	p[0] = ms;
	r = db_exec(c, "SELECT set_config('search_path', 'renrakucho', true),"
	    " set_config('statement_timeout', $1, true),"
	    " set_config('timezone', 'Asia/Tokyo', true)", 1, p);
	if (r == NULL) {
		db_rollback(c);
		return -1;
	}
	PQclear(r);
	return 0;
}

int
db_commit(PGconn *c)
{
	return db_cmd(c, "COMMIT", 0, NULL);
}

void
db_rollback(PGconn *c)
{
	PGresult	*r;

	if (PQstatus(c) != CONNECTION_OK)
		return;
	r = PQexec(c, "ROLLBACK");
	PQclear(r);
}

PGresult *
db_exec(PGconn *c, const char *sql, int n, const char *const *p)
{
	PGresult	*r;
	const char	*st;

	r = PQexecParams(c, sql, n, NULL, p, NULL, NULL, 0);
	switch (PQresultStatus(r)) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
		return r;
	default:
		break;
	}
	st = r != NULL ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	snprintf(db_state, sizeof(db_state), "%s", st != NULL ? st : "");
	/* A unique violation or a serialisation failure is a normal outcome
	 * the caller handles; log it briefly. */
	log_err("database: %s%s", db_state[0] != '\0' ? db_state : "",
	    r != NULL ? PQresultErrorMessage(r) : PQerrorMessage(c));
	PQclear(r);
	return NULL;
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
	return db_state;
}

int
db_lost(PGconn *c)
{
	return c == NULL || PQstatus(c) != CONNECTION_OK;
}
