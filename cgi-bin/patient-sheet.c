/* /patients/{id}/sheet: the shared information sheet (共有情報シート),
 * for the members of the patient's team: the items the consent wording
 * lists as shared, each section written separately, each save a new
 * version of its section (schema/018_sheet.sql), its history kept.  A
 * save names the version it was based on; when someone else saved in
 * between, nothing is stored and both texts are shown.  Part of the
 * patient CGI. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "auth.h"
#include "db.h"
#include "form.h"
#include "jtime.h"
#include "tmpl.h"
#include "wareki.h"
#include "patient.h"

/* The sections, in the order of the consent wording (and the sheet). */
static const struct section {
	const char	*key;		/* sheet_entry.section, ?section= */
	const char	*label;
	const char	*hint;
	int		 evacuation;	/* has the 要/不要/未確認 choice */
	int		 report;	/* who saved it reported it (安否情報) */
} sections[] = {
	{ "family", "家族状況", "同居している家族、キーパーソン、主な介護者、"
	  "連絡のつく家族など。", 0, 0 },
	{ "services", "サービス利用状況", "利用しているサービスと事業所（例：訪問"
	  "介護 ○○ヘルパーステーション 週3回）。", 0, 0 },
	{ "history", "疾患・既往歴", "現在の病気、これまでにかかった病気、"
	  "アレルギーなど。", 0, 0 },
	{ "adl", "身体状況（ADL）", "移動、食事、入浴、着替え、トイレなどで"
	  "できること・介助が必要なこと。", 0, 0 },
	{ "medication", "服薬状況", "飲んでいる薬、薬の管理のしかた、"
	  "飲み忘れなど。", 0, 0 },
	{ "meals", "食事摂取状況", "食事の形態、量、むせ込み、食事制限など。",
	  0, 0 },
	{ "excretion", "排せつ状況", "トイレ・おむつの使用、排便の間隔など。",
	  0, 0 },
	{ "disaster_place", "災害時の所在", "災害のときにいる場所、避難先、"
	  "連絡のつく先。", 0, 0 },
	{ "evacuation", "避難支援の要否", "支援が必要なときは、必要な支援と"
	  "支援する人。", 1, 0 },
	{ "safety", "安否情報", "災害時に確かめた安否。保存した人と日時が、"
	  "報告した人と日時として記録されます。", 0, 1 },
};
#define NSECTIONS	(sizeof(sections) / sizeof(sections[0]))

/* The evacuation choice: stored value and label. */
static const char *const evacuation[][2] = {
	{ "need", "要" },
	{ "noneed", "不要" },
	{ "unknown", "未確認" },
};
#define NEVACUATION	(sizeof(evacuation) / sizeof(evacuation[0]))

static const char *const notices[][2] = {
	{ "saved", "保存しました。" },
};

/* The patient's row of every sheet page (patient_member_row's $1, $2). */
#define SHEET_PATIENT_SQL "SELECT p.name, p.kana,"			\
	" to_char(p.birth_date, 'YYYYMMDD') AS birth, p.sex"		\
	" FROM patient p JOIN team t ON t.patient_id = p.id"		\
	" AND t.id = $2::bigint WHERE p.id = $1::bigint"

/* The columns of a section's row, e its sheet_entry, and its author. */
#define SHEET_ENTRY_COLS "e.section, e.version, e.body, e.evacuation,"	\
	" " JTIME_SQL("e.written_at") " AS written, a.name AS author,"	\
	" f.name AS facility"
#define SHEET_ENTRY_FROM " FROM sheet_entry e"				\
	" JOIN account a ON a.id = e.written_by"			\
	" JOIN facility f ON f.id = a.facility_id"

static const struct section *
section_of(const char *key)
{
	size_t	 i;

	for (i = 0; key != NULL && i < NSECTIONS; i++)
		if (strcmp(key, sections[i].key) == 0)
			return &sections[i];
	return NULL;
}

static const char *
evacuation_label(const char *v)
{
	size_t	 i;

	for (i = 0; v != NULL && i < NEVACUATION; i++)
		if (strcmp(v, evacuation[i][0]) == 0)
			return evacuation[i][1];
	return NULL;
}

/* ?section= of a page: the section, or NULL with the 404 answered (an
 * address nobody links to; nothing of the patient is read). */
static const struct section *
section_arg(struct app *a)
{
	const struct section *s = section_of(app_val(a, KEY_SECTION));

	if (s == NULL)
		app_error(a, 404, "ページが見つかりません", "お探しのページは"
		    "見つかりませんでした。アドレスをご確認ください。");
	return s;
}

/* "氏名（フリガナ）　生年月日　性別" of the patient row. */
static const char *
patient_line(const PGresult *r, char *b, size_t n)
{
	char		 birth[96];
	const char	*sex = patient_sex_label(db_get(r, 0, "sex"));

	wareki_format(strtol(db_get(r, 0, "birth"), NULL, 10), birth,
	    sizeof(birth));
	snprintf(b, n, "%s（%s）　%s生　%s", db_get(r, 0, "name"),
	    db_get(r, 0, "kana"), birth, sex != NULL ? sex : "");
	return b;
}

/* The current row of section s, in the open transaction: NULL on a
 * database error, else the result (0 rows: never written). */
static PGresult *
current_entry(struct app *a, const struct section *s)
{
	const char *const p[] = { a->id[0], s->key };

	return db_exec(a->db, "SELECT " SHEET_ENTRY_COLS SHEET_ENTRY_FROM
	    " WHERE e.patient_id = $1::bigint AND e.section = $2"
	    " ORDER BY e.version DESC LIMIT 1", 2, p);
}

void
patient_sheet_view(struct app *a)
{
	struct tmpl_patient_sheet		 t;
	struct tmpl_patient_sheet_sections	 ts[NSECTIONS];
	char		 line[800], now[JTIME_LEN], when[NSECTIONS][JTIME_LEN];
	char		 hist[NSECTIONS][80], who[NSECTIONS][700];
	const char	*p[1], *n = app_val(a, KEY_NOTICE), *v, *notice = NULL;
	PGresult	*r, *e = NULL;
	size_t		 i;
	int		 row;

	if ((r = patient_member_row(a, "sheet.view", SHEET_PATIENT_SQL)) == NULL)
		return;
	p[0] = a->id[0];
	e = db_exec(a->db, "SELECT DISTINCT ON (e.section) " SHEET_ENTRY_COLS
	    SHEET_ENTRY_FROM " WHERE e.patient_id = $1::bigint"
	    " ORDER BY e.section, e.version DESC", 1, p);
	if (e == NULL || app_audit(a, "sheet.view", "patient", a->id[0],
	    a->id[0], "success", NULL) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	memset(&t, 0, sizeof(t));
	memset(ts, 0, sizeof(ts));
	t.patient_id = a->id[0];
	t.team_id = a->team.team_id;
	t.patient = patient_line(r, line, sizeof(line));
	t.now = jtime_format(time(NULL), JTIME_MINUTE, now, sizeof(now));
	for (i = 0; n != NULL && i < sizeof(notices) / sizeof(notices[0]); i++)
		if (strcmp(n, notices[i][0]) == 0)
			notice = notices[i][1];
	for (i = 0; i < NSECTIONS; i++) {
		ts[i].key = sections[i].key;
		ts[i].label = sections[i].label;
		ts[i].patient_id = a->id[0];
		for (row = 0; row < PQntuples(e); row++)
			if (strcmp(db_get(e, row, "section"),
			    sections[i].key) == 0)
				break;
		if (row == PQntuples(e)) {
			ts[i].empty = 1;
			continue;
		}
		v = db_get(e, row, "body");
		ts[i].has_text = v != NULL && *v != '\0';
		ts[i].text = v;
		if ((v = evacuation_label(db_get(e, row, "evacuation"))) !=
		    NULL) {
			ts[i].has_choice = 1;
			ts[i].choice = v;
		}
		ts[i].written = 1;
		ts[i].meta_label = sections[i].report ? "報告" : "最終更新";
		ts[i].when = jtime_db(db_get(e, row, "written"), JTIME_MINUTE,
		    when[i], sizeof(when[i]), "");
		snprintf(who[i], sizeof(who[i]), "%s（%s）",
		    db_get(e, row, "author"), db_get(e, row, "facility"));
		ts[i].who = who[i];
		snprintf(hist[i], sizeof(hist[i]), "変更履歴（%s件）",
		    db_get(e, row, "version"));
		ts[i].history = hist[i];
	}
	t.sections = ts;
	t.sections_n = NSECTIONS;
	patient_head(a, "共有情報シート", NULL, notice);
	tmpl_patient_sheet(&a->body, &t);
	app_layout_end(a);
out:
	PQclear(e);
	PQclear(r);
}

/* What the edit form shows besides the typed text. */
struct edit_state {
	const struct section	*s;
	const PGresult		*patient;
	const PGresult		*cur;	/* the current row (or 0 rows) */
	const char		*body;	/* the textarea's text */
	const char		*choice;	/* the evacuation value checked */
	const char		*version;	/* based on; NULL: cur's */
	int			 conflict;	/* someone else saved first */
};

static void
render_edit(struct app *a, int status, const struct edit_state *st,
    const struct form *f)
{
	struct tmpl_patient_sheet_edit		 t;
	struct tmpl_patient_sheet_edit_choices	 tc[NEVACUATION];
	char		 title[200], line[800], when[JTIME_LEN], who[700];
	const char	*v;
	size_t		 i;
	int		 have = PQntuples(st->cur) == 1;

	memset(&t, 0, sizeof(t));
	snprintf(title, sizeof(title), "%sの編集", st->s->label);
	t.csrf = a->user.csrf;
	t.patient_id = a->id[0];
	t.patient = patient_line(st->patient, line, sizeof(line));
	t.section = st->s->key;
	t.label = st->s->label;
	t.hint = st->s->hint;
	t.version = st->version != NULL ? st->version :
	    have ? db_get(st->cur, 0, "version") : "0";
	t.body = st->body;
	t.body_has_error = form_err(f, KEY_SHEET_BODY) != NULL;
	t.body_error = form_err(f, KEY_SHEET_BODY);
	t.body_invalid = t.body_has_error ? "true" : "false";
	t.body_desc = t.body_has_error ? "body-hint body-error" : "body-hint";
	t.has_choice = st->s->evacuation;
	t.choice_has_error = form_err(f, KEY_EVACUATION) != NULL;
	t.choice_error = form_err(f, KEY_EVACUATION);
	for (i = 0; i < NEVACUATION; i++) {
		tc[i].value = evacuation[i][0];
		tc[i].label = evacuation[i][1];
		tc[i].checked = st->choice != NULL &&
		    strcmp(st->choice, evacuation[i][0]) == 0;
	}
	t.choices = tc;
	t.choices_n = NEVACUATION;
	t.conflict = st->conflict && have;
	if (have) {
		t.cur_when = jtime_db(db_get(st->cur, 0, "written"),
		    JTIME_MINUTE, when, sizeof(when), "");
		snprintf(who, sizeof(who), "%s（%s）",
		    db_get(st->cur, 0, "author"),
		    db_get(st->cur, 0, "facility"));
		t.cur_who = who;
		v = db_get(st->cur, 0, "body");
		t.cur_has_text = v != NULL && *v != '\0';
		t.cur_text = v;
		v = evacuation_label(db_get(st->cur, 0, "evacuation"));
		t.cur_has_choice = v != NULL;
		t.cur_choice = v;
	}
	a->status = status;
	patient_head(a, title, f, NULL);
	tmpl_patient_sheet_edit(&a->body, &t);
	app_layout_end(a);
}

/* The edit form: the section's current text (a view of patient data,
 * audited as sheet.view naming the section). */
static void
edit_get(struct app *a, const struct section *s)
{
	struct edit_state	 st;
	struct form		 f;
	PGresult		*r, *cur = NULL;

	if ((r = patient_member_row(a, "sheet.view", SHEET_PATIENT_SQL)) == NULL)
		return;
	if ((cur = current_entry(a, s)) == NULL ||
	    app_audit(a, "sheet.view", "patient", a->id[0], a->id[0],
	    "success", s->key) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	memset(&st, 0, sizeof(st));
	st.s = s;
	st.patient = r;
	st.cur = cur;
	st.body = PQntuples(cur) == 1 ? db_get(cur, 0, "body") : "";
	st.choice = PQntuples(cur) == 1 ? db_get(cur, 0, "evacuation") :
	    "unknown";
	form_init(&f, &a->req);
	render_edit(a, 200, &st, &f);
out:
	PQclear(cur);
	PQclear(r);
}

/* The posted section checked into f; the text to store in *body. */
static void
edit_check(struct app *a, const struct section *s, struct form *f,
    const char **body)
{
	const struct req_val *v = &a->req.vals[KEY_SHEET_BODY];

	form_init(f, &a->req);
	*body = "";
	if (v->present && !v->valid) {
		if (req_utf8_len(v->s, v->len) > SHEET_BODY_MAX)
			form_error(f, KEY_SHEET_BODY, NULL,
			    "2,000文字以内で入力してください。");
		else
			form_error(f, KEY_SHEET_BODY, NULL, v->err != NULL ?
			    v->err : "入力を確かめてください。");
	} else if (v->present)
		*body = v->s;
	if (s->evacuation && evacuation_label(app_val(a, KEY_EVACUATION)) ==
	    NULL)
		form_error(f, KEY_EVACUATION, "evacuation-need",
		    "避難支援の要否を「要」「不要」「未確認」から選んでください。");
	if (app_val(a, KEY_VERSION) == NULL)
		form_error(f, KEY_SHEET_BODY, NULL, "編集を始めたときの内容が"
		    "わかりません。共有情報シートから開き直してください。");
}

/* A save refused (why, for the event): the section's current row read,
 * nothing stored, a sheet.edit failure naming the section; NULL when
 * the database failed (answered). */
static PGresult *
edit_refused(struct app *a, const struct section *s, const char *why)
{
	PGresult	*cur;
	char		 detail[64];

	if ((cur = current_entry(a, s)) == NULL) {
		app_dberr(a);
		return NULL;
	}
	db_rollback(a->db);
	snprintf(detail, sizeof(detail), "%s: %s", s->key, why);
	if (app_audit(a, "sheet.edit", "patient", a->id[0], a->id[0],
	    "failure", detail) == -1) {
		PQclear(cur);
		app_dberr(a);
		return NULL;
	}
	return cur;
}

/* A save: the text, based on the version the form was opened with,
 * stored only if that is still the section's latest. */
static void
edit_post(struct app *a, const struct section *s)
{
	struct edit_state	 st;
	struct form		 f;
	char			 path[96], next[24];
	const char		*p[6], *body;
	PGresult		*r, *cur = NULL, *ins = NULL;

	if ((r = patient_member_row(a, "sheet.edit", SHEET_PATIENT_SQL)) == NULL)
		return;
	memset(&st, 0, sizeof(st));
	st.s = s;
	st.patient = r;
	st.choice = app_val(a, KEY_EVACUATION);
	edit_check(a, s, &f, &body);
	st.body = f.n > 0 ? form_text(&a->req, KEY_SHEET_BODY) : body;
	if (f.n > 0) {
		/* The form again, still based on the version it carried
		 * (the current one when it carried none). */
		if ((cur = edit_refused(a, s, "invalid input")) == NULL)
			goto out;
		st.cur = cur;
		st.version = app_val(a, KEY_VERSION);
		render_edit(a, 422, &st, &f);
		goto out;
	}
	snprintf(next, sizeof(next), "%lld",
	    (long long)a->req.vals[KEY_VERSION].num + 1);
	p[0] = a->id[0];
	p[1] = s->key;
	p[2] = next;
	p[3] = body;
	p[4] = s->evacuation ? st.choice : NULL;
	p[5] = a->user.account_id;
	/* Two saves based on the same version meet on the unique key: the
	 * second waits for the first and then stores nothing. */
	ins = db_exec(a->db, "INSERT INTO sheet_entry (patient_id, section,"
	    " version, body, evacuation, written_by)"
	    " SELECT $1::bigint, $2, $3::integer, $4, $5, $6::bigint"
	    " WHERE (SELECT coalesce(max(version), 0) FROM sheet_entry"
	    " WHERE patient_id = $1::bigint AND section = $2) = $3::integer - 1"
	    " ON CONFLICT (patient_id, section, version) DO NOTHING"
	    " RETURNING id", 6, p);
	if (ins == NULL) {
		app_dberr(a);
		goto out;
	}
	if (PQntuples(ins) == 0) {
		/* Someone else saved first: their text and mine, nothing
		 * stored. */
		if ((cur = edit_refused(a, s, "saved by someone else")) ==
		    NULL)
			goto out;
		/* Saving again now replaces their text, knowingly. */
		st.cur = cur;
		st.conflict = 1;
		form_error(&f, KEY_SHEET_BODY, NULL, "ほかの人が先にこの項目を"
		    "保存しました。あなたの入力はまだ保存されていません。");
		render_edit(a, 409, &st, &f);
		goto out;
	}
	if (app_audit(a, "sheet.edit", "patient", a->id[0], a->id[0],
	    "success", s->key) == -1 || db_commit(a->db) == -1) {
		app_dberr_say(a, "保存できませんでした", "共有情報シートは"
		    "保存されていません。もう一度お試しください。");
		goto out;
	}
	snprintf(path, sizeof(path), "/patients/%s/sheet?n=saved#%s",
	    a->id[0], s->key);
	app_redirect(a, path);
out:
	PQclear(ins);
	PQclear(cur);
	PQclear(r);
}

void
patient_sheet_edit(struct app *a)
{
	const struct section *s;

	if ((s = section_arg(a)) == NULL)
		return;
	if (a->req.method == REQ_POST)
		edit_post(a, s);
	else
		edit_get(a, s);
}

/* Every version of one section, newest first: who, when, the text. */
void
patient_sheet_history(struct app *a)
{
	struct tmpl_patient_sheet_history		 t;
	struct tmpl_patient_sheet_history_versions	*tv = NULL;
	const struct section	*s;
	char		 title[200], line[800], (*when)[JTIME_LEN] = NULL;
	char		 (*who)[700] = NULL;
	const char	*p[2], *v;
	PGresult	*r, *e = NULL;
	int		 i, n;

	if ((s = section_arg(a)) == NULL)
		return;
	if ((r = patient_member_row(a, "sheet.history", SHEET_PATIENT_SQL)) ==
	    NULL)
		return;
	p[0] = a->id[0];
	p[1] = s->key;
	e = db_exec(a->db, "SELECT " SHEET_ENTRY_COLS SHEET_ENTRY_FROM
	    " WHERE e.patient_id = $1::bigint AND e.section = $2"
	    " ORDER BY e.version DESC", 2, p);
	if (e == NULL || app_audit(a, "sheet.history", "patient", a->id[0],
	    a->id[0], "success", s->key) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	n = PQntuples(e);
	if ((tv = calloc(n + 1, sizeof(*tv))) == NULL ||
	    (when = calloc(n + 1, sizeof(*when))) == NULL ||
	    (who = calloc(n + 1, sizeof(*who))) == NULL) {
		app_error(a, 500, "エラー", "もう一度お試しください。");
		goto out;
	}
	for (i = 0; i < n; i++) {
		tv[i].version = db_get(e, i, "version");
		tv[i].current = i == 0;
		tv[i].when = jtime_db(db_get(e, i, "written"), JTIME_MINUTE,
		    when[i], sizeof(when[i]), "");
		snprintf(who[i], sizeof(who[i]), "%s（%s）",
		    db_get(e, i, "author"), db_get(e, i, "facility"));
		tv[i].who = who[i];
		tv[i].meta_label = s->report ? "報告" : "保存";
		v = db_get(e, i, "body");
		tv[i].has_text = v != NULL && *v != '\0';
		tv[i].text = v;
		v = evacuation_label(db_get(e, i, "evacuation"));
		tv[i].has_choice = v != NULL;
		tv[i].choice = v;
	}
	memset(&t, 0, sizeof(t));
	snprintf(title, sizeof(title), "%sの変更履歴", s->label);
	t.patient_id = a->id[0];
	t.patient = patient_line(r, line, sizeof(line));
	t.section = s->key;
	t.has_versions = n > 0;
	t.versions = tv;
	t.versions_n = n;
	patient_head(a, title, NULL, NULL);
	tmpl_patient_sheet_history(&a->body, &t);
	app_layout_end(a);
out:
	free(who);
	free(when);
	free(tv);
	PQclear(e);
	PQclear(r);
}
