/* /logout: ends the session (POST with the CSRF token only). */
#include "config.h"

#include "app.h"
#include "db.h"

enum key {
	KEY_CSRF,
	KEY__MAX
};

static const struct req_key keys[KEY__MAX] = {
	/* KEY_CSRF */	{ "csrf", req_v_token, AUTH_TOKEN_LEN, AUTH_TOKEN_LEN },
};

static void
page_logout(struct app *a)
{
	if (db_begin(a->db) == -1 || app_session_end(a, "logout") == -1 ||
	    app_audit(a, "logout", "session", a->user.session_id, NULL,
	    "success", NULL) == -1 || db_commit(a->db) == -1) {
		app_dberr_say(a, NULL, "ログアウトできませんでした。"
		    "もう一度お試しください。");
		return;
	}
	app_redirect(a, "/login?n=logout");
}

static const struct app_page pages[] = {
	{ "/logout", APP_POST, APP_SESSION, page_logout },
};

int
main(void)
{
	return app_main("logout", pages, sizeof(pages) / sizeof(pages[0]),
	    keys, KEY__MAX, 4 * 1024);
}
