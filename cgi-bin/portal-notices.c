/* Portal /notices: the operator's notices meant for the portal too
 * (notice.on_portal: login problems, maintenance), those current now,
 * newest first, for anyone, without a certificate; the portal's top
 * page links here.  Public text the operator wrote for the public: no
 * audit event.  It needs the database: while PostgreSQL is away it
 * answers 503 like any page (the maintenance page is nginx's own). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cfg.h"
#include "db.h"
#include "tmpl.h"

static void
page_notices(struct app *a)
{
	struct tmpl_portal_notices		 t;
	struct tmpl_portal_notices_notices	*rows = NULL;
	PGresult	*r;
	int		 i, n;

	if ((r = db_exec(a->db, "SELECT title, body FROM notice"
	    " WHERE on_portal AND withdrawn_at IS NULL"
	    " AND show_from <= now() AND now() < show_until"
	    " ORDER BY show_from DESC, id DESC LIMIT 50", 0, NULL)) == NULL) {
		app_dberr(a);
		return;
	}
	n = PQntuples(r);
	if (n > 0 && (rows = calloc((size_t)n, sizeof(*rows))) == NULL) {
		app_error(a, 500, "エラー", "もう一度お試しください。");
		goto out;
	}
	for (i = 0; i < n; i++) {
		rows[i].title = db_get(r, i, "title");
		rows[i].body = db_get(r, i, "body");
	}
	memset(&t, 0, sizeof(t));
	t.has_notices = n > 0;
	t.notices = rows;
	t.notices_n = (size_t)n;
	t.secretariat = cfg_get(CFG_SECRETARIAT_NAME);
	app_layout_begin(a, "お知らせ");
	tmpl_portal_notices(&a->body, &t);
	app_layout_end(a);
out:
	free(rows);
	PQclear(r);
}

static const struct app_page pages[] = {
	{ "/notices", APP_GET, APP_NOCERT, page_notices },
};

int
main(void)
{
	return app_main("portal-notices", pages,
	    sizeof(pages) / sizeof(pages[0]), NULL, 0, 1024);
}
