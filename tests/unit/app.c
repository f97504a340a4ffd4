/* app: the page table's start-up check.  Every POST page carries its
 * need's rule (the session's CSRF token, the login page's pre-session
 * token, the portal's origin check), view statements only on GET pages
 * with a session; app_main refuses a table that fails, with a 500,
 * before it reads the request. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app.h"
#include "auth.h"
#include "tap.h"

static void
fn(struct app *a)
{
	(void)a;
}

static int
params(struct app *a, const char *p[APP_VIEW_PARAMS])
{
	p[0] = a->id[0];
	return 1;
}

static const struct app_view view = { "SELECT * FROM x_view($1, $2, $3,"
    " $4::inet, $5::bigint)", params };
static const struct app_view noview = { NULL, NULL };

static const struct req_key keys[] = {
	{ "csrf", req_v_token, AUTH_TOKEN_LEN, AUTH_TOKEN_LEN },
	{ "name", req_v_line, 1, 10 },
};
static const struct req_key nocsrf[] = {
	{ "name", req_v_line, 1, 10 },
};

/* The tables of the CGIs as they are declared. */
static const struct app_page good[] = {
	{ "/login", APP_GET | APP_POST, APP_CERT, fn,
	    .post = APP_POST_LOGIN, .refused = fn },
	{ "/home", APP_GET, APP_SESSION, fn, .view = &view },
	{ "/profile/password", APP_POST, APP_SESSION, fn },
	{ "/teams/#/messages", APP_GET, APP_TEAM, fn, .view = &view },
	{ "/teams/#/messages", APP_POST, APP_TEAM, fn },
	{ "/teams/#/receipts", APP_GET, APP_TEAM, fn },
};
static const struct app_page portal[] = {
	{ "/certificate-pickup", APP_GET | APP_POST, APP_NOCERT, fn,
	    .post = APP_POST_ORIGIN, .refused = fn },
};

/* check(table, keys, what the refusal must say) */
#define CHECK_BAD(t, k, nk, want, name) do { \
	char w_[256] = ""; \
	int rc_ = app_pages_check(t, sizeof(t) / sizeof(t[0]), k, nk, w_, \
	    sizeof(w_)); \
	ok(rc_ == -1 && strstr(w_, want) != NULL, "refused: %s", name); \
	if (rc_ != -1 || strstr(w_, want) == NULL) \
		printf("#   rc %d, why '%s'\n", rc_, w_); \
} while (0)

/* app_main on a table, in a child whose stdin holds a POST body: its
 * answer, its log (stderr) and whether the body was left unread. */
static int
run_main(const struct app_page *t, size_t n, char *out, size_t outsz,
    char *log, size_t logsz, int *unread)
{
	static const char body[] = "name=abc";
	FILE	*ef;
	int	 in[2], o[2], st;
	ssize_t	 got, k;
	pid_t	 pid;
	char	 b[16];

	if (pipe(in) == -1 || pipe(o) == -1)
		return -1;
	if (write(in[1], body, sizeof(body) - 1) != sizeof(body) - 1)
		return -1;
	if ((ef = tmpfile()) == NULL || (pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		dup2(fileno(ef), STDERR_FILENO);
		dup2(in[0], STDIN_FILENO);
		dup2(o[1], STDOUT_FILENO);
		close(in[0]);
		close(in[1]);
		close(o[0]);
		close(o[1]);
		setenv("REQUEST_METHOD", "POST", 1);
		setenv("CONTENT_TYPE", "application/x-www-form-urlencoded", 1);
		setenv("CONTENT_LENGTH", "8", 1);
		setenv("PATH_INFO", "/x", 1);
		setenv("RENRAKUCHO_CONF", "/nonexistent", 1);
		_exit(app_main("app_test", t, n, keys, 2, 1024));
	}
	close(o[1]);
	got = 0;
	while (got + 1 < (ssize_t)outsz &&
	    (k = read(o[0], out + got, outsz - 1 - got)) > 0)
		got += k;
	out[got] = '\0';
	close(o[0]);
	waitpid(pid, &st, 0);
	rewind(ef);
	log[fread(log, 1, logsz - 1, ef)] = '\0';
	fclose(ef);
	/* What the child left in its stdin is still in the pipe. */
	fcntl(in[0], F_SETFL, O_NONBLOCK);
	*unread = read(in[0], b, sizeof(b)) == sizeof(body) - 1;
	close(in[0]);
	close(in[1]);
	return 0;
}

int
main(void)
{
	char	 why[256], out[8192], log[1024];
	int	 unread = 0;

	why[0] = '\0';
	ok(app_pages_check(good, sizeof(good) / sizeof(good[0]), keys, 2, why,
	    sizeof(why)) == 0, "the CGIs' kind of table passes%s%s",
	    *why ? ": " : "", why);
	ok(app_pages_check(portal, 1, NULL, 0, why, sizeof(why)) == 0,
	    "the portal's pickup (origin rule, no csrf key) passes");
	ok(app_pages_check(good, 0, NULL, 0, why, sizeof(why)) == 0,
	    "an empty table passes");

	{
		/* The fault the front line once had: a POST page whose
		 * session is checked but whose form is not. */
		static const struct app_page t[] = {
			{ "/home", APP_GET, APP_SESSION, fn },
			{ "/x", APP_POST, APP_SESSION, fn,
			    .post = APP_POST_ORIGIN, .refused = fn },
		};
		CHECK_BAD(t, keys, 2, "page 1 (/x): a POST page with a"
		    " session must take the session's CSRF check",
		    "a session POST page with the origin rule");
	}
	{
		static const struct app_page t[] = {
			{ "/x", APP_GET | APP_POST, APP_TEAM, fn },
		};
		CHECK_BAD(t, keys, 2, "APP_TEAM needs the team's '#'",
		    "APP_TEAM without a team id");
	}
	{
		static const struct app_page t[] = {
			{ "/x", APP_POST, APP_SESSION, fn },
		};
		CHECK_BAD(t, nocsrf, 1, "needs a declared csrf key",
		    "a session POST page without a csrf key (every POST"
		    " would be refused)");
	}
	{
		static const struct app_page t[] = {
			{ "/x", APP_POST, APP_SESSION, fn, .refused = fn },
		};
		CHECK_BAD(t, keys, 2, "the front line's own",
		    "a session POST page with its own refusal");
	}
	{
		/* The login page without its rule declared. */
		static const struct app_page t[] = {
			{ "/login", APP_GET | APP_POST, APP_CERT, fn },
		};
		CHECK_BAD(t, keys, 2, "must take the login token check",
		    "a POST page before the session without the login rule");
	}
	{
		static const struct app_page t[] = {
			{ "/login", APP_POST, APP_CERT, fn,
			    .post = APP_POST_LOGIN },
		};
		CHECK_BAD(t, keys, 2, "needs a refusal handler",
		    "the login rule without the page's refusal");
	}
	{
		static const struct app_page t[] = {
			{ "/login", APP_POST, APP_CERT, fn,
			    .post = APP_POST_LOGIN, .refused = fn },
		};
		CHECK_BAD(t, nocsrf, 1, "needs a declared csrf key",
		    "the login rule without a csrf key");
	}
	{
		/* The portal's pickup without its rule declared. */
		static const struct app_page t[] = {
			{ "/certificate-pickup", APP_GET | APP_POST,
			    APP_NOCERT, fn },
		};
		CHECK_BAD(t, keys, 2, "must take the origin check",
		    "a POST page without a certificate and no origin rule");
	}
	{
		static const struct app_page t[] = {
			{ "/x", APP_POST, APP_NOCERT, fn,
			    .post = APP_POST_LOGIN, .refused = fn },
		};
		CHECK_BAD(t, keys, 2, "must take the origin check",
		    "the login rule on a page without a certificate");
	}
	{
		static const struct app_page t[] = {
			{ "/x", APP_GET, APP_NOCERT, fn,
			    .post = APP_POST_ORIGIN, .refused = fn },
		};
		CHECK_BAD(t, keys, 2, "a POST rule on a page without POST",
		    "a POST rule on a GET page");
	}
	{
		static const struct app_page t[] = {
			{ "/x", APP_GET, APP_CERT, fn, .view = &view },
		};
		CHECK_BAD(t, keys, 2, "a view statement on a page without a"
		    " session", "a view statement on the login page's need");
	}
	{
		static const struct app_page t[] = {
			{ "/x", APP_GET, APP_NOCERT, fn, .view = &view },
		};
		CHECK_BAD(t, keys, 2, "a view statement on a page without a"
		    " session", "a view statement on a portal page");
	}
	{
		static const struct app_page t[] = {
			{ "/x", APP_GET | APP_POST, APP_SESSION, fn,
			    .view = &view },
		};
		CHECK_BAD(t, keys, 2, "GET pages only",
		    "a view statement on a POST page");
	}
	{
		static const struct app_page t[] = {
			{ "/x", APP_GET, APP_CERT, fn, .staff = 1 },
		};
		CHECK_BAD(t, keys, 2, "a staff page needs a session",
		    "a staff page before the session");
	}
	{
		static const struct app_page t[] = {
			{ "/x", APP_GET, APP_SESSION, fn, .view = &view,
			    .staff = 1 },
		};
		CHECK_BAD(t, keys, 2, "a staff page needs a session and no"
		    " view statement", "a staff page with a view statement");
	}
	{
		static const struct app_page t[] = {
			{ "/x", APP_GET, APP_SESSION, fn, .view = &noview },
		};
		CHECK_BAD(t, keys, 2, "a view without its statement",
		    "a view without SQL");
	}
	{
		static const struct app_page t[] = {
			{ "x", APP_GET, APP_SESSION, fn },
		};
		CHECK_BAD(t, keys, 2, "pattern must start with /",
		    "a pattern that is no path");
	}
	{
		static const struct app_page t[] = {
			{ "/x", APP_GET, APP_SESSION, NULL },
		};
		CHECK_BAD(t, keys, 2, "no handler", "a page without handler");
	}
	{
		static const struct app_page t[] = {
			{ "/x", 0, APP_SESSION, fn },
		};
		CHECK_BAD(t, keys, 2, "methods must be", "a page without"
		    " methods");
	}
	{
		static const struct app_page t[] = {
			{ "/x", APP_GET, APP_NEED__MAX, fn },
		};
		CHECK_BAD(t, keys, 2, "unknown need", "an unknown need");
	}

	{
		static const struct app_page t[] = {
			{ "/x", APP_POST, APP_SESSION, fn,
			    .post = APP_POST_ORIGIN, .refused = fn },
		};
		ok(run_main(t, 1, out, sizeof(out), log, sizeof(log),
		    &unread) == 0 && strncmp(out, "Status: 500 ", 12) == 0,
		    "app_main answers a refused table with 500");
		ok(strstr(out, "設定の誤り") != NULL,
		    "with the Japanese configuration error page");
		ok(strstr(log, "page table refused: page 0 (/x): a POST page"
		    " with a session must take the session's CSRF check") !=
		    NULL, "and logs why");
		if (strstr(log, "page table refused") == NULL)
			printf("#   log: %s\n", log);
		ok(unread, "before reading the request body");
		ok(run_main(good, sizeof(good) / sizeof(good[0]), out,
		    sizeof(out), log, sizeof(log), &unread) == 0 && !unread &&
		    strstr(log, "page table refused") == NULL,
		    "a good table: the request is read, nothing refused");
	}

	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
