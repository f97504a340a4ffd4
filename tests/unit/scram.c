/*
 * A SCRAM-SHA-256 login through libpq linked as the CGIs link it (the
 * static libpq with lib/pqshim.c's hashes, HMAC and random bytes when
 * configure chose static CGIs).  Run by tests/unit/scram.sh against a
 * throwaway server that accepts this role by scram-sha-256 only:
 *
 *   scram_client SOCKET_DIR PORT USER
 *
 * with the role's password in SCRAM_PASSWORD.  TAP on stdout.
 */
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "tap.h"

#ifndef SCRAM_LINK
#define SCRAM_LINK	"libpq"
#endif

static PGconn *
scram_connect(const char *host, const char *port, const char *user,
    const char *password)
{
	const char	*keys[] = { "host", "port", "dbname", "user",
			    "password", "connect_timeout", NULL };
	const char	*vals[] = { host, port, "postgres", user, password,
			    "10", NULL };

	return PQconnectdbParams(keys, vals, 0);
}

int
main(int argc, char *argv[])
{
	PGconn		*c;
	PGresult	*r;
	const char	*pw, *err;
	char		 wrong[256];

	if (argc != 4 || (pw = getenv("SCRAM_PASSWORD")) == NULL ||
	    strlen(pw) + 2 > sizeof(wrong)) {
		printf("Bail out! usage: SCRAM_PASSWORD=... %s SOCKET_DIR PORT USER\n",
		    argv[0]);
		return 1;
	}
	printf("# linked with: %s\n", SCRAM_LINK);

	c = scram_connect(argv[1], argv[2], argv[3], pw);
	ok(PQstatus(c) == CONNECTION_OK,
	    "SCRAM-SHA-256 login with the right password (%s)", SCRAM_LINK);
	if (PQstatus(c) != CONNECTION_OK)
		printf("# %s", PQerrorMessage(c));
	ok(PQconnectionUsedPassword(c),
	    "the server asked for the password");
	r = PQexec(c, "SELECT 1");
	ok(PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1 &&
	    PQnfields(r) == 1 && !PQgetisnull(r, 0, 0) &&
	    strcmp(PQgetvalue(r, 0, 0), "1") == 0,
	    "SELECT 1 on that connection returns one row, 1");
	PQclear(r);
	PQfinish(c);

	/* The same password with one more character: the proof the client
	 * computes from it no longer matches the server's verifier. */
	snprintf(wrong, sizeof(wrong), "%sx", pw);
	c = scram_connect(argv[1], argv[2], argv[3], wrong);
	err = PQerrorMessage(c);
	ok(PQstatus(c) == CONNECTION_BAD,
	    "a wrong password is refused");
	ok(strstr(err, "password authentication failed for user") != NULL,
	    "with the server's message: password authentication failed");
	if (strstr(err, "password authentication failed for user") == NULL)
		printf("# got: %s", err);
	PQfinish(c);
	return tap_done();
}
