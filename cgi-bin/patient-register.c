/* /patients/new: registration in two steps (is this person registered?
 * then consent, signed document, team).  Part of the patient CGI. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "auth.h"
#include "cfg.h"
#include "db.h"
#include "form.h"
#include "jtime.h"
#include "lookup.h"
#include "tmpl.h"
#include "upload.h"
#include "wareki.h"
#include "patient.h"

const char *const patient_care_levels[] = {
	"", "非該当", "要支援1", "要支援2", "要介護1", "要介護2", "要介護3",
	"要介護4", "要介護5", "申請中", "不明",
};
const size_t patient_care_levels_n = sizeof(patient_care_levels) /
    sizeof(patient_care_levels[0]);

/* The step-1 data, checked (again, on step 2: hidden fields are input). */
struct ident {
	long		 ymd;
	char		 birth[32];	/* YYYY-MM-DD */
	char		 display[96];	/* 和暦 (西暦) */
	const char	*sex_label;
};

/* A declared key that must be valid: its validator's reason, or "missing"
 * when it was not sent or empty. */
static const char *
need(struct app *a, struct form *e, enum key k, const char *missing)
{
	const struct req_val *v = &a->req.vals[k];

	if (v->valid && v->len > 0)
		return v->s;
	form_error(e, k, NULL, !v->present || v->len == 0 || v->err == NULL ?
	    missing : v->err);
	return NULL;
}

const char *
patient_opt(struct app *a, struct form *e, enum key k, const char *label)
{
	const struct req_val *v = &a->req.vals[k];

	if (!v->present || v->len == 0)
		return "";
	if (v->valid)
		return v->s;
	form_error(e, k, NULL, v->err != NULL ? v->err : label);
	return NULL;
}

const char *
patient_signer_check(struct app *a, struct form *e, enum patient_doc_kind k,
    const char **pn, const char **pr)
{
	const char	*signer = app_val(a, KEY_SIGNER);

	if (signer == NULL || (strcmp(signer, "patient") != 0 &&
	    strcmp(signer, "proxy") != 0)) {
		form_error(e, KEY_SIGNER, NULL, k == PATIENT_DOC_CONSENT ?
		    "署名した人を選んでください。" : "申し出た人を選んでください。");
		signer = NULL;
	}
	*pn = patient_opt(a, e, KEY_PROXY_NAME, "代理人の氏名が正しくありません。");
	*pr = patient_opt(a, e, KEY_PROXY_REL, "続柄が正しくありません。");
	if (signer != NULL && strcmp(signer, "proxy") == 0) {
		if (*pn != NULL && **pn == '\0')
			form_error(e, KEY_PROXY_NAME, NULL, "代理人の氏名を入力して"
			    "ください。");
		if (*pr != NULL && **pr == '\0')
			form_error(e, KEY_PROXY_REL, NULL, "代理人の続柄を入力して"
			    "ください。");
	} else
		*pn = *pr = "";	/* not asked for: not stored */
	return signer;
}

void
patient_consent_check(struct app *a, struct form *e, long birth,
    struct patient_consent *c)
{
	memset(c, 0, sizeof(*c));
	if (need(a, e, KEY_CONSENT_DATE, "同意取得日を入力してください。") !=
	    NULL) {
		snprintf(c->date, sizeof(c->date), "%s",
		    app_val(a, KEY_CONSENT_DATE));
		if (a->req.vals[KEY_CONSENT_DATE].num > jtime_today(time(NULL)))
			form_error(e, KEY_CONSENT_DATE, NULL, "同意取得日が未来の日付です。");
		else if (a->req.vals[KEY_CONSENT_DATE].num < birth)
			form_error(e, KEY_CONSENT_DATE, NULL, "同意取得日が生年月日より"
			    "前です。");
	}
	c->signer = patient_signer_check(a, e, PATIENT_DOC_CONSENT,
	    &c->proxy_name, &c->proxy_rel);
	need(a, e, KEY_EXPLAINER, "説明者の氏名を入力してください。");
	need(a, e, KEY_EXPLAINER_FAC, "説明者の事業所を入力してください。");
	c->form_kind = app_val(a, KEY_FORM_KIND);
	if (c->form_kind == NULL || (strcmp(c->form_kind, "city") != 0 &&
	    strcmp(c->form_kind, "own") != 0)) {
		form_error(e, KEY_FORM_KIND, NULL, "同意書の様式を選んでください。");
		c->form_kind = NULL;
	}
	c->type = patient_doc_check(a, e, PATIENT_DOC_CONSENT);
}

/* The messages of patient_doc_check, per document: missing, too large,
 * not a PDF, JPEG or PNG. */
static const char *const doc_msgs[PATIENT_DOC__MAX][3] = {
	/* PATIENT_DOC_CONSENT */
	{ "署名済みの同意書のファイルを選んでください。",
	  "同意書のファイルは10MBまでです。",
	  "同意書は PDF・JPEG・PNG のいずれかのファイルにしてください"
	  "（ファイルの中身で判定します）。" },
	/* PATIENT_DOC_WITHDRAWAL */
	{ NULL,
	  "撤回の書面のファイルは10MBまでです。",
	  "撤回の書面は PDF・JPEG・PNG のいずれかのファイルにしてください"
	  "（ファイルの中身で判定します）。" },
};

const char *
patient_doc_check(struct app *a, struct form *e, enum patient_doc_kind k)
{
	const struct req_val *doc = &a->req.vals[KEY_DOC];
	const char	*type;

	if (doc->len > PATIENT_DOC_MAX) {
		form_error(e, KEY_DOC, NULL, doc_msgs[k][1]);
		return NULL;
	}
	if (!doc->valid || doc->len == 0) {
		/* Optional: nothing chosen (a browser sends an empty part). */
		if (doc_msgs[k][0] != NULL)
			form_error(e, KEY_DOC, NULL, doc_msgs[k][0]);
		return NULL;
	}
	if ((type = upload_sniff(doc->s, doc->len)) == NULL)
		form_error(e, KEY_DOC, NULL, doc_msgs[k][2]);
	return type;
}

int
patient_doc_encode(struct app *a, const char *type, const char *dflt,
    struct patient_doc *d)
{
	const struct req_val *doc = &a->req.vals[KEY_DOC];
	size_t		 i;

	/* bytea travels as hex text: '\x' and two digits a byte. */
	if ((d->hex = malloc(doc->len * 2 + 3)) == NULL)
		goto oom;
	d->hex[0] = '\\';
	d->hex[1] = 'x';
	for (i = 0; i < doc->len; i++)
		snprintf(d->hex + 2 + i * 2, 3, "%02x",
		    (unsigned char)doc->s[i]);
	d->hex[2 + doc->len * 2] = '\0';
	auth_sha256_hex(doc->s, doc->len, d->sha);
	snprintf(d->size, sizeof(d->size), "%zu", doc->len);
	if (upload_name(d->name, sizeof(d->name), doc->filename, type,
	    dflt) == NULL)
		goto oom;
	return 0;
oom:
	free(d->hex);
	d->hex = NULL;
	app_error(a, 500, "エラー", "もう一度お試しください。");
	return -1;
}

/* The registrant's "someone else" (the form on the lookup's page). */
static int
distinct(struct app *a)
{
	const char *v = app_val(a, KEY_DISTINCT);

	return v != NULL && strcmp(v, "1") == 0;
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

void
patient_name_check(struct app *a, struct form *e)
{
	const char	*kana;

	need(a, e, KEY_NAME, "氏名を入力してください。");
	kana = need(a, e, KEY_KANA, "フリガナを入力してください。");
	if (kana != NULL && !kana_ok(kana))
		form_error(e, KEY_KANA, NULL, "フリガナはひらがなかカタカナで入力して"
		    "ください。");
}

void
patient_address_check(struct app *a, struct form *e)
{
	need(a, e, KEY_ADDRESS, "住所を入力してください。");
}

const char *
patient_care_check(struct app *a, struct form *e)
{
	const char	*cl;
	size_t		 i;

	cl = patient_opt(a, e, KEY_CARE_LEVEL, "要介護度を選び直してください。");
	for (i = 0; cl != NULL && i < patient_care_levels_n; i++)
		if (strcmp(cl, patient_care_levels[i]) == 0)
			break;
	if (cl != NULL && i == patient_care_levels_n) {
		form_error(e, KEY_CARE_LEVEL, NULL, "要介護度を選び直してください。");
		cl = NULL;
	}
	patient_opt(a, e, KEY_DISEASES, "主な病名が正しくありません。");
	patient_opt(a, e, KEY_PHONE, "電話番号が正しくありません。");
	patient_opt(a, e, KEY_EMERGENCY, "緊急連絡先が正しくありません。");
	patient_opt(a, e, KEY_NOTES, "備考が正しくありません。");
	return cl;
}

/* Step 1: every required datum, the birth date in either calendar, and
 * the service area.  Returns 1 when all is well. */
static int
ident_check(struct app *a, struct ident *id, struct form *e)
{
	const char	*mode = app_val(a, KEY_BIRTH_MODE), *code;
	long		 ymd = -1;

	memset(id, 0, sizeof(*id));
	patient_name_check(a, e);
	if (mode != NULL && strcmp(mode, "wareki") == 0) {
		enum wareki_era	 era = wareki_era_by_key(app_val(a, KEY_ERA));

		if (era == WAREKI__MAX || app_val(a, KEY_ERA_YEAR) == NULL ||
		    app_val(a, KEY_MONTH) == NULL || app_val(a, KEY_DAY) == NULL)
			form_error(e, KEY_BIRTH, NULL, "和暦の生年月日（元号・年・月・日）"
			    "を入力してください。");
		else if ((ymd = wareki_to_ymd(era,
		    a->req.vals[KEY_ERA_YEAR].num, a->req.vals[KEY_MONTH].num,
		    a->req.vals[KEY_DAY].num)) == -1)
			form_error(e, KEY_BIRTH, NULL, "その元号にない日付です。元号の"
			    "切り替わりにご注意ください（例：昭和64年1月8日は"
			    "平成元年1月8日）。");
	} else if (app_val(a, KEY_BIRTH) != NULL)
		ymd = (long)a->req.vals[KEY_BIRTH].num;
	else
		form_error(e, KEY_BIRTH, NULL, a->req.vals[KEY_BIRTH].present &&
		    a->req.vals[KEY_BIRTH].len > 0 ? "生年月日は明治元年"
		    "（1868年1月25日）以降の実在する日付を入力してください。" :
		    "生年月日を入力してください。");
	if (ymd > jtime_today(time(NULL))) {
		form_error(e, KEY_BIRTH, NULL, "生年月日が未来の日付です。");
		ymd = -1;
	}
	if (ymd > 0) {
		id->ymd = ymd;
		snprintf(id->birth, sizeof(id->birth), "%04ld-%02ld-%02ld",
		    ymd / 10000, ymd / 100 % 100, ymd % 100);
		wareki_format(ymd, id->display, sizeof(id->display));
	}
	if ((id->sex_label = patient_sex_label(app_val(a, KEY_SEX))) == NULL)
		form_error(e, KEY_SEX, NULL, "性別を選んでください。");
	patient_address_check(a, e);
	code = need(a, e, KEY_MUNI_CODE, "市区町村コードを入力してください。");
	need(a, e, KEY_MUNI_NAME, "市区町村名を入力してください。");
	/* Residents only (DESIGN rule 2): the facility may be anywhere. */
	if (code != NULL && strcmp(code, cfg_get(CFG_MUNICIPALITY_CODE)) != 0) {
		static char	 msg[512];

		snprintf(msg, sizeof(msg), "%sに登録できるのは、"
		    "%sに住所がある方だけです。事業所は市外でも参加できますが、"
		    "患者さん（支援を受ける方）は%sの住民である必要があります。",
		    cfg_get(CFG_SERVICE_NAME), cfg_get(CFG_MUNICIPALITY_NAME),
		    cfg_get(CFG_MUNICIPALITY_NAME));
		form_error(e, KEY_MUNI_CODE, NULL, msg);
	} else if (app_val(a, KEY_MUNI_NAME) != NULL &&
	    strcmp(app_val(a, KEY_MUNI_NAME),
	    cfg_get(CFG_MUNICIPALITY_NAME)) != 0)
		form_error(e, KEY_MUNI_NAME, NULL, "市区町村コードと市区町村名が一致し"
		    "ません。");
	return e->n == 0;
}

static void
render_new(struct app *a, int status, const struct form *e)
{
	struct tmpl_patient_new		 t;
	struct tmpl_patient_new_eras	 eras[WAREKI__MAX];
	const char			*mode = form_text(&a->req, KEY_BIRTH_MODE);
	int				 i;

	memset(&t, 0, sizeof(t));
	t.csrf = a->user.csrf;
	FIELD(t, name, KEY_NAME, e);
	FIELD(t, kana, KEY_KANA, e);
	FIELD(t, birth, KEY_BIRTH, e);
	FIELD(t, address, KEY_ADDRESS, e);
	FIELD(t, muni_code, KEY_MUNI_CODE, e);
	FIELD(t, muni_name, KEY_MUNI_NAME, e);
	t.sex_has_error = form_err(e, KEY_SEX) != NULL;
	t.sex_error = form_err(e, KEY_SEX);
	if (!a->req.vals[KEY_MUNI_CODE].present)
		t.muni_code = cfg_get(CFG_MUNICIPALITY_CODE);
	if (!a->req.vals[KEY_MUNI_NAME].present)
		t.muni_name = cfg_get(CFG_MUNICIPALITY_NAME);
	t.era_year = form_text(&a->req, KEY_ERA_YEAR);
	t.birth_month = form_text(&a->req, KEY_MONTH);
	t.birth_day = form_text(&a->req, KEY_DAY);
	t.mode_wareki = strcmp(mode, "wareki") == 0;
	t.mode_seireki = !t.mode_wareki;
	for (i = 0; i < WAREKI__MAX; i++) {
		eras[i].value = wareki_era_key(i);
		eras[i].label = wareki_era_name(i);
		eras[i].selected = strcmp(form_text(&a->req, KEY_ERA), eras[i].value) == 0 ||
		    (*form_text(&a->req, KEY_ERA) == '\0' && i == WAREKI_SHOWA);
	}
	t.eras = eras;
	t.eras_n = WAREKI__MAX;
	t.sex_male = strcmp(form_text(&a->req, KEY_SEX), "male") == 0;
	t.sex_female = strcmp(form_text(&a->req, KEY_SEX), "female") == 0;
	t.sex_other = strcmp(form_text(&a->req, KEY_SEX), "other") == 0;
	t.area_name = cfg_get(CFG_MUNICIPALITY_NAME);
	t.area_code = cfg_get(CFG_MUNICIPALITY_CODE);
	a->status = status;
	patient_head(a, "患者の登録（1/2）必須項目の確認", e, NULL);
	tmpl_patient_new(&a->body, &t);
	app_layout_end(a);
}

void
patient_consent_fields(struct app *a, struct tmpl_patient_consent *t,
    const struct form *e)
{
	t->csrf = a->user.csrf;
	FIELD(*t, consent_date, KEY_CONSENT_DATE, e);
	FIELD(*t, proxy_name, KEY_PROXY_NAME, e);
	FIELD(*t, proxy_rel, KEY_PROXY_REL, e);
	FIELD(*t, explainer, KEY_EXPLAINER, e);
	FIELD(*t, explainer_facility, KEY_EXPLAINER_FAC, e);
	t->signer_has_error = form_err(e, KEY_SIGNER) != NULL;
	t->signer_error = form_err(e, KEY_SIGNER);
	t->form_kind_has_error = form_err(e, KEY_FORM_KIND) != NULL;
	t->form_kind_error = form_err(e, KEY_FORM_KIND);
	t->doc_has_error = form_err(e, KEY_DOC) != NULL;
	t->doc_error = form_err(e, KEY_DOC);
	t->doc_invalid = t->doc_has_error ? "true" : "false";
	t->doc_desc = t->doc_has_error ? "doc-error" : "doc-hint";
	/* The first time: the one who fills it in explains, from their
	 * facility. */
	if (!a->req.vals[KEY_EXPLAINER].present)
		t->explainer = a->user.name;
	if (!a->req.vals[KEY_EXPLAINER_FAC].present)
		t->explainer_facility = a->user.facility_name;
	t->signer_patient = strcmp(form_text(&a->req, KEY_SIGNER), "proxy") != 0;
	t->signer_proxy = !t->signer_patient;
	t->form_city = strcmp(form_text(&a->req, KEY_FORM_KIND), "own") != 0;
	t->form_own = !t->form_city;
}

static void
render_consent(struct app *a, int status, const struct ident *id,
    const struct form *e, int again)
{
	struct tmpl_patient_consent		 t;
	struct tmpl_patient_consent_care_levels	 cl[sizeof(patient_care_levels) /
						    sizeof(patient_care_levels[0])];

	memset(&t, 0, sizeof(t));
	t.registering = 1;
	t.action = "/patients/new/consent";
	patient_consent_fields(a, &t, e);
	t.name = form_text(&a->req, KEY_NAME);
	t.kana = form_text(&a->req, KEY_KANA);
	t.birth_mode = form_text(&a->req, KEY_BIRTH_MODE);
	t.birth = form_text(&a->req, KEY_BIRTH);
	t.era = form_text(&a->req, KEY_ERA);
	t.era_year = form_text(&a->req, KEY_ERA_YEAR);
	t.birth_month = form_text(&a->req, KEY_MONTH);
	t.birth_day = form_text(&a->req, KEY_DAY);
	t.sex = form_text(&a->req, KEY_SEX);
	t.muni_code = form_text(&a->req, KEY_MUNI_CODE);
	t.muni_name = form_text(&a->req, KEY_MUNI_NAME);
	t.address = form_text(&a->req, KEY_ADDRESS);
	t.birth_display = id->display;
	t.sex_label = id->sex_label;
	t.distinct = distinct(a);
	t.again = again;
	FIELD(t, phone, KEY_PHONE, e);
	FIELD(t, emergency, KEY_EMERGENCY, e);
	FIELD(t, diseases, KEY_DISEASES, e);
	FIELD(t, notes, KEY_NOTES, e);
	CARE_LEVEL_SELECT(t, cl, e, form_text(&a->req, KEY_CARE_LEVEL));
	a->status = status;
	patient_head(a, "患者の登録（2/2）同意と同意書", e, NULL);
	tmpl_patient_consent(&a->body, &t);
	app_layout_end(a);
}

/* Looks the person up (and audits the lookup) in the open transaction.
 * Everyone registered with this kana, birth date and sex is a candidate;
 * the one at the address given (address_key) is the person, and so is
 * the only one when none is there.  distinct: the registrant confirmed
 * that this is someone else (the form on the page below).
 *
 * Only the live registrations count: one whose support ended is archived
 * (022_patient_again.sql), and the person is registered anew, linked to
 * it; *again (when not NULL) says that such an archived one exists.
 *
 * 0: the registration may go on (nobody registered; or someone else
 * confirmed, at an address none of them has).  1: the page saying who
 * is registered, with the join offer, is rendered.  -1: error. */
static int
lookup(struct app *a, const struct ident *id, int distinct, int *again)
{
	const char *const p[] = { app_val(a, KEY_KANA), id->birth,
	    app_val(a, KEY_SEX), a->user.account_id,
	    app_val(a, KEY_ADDRESS) };
	struct tmpl_patient_found t;
	PGresult	*r;
	const char	*pid;
	char		 count[16], detail[96];
	int		 n, here, row, ended = 0, rc = 1;

	r = db_exec(a->db, "SELECT p.id AS patient_id, t.id AS team_id,"
	    " address_key(p.address) = address_key($5) AS here,"
	    " EXISTS (SELECT 1 FROM team_membership(t.id, $4::bigint))"
	    "  AS member,"
	    " EXISTS (SELECT 1 FROM join_request j WHERE j.team_id = t.id"
	    "  AND j.account_id = $4::bigint AND j.state = 'pending')"
	    "  AS pending"
	    " FROM patient p JOIN team t ON t.patient_id = p.id"
	    " WHERE p.kana_key = kana_key($1) AND p.birth_date = $2::date"
	    " AND p.sex = $3 AND p.archived_at IS NULL"
	    " ORDER BY address_key(p.address) = address_key($5) DESC,"
	    " p.identity_seq", 5, p);
	if (r == NULL)
		return -1;
	n = PQntuples(r);
	if (again != NULL)
		*again = 0;
	if (n == 0) {
		PQclear(r);
		if ((r = db_exec(a->db, "SELECT EXISTS (SELECT 1 FROM patient p"
		    " WHERE p.kana_key = kana_key($1) AND p.birth_date ="
		    " $2::date AND p.sex = $3 AND p.archived_at IS NOT NULL)"
		    " AS ended", 3, p)) == NULL)
			return -1;
		ended = strcmp(db_get(r, 0, "ended"), "t") == 0;
		if (again != NULL)
			*again = ended;
	}
	here = n > 0 && strcmp(db_get(r, 0, "here"), "t") == 0;
	/* The person: the one at this address, else the only one. */
	row = here || n == 1 ? 0 : -1;
	pid = row == 0 ? db_get(r, 0, "patient_id") : NULL;
	/* The detail never names the patient; the id is for auditors. */
	if (app_audit(a, "patient.lookup", "patient", pid, pid, "success",
	    n == 0 ? (ended ? "not found (a support that ended)" :
	    "not found") : row == 0 ? "found" :
	    "found several, none at this address") == -1)
		goto err;
	if (n == 0) {
		rc = 0;
		goto out;
	}
	if (distinct) {
		snprintf(detail, sizeof(detail), "someone else: %d registered,"
		    " none at this address", n);
		if (app_audit(a, "patient.distinct", "patient", pid, pid,
		    here ? "denied" : "success",
		    here ? "the same address" : detail) == -1)
			goto err;
		if (!here) {
			rc = 0;
			goto out;
		}
	}
	snprintf(count, sizeof(count), "%d", n);
	memset(&t, 0, sizeof(t));
	t.has_team = row == 0;
	if (row == 0) {
		t.is_member = strcmp(db_get(r, 0, "member"), "t") == 0;
		t.has_pending = strcmp(db_get(r, 0, "pending"), "t") == 0;
		t.patient_id = db_get(r, 0, "patient_id");
		t.team_id = db_get(r, 0, "team_id");
	}
	t.several = row == -1;
	t.count = count;
	t.same_address = distinct && here;
	t.someone_else = !here;
	t.csrf = a->user.csrf;
	t.name = app_val(a, KEY_NAME);
	t.kana = p[0];
	t.birth = id->birth;
	t.sex = p[2];
	t.muni_code = app_val(a, KEY_MUNI_CODE);
	t.muni_name = app_val(a, KEY_MUNI_NAME);
	t.address = p[4];
	t.message_invalid = "false";
	t.message_desc = "message-hint";
	patient_head(a, row == 0 ? "この方は登録済みです" :
	    "同じフリガナ・生年月日・性別の方が登録済みです", NULL, NULL);
	tmpl_patient_found(&a->body, &t);
	app_layout_end(a);
out:
	PQclear(r);
	return rc;
err:
	PQclear(r);
	return -1;
}

void
patient_register_new(struct app *a)
{
	struct form	 e;
	struct ident	 id;
	int		 rc, again = 0;

	form_init(&e, &a->req);
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
	/* Only a complete, valid step 1 is a lookup, and it counts. */
	if (db_begin(a->db) == -1 ||
	    (rc = lookup_take(a, "patient.lookup", "patient", NULL)) == -1) {
		app_dberr(a);
		return;
	}
	if (rc == 0)
		return;
	if ((rc = lookup(a, &id, distinct(a), &again)) == -1 ||
	    db_commit(a->db) == -1) {
		app_dberr(a);
		return;
	}
	if (rc == 0)
		render_consent(a, 200, &id, &e, again);
}

void
patient_register_consent(struct app *a)
{
	struct form	 e;
	struct ident	 id;
	const char	*cl;
	const char	*p[25];
	struct patient_consent c;
	struct patient_doc d = { 0 };
	char		 name[64], detail[160];
	PGresult	*r = NULL;
	int		 rc;

	form_init(&e, &a->req);
	if (!ident_check(a, &id, &e)) {
		/* Hidden fields changed on the way: start again. */
		render_new(a, 422, &e);
		return;
	}
	patient_consent_check(a, &e, id.ymd, &c);
	cl = patient_care_check(a, &e);
	if (e.n > 0) {
		render_consent(a, 422, &id, &e, 0);
		return;
	}

	if (patient_doc_encode(a, c.type, "同意書", &d) == -1)
		return;
	p[0] = app_val(a, KEY_NAME);
	p[1] = app_val(a, KEY_KANA);
	p[2] = id.birth;
	p[3] = app_val(a, KEY_SEX);
	p[4] = app_val(a, KEY_ADDRESS);
	p[5] = app_val(a, KEY_MUNI_CODE);
	p[6] = form_text(&a->req, KEY_PHONE);
	p[7] = cl;
	p[8] = form_text(&a->req, KEY_DISEASES);
	p[9] = form_text(&a->req, KEY_EMERGENCY);
	p[10] = form_text(&a->req, KEY_NOTES);
	p[11] = a->user.account_id;
	p[12] = c.date;
	p[13] = c.signer;
	p[14] = c.proxy_name;
	p[15] = c.proxy_rel;
	p[16] = app_val(a, KEY_EXPLAINER);
	p[17] = app_val(a, KEY_EXPLAINER_FAC);
	p[18] = c.form_kind;
	p[19] = c.type;
	p[20] = d.name;
	p[21] = d.size;
	p[22] = d.sha;
	p[23] = d.hex;
	p[24] = distinct(a) ? "true" : "false";
	/* Patient, consent with its document, team and the registrant as
	 * its lead: one statement, one transaction.  A second registration
	 * of the same person fails on patient_identity (23505). */
	/* A registration tells whether the person is registered too (the
	 * join offer when so): it counts as a lookup. */
	if (db_begin(a->db) == -1 ||
	    (rc = lookup_take(a, "patient.lookup", "patient", NULL)) == -1)
		goto dberr;
	if (rc == 0)
		goto out;
	/* Someone else (distinct): the next identity_seq, and only while
	 * nobody with the same three is registered at this address.  An
	 * earlier registration of the person whose support ended is linked
	 * (previous_id: the one at this address first, else the latest;
	 * for someone else only one at this address). */
	r = db_exec(a->db, "WITH p AS (INSERT INTO patient (name, kana,"
	    " kana_key, birth_date, sex, address, municipality_code, phone,"
	    " care_level, main_diseases, emergency_contact, notes,"
	    " registered_by, identity_seq, previous_id) SELECT $1, $2,"
	    " kana_key($2), $3::date, $4, $5, $6, $7, $8, $9, $10, $11,"
	    " $12::bigint,"
	    " CASE WHEN $25::boolean THEN (SELECT coalesce(max(o.identity_seq)"
	    "  + 1, 0) FROM patient o WHERE o.kana_key = kana_key($2)"
	    "  AND o.birth_date = $3::date AND o.sex = $4) ELSE 0 END,"
	    " (SELECT o.id FROM patient o WHERE o.kana_key = kana_key($2)"
	    "  AND o.birth_date = $3::date AND o.sex = $4"
	    "  AND o.archived_at IS NOT NULL AND (NOT $25::boolean"
	    "  OR address_key(o.address) = address_key($5))"
	    "  ORDER BY address_key(o.address) = address_key($5) DESC,"
	    "  o.archived_at DESC, o.id DESC LIMIT 1)"
	    " WHERE NOT $25::boolean OR NOT EXISTS (SELECT 1 FROM patient o"
	    "  WHERE o.kana_key = kana_key($2) AND o.birth_date = $3::date"
	    "  AND o.sex = $4 AND o.archived_at IS NULL"
	    "  AND address_key(o.address) = address_key($5))"
	    " RETURNING id, previous_id),"
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
	    " SELECT p.id AS patient_id, t.id AS team_id,"
	    " p.previous_id IS NOT NULL AS again FROM p, t",
	    25, p);
	if ((r == NULL && strcmp(db_sqlstate(), "23505") == 0) ||
	    (r != NULL && PQntuples(r) == 0)) {
		/* Registered a moment ago by someone else (or, for someone
		 * else, at this address): offer to join. */
		db_rollback(a->db);
		if (db_begin(a->db) == -1 || (rc = lookup_take(a,
		    "patient.lookup", "patient", NULL)) == -1)
			goto dberr;
		if (rc == 0)
			goto out;
		if ((rc = lookup(a, &id, distinct(a), NULL)) == -1 ||
		    db_commit(a->db) == -1)
			goto dberr;
		if (rc == 0)	/* two others registered at the same moment */
			app_error(a, 409, "同時に登録がありました",
			    "同じフリガナ・生年月日・性別の方の登録が同時にありました。"
			    "もう一度、登録をやり直してください。");
		goto out;
	}
	if (r == NULL || PQntuples(r) != 1)
		goto dberr;
	snprintf(name, sizeof(name), "/patients/%s?n=created",
	    db_get(r, 0, "patient_id"));
	snprintf(detail, sizeof(detail), "patient, consent document, team%s%s",
	    distinct(a) ? "; someone else with the same kana, birth date and"
	    " sex" : "", strcmp(db_get(r, 0, "again"), "t") == 0 ?
	    "; after a support that ended" : "");
	if (app_audit(a, "patient.create", "patient",
	    db_get(r, 0, "patient_id"), db_get(r, 0, "patient_id"), "success",
	    detail) == -1 ||
	    db_commit(a->db) == -1)
		goto dberr;
	app_redirect(a, name);
	goto out;
dberr:
	app_dberr(a);
out:
	PQclear(r);
	free(d.hex);
}
