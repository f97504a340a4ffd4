/* /operator/stats: usage at a glance for the operator (事務局) -- the
 * facilities taking part inside and outside the service area, the live
 * staff accounts, the patients under support, and for each of the last
 * 24 months (Japan time) the new patient registrations and the
 * messages, as bar charts drawn here in SVG (no script) over a table of
 * the same numbers; each figure also as CSV (/operator/stats.csv?kind=).
 * Only counts leave the database, each counted by its own statement. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cfg.h"
#include "csv.h"
#include "db.h"
#include "operator.h"
#include "tmpl.h"

#define STATS_MONTHS	24

/* Facilities in use inside and outside the service area ($1: its
 * municipality code), and the suspended ones. */
static const char sql_facilities[] =
    "SELECT count(*) FILTER (WHERE status = 'active'"
    "  AND municipality_code = $1) AS inside,"
    " count(*) FILTER (WHERE status = 'active'"
    "  AND municipality_code <> $1) AS outside,"
    " count(*) FILTER (WHERE status = 'suspended') AS suspended"
    " FROM facility";

/* Live accounts with the staff role (利用者). */
static const char sql_staff[] =
    "SELECT count(*) AS n FROM account"
    " WHERE deleted_at IS NULL AND is_staff";

/* Under support: the patient's team has a member. */
static const char sql_patients[] =
    "SELECT count(*) AS n FROM patient p WHERE EXISTS (SELECT 1"
    " FROM team t JOIN team_member m ON m.team_id = t.id"
    " WHERE t.patient_id = p.id)";

/* The last 24 months in Japan time, oldest first, the current one last,
 * each present (0 when nothing happened): patients registered and
 * messages posted (withdrawn ones too: they were posted). */
static const char sql_monthly[] =
    "WITH m AS (SELECT generate_series("
    "  date_trunc('month', now() AT TIME ZONE 'Asia/Tokyo')"
    "  - interval '23 months',"
    "  date_trunc('month', now() AT TIME ZONE 'Asia/Tokyo'),"
    "  interval '1 month') AS month),"
    " s AS (SELECT min(month) AT TIME ZONE 'Asia/Tokyo' AS since FROM m),"
    " p AS (SELECT date_trunc('month', created_at AT TIME ZONE"
    "  'Asia/Tokyo') AS month, count(*) AS n FROM patient, s"
    "  WHERE created_at >= s.since GROUP BY 1),"
    " g AS (SELECT date_trunc('month', created_at AT TIME ZONE"
    "  'Asia/Tokyo') AS month, count(*) AS n FROM message, s"
    "  WHERE created_at >= s.since GROUP BY 1)"
    " SELECT to_char(m.month, 'YYYY-MM') AS month,"
    " extract(year FROM m.month)::int AS year,"
    " extract(month FROM m.month)::int AS mon,"
    " coalesce(p.n, 0) AS patients, coalesce(g.n, 0) AS messages"
    " FROM m LEFT JOIN p USING (month) LEFT JOIN g USING (month)"
    " ORDER BY m.month";

enum stats_kind {
	STATS_SUMMARY,
	STATS_PATIENTS,
	STATS_MESSAGES,
	STATS__MAX
};

/* The CSV of each ?kind=; the monthly ones' column of sql_monthly and
 * the chart's title and unit. */
static const struct stats_csv {
	const char	*kind;
	const char	*file;
	const char	*col;
	const char	*title;
	const char	*unit;
} stats_csv[STATS__MAX] = {
	/* STATS_SUMMARY */	{ "summary", "stats-summary.csv", NULL,
				  "参加の状況", NULL },
	/* STATS_PATIENTS */	{ "patients", "stats-patients.csv",
				  "patients", "新規の患者登録", "人" },
	/* STATS_MESSAGES */	{ "messages", "stats-messages.csv",
				  "messages", "メッセージの投稿", "件" },
};

struct stats {
	PGresult	*fac;
	PGresult	*staff;
	PGresult	*pat;
	PGresult	*mon;
};

static void
stats_free(struct stats *s)
{
	PQclear(s->fac);
	PQclear(s->staff);
	PQclear(s->pat);
	PQclear(s->mon);
	memset(s, 0, sizeof(*s));
}

/* Every figure and the event (action, detail) in one transaction, one
 * round trip for the counts; 0, or -1 after the error page. */
static int
stats_read(struct app *a, struct stats *s, const char *action,
    const char *detail)
{
	const char	*p[1] = { cfg_get(CFG_MUNICIPALITY_CODE) };

	memset(s, 0, sizeof(*s));
	if (db_begin(a->db) == -1 ||
	    db_keep(a->db, &s->fac, sql_facilities, 1, p) == -1 ||
	    db_keep(a->db, &s->staff, sql_staff, 0, NULL) == -1 ||
	    db_keep(a->db, &s->pat, sql_patients, 0, NULL) == -1 ||
	    (s->mon = db_exec(a->db, sql_monthly, 0, NULL)) == NULL ||
	    s->fac == NULL || PQntuples(s->fac) != 1 ||
	    s->staff == NULL || PQntuples(s->staff) != 1 ||
	    s->pat == NULL || PQntuples(s->pat) != 1 ||
	    PQntuples(s->mon) != STATS_MONTHS ||
	    app_audit(a, action, NULL, NULL, NULL, "success", detail) == -1 ||
	    db_commit(a->db) == -1) {
		stats_free(s);
		app_dberr(a);
		return -1;
	}
	return 0;
}

/* "2026年4月" of a monthly row. */
static void
stats_month(const PGresult *r, int i, char *b, size_t n)
{
	snprintf(b, n, "%s年%s月", db_get(r, i, "year"), db_get(r, i, "mon"));
}

/* --- the charts -------------------------------------------------------- */

/* The drawing, in the viewBox's units (0 0 510 240): the plot between
 * x 52 and 484 (room for a year on its right), y 10 (the axis' top)
 * and 200 (zero); a month's slot is 18 wide with a bar of 12 in its
 * middle (the template's width). */
#define CH_LEFT		52
#define CH_SLOT		18
#define CH_TOP		10
#define CH_ZERO		200

/* The axis' top: the smallest of 2, 4, 6, 8, 10 times a power of ten
 * that is at least max, so that its half is a whole number too. */
static long long
chart_top(long long max)
{
	long long	 p = 1, d;

	for (;;) {
		for (d = 2; d <= 10; d += 2)
			if (d * p >= max)
				return d * p;
		p *= 10;
	}
}

struct chart_text {
	char	 x[12], y[12], h[12], lx[12], label[12], year[16], title[64];
};

static void
chart_draw(struct app *a, const PGresult *r, enum stats_kind k)
{
	const struct stats_csv		*c = &stats_csv[k];
	struct tmpl_operator_stats_chart	 t;
	struct tmpl_operator_stats_chart_bars	 bars[STATS_MONTHS];
	struct tmpl_operator_stats_chart_ticks	 ticks[3];
	struct chart_text	 tx[STATS_MONTHS];
	char		 tick[3][2][24], first[32], last[32], most[32];
	char		 desc[512], url[64], label[32];
	long long	 v[STATS_MONTHS], max = 0, top, sum = 0;
	int		 i, imax = 0, mon;

	for (i = 0; i < STATS_MONTHS; i++) {
		v[i] = strtoll(db_get(r, i, c->col), NULL, 10);
		sum += v[i];
		if (v[i] > max) {
			max = v[i];
			imax = i;
		}
	}
	top = chart_top(max);
	memset(&t, 0, sizeof(t));
	memset(bars, 0, sizeof(bars));
	memset(ticks, 0, sizeof(ticks));
	for (i = 0; i < STATS_MONTHS; i++) {
		/* v[i] <= top: 0..190 */
		int h = (int)((v[i] * (CH_ZERO - CH_TOP) + top / 2) / top);

		mon = atoi(db_get(r, i, "mon"));
		snprintf(tx[i].x, sizeof(tx[i].x), "%d",
		    CH_LEFT + i * CH_SLOT + 3);
		snprintf(tx[i].y, sizeof(tx[i].y), "%d", CH_ZERO - h);
		snprintf(tx[i].h, sizeof(tx[i].h), "%d", h);
		snprintf(tx[i].lx, sizeof(tx[i].lx), "%d",
		    CH_LEFT + i * CH_SLOT + CH_SLOT / 2);
		snprintf(tx[i].label, sizeof(tx[i].label), "%d", mon);
		snprintf(tx[i].year, sizeof(tx[i].year), "%s年",
		    db_get(r, i, "year"));
		stats_month(r, i, label, sizeof(label));
		snprintf(tx[i].title, sizeof(tx[i].title), "%s: %lld%s",
		    label, v[i], c->unit);
		bars[i].x = tx[i].x;
		bars[i].y = tx[i].y;
		bars[i].height = tx[i].h;
		bars[i].lx = tx[i].lx;
		bars[i].label = tx[i].label;
		bars[i].title = tx[i].title;
		/* The year under January, and under the first month
		 * unless January follows too closely for both (a year
		 * is about two slots wide at a phone's font size). */
		bars[i].has_year = mon == 1 || (i == 0 && mon <= 10);
		bars[i].year = tx[i].year;
	}
	for (i = 0; i < 3; i++) {
		int y = CH_ZERO - i * (CH_ZERO - CH_TOP) / 2;

		snprintf(tick[i][0], sizeof(tick[i][0]), "%d", y);
		snprintf(tick[i][1], sizeof(tick[i][1]), "%lld", top * i / 2);
		ticks[i].y = tick[i][0];
		ticks[i].label = tick[i][1];
	}
	stats_month(r, 0, first, sizeof(first));
	stats_month(r, STATS_MONTHS - 1, last, sizeof(last));
	stats_month(r, imax, most, sizeof(most));
	if (max > 0)
		snprintf(desc, sizeof(desc), "%sから%sまでの%dか月の棒グラフ。"
		    "合計%lld%s、最も多い月は%sの%lld%s。月ごとの数は"
		    "「月ごとの数」の表にあります。", first, last,
		    STATS_MONTHS, sum, c->unit, most, max, c->unit);
	else
		snprintf(desc, sizeof(desc), "%sから%sまでの%dか月の棒グラフ。"
		    "どの月も0%sです。", first, last, STATS_MONTHS, c->unit);
	snprintf(url, sizeof(url), "/operator/stats.csv?kind=%s", c->kind);
	t.id = c->kind;
	t.title = c->title;
	t.desc = desc;
	t.csv_url = url;
	t.bars = bars;
	t.bars_n = STATS_MONTHS;
	t.ticks = ticks;
	t.ticks_n = 3;
	tmpl_operator_stats_chart(&a->body, &t);
}

/* --- the page ---------------------------------------------------------- */

void
operator_stats(struct app *a)
{
	struct tmpl_operator_stats		 t;
	struct tmpl_operator_stats_months	 m;
	struct tmpl_operator_stats_months_months rows[STATS_MONTHS];
	struct stats	 s;
	char		 area[256], label[STATS_MONTHS][32], total[24];
	char		 first[32], last[32], ptot[24], mtot[24];
	long long	 pt = 0, mt, in, out;
	int		 i;

	if (!operator_allowed(a) ||
	    stats_read(a, &s, "operator.stats.view", NULL) == -1)
		return;
	snprintf(area, sizeof(area), "%s（%s）",
	    cfg_get(CFG_MUNICIPALITY_NAME), cfg_get(CFG_MUNICIPALITY_CODE));
	in = strtoll(db_get(s.fac, 0, "inside"), NULL, 10);
	out = strtoll(db_get(s.fac, 0, "outside"), NULL, 10);
	snprintf(total, sizeof(total), "%lld", in + out);
	stats_month(s.mon, 0, first, sizeof(first));
	stats_month(s.mon, STATS_MONTHS - 1, last, sizeof(last));
	memset(&t, 0, sizeof(t));
	t.area = area;
	t.inside = db_get(s.fac, 0, "inside");
	t.outside = db_get(s.fac, 0, "outside");
	t.total = total;
	t.suspended = db_get(s.fac, 0, "suspended");
	t.staff = db_get(s.staff, 0, "n");
	t.patients = db_get(s.pat, 0, "n");
	t.first = first;
	t.last = last;
	memset(rows, 0, sizeof(rows));
	for (i = 0, mt = 0; i < STATS_MONTHS; i++) {
		/* Newest first in the table, as people read it. */
		int j = STATS_MONTHS - 1 - i;

		stats_month(s.mon, j, label[i], sizeof(label[i]));
		rows[i].month = label[i];
		rows[i].patients = db_get(s.mon, j, "patients");
		rows[i].messages = db_get(s.mon, j, "messages");
		pt += strtoll(rows[i].patients, NULL, 10);
		mt += strtoll(rows[i].messages, NULL, 10);
	}
	snprintf(ptot, sizeof(ptot), "%lld", pt);
	snprintf(mtot, sizeof(mtot), "%lld", mt);
	memset(&m, 0, sizeof(m));
	m.months = rows;
	m.months_n = STATS_MONTHS;
	m.patients = ptot;
	m.messages = mtot;
	app_layout_begin(a, "利用状況");
	tmpl_operator_stats(&a->body, &t);
	chart_draw(a, s.mon, STATS_PATIENTS);
	chart_draw(a, s.mon, STATS_MESSAGES);
	tmpl_operator_stats_months(&a->body, &m);
	app_layout_end(a);
	stats_free(&s);
}

/* --- the CSV ----------------------------------------------------------- */

void
operator_stats_csv(struct app *a, const char *kind)
{
	const struct stats_csv	*c = NULL;
	struct stats	 s;
	struct buf	 csv;
	char		 total[24];
	int		 i;

	if (!operator_allowed(a))
		return;
	for (i = 0; kind != NULL && i < STATS__MAX; i++)
		if (strcmp(kind, stats_csv[i].kind) == 0)
			c = &stats_csv[i];
	if (c == NULL) {
		app_error(a, 400, "ページの指定が正しくありません",
		    "ダウンロードするCSVの種類の指定が正しくありません。"
		    "利用状況の画面のリンクから開き直してください。");
		return;
	}
	if (stats_read(a, &s, "operator.stats.export", c->kind) == -1)
		return;
	memset(&csv, 0, sizeof(csv));
	buf_puts(&csv, CSV_BOM);
	if (c->col == NULL) {
		snprintf(total, sizeof(total), "%lld",
		    strtoll(db_get(s.fac, 0, "inside"), NULL, 10) +
		    strtoll(db_get(s.fac, 0, "outside"), NULL, 10));
		csv_cell(&csv, "項目", 0);
		csv_cell(&csv, "数", 1);
		csv_cell(&csv, "参加事業所（サービス区域内）", 0);
		csv_cell(&csv, db_get(s.fac, 0, "inside"), 1);
		csv_cell(&csv, "参加事業所（サービス区域外）", 0);
		csv_cell(&csv, db_get(s.fac, 0, "outside"), 1);
		csv_cell(&csv, "参加事業所（合計）", 0);
		csv_cell(&csv, total, 1);
		csv_cell(&csv, "利用停止中の事業所", 0);
		csv_cell(&csv, db_get(s.fac, 0, "suspended"), 1);
		csv_cell(&csv, "利用者アカウント", 0);
		csv_cell(&csv, db_get(s.staff, 0, "n"), 1);
		csv_cell(&csv, "支援中の患者さん", 0);
		csv_cell(&csv, db_get(s.pat, 0, "n"), 1);
	} else {
		csv_cell(&csv, "月", 0);
		csv_cell(&csv, c->title, 1);
		for (i = 0; i < STATS_MONTHS; i++) {
			csv_cell(&csv, db_get(s.mon, i, "month"), 0);
			csv_cell(&csv, db_get(s.mon, i, c->col), 1);
		}
	}
	stats_free(&s);
	if (csv.oom || app_download(a, "text/csv; charset=utf-8", c->file,
	    csv.p, csv.len) == -1)
		app_error(a, 500, "エラー", "もう一度お試しください。");
	buf_free(&csv);
}
