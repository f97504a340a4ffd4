/* Unit tests of lib/db.c's log line: no personal data from an error. */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "tap.h"

static const char *
line(const char *state, const char *constraint, const char *message)
{
	static char		 buf[1024];
	struct db_error		 e;

	memset(&e, 0, sizeof(e));
	snprintf(e.sqlstate, sizeof(e.sqlstate), "%s", state);
	snprintf(e.constraint, sizeof(e.constraint), "%s", constraint);
	snprintf(e.message, sizeof(e.message), "%s", message);
	db_error_line(&e, buf, sizeof(buf));
	return buf;
}

int
main(void)
{
	char		 big[600];
	const char	*s;

	is_str(line("23505", "account_email_live", "duplicate key value"
	    " violates unique constraint \"account_email_live\""),
	    "23505 constraint account_email_live: duplicate key value"
	    " violates unique constraint \"account_email_live\"",
	    "unique violation: SQLSTATE, constraint, primary message; the"
	    " constraint's quoted name stays");
	is_str(line("22007", "", "invalid input syntax for type date:"
	    " \"1950-13-45\""),
	    "22007 invalid input syntax for type date: \"?\"",
	    "data exception: the quoted value that failed is not logged");
	is_str(line("22P02", "", "invalid input value for enum sex:"
	    " \"taro@example.jp\""),
	    "22P02 invalid input value for enum sex: \"?\"",
	    "data exception: an e-mail address in the value is not logged");
	is_str(line("22003", "", "value \"99999999999\" is out of range for"
	    " type integer"),
	    "22003 value \"?\" is out of range for type integer",
	    "data exception: a value in the middle of the message too");
	is_str(line("22001", "", "value too long for type character"
	    " varying(100)"),
	    "22001 value too long for type character varying(100)",
	    "data exception without a quoted value: unchanged");
	is_str(line("", "", "server closed the connection unexpectedly"),
	    "server closed the connection unexpectedly",
	    "libpq's own error: the message alone");
	s = line("22P02", "", "invalid input syntax for type bigint: \"12");
	ok(strstr(s, "12") == NULL, "an unterminated quote hides the rest");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	s = line("XX000", "", big);
	ok(strlen(s) < 1024 && strncmp(s, "XX000 xxx", 9) == 0,
	    "a long message stays within the buffer");
	return tap_done();
}
