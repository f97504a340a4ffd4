/* /patients/new: registration in two steps (is this person registered?
 * then consent, signed document, team); /patients/{id}: the patient page
 * for team members; the consent document; team leads and leaving. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "auth.h"
#include "cfg.h"
#include "db.h"
#include "tmpl.h"
#include "upload.h"
#include "wareki.h"

#define DOC_MAX		(10 * 1024 * 1024)
#define ERR_MAX		24

enum key {
	KEY_CSRF,
	KEY_NAME,
	KEY_KANA,
	KEY_BIRTH_MODE,
	KEY_BIRTH,
	KEY_ERA,
	KEY_ERA_YEAR,
	KEY_MONTH,
	KEY_DAY,
	KEY_SEX,
	KEY_MUNI_CODE,
	KEY_MUNI_NAME,
	KEY_ADDRESS,
	KEY_CONSENT_DATE,
	KEY_SIGNER,
	KEY_PROXY_NAME,
	KEY_PROXY_REL,
	KEY_EXPLAINER,
	KEY_EXPLAINER_FAC,
	KEY_FORM_KIND,
	KEY_DOC,
	KEY_CARE_LEVEL,
	KEY_DISEASES,
	KEY_PHONE,
	KEY_EMERGENCY,
	KEY_NOTES,
	KEY_NOTICE,
	KEY__MAX
};

static const struct req_key keys[KEY__MAX] = {
	/* KEY_CSRF */		{ "csrf", req_v_token, AUTH_TOKEN_LEN, AUTH_TOKEN_LEN },
	/* KEY_NAME */		{ "name", req_v_line, 1, 100 },
	/* KEY_KANA */		{ "kana", req_v_line, 1, 100 },
	/* KEY_BIRTH_MODE */	{ "birth_mode", req_v_token, 6, 7 },
	/* KEY_BIRTH */		{ "birth", req_v_date, 18680125, 99991231 },
	/* KEY_ERA */		{ "era", req_v_token, 4, 6 },
	/* KEY_ERA_YEAR */	{ "era_year", req_v_int, 1, 99 },
	/* KEY_MONTH */		{ "birth_month", req_v_int, 1, 12 },
	/* KEY_DAY */		{ "birth_day", req_v_int, 1, 31 },
	/* KEY_SEX */		{ "sex", req_v_token, 4, 6 },
	/* KEY_MUNI_CODE */	{ "muni_code", req_v_int, 10000, 999999 },
	/* KEY_MUNI_NAME */	{ "muni_name", req_v_line, 1, 100 },
	/* KEY_ADDRESS */	{ "address", req_v_line, 1, 300 },
	/* KEY_CONSENT_DATE */	{ "consent_date", req_v_date, 20000101, 99991231 },
	/* KEY_SIGNER */	{ "signer", req_v_token, 5, 7 },
	/* KEY_PROXY_NAME */	{ "proxy_name", req_v_line, 0, 100 },
	/* KEY_PROXY_REL */	{ "proxy_rel", req_v_line, 0, 50 },
	/* KEY_EXPLAINER */	{ "explainer", req_v_line, 1, 100 },
	/* KEY_EXPLAINER_FAC */	{ "explainer_facility", req_v_line, 1, 200 },
	/* KEY_FORM_KIND */	{ "form_kind", req_v_token, 3, 4 },
	/* KEY_DOC */		{ "doc", req_v_file, 1, DOC_MAX },
	/* KEY_CARE_LEVEL */	{ "care_level", req_v_line, 0, 30 },
	/* KEY_DISEASES */	{ "diseases", req_v_multiline, 0, 1000 },
	/* KEY_PHONE */		{ "phone", req_v_line, 0, 30 },
	/* KEY_EMERGENCY */	{ "emergency", req_v_line, 0, 300 },
	/* KEY_NOTES */		{ "notes", req_v_multiline, 0, 4000 },
	/* KEY_NOTICE */	{ "n", req_v_token, 1, 16 },
};

static const char *const care_levels[] = {
	"", "非該当", "要支援1", "要支援2", "要介護1", "要介護2", "要介護3",
	"要介護4", "要介護5", "申請中", "不明",
};

static const char *const notices[][2] = {
	{ "created", "患者を登録し、支援チームを作りました。あなたが担当者です。" },
	{ "lead", "担当者を追加しました。" },
	{ "member", "担当者からメンバーに変更しました。" },
};

/* Errors of one form: per key, and in order for the summary. */
struct errs {
	const char	*key[KEY__MAX];
	struct tmpl_patient_head_errors list[ERR_MAX];
	char		 href[ERR_MAX][32];
	size_t		 n;
};

/* The step-1 data, checked (again, on step 2: hidden fields are input). */
struct ident {
	long		 ymd;
	char		 birth[32];	/* YYYY-MM-DD */
	char		 display[96];	/* 和暦 (西暦) */
	const char	*sex_label;
};

/* A value to show again in the form: the raw input if it is text. */
static const char *
raw(const struct app *a, enum key k)
{
	const struct req_val *v = &a->req.vals[k];

	if (!v->present || v->filename != NULL || strlen(v->s) != v->len ||
	    req_utf8_len(v->s, v->len) < 0)
		return "";
	return v->s;
}

static void
err_add(struct errs *e, enum key k, const char *msg)
{
	if (e->key[k] != NULL || e->n == ERR_MAX)
		return;
	e->key[k] = msg;
	snprintf(e->href[e->n], sizeof(e->href[0]), "#%s", keys[k].name);
	e->list[e->n].href = e->href[e->n];
	e->list[e->n].text = msg;
	e->n++;
}

/* A declared key that must be valid: its validator's reason, or "missing"
 * when it was not sent or empty. */
static const char *
need(struct app *a, struct errs *e, enum key k, const char *missing)
{
	const struct req_val *v = &a->req.vals[k];

	if (v->valid && v->len > 0)
		return v->s;
	err_add(e, k, !v->present || v->len == 0 || v->err == NULL ?
	    missing : v->err);
	return NULL;
}

/* An optional key: "" when absent or empty, NULL (and an error) if bad. */
static const char *
opt(struct app *a, struct errs *e, enum key k, const char *label)
{
	const struct req_val *v = &a->req.vals[k];

	if (!v->present || v->len == 0)
		return "";
	if (v->valid)
		return v->s;
	err_add(e, k, v->err != NULL ? v->err : label);
	return NULL;
}

/* Today in Japan as yyyymmdd. */
static long
today_jst(void)
{
	time_t		 t = time(NULL) + 9 * 3600;
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL)
		return 0;
	return (tm.tm_year + 1900L) * 10000 + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday;
}

/* Kana only: ひらがな, カタカナ (full- and half-width), ー, and spaces and
 * middle dots, with at least one letter. */
static int
kana_ok(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned long	 c;
	int		 letters = 0;

	while (*p != '\0') {
		if (*p < 0x80) {
			if (*p++ != ' ')
				return 0;
			continue;
		}
		if ((*p & 0xF0) != 0xE0)
			return 0;	/* all kana are 3-byte sequences */
		c = ((p[0] & 0x0FUL) << 12) | ((p[1] & 0x3FUL) << 6) |
		    (p[2] & 0x3FUL);
		p += 3;
		if (c == 0x3000 || c == 0x30FB || c == 0xFF65)
			continue;
		if ((c >= 0x3041 && c <= 0x3096) ||
		    (c >= 0x309B && c <= 0x309E) ||
		    (c >= 0x30A1 && c <= 0x30FA) ||
		    (c >= 0x30FC && c <= 0x30FE) ||
		    (c >= 0xFF66 && c <= 0xFF9F))
			letters++;
		else
			return 0;
	}
	return letters > 0;
}

static const char *
sex_label(const char *s)
{
	if (s == NULL)
		return NULL;
	if (strcmp(s, "male") == 0)
		return "男性";
	if (strcmp(s, "female") == 0)
		return "女性";
	if (strcmp(s, "other") == 0)
		return "その他";
	return NULL;
}

/* Step 1: every required datum, the birth date in either calendar, and
 * the service area.  Returns 1 when all is well. */
static int
ident_check(struct app *a, struct ident *id, struct errs *e)
{
	const char	*mode = app_val(a, KEY_BIRTH_MODE), *kana, *code;
	long		 ymd = -1;

	memset(id, 0, sizeof(*id));
	need(a, e, KEY_NAME, "氏名を入力してください。");
	kana = need(a, e, KEY_KANA, "フリガナを入力してください。");
	if (kana != NULL && !kana_ok(kana))
		err_add(e, KEY_KANA, "フリガナはひらがなかカタカナで入力して"
		    "ください。");
	if (mode != NULL && strcmp(mode, "wareki") == 0) {
		enum wareki_era	 era = wareki_era_by_key(app_val(a, KEY_ERA));

		if (era == WAREKI__MAX || app_val(a, KEY_ERA_YEAR) == NULL ||
		    app_val(a, KEY_MONTH) == NULL || app_val(a, KEY_DAY) == NULL)
			err_add(e, KEY_BIRTH, "和暦の生年月日（元号・年・月・日）"
			    "を入力してください。");
		else if ((ymd = wareki_to_ymd(era,
		    a->req.vals[KEY_ERA_YEAR].num, a->req.vals[KEY_MONTH].num,
		    a->req.vals[KEY_DAY].num)) == -1)
			err_add(e, KEY_BIRTH, "その元号にない日付です。元号の"
			    "切り替わりにご注意ください（例：昭和64年1月8日は"
			    "平成元年1月8日）。");
	} else if (app_val(a, KEY_BIRTH) != NULL)
		ymd = (long)a->req.vals[KEY_BIRTH].num;
	else
		err_add(e, KEY_BIRTH, a->req.vals[KEY_BIRTH].present &&
		    a->req.vals[KEY_BIRTH].len > 0 ? "生年月日は明治元年"
		    "（1868年1月25日）以降の実在する日付を入力してください。" :
		    "生年月日を入力してください。");
	if (ymd > today_jst()) {
		err_add(e, KEY_BIRTH, "生年月日が未来の日付です。");
		ymd = -1;
	}
	if (ymd > 0) {
		id->ymd = ymd;
		snprintf(id->birth, sizeof(id->birth), "%04ld-%02ld-%02ld",
		    ymd / 10000, ymd / 100 % 100, ymd % 100);
		wareki_format(ymd, id->display, sizeof(id->display));
	}
	if ((id->sex_label = sex_label(app_val(a, KEY_SEX))) == NULL)
		err_add(e, KEY_SEX, "性別を選んでください。");
	need(a, e, KEY_ADDRESS, "住所を入力してください。");
	code = need(a, e, KEY_MUNI_CODE, "市区町村コードを入力してください。");
	need(a, e, KEY_MUNI_NAME, "市区町村名を入力してください。");
	/* Residents only (DESIGN rule 2): the facility may be anywhere. */
	if (code != NULL && strcmp(code, cfg_get(CFG_MUNICIPALITY_CODE)) != 0) {
		static char	 msg[512];

		snprintf(msg, sizeof(msg), "この電子連絡帳に登録できるのは、"
		    "%sに住所がある方だけです。事業所は市外でも参加できますが、"
		    "患者さん（支援を受ける方）は%sの住民である必要があります。",
		    cfg_get(CFG_MUNICIPALITY_NAME),
		    cfg_get(CFG_MUNICIPALITY_NAME));
		err_add(e, KEY_MUNI_CODE, msg);
	} else if (app_val(a, KEY_MUNI_NAME) != NULL &&
	    strcmp(app_val(a, KEY_MUNI_NAME),
	    cfg_get(CFG_MUNICIPALITY_NAME)) != 0)
		err_add(e, KEY_MUNI_NAME, "市区町村コードと市区町村名が一致し"
		    "ません。");
	return e->n == 0;
}

static void
not_found(struct app *a)
{
	app_error(a, 404, "ページが見つかりません",
	    "お探しのページは見つかりませんでした。アドレスをご確認ください。");
}

static void
head(struct app *a, const char *title, const struct errs *e,
    const char *notice)
{
	struct tmpl_patient_head t;

	memset(&t, 0, sizeof(t));
	t.title = title;
	t.has_notice = notice != NULL;
	t.notice = notice;
	if (e != NULL && e->n > 0) {
		t.has_errors = 1;
		t.errors = e->list;
		t.errors_n = e->n;
	}
	app_layout_begin(a, title);
	tmpl_patient_head(&a->body, &t);
}

/* One form field's slots: value, error, aria-invalid, aria-describedby. */
#define FIELD(t, f, k, e) do {						\
	(t).f = raw(a, (k));						\
	(t).f##_has_error = (e)->key[(k)] != NULL;			\
	(t).f##_error = (e)->key[(k)];					\
	(t).f##_invalid = (e)->key[(k)] != NULL ? "true" : "false";	\
	(t).f##_desc = (e)->key[(k)] != NULL ? #f "-error" : "";	\
} while (0)

static void
render_new(struct app *a, int status, const struct errs *e)
{
	struct tmpl_patient_new		 t;
	struct tmpl_patient_new_eras	 eras[WAREKI__MAX];
	const char			*mode = raw(a, KEY_BIRTH_MODE);
	int				 i;

	memset(&t, 0, sizeof(t));
	t.csrf = a->user.csrf;
	FIELD(t, name, KEY_NAME, e);
	FIELD(t, kana, KEY_KANA, e);
	FIELD(t, birth, KEY_BIRTH, e);
	FIELD(t, address, KEY_ADDRESS, e);
	FIELD(t, muni_code, KEY_MUNI_CODE, e);
	FIELD(t, muni_name, KEY_MUNI_NAME, e);
	t.sex_has_error = e->key[KEY_SEX] != NULL;
	t.sex_error = e->key[KEY_SEX];
	if (!a->req.vals[KEY_MUNI_CODE].present)
		t.muni_code = cfg_get(CFG_MUNICIPALITY_CODE);
	if (!a->req.vals[KEY_MUNI_NAME].present)
		t.muni_name = cfg_get(CFG_MUNICIPALITY_NAME);
	t.era_year = raw(a, KEY_ERA_YEAR);
	t.birth_month = raw(a, KEY_MONTH);
	t.birth_day = raw(a, KEY_DAY);
	t.mode_wareki = strcmp(mode, "wareki") == 0;
	t.mode_seireki = !t.mode_wareki;
	for (i = 0; i < WAREKI__MAX; i++) {
		eras[i].value = wareki_era_key(i);
		eras[i].label = wareki_era_name(i);
		eras[i].selected = strcmp(raw(a, KEY_ERA), eras[i].value) == 0 ||
		    (*raw(a, KEY_ERA) == '\0' && i == WAREKI_SHOWA);
	}
	t.eras = eras;
	t.eras_n = WAREKI__MAX;
	t.sex_male = strcmp(raw(a, KEY_SEX), "male") == 0;
	t.sex_female = strcmp(raw(a, KEY_SEX), "female") == 0;
	t.sex_other = strcmp(raw(a, KEY_SEX), "other") == 0;
	t.area_name = cfg_get(CFG_MUNICIPALITY_NAME);
	t.area_code = cfg_get(CFG_MUNICIPALITY_CODE);
	a->status = status;
	head(a, "患者の登録（1/2）必須項目の確認", e, NULL);
	tmpl_patient_new(&a->body, &t);
	app_layout_end(a);
}

static void
render_consent(struct app *a, int status, const struct ident *id,
    const struct errs *e)
{
	struct tmpl_patient_consent		 t;
	struct tmpl_patient_consent_care_levels	 cl[sizeof(care_levels) /
						    sizeof(care_levels[0])];
	size_t					 i;

	memset(&t, 0, sizeof(t));
	t.csrf = a->user.csrf;
	t.name = raw(a, KEY_NAME);
	t.kana = raw(a, KEY_KANA);
	t.birth_mode = raw(a, KEY_BIRTH_MODE);
	t.birth = raw(a, KEY_BIRTH);
	t.era = raw(a, KEY_ERA);
	t.era_year = raw(a, KEY_ERA_YEAR);
	t.birth_month = raw(a, KEY_MONTH);
	t.birth_day = raw(a, KEY_DAY);
	t.sex = raw(a, KEY_SEX);
	t.muni_code = raw(a, KEY_MUNI_CODE);
	t.muni_name = raw(a, KEY_MUNI_NAME);
	t.address = raw(a, KEY_ADDRESS);
	t.birth_display = id->display;
	t.sex_label = id->sex_label;
	FIELD(t, consent_date, KEY_CONSENT_DATE, e);
	FIELD(t, proxy_name, KEY_PROXY_NAME, e);
	FIELD(t, proxy_rel, KEY_PROXY_REL, e);
	FIELD(t, explainer, KEY_EXPLAINER, e);
	FIELD(t, explainer_facility, KEY_EXPLAINER_FAC, e);
	FIELD(t, phone, KEY_PHONE, e);
	FIELD(t, emergency, KEY_EMERGENCY, e);
	FIELD(t, diseases, KEY_DISEASES, e);
	FIELD(t, notes, KEY_NOTES, e);
	t.care_level_has_error = e->key[KEY_CARE_LEVEL] != NULL;
	t.care_level_error = e->key[KEY_CARE_LEVEL];
	t.care_level_invalid = t.care_level_has_error ? "true" : "false";
	t.care_level_desc = t.care_level_has_error ? "care_level-error" : "";
	t.signer_has_error = e->key[KEY_SIGNER] != NULL;
	t.signer_error = e->key[KEY_SIGNER];
	t.form_kind_has_error = e->key[KEY_FORM_KIND] != NULL;
	t.form_kind_error = e->key[KEY_FORM_KIND];
	t.doc_has_error = e->key[KEY_DOC] != NULL;
	t.doc_error = e->key[KEY_DOC];
	t.doc_invalid = t.doc_has_error ? "true" : "false";
	t.doc_desc = t.doc_has_error ? "doc-error" : "doc-hint";
	/* The first time: the registrant explains, from their facility. */
	if (!a->req.vals[KEY_EXPLAINER].present)
		t.explainer = a->user.name;
	if (!a->req.vals[KEY_EXPLAINER_FAC].present)
		t.explainer_facility = a->user.facility_name;
	t.signer_patient = strcmp(raw(a, KEY_SIGNER), "proxy") != 0;
	t.signer_proxy = !t.signer_patient;
	t.form_city = strcmp(raw(a, KEY_FORM_KIND), "own") != 0;
	t.form_own = !t.form_city;
	for (i = 0; i < sizeof(care_levels) / sizeof(care_levels[0]); i++) {
		cl[i].value = care_levels[i];
		cl[i].label = i == 0 ? "未選択" : care_levels[i];
		cl[i].selected = strcmp(raw(a, KEY_CARE_LEVEL),
		    care_levels[i]) == 0;
	}
	t.care_levels = cl;
	t.care_levels_n = i;
	a->status = status;
	head(a, "患者の登録（2/2）同意と同意書", e, NULL);
	tmpl_patient_consent(&a->body, &t);
	app_layout_end(a);
}

/* Looks the person up (and audits the lookup) in the open transaction;
 * renders the join offer when found.  1 found, 0 not found, -1 error. */
static int
lookup(struct app *a, const struct ident *id)
{
	const char *const p[] = { app_val(a, KEY_KANA), id->birth,
	    app_val(a, KEY_SEX), a->user.account_id };
	struct tmpl_patient_found t;
	PGresult	*r;
	int		 found;

	r = db_exec(a->db, "SELECT p.id AS patient_id, t.id AS team_id,"
	    " EXISTS (SELECT 1 FROM team_member m WHERE m.team_id = t.id"
	    "  AND m.account_id = $4::bigint) AS member,"
	    " EXISTS (SELECT 1 FROM join_request j WHERE j.team_id = t.id"
	    "  AND j.account_id = $4::bigint AND j.state = 'pending')"
	    "  AS pending"
	    " FROM patient p JOIN team t ON t.patient_id = p.id"
	    " WHERE p.kana_key = kana_key($1) AND p.birth_date = $2::date"
	    " AND p.sex = $3", 4, p);
	if (r == NULL)
		return -1;
	found = PQntuples(r) == 1;
	/* The detail never names the patient; the id is for auditors. */
	if (app_audit(a, "patient.lookup", "patient",
	    found ? db_get(r, 0, "patient_id") : NULL,
	    found ? db_get(r, 0, "patient_id") : NULL, "success",
	    found ? "found" : "not found") == -1) {
		PQclear(r);
		return -1;
	}
	if (found) {
		memset(&t, 0, sizeof(t));
		t.is_member = strcmp(db_get(r, 0, "member"), "t") == 0;
		t.has_pending = strcmp(db_get(r, 0, "pending"), "t") == 0;
		t.patient_id = db_get(r, 0, "patient_id");
		t.team_id = db_get(r, 0, "team_id");
		t.csrf = a->user.csrf;
		t.kana = p[0];
		t.birth = id->birth;
		t.sex = p[2];
		t.message_invalid = "false";
		t.message_desc = "message-hint";
		head(a, "この方は登録済みです", NULL, NULL);
		tmpl_patient_found(&a->body, &t);
		app_layout_end(a);
	}
	PQclear(r);
	return found;
}

static void
page_new(struct app *a)
{
	struct errs	 e;
	struct ident	 id;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if (a->req.method != REQ_POST) {
		render_new(a, 200, &e);
		return;
	}
	if (!ident_check(a, &id, &e)) {
		if (app_val(a, KEY_MUNI_CODE) != NULL &&
		    strcmp(app_val(a, KEY_MUNI_CODE),
		    cfg_get(CFG_MUNICIPALITY_CODE)) != 0 &&
		    app_audit(a, "patient.lookup", "patient", NULL, NULL,
		    "denied", "outside the service area") == -1) {
			app_dberr(a);
			return;
		}
		render_new(a, 422, &e);
		return;
	}
	if (db_begin(a->db) == -1 || (rc = lookup(a, &id)) == -1 ||
	    db_commit(a->db) == -1) {
		app_dberr(a);
		return;
	}
	if (rc == 0)
		render_consent(a, 200, &id, &e);
}

/* The client's file name without its path, if it is decent text. */
static void
doc_name(const struct req_val *v, const char *ext, char *b, size_t n)
{
	const char	*s = v->filename, *q;
	long		 len;

	for (q = s; *q != '\0'; q++)
		if (*q == '/' || *q == '\\')
			s = q + 1;
	len = req_utf8_len(s, strlen(s));
	for (q = s; len > 0 && *q != '\0'; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7F)
			len = -1;
	if (len < 1 || len > 200)
		snprintf(b, n, "同意書%s", ext);
	else
		snprintf(b, n, "%s", s);
}

static void
page_consent(struct app *a)
{
	struct errs	 e;
	struct ident	 id;
	const struct req_val *doc = &a->req.vals[KEY_DOC];
	const char	*ctype = NULL, *signer, *form, *cl, *pn, *pr;
	const char	*p[24];
	char		 sha[65], size[24], name[256], *hex = NULL, bday[11];
	PGresult	*r = NULL;
	size_t		 i;
	int		 rc;

	memset(&e, 0, sizeof(e));
	if (!ident_check(a, &id, &e)) {
		/* Hidden fields changed on the way: start again. */
		render_new(a, 422, &e);
		return;
	}
	if (need(a, &e, KEY_CONSENT_DATE, "同意取得日を入力してください。") !=
	    NULL) {
		snprintf(bday, sizeof(bday), "%s", app_val(a, KEY_CONSENT_DATE));
		if (a->req.vals[KEY_CONSENT_DATE].num > today_jst())
			err_add(&e, KEY_CONSENT_DATE, "同意取得日が未来の日付です。");
		else if (a->req.vals[KEY_CONSENT_DATE].num < id.ymd)
			err_add(&e, KEY_CONSENT_DATE, "同意取得日が生年月日より"
			    "前です。");
	}
	signer = app_val(a, KEY_SIGNER);
	if (signer == NULL || (strcmp(signer, "patient") != 0 &&
	    strcmp(signer, "proxy") != 0))
		err_add(&e, KEY_SIGNER, "署名した人を選んでください。");
	pn = opt(a, &e, KEY_PROXY_NAME, "代理人の氏名が正しくありません。");
	pr = opt(a, &e, KEY_PROXY_REL, "続柄が正しくありません。");
	if (signer != NULL && strcmp(signer, "proxy") == 0) {
		if (pn != NULL && *pn == '\0')
			err_add(&e, KEY_PROXY_NAME, "代理人の氏名を入力して"
			    "ください。");
		if (pr != NULL && *pr == '\0')
			err_add(&e, KEY_PROXY_REL, "代理人の続柄を入力して"
			    "ください。");
	} else
		pn = pr = "";	/* not asked for: not stored */
	need(a, &e, KEY_EXPLAINER, "説明者の氏名を入力してください。");
	need(a, &e, KEY_EXPLAINER_FAC, "説明者の事業所を入力してください。");
	form = app_val(a, KEY_FORM_KIND);
	if (form == NULL || (strcmp(form, "city") != 0 &&
	    strcmp(form, "own") != 0))
		err_add(&e, KEY_FORM_KIND, "同意書の様式を選んでください。");
	if (!doc->valid || doc->len == 0)
		err_add(&e, KEY_DOC, doc->len > DOC_MAX ? "同意書のファイルは"
		    "10MBまでです。" : "署名済みの同意書のファイルを選んで"
		    "ください。");
	else if ((ctype = upload_sniff(doc->s, doc->len)) == NULL)
		err_add(&e, KEY_DOC, "同意書は PDF・JPEG・PNG のいずれかの"
		    "ファイルにしてください（ファイルの中身で判定します）。");
	cl = opt(a, &e, KEY_CARE_LEVEL, "要介護度を選び直してください。");
	for (i = 0; cl != NULL && i < sizeof(care_levels) /
	    sizeof(care_levels[0]); i++)
		if (strcmp(cl, care_levels[i]) == 0)
			break;
	if (cl != NULL && i == sizeof(care_levels) / sizeof(care_levels[0]))
		err_add(&e, KEY_CARE_LEVEL, "要介護度を選び直してください。");
	opt(a, &e, KEY_DISEASES, "主な病名が正しくありません。");
	opt(a, &e, KEY_PHONE, "電話番号が正しくありません。");
	opt(a, &e, KEY_EMERGENCY, "緊急連絡先が正しくありません。");
	opt(a, &e, KEY_NOTES, "備考が正しくありません。");
	if (e.n > 0) {
		render_consent(a, 422, &id, &e);
		return;
	}

	/* bytea travels as hex text: '\x' and two digits a byte. */
	if ((hex = malloc(doc->len * 2 + 3)) == NULL) {
		app_error(a, 500, "エラー", "もう一度お試しください。");
		return;
	}
	hex[0] = '\\';
	hex[1] = 'x';
	for (i = 0; i < doc->len; i++)
		snprintf(hex + 2 + i * 2, 3, "%02x", (unsigned char)doc->s[i]);
	auth_sha256_hex(doc->s, doc->len, sha);
	snprintf(size, sizeof(size), "%zu", doc->len);
	doc_name(doc, upload_ext(ctype), name, sizeof(name));

	p[0] = app_val(a, KEY_NAME);
	p[1] = app_val(a, KEY_KANA);
	p[2] = id.birth;
	p[3] = app_val(a, KEY_SEX);
	p[4] = app_val(a, KEY_ADDRESS);
	p[5] = app_val(a, KEY_MUNI_CODE);
	p[6] = raw(a, KEY_PHONE);
	p[7] = cl;
	p[8] = raw(a, KEY_DISEASES);
	p[9] = raw(a, KEY_EMERGENCY);
	p[10] = raw(a, KEY_NOTES);
	p[11] = a->user.account_id;
	p[12] = bday;
	p[13] = signer;
	p[14] = pn;
	p[15] = pr;
	p[16] = app_val(a, KEY_EXPLAINER);
	p[17] = app_val(a, KEY_EXPLAINER_FAC);
	p[18] = form;
	p[19] = ctype;
	p[20] = name;
	p[21] = size;
	p[22] = sha;
	p[23] = hex;
	/* Patient, consent with its document, team and the registrant as
	 * its lead: one statement, one transaction.  A second registration
	 * of the same person fails on patient_identity (23505). */
	if (db_begin(a->db) == -1)
		goto dberr;
	r = db_exec(a->db, "WITH p AS (INSERT INTO patient (name, kana,"
	    " kana_key, birth_date, sex, address, municipality_code, phone,"
	    " care_level, main_diseases, emergency_contact, notes,"
	    " registered_by) VALUES ($1, $2, kana_key($2), $3::date, $4, $5,"
	    " $6, $7, $8, $9, $10, $11, $12::bigint) RETURNING id),"
	    " c AS (INSERT INTO consent (patient_id, obtained_by, obtained_on,"
	    " signer, proxy_name, proxy_relationship, explainer_name,"
	    " explainer_facility, form_kind, doc_type, doc_name, doc_size,"
	    " doc_sha256, doc) SELECT p.id, $12::bigint, $13::date, $14, $15,"
	    " $16, $17, $18, $19, $20, $21, $22::integer, $23, $24::bytea"
	    " FROM p),"
	    " t AS (INSERT INTO team (patient_id) SELECT id FROM p"
	    " RETURNING id),"
	    " m AS (INSERT INTO team_member (team_id, account_id, role)"
	    " SELECT t.id, $12::bigint, 'lead' FROM t)"
	    " SELECT p.id AS patient_id, t.id AS team_id FROM p, t",
	    24, p);
	if (r == NULL && strcmp(db_sqlstate(), "23505") == 0) {
		/* Registered a moment ago by someone else: offer to join. */
		db_rollback(a->db);
		if (db_begin(a->db) == -1 || (rc = lookup(a, &id)) == -1 ||
		    db_commit(a->db) == -1)
			goto dberr;
		if (rc == 0)
			goto dberr;
		goto out;
	}
	if (r == NULL || PQntuples(r) != 1)
		goto dberr;
	snprintf(name, sizeof(name), "/patients/%s?n=created",
	    db_get(r, 0, "patient_id"));
	if (app_audit(a, "patient.create", "patient",
	    db_get(r, 0, "patient_id"), db_get(r, 0, "patient_id"), "success",
	    "patient, consent document, team") == -1 ||
	    db_commit(a->db) == -1)
		goto dberr;
	app_redirect(a, name);
	goto out;
dberr:
	app_dberr(a);
out:
	PQclear(r);
	free(hex);
}

/* The patient page's row for a member, in the open transaction; NULL
 * (rolled back, audited as denied, 404 rendered) for anyone else. */
static PGresult *
member_patient(struct app *a, const char *action, const char *sql)
{
	const char *const p[] = { a->id[0], a->user.account_id };
	PGresult	*r;

	if (db_begin(a->db) == -1 ||
	    (r = db_exec(a->db, sql, 2, p)) == NULL) {
		app_dberr(a);
		return NULL;
	}
	if (PQntuples(r) == 1)
		return r;
	PQclear(r);
	db_rollback(a->db);
	/* Never confirm that the id exists. */
	app_audit(a, action, "patient", a->id[0], NULL, "denied",
	    "not a team member");
	not_found(a);
	return NULL;
}

static void
page_view(struct app *a)
{
	struct tmpl_patient_view	 t;
	struct tmpl_patient_view_members *mm = NULL;
	PGresult	*r, *m = NULL;
	const char	*n = app_val(a, KEY_NOTICE), *notice = NULL;
	const char	*p[2];
	char		 birth[96], signer[256], expl[400], size[32];
	int		 i, lead;

	r = member_patient(a, "patient.view", "SELECT p.name, p.kana,"
	    " to_char(p.birth_date, 'YYYYMMDD') AS birth, p.sex, p.address,"
	    " p.municipality_code, p.phone, p.care_level, p.main_diseases,"
	    " p.emergency_contact, p.notes, t.id AS team_id, me.role,"
	    " a.name AS registered_by, to_char(p.created_at AT TIME ZONE"
	    " 'Asia/Tokyo', 'YYYY\"年\"FMMM\"月\"FMDD\"日\" HH24:MI') AS created,"
	    " to_char(c.obtained_on, 'YYYY\"年\"FMMM\"月\"FMDD\"日\"')"
	    " AS consent_date, c.signer, c.proxy_name, c.proxy_relationship,"
	    " c.explainer_name, c.explainer_facility, c.form_kind, c.doc_name,"
	    " c.doc_size, (SELECT count(*) FROM join_request j WHERE"
	    " j.team_id = t.id AND j.state = 'pending') AS pending"
	    " FROM patient p JOIN team t ON t.patient_id = p.id"
	    " JOIN team_member me ON me.team_id = t.id"
	    " AND me.account_id = $2::bigint"
	    " JOIN account a ON a.id = p.registered_by"
	    " JOIN LATERAL (SELECT * FROM consent c WHERE c.patient_id = p.id"
	    " ORDER BY c.id DESC LIMIT 1) c ON true"
	    " WHERE p.id = $1::bigint");
	if (r == NULL)
		return;
	p[0] = db_get(r, 0, "team_id");
	m = db_exec(a->db, "SELECT a.id, a.name, a.profession,"
	    " f.name AS facility, m.role FROM team_member m"
	    " JOIN account a ON a.id = m.account_id"
	    " JOIN facility f ON f.id = a.facility_id"
	    " WHERE m.team_id = $1::bigint"
	    " ORDER BY m.role = 'lead' DESC, m.joined_at, a.id", 1, p);
	if (m == NULL || app_audit(a, "patient.view", "patient", a->id[0],
	    a->id[0], "success", NULL) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	lead = strcmp(db_get(r, 0, "role"), "lead") == 0;
	if ((mm = calloc(PQntuples(m) + 1, sizeof(*mm))) == NULL) {
		app_error(a, 500, "エラー", "もう一度お試しください。");
		goto out;
	}
	for (i = 0; i < PQntuples(m); i++) {
		mm[i].name = db_get(m, i, "name");
		mm[i].profession = db_get(m, i, "profession");
		mm[i].facility = db_get(m, i, "facility");
		mm[i].role = strcmp(db_get(m, i, "role"), "lead") == 0 ?
		    "担当者" : "メンバー";
		mm[i].can_make_lead = lead &&
		    strcmp(db_get(m, i, "role"), "lead") != 0;
		mm[i].can_make_member = lead && !mm[i].can_make_lead;
		mm[i].patient_id = a->id[0];
		mm[i].account_id = db_get(m, i, "id");
		mm[i].csrf = a->user.csrf;
	}
	memset(&t, 0, sizeof(t));
	t.patient_id = a->id[0];
	t.team_id = db_get(r, 0, "team_id");
	t.pending = db_get(r, 0, "pending");
	t.name = db_get(r, 0, "name");
	t.kana = db_get(r, 0, "kana");
	t.birth = wareki_format(strtol(db_get(r, 0, "birth"), NULL, 10),
	    birth, sizeof(birth));
	t.sex = sex_label(db_get(r, 0, "sex"));
	t.address = db_get(r, 0, "address");
	t.muni_code = db_get(r, 0, "municipality_code");
	t.phone = db_get(r, 0, "phone");
	t.care_level = db_get(r, 0, "care_level");
	t.diseases = db_get(r, 0, "main_diseases");
	t.emergency = db_get(r, 0, "emergency_contact");
	t.notes = db_get(r, 0, "notes");
	t.created = db_get(r, 0, "created");
	t.registered_by = db_get(r, 0, "registered_by");
	t.consent_date = db_get(r, 0, "consent_date");
	if (strcmp(db_get(r, 0, "signer"), "proxy") == 0)
		snprintf(signer, sizeof(signer), "代理人 %s（%s）",
		    db_get(r, 0, "proxy_name"),
		    db_get(r, 0, "proxy_relationship"));
	else
		snprintf(signer, sizeof(signer), "本人");
	t.signer = signer;
	snprintf(expl, sizeof(expl), "%s（%s）", db_get(r, 0, "explainer_name"),
	    db_get(r, 0, "explainer_facility"));
	t.explainer = expl;
	t.form_kind = strcmp(db_get(r, 0, "form_kind"), "city") == 0 ?
	    "市の様式" : "事業所独自の様式";
	t.doc_name = db_get(r, 0, "doc_name");
	snprintf(size, sizeof(size), "%.1f KB",
	    strtol(db_get(r, 0, "doc_size"), NULL, 10) / 1024.0);
	t.doc_size = size;
	t.members = mm;
	t.members_n = PQntuples(m);
	for (i = 0; n != NULL && i < (int)(sizeof(notices) /
	    sizeof(notices[0])); i++)
		if (strcmp(n, notices[i][0]) == 0)
			notice = notices[i][1];
	head(a, "患者情報", NULL, notice);
	tmpl_patient_view(&a->body, &t);
	app_layout_end(a);
out:
	free(mm);
	PQclear(m);
	PQclear(r);
}

static void
page_document(struct app *a)
{
	PGresult	*r;
	const char	*type;
	unsigned char	*doc;
	size_t		 len;

	r = member_patient(a, "consent.download", "SELECT c.doc_type,"
	    " c.doc_name, c.doc FROM consent c"
	    " JOIN team t ON t.patient_id = c.patient_id"
	    " JOIN team_member m ON m.team_id = t.id"
	    " AND m.account_id = $2::bigint"
	    " WHERE c.patient_id = $1::bigint ORDER BY c.id DESC LIMIT 1");
	if (r == NULL)
		return;
	if (app_audit(a, "consent.download", "patient", a->id[0], a->id[0],
	    "success", NULL) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		PQclear(r);
		return;
	}
	/* app_download keeps the type pointer past PQclear: a constant. */
	type = upload_type(db_get(r, 0, "doc_type"));
	doc = PQunescapeBytea((const unsigned char *)db_get(r, 0, "doc"), &len);
	if (doc == NULL || type == NULL ||
	    app_download(a, type, db_get(r, 0, "doc_name"), doc, len) == -1)
		app_error(a, 500, "エラー", "もう一度お試しください。");
	PQfreemem(doc);
	PQclear(r);
}

/* Lock the team of patient id[0] if I am in it: every change of leads
 * and members goes through this row lock, so "at least one 担当者" holds
 * under concurrency.  Returns my role's row (team_id, role, leads). */
static PGresult *
team_lock(struct app *a, const char *action)
{
	const char *const p[] = { a->id[0], a->user.account_id };
	PGresult	*r;

	r = member_patient(a, action, "SELECT t.id AS team_id FROM team t"
	    " JOIN team_member m ON m.team_id = t.id"
	    " AND m.account_id = $2::bigint WHERE t.patient_id = $1::bigint"
	    " FOR UPDATE OF t");
	if (r == NULL)
		return NULL;
	PQclear(r);
	r = db_exec(a->db, "SELECT t.id AS team_id, m.role,"
	    " (SELECT count(*) FROM team_member l WHERE l.team_id = t.id"
	    " AND l.role = 'lead') AS leads FROM team t JOIN team_member m"
	    " ON m.team_id = t.id AND m.account_id = $2::bigint"
	    " WHERE t.patient_id = $1::bigint", 2, p);
	if (r == NULL || PQntuples(r) != 1) {
		PQclear(r);
		app_dberr(a);
		return NULL;
	}
	return r;
}

/* A 担当者 makes a member 担当者, or a 担当者 (themselves included) a
 * plain member again; the team keeps at least one 担当者 (the team row is
 * locked, so two demotions at once cannot both pass the count). */
static void
member_role(struct app *a, int to_lead)
{
	const char	*action = to_lead ? "team.lead" : "team.member";
	PGresult	*r;
	const char	*p[3];
	char		 path[64], team[24];

	if ((r = team_lock(a, action)) == NULL)
		return;
	if (strcmp(db_get(r, 0, "role"), "lead") != 0) {
		db_rollback(a->db);
		app_audit(a, action, "account", a->id[1], a->id[0],
		    "denied", "not a lead");
		app_error(a, 403, "この操作はできません", "担当者を変更できるのは"
		    "担当者だけです。");
		goto out;
	}
	snprintf(team, sizeof(team), "%s", db_get(r, 0, "team_id"));
	p[0] = team;
	p[1] = a->id[1];
	p[2] = to_lead ? "lead" : "member";
	if (!to_lead && strcmp(db_get(r, 0, "leads"), "1") == 0) {
		/* Only refused when the one lead would go. */
		PQclear(r);
		r = db_exec(a->db, "SELECT 1 FROM team_member WHERE team_id ="
		    " $1::bigint AND account_id = $2::bigint AND role = 'lead'",
		    2, p);
		if (r == NULL) {
			app_dberr(a);
			goto out;
		}
		if (PQntuples(r) == 1) {
			db_rollback(a->db);
			app_audit(a, action, "account", a->id[1], a->id[0],
			    "denied", "last lead");
			app_error(a, 409, "担当者を外せません", "支援チームには担当者"
			    "が一人以上必要です。先に別のメンバーを担当者にして"
			    "ください。");
			goto out;
		}
	}
	PQclear(r);
	r = db_exec(a->db, "UPDATE team_member SET role = $3"
	    " WHERE team_id = $1::bigint AND account_id = $2::bigint"
	    " RETURNING role", 3, p);
	if (r == NULL) {
		app_dberr(a);
		goto out;
	}
	if (PQntuples(r) != 1) {
		db_rollback(a->db);
		not_found(a);
		goto out;
	}
	if (app_audit(a, action, "account", a->id[1], a->id[0],
	    "success", NULL) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	snprintf(path, sizeof(path), "/patients/%s?n=%s", a->id[0],
	    to_lead ? "lead" : "member");
	app_redirect(a, path);
out:
	PQclear(r);
}

static void
page_lead(struct app *a)
{
	member_role(a, 1);
}

static void
page_member(struct app *a)
{
	member_role(a, 0);
}

static void
page_leave(struct app *a)
{
	PGresult	*r;
	const char	*p[2];

	if ((r = team_lock(a, "team.leave")) == NULL)
		return;
	if (strcmp(db_get(r, 0, "role"), "lead") == 0 &&
	    strcmp(db_get(r, 0, "leads"), "1") == 0) {
		db_rollback(a->db);
		app_audit(a, "team.leave", "patient", a->id[0], a->id[0],
		    "denied", "last lead");
		app_error(a, 409, "チームから抜けられません", "あなたはこの支援"
		    "チームのただ一人の担当者です。先に別のメンバーを担当者に"
		    "してから抜けてください。");
		goto out;
	}
	p[0] = db_get(r, 0, "team_id");
	p[1] = a->user.account_id;
	if (db_cmd(a->db, "DELETE FROM team_member WHERE team_id = $1::bigint"
	    " AND account_id = $2::bigint", 2, p) == -1 ||
	    app_audit(a, "team.leave", "patient", a->id[0], a->id[0],
	    "success", NULL) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	app_redirect(a, "/home");
out:
	PQclear(r);
}

static const struct app_page pages[] = {
	{ "/patients/new", APP_GET | APP_POST, APP_SESSION, page_new },
	{ "/patients/new/consent", APP_POST, APP_SESSION, page_consent },
	{ "/patients/#", APP_GET, APP_SESSION, page_view },
	{ "/patients/#/consent-document", APP_GET, APP_SESSION, page_document },
	{ "/patients/#/members/#/lead", APP_POST, APP_SESSION, page_lead },
	{ "/patients/#/members/#/member", APP_POST, APP_SESSION, page_member },
	{ "/patients/#/leave", APP_POST, APP_SESSION, page_leave },
};

int
main(void)
{
	/* The signed consent document (10 MiB) and the form around it. */
	return app_main("patient", pages, sizeof(pages) / sizeof(pages[0]),
	    keys, KEY__MAX, 11 * 1024 * 1024);
}
