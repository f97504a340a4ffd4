/* /home: who is logged in, navigation, and the マニュアル tab. */
#include "config.h"

#include <string.h>

#include "app.h"
#include "db.h"
#include "tmpl.h"

static void
page_home(struct app *a)
{
	struct tmpl_home t;

	if (app_audit(a, "home.view", NULL, NULL, NULL, "success",
	    NULL) == -1) {
		/* No page without its audit event. */
		app_error(a, db_lost(a->db) ? 503 : 500,
		    "ただいま利用できません", "しばらく待ってから、もう一度"
		    "お試しください。");
		return;
	}
	memset(&t, 0, sizeof(t));
	t.user_name = a->user.name;
	t.profession = a->user.profession;
	t.facility_name = a->user.facility_name;
	t.last_login = a->user.last_login;
	app_layout_begin(a, "ホーム");
	tmpl_home(&a->body, &t);
	app_layout_end(a);
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
