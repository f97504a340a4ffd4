/* /home: who is logged in, navigation, and the マニュアル tab. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "db.h"
#include "tmpl.h"

/* One statement (pages.sql home_view), run by the front line: the
 * session check, the audit event, my teams (the patient's name, my
 * role, messages I have not seen, requests waiting) and, when this
 * device's certificate expires within 30 days, its day, committed in
 * the round trip that brings them: no page without its event. */
static const struct app_view home_view = {
	"SELECT h.*, " APP_SQL_VIEW_IS_STAFF("h") " AS is_staff"
	" FROM home_view($1, $2, $3, $4::inet) h", NULL
};

static void
page_home(struct app *a)
{
	struct tmpl_home	 t;
	struct tmpl_home_teams	*rows = NULL;
	struct tmpl_home_notices *notes = NULL;
	struct tmpl_home_ended	*ended = NULL;
	const PGresult		*r = a->view;
	const char		*kind, *expires = NULL;
	char			(*urls)[40] = NULL;
	int			 i, n = 0, nn = 0, ne = 0, nrows;

	/* Row 0 is the session; a row of kind 't' for each team, one of
	 * kind 'c' when this device's certificate expires soon, one of
	 * kind 'n' for each operator's notice shown now, and one of kind
	 * 'x' for each team whose support ended.  urls: by row. */
	nrows = PQntuples(r);
	rows = calloc(nrows, sizeof(*rows));
	notes = calloc(nrows, sizeof(*notes));
	ended = calloc(nrows, sizeof(*ended));
	urls = calloc(nrows, sizeof(*urls));
	if (rows == NULL || notes == NULL || ended == NULL || urls == NULL) {
		app_error(a, 500, "エラー", "もう一度お試しください。");
		goto out;
	}
	for (i = 1; i < nrows; i++) {
		if ((kind = db_get(r, i, "kind")) == NULL)
			continue;
		if (strcmp(kind, "c") == 0) {
			expires = db_get(r, i, "name");
			continue;
		}
		if (strcmp(kind, "n") == 0) {
			notes[nn].title = db_get(r, i, "name");
			notes[nn].body = db_get(r, i, "patient_name");
			nn++;
			continue;
		}
		if (strcmp(kind, "x") == 0) {
			/* A team whose support ended: 終了した支援. */
			snprintf(urls[i], sizeof(urls[i]), "/patients/%s",
			    db_get(r, i, "patient_id"));
			ended[ne].url = urls[i];
			ended[ne].patient_name = db_get(r, i, "patient_name");
			ended[ne].role = strcmp(db_get(r, i, "role"), "lead") ==
			    0 ? "担当者" : "メンバー";
			ended[ne].closed_on = db_get(r, i, "name");
			ne++;
			continue;
		}
		if (strcmp(kind, "t") != 0)
			continue;
		snprintf(urls[i], sizeof(urls[i]), "/patients/%s",
		    db_get(r, i, "patient_id"));
		rows[n].url = urls[i];
		rows[n].patient_name = db_get(r, i, "patient_name");
		rows[n].role = strcmp(db_get(r, i, "role"), "lead") == 0 ?
		    "担当者" : "メンバー";
		rows[n].unread = db_get(r, i, "unread");
		rows[n].pending = db_get(r, i, "pending");
		n++;
	}
	memset(&t, 0, sizeof(t));
	t.cert_expiring = expires != NULL;
	t.cert_expires = expires;
	t.has_notices = nn > 0;
	t.notices = notes;
	t.notices_n = nn;
	t.user_name = a->user.name;
	t.profession = a->user.profession;
	t.facility_name = a->user.facility_name;
	t.last_login = a->user.last_login[0] != '\0' ? a->user.last_login :
	    "はじめてのログインです";
	t.has_teams = n > 0;
	t.has_ended = ne > 0;
	t.ended = ended;
	t.ended_n = ne;
	t.teams = rows;
	t.teams_n = n;
	t.is_staff = a->user.is_staff;
	app_layout_begin(a, "ホーム");
	tmpl_home(&a->body, &t);
	app_layout_end(a);
out:
	free(urls);
	free(ended);
	free(notes);
	free(rows);
}

static const struct app_page pages[] = {
	{ "/home", APP_GET, APP_SESSION, page_home, .view = &home_view },
};

int
main(void)
{
	return app_main("home", pages, sizeof(pages) / sizeof(pages[0]),
	    NULL, 0, 1024);
}
