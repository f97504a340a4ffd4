/* /home: who is logged in, navigation, and the マニュアル tab. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "db.h"
#include "tmpl.h"

static void
page_home(struct app *a)
{
	const char *const p[] = { a->user.account_id };
	struct tmpl_home	 t;
	struct tmpl_home_teams	*rows = NULL;
	PGresult		*r = NULL;
	char			(*urls)[40] = NULL;
	int			 i, n;

	/* My teams: the patient's name, my role, messages I have not seen,
	 * requests waiting.  The audit event, the query and the COMMIT go
	 * in one round trip: no page without its event. */
	if (db_begin(a->db) == -1 ||
	    app_audit(a, "home.view", NULL, NULL, NULL, "success",
	    NULL) == -1 ||
	    (r = db_exec_commit(a->db, "SELECT id, name, role, pending,"
	    " unread FROM home_teams($1::bigint)", 1, p)) == NULL) {
		app_dberr(a);
		goto out;
	}
	n = PQntuples(r);
	rows = calloc(n + 1, sizeof(*rows));
	urls = calloc(n + 1, sizeof(*urls));
	if (rows == NULL || urls == NULL) {
		app_error(a, 500, "エラー", "もう一度お試しください。");
		goto out;
	}
	for (i = 0; i < n; i++) {
		snprintf(urls[i], sizeof(urls[i]), "/patients/%s",
		    db_get(r, i, "id"));
		rows[i].url = urls[i];
		rows[i].patient_name = db_get(r, i, "name");
		rows[i].role = strcmp(db_get(r, i, "role"), "lead") == 0 ?
		    "担当者" : "メンバー";
		rows[i].unread = db_get(r, i, "unread");
		rows[i].pending = db_get(r, i, "pending");
	}
	memset(&t, 0, sizeof(t));
	t.user_name = a->user.name;
	t.profession = a->user.profession;
	t.facility_name = a->user.facility_name;
	t.last_login = a->user.last_login[0] != '\0' ? a->user.last_login :
	    "はじめてのログインです";
	t.has_teams = n > 0;
	t.teams = rows;
	t.teams_n = n;
	app_layout_begin(a, "ホーム");
	tmpl_home(&a->body, &t);
	app_layout_end(a);
out:
	free(urls);
	free(rows);
	PQclear(r);
}

static const struct app_page pages[] = {
	{ "/home", APP_GET, APP_SESSION, page_home },
};

int
main(void)
{
	return app_main("home", pages, sizeof(pages) / sizeof(pages[0]),
	    NULL, 0, 1024);
}
