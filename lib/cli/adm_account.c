/* renrakucho-admin facility add/list, account add/list/unlock/passwd. */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <openssl/crypto.h>

#include "account.h"
#include "auth.h"
#include "db.h"
#include "req.h"
#include "adm.h"

#define ADM_PW_MIN		8	/* characters */
#define ADM_PW_MAX		256	/* bytes */

/* --- facility -------------------------------------------------------- */

/* As the web forms' e-mail field; the placeholder domain is the
 * tool's to hand out (--placeholder). */
static int
adm_email(const struct adm *a, const char *s)
{
	if (adm_valid(a, "--email", s, req_v_email, 3, 254) == -1)
		return -1;
	if (s != NULL && account_is_placeholder(s)) {
		adm_errx(a, "%s addresses are reserved for --placeholder",
		    ACCOUNT_PLACEHOLDER_DOMAIN);
		return -1;
	}
	return 0;
}

int
cmd_facility_add(struct adm *a, int argc, char **argv)
{
	const char		*name = NULL, *code = NULL, *muni = NULL,
				*email = NULL, *addr = NULL, *phone = NULL, *id;
	const struct adm_opt	 opts[] = {
		{ "name", .val = &name, .required = 1 },
		{ "municipality-code", .val = &code, .required = 1 },
		{ "municipality", .val = &muni, .required = 1 },
		{ "email", .val = &email, .required = 1 },
		{ "address", .val = &addr },
		{ "phone", .val = &phone },
		{ NULL }
	};
	const char		*p[6];
	PGresult		*r = NULL;
	size_t			 len;
	int			 rc;

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	rc = 1;
	len = strlen(code);
	if ((len != 5 && len != 6) || strspn(code, "0123456789") != len) {
		adm_errx(a, "--municipality-code: 5 or 6 digits: %s", code);
		return 2;
	}
	if (adm_valid(a, "--name", name, req_v_line, 1, 200) == -1 ||
	    adm_valid(a, "--municipality", muni, req_v_line, 1, 100) == -1 ||
	    adm_valid(a, "--address", addr, req_v_line, 0, 300) == -1 ||
	    adm_valid(a, "--phone", phone, req_v_line, 0, 30) == -1 ||
	    adm_email(a, email) == -1)
		return 2;

	if (adm_connect(a, 1) == -1 || db_begin(a->db) == -1)
		goto out;
	p[0] = name;
	p[1] = addr != NULL ? addr : "";
	p[2] = code;
	p[3] = muni;
	p[4] = email;
	p[5] = phone != NULL ? phone : "";
	if ((r = db_exec(a->db, "INSERT INTO facility (name, address,"
	    " municipality_code, municipality_name, email, phone)"
	    " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", 6, p)) == NULL ||
	    (id = db_get(r, 0, "id")) == NULL) {
		adm_dberr(a, "facility");
		goto out;
	}
	if (adm_audit(a, "cli.facility.add", "facility", id, name) == -1 ||
	    adm_commit(a) == -1)
		goto out;
	printf("%s\n", id);
	rc = 0;
out:
	PQclear(r);
	if (rc != 0)
		db_rollback(a->db);
	return rc;
}

int
cmd_facility_list(struct adm *a, int argc, char **argv)
{
	static const char *const cols[] = { "id", "name", "municipality",
	    "email", "status", NULL };
	int		 rc;

	if ((rc = adm_parse(a, argc, argv, adm_noopts)) != -1)
		return rc;
	if (adm_connect(a, 1) == -1)
		return 1;
	return adm_table(a, "SELECT id, name,"
	    " municipality_name || ' (' || municipality_code || ')'"
	    " AS municipality, email, status FROM facility ORDER BY id",
	    0, NULL, cols);
}

/* --- passwords ------------------------------------------------------- */

static struct termios		adm_tio;
static volatile sig_atomic_t	adm_tio_saved;

/* A signal while echo is off must not leave the terminal that way. */
static void
adm_tio_signal(int sig)
{
	if (adm_tio_saved)
		(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &adm_tio);
	(void)raise(sig);	/* SA_RESETHAND: now the default action */
}

/* One line of stdin into buf (n bytes): 0, or -1 with a message.  The
 * whole line is consumed even when too long, so nothing is left over
 * for the next prompt. */
static int
adm_readline(const struct adm *a, char *buf, size_t n)
{
	size_t	 len = 0;
	int	 c, bad = 0, toolong = 0;

	while ((c = getc(stdin)) != EOF && c != '\n') {
		if (c == '\0')
			bad = 1;
		if (len + 1 >= n)
			toolong = 1;
		else
			buf[len++] = (char)c;
	}
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	buf[len] = '\0';
	if (c == EOF && ferror(stdin)) {
		adm_errx(a, "cannot read the password: %s", strerror(errno));
		return -1;
	}
	if (bad || toolong) {
		adm_errx(a, "password: %s", bad ? "contains a NUL byte" :
		    "too long");
		return -1;
	}
	return 0;
}

static int
adm_readpw_tty(const struct adm *a, const char *prompt, char *buf,
    size_t n)
{
	struct termios		 t;
	struct sigaction	 sa, old[3];
	static const int	 sigs[3] = { SIGINT, SIGTERM, SIGHUP };
	int			 i, rc;

	if (tcgetattr(STDIN_FILENO, &adm_tio) == -1) {
		adm_errx(a, "terminal: %s", strerror(errno));
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = adm_tio_signal;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < 3; i++)
		(void)sigaction(sigs[i], &sa, &old[i]);
	adm_tio_saved = 1;
	t = adm_tio;
	t.c_lflag &= ~(tcflag_t)ECHO;
	t.c_lflag |= ECHONL;
	fprintf(stderr, "%s", prompt);
	fflush(stderr);
	if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &t) == -1) {
		adm_errx(a, "terminal: %s", strerror(errno));
		rc = -1;
	} else
		rc = adm_readline(a, buf, n);
	(void)tcsetattr(STDIN_FILENO, TCSAFLUSH, &adm_tio);
	adm_tio_saved = 0;
	for (i = 0; i < 3; i++)
		(void)sigaction(sigs[i], &old[i], NULL);
	return rc;
}

/* The new password: one line of stdin, or typed twice on a terminal
 * with echo off.  At least ADM_PW_MIN characters (UTF-8 counted as
 * characters, not bytes). */
static int
adm_readpw(const struct adm *a, char *pw, size_t n)
{
	char	 again[ADM_PW_MAX + 2];
	size_t	 i, chars = 0;
	int	 rc = -1;

	if (isatty(STDIN_FILENO)) {
		if (adm_readpw_tty(a, "New password: ", pw, n) == -1 ||
		    adm_readpw_tty(a, "Again: ", again, sizeof(again)) == -1)
			goto out;
		if (strcmp(pw, again) != 0) {
			adm_errx(a, "the passwords do not match");
			goto out;
		}
	} else if (adm_readline(a, pw, n) == -1)
		goto out;
	for (i = 0; pw[i] != '\0'; i++)
		if (((unsigned char)pw[i] & 0xc0) != 0x80)
			chars++;
	if (chars == 0) {
		adm_errx(a, "no password given on standard input");
		goto out;
	}
	if (chars < ADM_PW_MIN) {
		adm_errx(a, "the password must have at least %d characters",
		    ADM_PW_MIN);
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(again, sizeof(again));
	if (rc == -1)
		OPENSSL_cleanse(pw, n);
	return rc;
}

/* Read and hash: the plaintext lives only in this frame. */
static int
adm_newhash(const struct adm *a, char hash[AUTH_HASH_MAX])
{
	char	 pw[ADM_PW_MAX + 2];
	int	 rc = -1;

	if (adm_readpw(a, pw, sizeof(pw)) == -1)
		goto out;
	if (auth_hash_password(pw, AUTH_PBKDF2_ITER, hash,
	    AUTH_HASH_MAX) == -1) {
		adm_errx(a, "cannot hash the password");
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(pw, sizeof(pw));
	return rc;
}

/* --- account --------------------------------------------------------- */

enum adm_role {
	ROLE_STAFF,
	ROLE_FACILITY_ADMIN,
	ROLE_OPERATOR,
	ROLE__MAX
};

static const char *const adm_roles[ROLE__MAX] = {
	"staff",		/* ROLE_STAFF */
	"facility-admin",	/* ROLE_FACILITY_ADMIN */
	"operator",		/* ROLE_OPERATOR */
};

/* Looks a facility up in the current transaction: 0 found, -1 with a
 * message. */
static int
adm_facility_exists(struct adm *a, const char *id)
{
	const char	*p[1] = { id };
	PGresult	*r;
	int		 n;

	if ((r = db_exec(a->db, "SELECT 1 FROM facility WHERE id = $1::bigint",
	    1, p)) == NULL) {
		adm_dberr(a, "facility");
		return -1;
	}
	n = PQntuples(r);
	PQclear(r);
	if (n != 1) {
		adm_errx(a, "no facility with id %s", id);
		return -1;
	}
	return 0;
}

/* --role, repeatable: arg is the int[ROLE__MAX] of the roles given. */
static int
adm_role(struct adm *a, const char *s, void *arg)
{
	int	*roles = arg;
	int	 i;

	for (i = 0; i < ROLE__MAX; i++)
		if (strcmp(s, adm_roles[i]) == 0)
			break;
	if (i == ROLE__MAX) {
		adm_errx(a, "--role: staff, facility-admin or operator: %s",
		    s);
		return adm_usage(a, 1);
	}
	roles[i] = 1;
	return -1;
}

int
cmd_account_add(struct adm *a, int argc, char **argv)
{
	const char		*fac_s = NULL, *login = NULL, *name = NULL,
				*kana = NULL, *prof = NULL, *email = NULL, *id;
	int			 roles[ROLE__MAX] = { 0 }, placeholder = 0;
	const struct adm_opt	 opts[] = {
		{ "facility", .val = &fac_s, .required = 1 },
		{ "login", .val = &login, .required = 1 },
		{ "name", .val = &name, .required = 1 },
		{ "kana", .val = &kana },
		{ "profession", .val = &prof },
		{ "email", .val = &email },
		{ "placeholder", .flag = &placeholder },
		{ "role", .fn = adm_role, .arg = roles },
		{ NULL }
	};
	const char		*p[11];
	const struct db_error	*e;
	char			 fac[24], hash[AUTH_HASH_MAX] = "";
	char			 ph[64], rolelist[48];
	int			 rc;
	long long		 facid;
	PGresult		*r = NULL;

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	rc = 1;
	if (email != NULL && placeholder) {
		adm_errx(a, "--email and --placeholder exclude each other");
		return adm_usage(a, 1);
	}
	if (!roles[ROLE_STAFF] && !roles[ROLE_FACILITY_ADMIN] &&
	    !roles[ROLE_OPERATOR])
		roles[ROLE_STAFF] = 1;
	if (adm_num(a, "--facility", fac_s, 1, INT64_MAX, &facid) == -1 ||
	    adm_valid(a, "--login", login, req_v_login, 3, 64) == -1 ||
	    adm_valid(a, "--name", name, req_v_line, 1, 100) == -1 ||
	    adm_valid(a, "--kana", kana, req_v_line, 0, 100) == -1 ||
	    adm_valid(a, "--profession", prof, req_v_line, 0, 50) == -1 ||
	    adm_email(a, email) == -1)
		return 2;
	snprintf(fac, sizeof(fac), "%lld", facid);
	if (placeholder) {
		/* Mail to it goes to the facility's representative address;
		 * the random part keeps it unique among live accounts. */
		if (account_placeholder(fac, ph, sizeof(ph)) == -1) {
			adm_errx(a, "no random bytes");
			return 1;
		}
		email = ph;
	}
	snprintf(rolelist, sizeof(rolelist), "%s%s%s%s%s",
	    roles[ROLE_STAFF] ? "staff" : "",
	    roles[ROLE_STAFF] && (roles[ROLE_FACILITY_ADMIN] ||
	    roles[ROLE_OPERATOR]) ? "," : "",
	    roles[ROLE_FACILITY_ADMIN] ? "facility-admin" : "",
	    roles[ROLE_FACILITY_ADMIN] && roles[ROLE_OPERATOR] ? "," : "",
	    roles[ROLE_OPERATOR] ? "operator" : "");

	/* The password first: a prompt must not hold a transaction open. */
	if (adm_newhash(a, hash) == -1)
		goto out;
	if (adm_connect(a, 1) == -1 || db_begin(a->db) == -1 ||
	    adm_facility_exists(a, fac) == -1)
		goto out;
	p[0] = fac;
	p[1] = login;
	p[2] = name;
	p[3] = kana != NULL ? kana : "";
	p[4] = prof != NULL ? prof : "";
	p[5] = email;
	p[6] = placeholder ? "t" : "f";
	p[7] = hash;
	p[8] = roles[ROLE_STAFF] ? "t" : "f";
	p[9] = roles[ROLE_FACILITY_ADMIN] ? "t" : "f";
	p[10] = roles[ROLE_OPERATOR] ? "t" : "f";
	if ((r = db_exec(a->db, "INSERT INTO account (facility_id, login, name,"
	    " kana, profession, email, email_is_placeholder, password_hash,"
	    " is_staff, is_facility_admin, is_operator) VALUES ($1::bigint,"
	    " $2, $3, $4, $5, $6, $7::boolean, $8, $9::boolean,"
	    " $10::boolean, $11::boolean) RETURNING id", 11, p)) == NULL ||
	    (id = db_get(r, 0, "id")) == NULL) {
		e = db_last_error();
		if (strcmp(e->sqlstate, "23505") == 0 &&
		    strcmp(e->constraint, "account_login_live") == 0)
			adm_errx(a, "login ID already in use: %s", login);
		else if (strcmp(e->sqlstate, "23505") == 0 &&
		    strcmp(e->constraint, "account_email_live") == 0)
			adm_errx(a, "e-mail address already in use: %s",
			    email);
		else
			adm_dberr(a, "account");
		goto out;
	}
	if (adm_audit(a, "cli.account.add", "account", id, rolelist) == -1 ||
	    adm_commit(a) == -1)
		goto out;
	printf("%s\n", id);
	rc = 0;
out:
	PQclear(r);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (rc != 0)
		db_rollback(a->db);
	return rc;
}

/* The list commands with an optional --facility ID: the rows of sql
 * ($1: the facility id, or NULL for all) as a table of cols. */
int
adm_list_facility(struct adm *a, int argc, char **argv, const char *sql,
    const char *const *cols)
{
	const char		*fac_s = NULL, *p[1] = { NULL };
	const struct adm_opt	 opts[] = {
		{ "facility", .val = &fac_s },
		{ NULL }
	};
	char			 fac[24];
	long long		 facid;
	int			 rc;

	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	if (fac_s != NULL) {
		if (adm_num(a, "--facility", fac_s, 1, INT64_MAX,
		    &facid) == -1)
			return 2;
		snprintf(fac, sizeof(fac), "%lld", facid);
		p[0] = fac;
	}
	if (adm_connect(a, 1) == -1)
		return 1;
	return adm_table(a, sql, 1, p, cols);
}

int
cmd_account_list(struct adm *a, int argc, char **argv)
{
	static const char *const cols[] = { "id", "login", "name",
	    "facility", "roles", "locked", "deleted", NULL };

	return adm_list_facility(a, argc, argv, "SELECT a.id, a.login, a.name,"
	    " f.id || ' ' || f.name AS facility,"
	    " concat_ws(',', CASE WHEN a.is_staff THEN 'staff' END,"
	    "  CASE WHEN a.is_facility_admin THEN 'facility-admin' END,"
	    "  CASE WHEN a.is_operator THEN 'operator' END) AS roles,"
	    " CASE WHEN a.locked_until > now() THEN 'locked' ELSE '-' END"
	    "  AS locked,"
	    " CASE WHEN a.deleted_at IS NOT NULL THEN 'deleted' ELSE '-' END"
	    "  AS deleted"
	    " FROM account a JOIN facility f ON f.id = a.facility_id"
	    " WHERE $1::bigint IS NULL OR a.facility_id = $1::bigint"
	    " ORDER BY a.id", cols);
}

/* --login L, required, alone or with --help. */
static int
adm_login_opt(struct adm *a, int argc, char **argv, const char **login)
{
	const struct adm_opt	 opts[] = {
		{ "login", .val = login, .required = 1 },
		{ NULL }
	};
	int			 rc;

	*login = NULL;
	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	if (adm_valid(a, "--login", *login, req_v_login, 3, 64) == -1)
		return 2;
	return -1;	/* go on */
}

int
cmd_account_unlock(struct adm *a, int argc, char **argv)
{
	const char	*login, *p[1], *id;
	PGresult	*r = NULL;
	int		 rc;

	if ((rc = adm_login_opt(a, argc, argv, &login)) != -1)
		return rc;
	rc = 1;
	p[0] = login;
	if (adm_connect(a, 1) == -1 || db_begin(a->db) == -1)
		goto out;
	if ((r = db_exec(a->db, "UPDATE account SET fail_count = 0,"
	    " fail_window_start = NULL, locked_until = NULL"
	    " WHERE lower(login) = lower($1) AND deleted_at IS NULL"
	    " RETURNING id", 1, p)) == NULL) {
		adm_dberr(a, "account");
		goto out;
	}
	if ((id = db_get(r, 0, "id")) == NULL) {
		adm_errx(a, "no live account with login ID %s", login);
		goto out;
	}
	if (adm_audit(a, "cli.account.unlock", "account", id, NULL) == -1 ||
	    adm_commit(a) == -1)
		goto out;
	printf("unlocked %s\n", login);
	rc = 0;
out:
	PQclear(r);
	if (rc != 0)
		db_rollback(a->db);
	return rc;
}

int
cmd_account_passwd(struct adm *a, int argc, char **argv)
{
	const char	*login, *p[2], *id;
	char		 hash[AUTH_HASH_MAX] = "", detail[48];
	PGresult	*r = NULL, *s = NULL;
	int		 rc;

	if ((rc = adm_login_opt(a, argc, argv, &login)) != -1)
		return rc;
	rc = 1;
	if (adm_newhash(a, hash) == -1)
		goto out;
	p[0] = login;
	p[1] = hash;
	if (adm_connect(a, 1) == -1 || db_begin(a->db) == -1)
		goto out;
	if ((r = db_exec(a->db, "UPDATE account SET password_hash = $2"
	    " WHERE lower(login) = lower($1) AND deleted_at IS NULL"
	    " RETURNING id", 2, p)) == NULL) {
		adm_dberr(a, "account");
		goto out;
	}
	if ((id = db_get(r, 0, "id")) == NULL) {
		adm_errx(a, "no live account with login ID %s", login);
		goto out;
	}
	/* Whoever knew the old password must not stay logged in. */
	p[0] = id;
	if ((s = db_exec(a->db, "UPDATE session SET ended_at = now(),"
	    " end_reason = 'password changed'"
	    " WHERE account_id = $1::bigint AND ended_at IS NULL",
	    1, p)) == NULL) {
		adm_dberr(a, "session");
		goto out;
	}
	snprintf(detail, sizeof(detail), "%s sessions ended",
	    PQcmdTuples(s));
	if (adm_audit(a, "cli.account.passwd", "account", id, detail) == -1 ||
	    adm_commit(a) == -1)
		goto out;
	printf("password set for %s (%s)\n", login, detail);
	rc = 0;
out:
	PQclear(r);
	PQclear(s);
	OPENSSL_cleanse(hash, sizeof(hash));
	if (rc != 0)
		db_rollback(a->db);
	return rc;
}

