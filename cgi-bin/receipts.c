/* /teams/{id}/receipts: read receipts.  The team's person in charge
 * (担当者) sees which members have viewed each message and when, each
 * member's last view, and can export it as CSV; other members see only
 * their own status; anyone else gets 404. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "csv.h"
#include "db.h"
#include "team.h"
#include "tmpl.h"

#define RC_PAGE	30

enum key {
	KEY_BEFORE,
	KEY__MAX
};

static const struct req_key keys[KEY__MAX] = {
	/* KEY_BEFORE */	{ "before", req_v_int, 1, INT64_MAX },
};

/* The messages (newest first, below $2, at most $3 or all when NULL),
 * each with every other current member and their first view. */
static const char *const sql_lead = "SELECT id, created, author, withdrawn,"
    " excerpt, member_id, member, profession, facility, viewed, departed"
    " FROM receipts_messages($1::bigint, $2::bigint, $3::bigint)";

/* What the page's rows point into, freed after rendering. */
struct rows {
	PGresult	*r1, *r2;
	struct tmpl_receipts_page_members *mem;
	struct tmpl_receipts_page_messages *msg;
	struct tmpl_receipts_page_messages_viewed *vw;
	struct tmpl_receipts_page_messages_unviewed *uv;
	struct tmpl_receipts_page_messages_departed *dp;
	struct tmpl_receipts_page_mine *mine;
	char		 counts[RC_PAGE][3][24];
};

static void
rows_free(struct rows *w)
{
	PQclear(w->r1);
	PQclear(w->r2);
	free(w->mem);
	free(w->msg);
	free(w->vw);
	free(w->uv);
	free(w->dp);
	free(w->mine);
}

/* The members' rows, from w->r1. */
static int
lead_members(struct tmpl_receipts_page *tp, struct rows *w)
{
	int		 i, n;

	n = PQntuples(w->r1);
	if ((w->mem = calloc(n + 1, sizeof(*w->mem))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		w->mem[i].name = db_get(w->r1, i, "name");
		w->mem[i].profession = db_get(w->r1, i, "profession");
		w->mem[i].facility = db_get(w->r1, i, "facility");
		w->mem[i].role = db_get(w->r1, i, "role");
		w->mem[i].last_view = db_get(w->r1, i, "last_view");
		w->mem[i].unread = db_get(w->r1, i, "unread");
	}
	tp->members = w->mem;
	tp->members_n = n;
	return 0;
}

/* The person in charge's view: the members, then each message with
 * who has and has not viewed it; both queries go in one round trip with
 * the COMMIT. */
static int
lead_view(struct app *a, struct tmpl_receipts_page *tp, struct rows *w)
{
	const char	*p[3] = { a->team.team_id, app_val(a, KEY_BEFORE), "31" };
	struct tmpl_receipts_page_messages *m = NULL;
	const char	*id, *at, *last = NULL;
	size_t		 nv = 0, nu = 0, nd = 0, nmsg = 0;
	int		 i, n;

	if (db_keep(a->db, &w->r1, "SELECT name, profession, facility, role,"
	    " last_view, unread FROM receipts_members($1::bigint)", 1,
	    p) == -1 ||
	    (w->r2 = db_exec_commit(a->db, sql_lead, 3, p)) == NULL ||
	    w->r1 == NULL || lead_members(tp, w) == -1)
		return -1;
	n = PQntuples(w->r2);
	/* Each row is one message and one member: at most n of each. */
	if ((w->msg = calloc(RC_PAGE, sizeof(*w->msg))) == NULL ||
	    (w->vw = calloc(n + 1, sizeof(*w->vw))) == NULL ||
	    (w->uv = calloc(n + 1, sizeof(*w->uv))) == NULL ||
	    (w->dp = calloc(n + 1, sizeof(*w->dp))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		id = db_get(w->r2, i, "id");
		if (last == NULL || strcmp(id, last) != 0) {
			if (nmsg == RC_PAGE) {
				tp->has_older = 1;
				break;
			}
			m = &w->msg[nmsg++];
			m->created = db_get(w->r2, i, "created");
			m->author = db_get(w->r2, i, "author");
			m->withdrawn = *db_get(w->r2, i, "withdrawn") == 't';
			m->excerpt = db_get(w->r2, i, "excerpt");
			m->viewed = &w->vw[nv];
			m->unviewed = &w->uv[nu];
			m->departed = &w->dp[nd];
			tp->older = last = id;
		}
		if (db_get(w->r2, i, "member_id") == NULL)
			continue;	/* nobody else in the team */
		if ((at = db_get(w->r2, i, "viewed")) != NULL) {
			w->vw[nv].name = db_get(w->r2, i, "member");
			w->vw[nv++].at = at;
			m->viewed_n++;
		} else if (*db_get(w->r2, i, "departed") == 't') {
			/* Left the team: apart, never as unread. */
			w->dp[nd++].name = db_get(w->r2, i, "member");
			m->departed_n++;
		} else {
			w->uv[nu++].name = db_get(w->r2, i, "member");
			m->unviewed_n++;
		}
	}
	for (i = 0; i < (int)nmsg; i++) {
		m = &w->msg[i];
		snprintf(w->counts[i][0], sizeof(w->counts[i][0]), "%zu",
		    m->viewed_n);
		snprintf(w->counts[i][1], sizeof(w->counts[i][1]), "%zu",
		    m->unviewed_n);
		snprintf(w->counts[i][2], sizeof(w->counts[i][2]), "%zu",
		    m->departed_n);
		m->viewed_count = w->counts[i][0];
		m->unviewed_count = w->counts[i][1];
		m->departed_count = w->counts[i][2];
		m->has_departed = m->departed_n > 0;
		m->has_viewed = m->viewed_n > 0;
		m->has_unviewed = m->unviewed_n > 0;
	}
	tp->messages = w->msg;
	tp->messages_n = nmsg;
	tp->has_messages = nmsg > 0;
	return 0;
}

/* Any other member: their own first view of each message, in the
 * transaction's last query (COMMIT). */
static int
member_view(struct app *a, struct tmpl_receipts_page *tp, struct rows *w)
{
	const char	*p[3] = { a->team.team_id, app_val(a, KEY_BEFORE),
	    a->user.account_id };
	const char	*v;
	int		 i, n;

	w->r1 = db_exec_commit(a->db, "SELECT id, created, author, excerpt,"
	    " mine, viewed FROM receipts_mine($1::bigint, $2::bigint,"
	    " $3::bigint)", 3, p);
	if (w->r1 == NULL)
		return -1;
	n = PQntuples(w->r1);
	if ((w->mine = calloc(n + 1, sizeof(*w->mine))) == NULL)
		return -1;
	if (n > RC_PAGE) {
		tp->has_older = 1;
		n = RC_PAGE;
	}
	for (i = 0; i < n; i++) {
		w->mine[i].created = db_get(w->r1, i, "created");
		w->mine[i].author = db_get(w->r1, i, "author");
		w->mine[i].excerpt = db_get(w->r1, i, "excerpt");
		v = db_get(w->r1, i, "viewed");
		w->mine[i].status = *db_get(w->r1, i, "mine") == 't' ?
		    "自分の投稿" : v != NULL ? v : "未読";
		tp->older = db_get(w->r1, i, "id");
	}
	tp->mine = w->mine;
	tp->mine_n = n;
	tp->has_messages = n > 0;
	return 0;
}

static void
page_receipts(struct app *a)
{
	struct tmpl_receipts_page tp;
	const struct app_team *t = &a->team;
	struct rows	 w;
	char		 title[400];
	int		 rc;

	if (app_refuse_invalid(a, KEY_BEFORE))
		return;
	memset(&w, 0, sizeof(w));
	memset(&tp, 0, sizeof(tp));
	if ((rc = team_open(a, "receipts.view")) == -1)
		goto err;
	if (rc == 0)
		return;
	tp.patient_name = t->patient_name;
	tp.team_id = t->team_id;
	tp.lead = t->lead;
	tp.has_newer = app_val(a, KEY_BEFORE) != NULL;
	tp.older = "";
	/* The audit event goes out with the queries, the last of which
	 * carries the COMMIT. */
	if (app_audit(a, "receipts.view", "team", t->team_id, t->patient_id,
	    "success", t->lead ? "all members" : "own status") == -1 ||
	    (t->lead ? lead_view(a, &tp, &w) : member_view(a, &tp, &w)) == -1)
		goto err;
	snprintf(title, sizeof(title), "閲覧履歴（%s）", t->patient_name);
	app_layout_begin(a, title);
	tmpl_receipts_page(&a->body, &tp);
	app_layout_end(a);
	rows_free(&w);
	return;
err:
	rows_free(&w);
	app_dberr(a);
}

static void
page_csv(struct app *a)
{
	static const char *const head[] = { "メッセージID", "投稿日時",
	    "投稿者", "内容（先頭40文字）", "メンバー", "職種", "事業所",
	    "閲覧日時", "状態" };
	static const char *const cols[] = { "id", "created", "author",
	    "excerpt", "member", "profession", "facility", "viewed" };
	const struct app_team *t = &a->team;
	struct buf	 csv;
	const char	*p[3] = { a->id[0], NULL, NULL };
	PGresult	*r = NULL;
	size_t		 i;
	int		 rc, row;

	memset(&csv, 0, sizeof(csv));
	if ((rc = team_open(a, "receipts.view")) == -1)
		goto err;
	if (rc == 0)
		return;
	if (!t->lead) {
		db_rollback(a->db);
		app_audit(a, "receipts.export", "team", t->team_id,
		    t->patient_id, "denied", "not a lead");
		app_error(a, 403, "ダウンロードできません",
		    "閲覧履歴のダウンロードは、支援チームの担当者だけが"
		    "できます。");
		return;
	}
	p[0] = t->team_id;
	if ((r = db_exec(a->db, sql_lead, 3, p)) == NULL)
		goto err;
	buf_puts(&csv, CSV_BOM);
	for (i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		csv_cell(&csv, head[i], i + 1 == sizeof(head) / sizeof(head[0]));
	for (row = 0; row < PQntuples(r); row++) {
		if (db_get(r, row, "member_id") == NULL)
			continue;
		for (i = 0; i < sizeof(cols) / sizeof(cols[0]); i++)
			csv_cell(&csv, i == 3 && *db_get(r, row, "withdrawn") ==
			    't' ? "（取り消されました）" : db_get(r, row, cols[i]),
			    0);
		csv_cell(&csv, db_get(r, row, "viewed") != NULL ? "閲覧済み" :
		    *db_get(r, row, "departed") == 't' ? "退会済み" : "未閲覧", 1);
	}
	if (csv.oom ||
	    app_audit(a, "receipts.export", "team", t->team_id, t->patient_id,
	    "success", "csv") == -1 || db_commit(a->db) == -1 ||
	    app_download(a, "text/csv; charset=utf-8", "receipts.csv",
	    csv.p, csv.len) == -1)
		goto err;
	PQclear(r);
	buf_free(&csv);
	return;
err:
	PQclear(r);
	buf_free(&csv);
	app_dberr(a);
}

static const struct app_page pages[] = {
	{ "/teams/#/receipts", APP_GET, APP_TEAM, page_receipts },
	{ "/teams/#/receipts/export.csv", APP_GET, APP_TEAM, page_csv },
};

int
main(void)
{
	return app_main("receipts", pages, sizeof(pages) / sizeof(pages[0]),
	    keys, KEY__MAX, 1024);
}
