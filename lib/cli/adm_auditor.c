/* renrakucho-admin auditor add/list/remove: an auditor's own database
 * role, a member of renrakucho_auditor (its grants: the audit trail,
 * the documented columns, the auditor functions of
 * schema/functions/auditor.sql), so that pgaudit logs each auditor's
 * statements under their own name and each auditor function call is
 * audited as db:<name>.
 *
 * Role settings are not inherited, so each new role gets the auditor
 * role's own (search_path, timezone) and pgaudit.log = 'all'.  The
 * password never reaches the server: libpq turns it into a SCRAM
 * verifier (PQencryptPasswordConn), which CREATE ROLE stores, so neither
 * pgaudit nor log_statement can log it.  Auditors connect to PostgreSQL
 * directly, not through pgbouncer (README, "The audit trail"). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "db.h"
#include "adm.h"

#define AUD_NAME_MIN	3
#define AUD_NAME_MAX	31
#define AUD_PW_MAX	258	/* adm_account.c's limit and its newline */
#define AUD_GEN_BYTES	18	/* 144 bits: 24 characters of base64url */

/* Role r is a direct member of renrakucho_auditor: what auditor add
 * made (a superuser, a member of everything, is not one). */
#define AUD_MEMBER	"EXISTS (SELECT 1 FROM pg_auth_members m" \
	" JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid" \
	" AND g.rolname = 'renrakucho_auditor')"

/* [a-z][a-z0-9_]{2,30}, and not a name of the project's roles
 * (renrakucho_*), PostgreSQL's (pg_*) or its superuser's. */
static int
aud_name(const struct adm *a, const char *s)
{
	size_t	 i, len = strlen(s);

	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (i > 0 && ((s[i] >= '0' && s[i] <= '9') || s[i] == '_'))))
			break;
	if (len < AUD_NAME_MIN || len > AUD_NAME_MAX || i != len) {
		adm_errx(a, "NAME: 3 to 31 of a-z, 0-9 and _, starting with a"
		    " letter: %s", s);
		return -1;
	}
	if (strncmp(s, "renrakucho", 10) == 0 || strncmp(s, "pg_", 3) == 0 ||
	    strcmp(s, "postgres") == 0 || strcmp(s, "public") == 0) {
		adm_errx(a, "NAME: %s is reserved", s);
		return -1;
	}
	return 0;
}

/* "VERB SUB NAME [options]": the name, then the options as adm_parse
 * takes them (argv[1] dropped).  -1 to go on, else the exit status. */
static int
aud_operand(struct adm *a, int argc, char **argv,
    const struct adm_opt *opts, const char **name)
{
	int	 rc;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2 && strcmp(argv[1], "--help") == 0)
			return adm_usage(a, 0);
		return adm_usage(a, 1);
	}
	*name = argv[1];
	argv[1] = argv[0];
	if ((rc = adm_parse(a, argc - 1, argv + 1, opts)) != -1)
		return rc;
	if (aud_name(a, *name) == -1)
		return 2;
	return adm_ready(a) == -1 ? 1 : -1;
}

/* A random password of base64url characters into pw (n bytes). */
static int
aud_generate(const struct adm *a, char *pw, size_t n)
{
	unsigned char	 raw[AUD_GEN_BYTES];
	size_t		 i;

	if (n < 4 * AUD_GEN_BYTES / 3 + 1 || RAND_bytes(raw,
	    sizeof(raw)) != 1) {
		adm_errx(a, "cannot make a random password");
		return -1;
	}
	EVP_EncodeBlock((unsigned char *)pw, raw, sizeof(raw));
	for (i = 0; pw[i] != '\0'; i++)
		if (pw[i] == '+')
			pw[i] = '-';
		else if (pw[i] == '/')
			pw[i] = '_';
	OPENSSL_cleanse(raw, sizeof(raw));
	return 0;
}

/* Whether name is a role, and whether a member of renrakucho_auditor:
 * 0 no role, 1 a role that is not an auditor, 2 an auditor; -1. */
static int
aud_kind(struct adm *a, const char *name)
{
	const char *const p[] = { name };
	PGresult	*r;
	int		 kind;

	if ((r = db_exec(a->db, "SELECT NOT r.rolsuper AND " AUD_MEMBER
	    " AS auditor FROM pg_roles r WHERE r.rolname = $1", 1,
	    p)) == NULL) {
		adm_dberr(a, "pg_roles");
		return -1;
	}
	kind = PQntuples(r) == 0 ? 0 :
	    strcmp(db_get(r, 0, "auditor"), "t") == 0 ? 2 : 1;
	PQclear(r);
	return kind;
}

/* One statement built from an identifier already checked by aud_name
 * (quoted all the same) and a constant tail. */
static int
aud_role_cmd(struct adm *a, const char *head, const char *name,
    const char *tail)
{
	char	*id, *sql;
	size_t	 n;
	int	 rc = -1;

	if ((id = PQescapeIdentifier(a->db, name, strlen(name))) == NULL) {
		adm_errx(a, "cannot quote %s", name);
		return -1;
	}
	n = strlen(head) + strlen(id) + strlen(tail) + 3;
	if ((sql = malloc(n)) == NULL) {
		adm_errx(a, "out of memory");
		goto out;
	}
	snprintf(sql, n, "%s %s %s", head, id, tail);
	rc = db_cmd(a->db, sql, 0, NULL);
	if (rc == -1)
		adm_dberr(a, head);
	OPENSSL_cleanse(sql, n);
	free(sql);
out:
	PQfreemem(id);
	return rc;
}

int
cmd_auditor_add(struct adm *a, int argc, char **argv)
{
	const char		*name = NULL;
	int			 generate = 0, rc;
	const struct adm_opt	 opts[] = {
		{ "generate", .flag = &generate },
		{ NULL }
	};
	char			 pw[AUD_PW_MAX], *verifier = NULL;
	char			*lit = NULL, tail[1024];

	if ((rc = aud_operand(a, argc, argv, opts, &name)) != -1)
		return rc;
	rc = 1;
	memset(pw, 0, sizeof(pw));
	if ((generate ? aud_generate(a, pw, sizeof(pw)) :
	    adm_readpw(a, pw, sizeof(pw))) == -1)
		goto out;
	if (adm_connect(a, 1) == -1)
		goto out;
	if ((verifier = PQencryptPasswordConn(a->db, pw, name,
	    "scram-sha-256")) == NULL) {
		adm_errx(a, "cannot make the SCRAM verifier: %s",
		    PQerrorMessage(a->db));
		goto out;
	}
	if ((lit = PQescapeLiteral(a->db, verifier, strlen(verifier))) ==
	    NULL || strlen(lit) > 900) {
		adm_errx(a, "cannot quote the SCRAM verifier");
		goto out;
	}
	if (db_begin(a->db) == -1) {
		adm_dberr(a, "BEGIN");
		goto out;
	}
	switch (aud_kind(a, name)) {
	case -1:
		goto out;
	case 0:
		break;
	default:
		adm_errx(a, "role %s already exists", name);
		goto out;
	}
	snprintf(tail, sizeof(tail), "LOGIN IN ROLE renrakucho_auditor"
	    " PASSWORD %s", lit);
	if (aud_role_cmd(a, "CREATE ROLE", name, tail) == -1 ||
	    aud_role_cmd(a, "ALTER ROLE", name,
	    "SET search_path = renrakucho") == -1 ||
	    aud_role_cmd(a, "ALTER ROLE", name,
	    "SET timezone = 'Asia/Tokyo'") == -1 ||
	    aud_role_cmd(a, "ALTER ROLE", name,
	    "SET statement_timeout = '5min'") == -1 ||
	    aud_role_cmd(a, "ALTER ROLE", name,
	    "SET pgaudit.log = 'all'") == -1 ||
	    adm_audit(a, "cli.auditor.add", "role", name, generate ?
	    "password generated" : "password from standard input") == -1 ||
	    adm_commit(a) == -1)
		goto out;
	if (generate)
		printf("%s\npassword (shown once): %s\n", name, pw);
	else
		printf("%s\n", name);
	rc = 0;
out:
	OPENSSL_cleanse(pw, sizeof(pw));
	OPENSSL_cleanse(tail, sizeof(tail));
	if (lit != NULL)
		PQfreemem(lit);
	if (verifier != NULL)
		PQfreemem(verifier);
	return rc;
}

int
cmd_auditor_list(struct adm *a, int argc, char **argv)
{
	static const char *const cols[] = { "name", "login", "pgaudit_log",
	    NULL };
	int	 rc;

	if ((rc = adm_parse(a, argc, argv, adm_noopts)) != -1)
		return rc;
	if (adm_connect(a, 1) == -1)
		return 1;
	/* Settings for the role in every database (setdatabase 0). */
	return adm_table(a, "SELECT r.rolname AS name,"
	    " CASE WHEN r.rolcanlogin THEN 'yes' ELSE 'no' END AS login,"
	    " coalesce((SELECT substr(c, 13) FROM pg_db_role_setting s,"
	    "  unnest(s.setconfig) c WHERE s.setrole = r.oid"
	    "  AND s.setdatabase = 0 AND c LIKE 'pgaudit.log=%'), '')"
	    "  AS pgaudit_log"
	    " FROM pg_roles r WHERE " AUD_MEMBER
	    " AND NOT r.rolsuper ORDER BY r.rolname", 0, NULL, cols);
}

int
cmd_auditor_remove(struct adm *a, int argc, char **argv)
{
	const char	*name = NULL;
	int		 rc;

	if ((rc = aud_operand(a, argc, argv, adm_noopts, &name)) != -1)
		return rc;
	if (adm_connect(a, 1) == -1 || db_begin(a->db) == -1)
		return 1;
	switch (aud_kind(a, name)) {
	case -1:
		return 1;
	case 2:
		break;
	default:
		adm_errx(a, "%s is not an auditor's role", name);
		return 1;
	}
	/* Its per-role settings go with it. */
	if (aud_role_cmd(a, "DROP ROLE", name, "") == -1 ||
	    adm_audit(a, "cli.auditor.remove", "role", name, NULL) == -1 ||
	    adm_commit(a) == -1)
		return 1;
	printf("%s removed\n", name);
	return 0;
}
