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
#include "facility.h"
#include "req.h"
#include "adm.h"

#define ADM_PW_MIN		8	/* characters */
#define ADM_PW_MAX		PASSWORD_MAX_BYTES	/* bytes */

/* --- facility -------------------------------------------------------- */

/* One --option of the facility: the web form's check and message. */
static int
adm_facility_opt(const struct adm *a, const char *what,
    enum facility_field i, const char *s)
{
	const char	*msg;

	if ((msg = facility_check(i, s)) == NULL)
		return 0;
	if (s != NULL)
		adm_errx(a, "%s: %s: %s", what, msg, s);
	else
		adm_errx(a, "%s: %s", what, msg);
	return -1;
}

int
cmd_facility_add(struct adm *a, int argc, char **argv)
{
	struct facility		 f;
	const struct adm_opt	 opts[] = {
		{ "name", .val = &f.v[FACILITY_F_NAME], .required = 1 },
		{ "municipality-code", .val = &f.v[FACILITY_F_MCODE],
		    .required = 1 },
		{ "municipality", .val = &f.v[FACILITY_F_MNAME],
		    .required = 1 },
		{ "email", .val = &f.v[FACILITY_F_EMAIL], .required = 1 },
		{ "address", .val = &f.v[FACILITY_F_ADDRESS] },
		{ "phone", .val = &f.v[FACILITY_F_PHONE] },
		{ NULL }
	};
	static const char *const what[FACILITY_F__MAX] = {
		"--name", "--address", "--municipality",
		"--municipality-code", "--email", "--phone",
	};
	char			 id[24];
	int			 rc;
	size_t			 i;

	memset(&f, 0, sizeof(f));
	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	for (i = 0; i < FACILITY_F__MAX; i++)
		if (adm_facility_opt(a, what[i], i, f.v[i]) == -1)
			return 2;

	rc = 1;
	if (adm_connect(a, 1) == -1 || db_begin(a->db) == -1)
		goto out;
	if (facility_add(a->db, &f, id, sizeof(id)) == -1) {
		adm_dberr(a, "facility");
		goto out;
	}
	if (adm_audit(a, "cli.facility.add", "facility", id,
	    f.v[FACILITY_F_NAME]) == -1 || adm_commit(a) == -1)
		goto out;
	printf("%s\n", id);
	rc = 0;
out:
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
 * with echo off, not empty. */
static int
adm_readpw_any(const struct adm *a, char *pw, size_t n)
{
	char	 again[ADM_PW_MAX + 2];
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
	if (pw[0] == '\0') {
		adm_errx(a, "no password given on standard input");
		goto out;
	}
	rc = 0;
out:
	OPENSSL_cleanse(again, sizeof(again));
	if (rc == -1)
		OPENSSL_cleanse(pw, n);
	return rc;
}

/* An auditor's database role password: at least ADM_PW_MIN characters
 * (UTF-8 counted as characters, not bytes).  An account's password
 * follows the password policy instead (adm_newhash). */
int
adm_readpw(const struct adm *a, char *pw, size_t n)
{
	size_t	 i, chars = 0;

	if (adm_readpw_any(a, pw, n) == -1)
		return -1;
	for (i = 0; pw[i] != '\0'; i++)
		if (((unsigned char)pw[i] & 0xc0) != 0x80)
			chars++;
	if (chars < ADM_PW_MIN) {
		adm_errx(a, "the password must have at least %d characters",
		    ADM_PW_MIN);
		OPENSSL_cleanse(pw, n);
		return -1;
	}
	return 0;
}

/* Read, check by the password policy (password_check) and hash: the
 * plaintext lives only in this frame. */
int
adm_newhash(const struct adm *a, const char *login, char hash[AUTH_HASH_MAX])
{
	char		 pw[PASSWORD_MAX_BYTES + 2];
	const char	*why;
	int		 rc = -1;

	if (adm_readpw_any(a, pw, sizeof(pw)) == -1)
		goto out;
	if ((why = password_check(pw, login)) != NULL) {
		adm_errx(a, "password: %s", why);
		goto out;
	}
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

/* One --option of an account: the staff form's check and message. */
static int
adm_account_opt(const struct adm *a, const char *what, enum account_field i,
    const char *s)
{
	const char	*msg;

	if ((msg = account_check(i, s)) == NULL)
		return 0;
	adm_errx(a, "%s: %s: %s", what, msg, s);
	return -1;
}

int
cmd_account_add(struct adm *a, int argc, char **argv)
{
	const char		*fac_s = NULL;
	struct account_new	 n;
	int			 roles[ROLE__MAX] = { 0 }, own = 0;
	const struct adm_opt	 opts[] = {
		{ "facility", .val = &fac_s, .required = 1 },
		{ "login", .val = &n.login, .required = 1 },
		{ "name", .val = &n.name, .required = 1 },
		{ "kana", .val = &n.kana },
		{ "profession", .val = &n.profession },
		{ "email", .val = &n.email },
		{ "placeholder", .flag = &n.placeholder },
		{ "role", .fn = adm_role, .arg = roles },
		{ "own-password", .flag = &own },
		{ NULL }
	};
	char			 fac[24], id[24], hash[AUTH_HASH_MAX] = "";
	char			 ph[64], rolelist[48];
	int			 rc;
	long long		 facid;

	memset(&n, 0, sizeof(n));
	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	rc = 1;
	if (n.email != NULL && n.placeholder) {
		adm_errx(a, "--email and --placeholder exclude each other");
		return adm_usage(a, 1);
	}
	if (!roles[ROLE_STAFF] && !roles[ROLE_FACILITY_ADMIN] &&
	    !roles[ROLE_OPERATOR])
		roles[ROLE_STAFF] = 1;
	if (adm_num(a, "--facility", fac_s, 1, INT64_MAX, &facid) == -1 ||
	    adm_account_opt(a, "--login", ACCOUNT_F_LOGIN, n.login) == -1 ||
	    adm_account_opt(a, "--name", ACCOUNT_F_NAME, n.name) == -1 ||
	    adm_account_opt(a, "--kana", ACCOUNT_F_KANA, n.kana) == -1 ||
	    adm_account_opt(a, "--profession", ACCOUNT_F_PROFESSION,
	    n.profession) == -1 ||
	    adm_account_opt(a, "--email", ACCOUNT_F_EMAIL, n.email) == -1)
		return 2;
	snprintf(fac, sizeof(fac), "%lld", facid);
	if (n.placeholder) {
		/* Mail to it goes to the facility's representative address;
		 * the random part keeps it unique among live accounts. */
		if (account_placeholder(fac, ph, sizeof(ph)) == -1) {
			adm_errx(a, "no random bytes");
			return 1;
		}
		n.email = ph;
	}
	snprintf(rolelist, sizeof(rolelist), "%s%s%s%s%s",
	    roles[ROLE_STAFF] ? "staff" : "",
	    roles[ROLE_STAFF] && (roles[ROLE_FACILITY_ADMIN] ||
	    roles[ROLE_OPERATOR]) ? "," : "",
	    roles[ROLE_FACILITY_ADMIN] ? "facility-admin" : "",
	    roles[ROLE_FACILITY_ADMIN] && roles[ROLE_OPERATOR] ? "," : "",
	    roles[ROLE_OPERATOR] ? "operator" : "");
	n.facility_id = fac;
	n.password_hash = hash;
	n.is_staff = roles[ROLE_STAFF];
	n.is_facility_admin = roles[ROLE_FACILITY_ADMIN];
	n.is_operator = roles[ROLE_OPERATOR];
	/* Typed for someone else: theirs to change at the first login. */
	n.must_change = !own;

	/* The password first: a prompt must not hold a transaction open. */
	if (adm_newhash(a, n.login, hash) == -1)
		goto out;
	if (adm_connect(a, 1) == -1 || db_begin(a->db) == -1)
		goto out;
	switch (account_insert(a->db, &n, id, sizeof(id))) {
	case ACCOUNT_OK:
		break;
	case ACCOUNT_LOGIN_TAKEN:
		adm_errx(a, "--login: %s: %s", ACCOUNT_MSG_LOGIN_TAKEN,
		    n.login);
		goto out;
	case ACCOUNT_EMAIL_TAKEN:
		adm_errx(a, "--email: %s: %s", ACCOUNT_MSG_EMAIL_TAKEN,
		    n.email);
		goto out;
	case ACCOUNT_NOT_FOUND:
		adm_errx(a, "no facility with id %s", fac);
		goto out;
	default:
		adm_dberr(a, "account");
		goto out;
	}
	if (adm_audit(a, "cli.account.add", "account", id, rolelist) == -1 ||
	    adm_commit(a) == -1)
		goto out;
	printf("%s\n", id);
	rc = 0;
out:
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
	const char	*login;
	char		 id[24];
	int		 rc;

	if ((rc = adm_login_opt(a, argc, argv, &login)) != -1)
		return rc;
	rc = 1;
	if (adm_connect(a, 1) == -1 || db_begin(a->db) == -1)
		goto out;
	switch (account_unlock(a->db, NULL, login, id, sizeof(id))) {
	case 1:
		break;
	case 0:
		adm_errx(a, "no live account with login ID %s", login);
		goto out;
	default:
		adm_dberr(a, "account");
		goto out;
	}
	if (adm_audit(a, "cli.account.unlock", "account", id, NULL) == -1 ||
	    adm_commit(a) == -1)
		goto out;
	printf("unlocked %s\n", login);
	rc = 0;
out:
	if (rc != 0)
		db_rollback(a->db);
	return rc;
}

int
cmd_account_passwd(struct adm *a, int argc, char **argv)
{
	const char	*login;
	char		 hash[AUTH_HASH_MAX] = "", detail[64], id[24];
	long		 ended;
	int		 rc, own = 0;
	const struct adm_opt	 opts[] = {
		{ "login", .val = &login, .required = 1 },
		{ "own-password", .flag = &own },
		{ NULL }
	};

	login = NULL;
	if ((rc = adm_parse(a, argc, argv, opts)) != -1)
		return rc;
	if (adm_valid(a, "--login", login, req_v_login, 3, 64) == -1)
		return 2;
	rc = 1;
	if (adm_newhash(a, login, hash) == -1)
		goto out;
	if (adm_connect(a, 1) == -1 || db_begin(a->db) == -1)
		goto out;
	switch (account_set_password(a->db, NULL, login, hash, !own, NULL,
	    &ended, id, sizeof(id))) {
	case 1:
		break;
	case 0:
		adm_errx(a, "no live account with login ID %s", login);
		goto out;
	default:
		adm_dberr(a, "account");
		goto out;
	}
	snprintf(detail, sizeof(detail), "%ld sessions ended%s", ended,
	    own ? "" : "; to be changed at the next login");
	if (adm_audit(a, "cli.account.passwd", "account", id, detail) == -1 ||
	    adm_commit(a) == -1)
		goto out;
	printf("password set for %s (%s)\n", login, detail);
	rc = 0;
out:
	OPENSSL_cleanse(hash, sizeof(hash));
	if (rc != 0)
		db_rollback(a->db);
	return rc;
}
