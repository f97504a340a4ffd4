/* Configuration: "key = value" lines read once per process. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "log.h"

#define CFG_LINE_MAX	1024

struct cfg_def {
	const char	*name;
	const char	*dflt;
};

static const struct cfg_def cfg_defs[CFG__MAX] = {
	/* CFG_DB_HOST */		{ "db_host", "/var/run/postgresql" },
	/* CFG_DB_PORT */		{ "db_port", "6432" },
	/* CFG_DB_NAME */		{ "db_name", "renrakucho" },
	/* CFG_DB_USER */		{ "db_user", "renrakucho_app" },
	/* CFG_DB_PASSWORD */		{ "db_password", "" },
	/* CFG_DB_OWNER_DSN */		{ "db_owner_dsn", "dbname=renrakucho" },
	/* CFG_STATEMENT_TIMEOUT_MS */	{ "statement_timeout_ms", "5000" },
	/* CFG_MUNICIPALITY_NAME */	{ "municipality_name", "島根県出雲市" },
	/* CFG_MUNICIPALITY_CODE */	{ "municipality_code", "32203" },
	/* CFG_SERVICE_NAME */		{ "service_name", "電子連絡帳" },
	/* CFG_APP_URL */		{ "app_url", "https://127.0.0.1:8443/" },
	/* CFG_PORTAL_URL */		{ "portal_url", "https://127.0.0.1:8444/" },
	/* CFG_SECRETARIAT_NAME */	{ "secretariat_name", "電子連絡帳 事務局" },
	/* CFG_SECRETARIAT_PHONE */	{ "secretariat_phone", "" },
	/* CFG_SECRETARIAT_FAX */	{ "secretariat_fax", "" },
	/* CFG_SECRETARIAT_EMAIL */	{ "secretariat_email", "" },
	/* CFG_MAIL_FROM */		{ "mail_from", "renrakucho@localhost" },
	/* CFG_SENDMAIL */		{ "sendmail", "/usr/sbin/sendmail -t -i" },
	/* CFG_CA_DIR */		{ "ca_dir", SYSCONFDIR "/renrakucho/ca" },
	/* CFG_CRL_FILE */		{ "crl_file", SYSCONFDIR "/renrakucho/crl.pem" },
	/* CFG_RELOAD_CMD */		{ "reload_cmd", "nginx -s reload" },
	/* CFG_SCHEMA_DIR */		{ "schema_dir", PKGDATADIR "/schema" },
	/* CFG_CERT_DAYS */		{ "cert_days", "730" },
	/* CFG_SIGNER_SOCKET */		{ "signer_socket",
					    "/run/renrakucho-signer/signer.sock" },
};

static char	*cfg_vals[CFG__MAX];
static int	 cfg_loaded;

static char *
cfg_trim(char *s)
{
	char	*e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

int
cfg_load_file(const char *path)
{
	FILE	*f;
	char	 line[CFG_LINE_MAX], *k, *v, *eq;
	int	 lineno = 0, rc = -1;
	size_t	 i;

	if ((f = fopen(path, "re")) == NULL) {
		log_err("%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			log_err("%s:%d: line too long", path, lineno);
			goto out;
		}
		k = cfg_trim(line);
		if (*k == '\0' || *k == '#')
			continue;
		if ((eq = strchr(k, '=')) == NULL) {
			log_err("%s:%d: expected key = value", path, lineno);
			goto out;
		}
		*eq = '\0';
		k = cfg_trim(k);
		v = cfg_trim(eq + 1);
		for (i = 0; i < CFG__MAX; i++)
			if (strcmp(k, cfg_defs[i].name) == 0)
				break;
		if (i == CFG__MAX) {
			log_err("%s:%d: unknown key %s", path, lineno, k);
			goto out;
		}
		free(cfg_vals[i]);
		if ((cfg_vals[i] = strdup(v)) == NULL)
			goto out;
	}
	cfg_loaded = 1;
	rc = 0;
out:
	fclose(f);
	return rc;
}

int
cfg_load(void)
{
	const char	*p;

	if (cfg_loaded)
		return 0;
	if ((p = getenv("RENRAKUCHO_CONF")) == NULL || *p == '\0')
		p = SYSCONFDIR "/renrakucho.conf";
	return cfg_load_file(p);
}

const char *
cfg_get(enum cfg_key k)
{
	if ((unsigned)k >= CFG__MAX)
		return "";
	return cfg_vals[k] != NULL ? cfg_vals[k] : cfg_defs[k].dflt;
}
