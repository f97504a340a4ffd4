/* Portal /healthz, for a monitor: "ok" when a CGI reaches the database
 * through the pool, 503 otherwise.  It answers in plain text and says
 * nothing else (no version, no error detail: the log has that), so it
 * runs outside app_main, whose answers are rendered pages.  Every step
 * is bounded: a monitor must get its 503 in seconds, not a gateway
 * timeout, when pgbouncer holds the query (PAUSE) or PostgreSQL is gone. */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "cfg.h"
#include "db.h"
#include "log.h"

#define HEALTHZ_QUERY_MS	3000	/* the query's own bound */
#define HEALTHZ_RUN_SECONDS	15	/* connect (5 s) + query, with room */

static long
healthz_ms_left(const struct timespec *end)
{
	struct timespec	 now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (end->tv_sec - now.tv_sec) * 1000 +
	    (end->tv_nsec - now.tv_nsec) / 1000000;
}

/* SELECT 1 within HEALTHZ_QUERY_MS, from a server that takes writes;
 * 0 or -1 (logged).  In a cluster the pool may reach a standby, or a
 * primary restarting read-only, for a moment: every page writes (the
 * session, the audit trail), so that is not healthy. */
static int
healthz_select(PGconn *c)
{
	struct timespec	 end;
	struct pollfd	 pfd;
	PGresult	*r;
	long		 left;
	int		 rc = -1, got = 0;

	if (!PQsendQueryParams(c, "SELECT 1 WHERE NOT pg_is_in_recovery()",
	    0, NULL, NULL, NULL, NULL, 0)) {
		log_err("healthz: %s", PQerrorMessage(c));
		return -1;
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += HEALTHZ_QUERY_MS / 1000;
	pfd.fd = PQsocket(c);
	pfd.events = POLLIN;
	while (PQisBusy(c)) {
		if ((left = healthz_ms_left(&end)) <= 0) {
			log_err("healthz: no answer within %d ms",
			    HEALTHZ_QUERY_MS);
			return -1;
		}
		if (poll(&pfd, 1, (int)left) == -1 || !PQconsumeInput(c)) {
			log_err("healthz: %s", PQerrorMessage(c));
			return -1;
		}
	}
	while ((r = PQgetResult(c)) != NULL) {
		if (PQresultStatus(r) == PGRES_TUPLES_OK &&
		    PQntuples(r) == 1 && strcmp(PQgetvalue(r, 0, 0), "1") == 0)
			got = 1;
		else if (PQresultStatus(r) != PGRES_TUPLES_OK)
			log_err("healthz: %s", PQresultErrorMessage(r));
		else
			log_err("healthz: the server is read-only (a standby)");
		PQclear(r);
	}
	if (got)
		rc = 0;
	return rc;
}

/* The whole answer; HEAD gets the head alone. */
static void
healthz_answer(int head, int status, const char *reason, const char *body,
    const char *extra)
{
	printf("Status: %d %s\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: %zu\r\n"
	    "X-Content-Type-Options: nosniff\r\n"
	    "Cache-Control: no-store\r\n"
	    "%s"
	    "\r\n", status, reason, strlen(body), extra);
	if (!head)
		fputs(body, stdout);
	fflush(stdout);
}

int
main(void)
{
	const char	*m = getenv("REQUEST_METHOD");
	PGconn		*c = NULL;
	int		 head;

	log_setprog("healthz");
	alarm(HEALTHZ_RUN_SECONDS);
	if (m == NULL)
		m = "";
	if (strcmp(m, "GET") != 0 && strcmp(m, "HEAD") != 0) {
		healthz_answer(0, 405, "Method Not Allowed",
		    "method not allowed\n", "Allow: GET, HEAD\r\n");
		return 0;
	}
	head = strcmp(m, "HEAD") == 0;
	if (cfg_load() == -1 || (c = db_connect()) == NULL ||
	    healthz_select(c) == -1) {
		healthz_answer(head, 503, "Service Unavailable",
		    "database unavailable\n", "");
		goto out;
	}
	healthz_answer(head, 200, "OK", "ok\n", "");
out:
	if (c != NULL)
		PQfinish(c);
	return 0;
}
