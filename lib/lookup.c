/* The registration lookup's hourly limit (see lookup.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cfg.h"
#include "db.h"
#include "log.h"
#include "lookup.h"

#define LOOKUP_LIMIT_DEFAULT	30
#define LOOKUP_LIMIT_MAX	100000

long
lookup_limit(void)
{
	const char	*s = cfg_get(CFG_LOOKUP_HOURLY_LIMIT);
	char		*end;
	long		 n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || n < 1 ||
	    n > LOOKUP_LIMIT_MAX) {
		log_err("lookup_hourly_limit: not a number from 1 to %d: %s;"
		    " %d used", LOOKUP_LIMIT_MAX, s, LOOKUP_LIMIT_DEFAULT);
		return LOOKUP_LIMIT_DEFAULT;
	}
	return n;
}

int
lookup_take(struct app *a, const char *action, const char *object_type,
    const char *object_id)
{
	char		 lim[24], msg[512];
	const char	*p[2];
	const char	*v;
	PGresult	*r;
	int		 ok;

	snprintf(lim, sizeof(lim), "%ld", lookup_limit());
	p[0] = a->user.account_id;
	p[1] = lim;
	if ((r = db_exec(a->db, "SELECT patient_lookup_take($1::bigint,"
	    " $2::integer) AS ok", 2, p)) == NULL)
		return -1;
	v = PQntuples(r) == 1 ? db_get(r, 0, "ok") : NULL;
	ok = v != NULL && strcmp(v, "t") == 0;
	PQclear(r);
	if (v == NULL)
		return -1;
	if (ok)
		return 1;
	/* The refused row commits with its event: the operator sees it. */
	if (app_audit(a, action, object_type, object_id, NULL, "denied",
	    "hourly limit") == -1 || db_commit(a->db) == -1)
		return -1;
	snprintf(msg, sizeof(msg), "患者さんが登録済みかどうかの確認は、1時間に"
	    "%s回までです。しばらく時間をおいてから、もう一度お試しください。"
	    "業務でこれより多く確認する必要がある場合は、事務局にお問い合わせ"
	    "ください。", lim);
	app_error(a, 429, "確認の回数が上限に達しました", msg);
	return 0;
}
