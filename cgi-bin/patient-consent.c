/* /patients/{id}/consent: the consents of a patient over time, for the
 * team's members: every consent (the latest is the one in force), each
 * document; a newer consent (a renewal, a proxy who changed:
 * /consent/new, the fields and checks of registration's step 2); and
 * the withdrawal of the consent (/consent/withdraw, the team's 担当者),
 * after which the team is read-only like a closed one (020_consent.sql,
 * team_read_only() in schema/functions/teams.sql).  Part of the patient
 * CGI. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "db.h"
#include "form.h"
#include "jtime.h"
#include "tmpl.h"
#include "upload.h"
#include "patient.h"

/* "本人" or "代理人 NAME（RELATIONSHIP）" into b. */
static const char *
signer_label(char *b, size_t n, const char *signer, const char *name,
    const char *rel)
{
	if (signer != NULL && strcmp(signer, "proxy") == 0)
		snprintf(b, n, "代理人 %s（%s）", name, rel);
	else
		snprintf(b, n, "本人");
	return b;
}

/* "12.3 KB" into b. */
static const char *
size_label(char *b, size_t n, const char *bytes)
{
	snprintf(b, n, "%.1f KB", strtol(bytes, NULL, 10) / 1024.0);
	return b;
}

void
patient_consent_list(struct app *a)
{
	struct tmpl_patient_consent_list	 t;
	struct tmpl_patient_consent_list_consents *cc = NULL;
	PGresult	*r, *c = NULL;
	const char	*p[1];
	struct labels {
		char	 obtained_on[JTIME_LEN], uploaded_at[JTIME_LEN];
		char	 signer[256], explainer[400], size[32];
		char	 doc_name[UPLOAD_NAME_MAX + 1];
	}		*lab = NULL;
	char		 wsize[32], wcreated[JTIME_LEN], wdoc[UPLOAD_NAME_MAX + 1];
	int		 i, n;

	r = patient_member_row(a, "consent.view", "SELECT p.name,"
	    " team_read_only(t.id) AS read_only,"
	    " consent_withdrawn_text(t.id) AS withdrawn,"
	    " w.doc_name, w.doc_type, w.doc_size,"
	    " " JTIME_SQL("w.created_at") " AS w_created"
	    " FROM patient p JOIN team t ON t.patient_id = p.id"
	    " AND t.id = $2::bigint"
	    " LEFT JOIN consent_withdrawal w ON w.team_id = t.id"
	    " WHERE p.id = $1::bigint");
	if (r == NULL)
		return;
	p[0] = a->id[0];
	c = db_exec(a->db, "SELECT c.id, to_char(c.obtained_on, 'YYYYMMDD')"
	    " AS obtained_on, c.signer, c.proxy_name, c.proxy_relationship,"
	    " c.explainer_name, c.explainer_facility, c.form_kind,"
	    " c.doc_name, c.doc_type, c.doc_size, u.name AS uploaded_by,"
	    " f.name AS facility, " JTIME_SQL("c.created_at") " AS uploaded_at"
	    " FROM consent c JOIN account u ON u.id = c.obtained_by"
	    " JOIN facility f ON f.id = u.facility_id"
	    " WHERE c.patient_id = $1::bigint ORDER BY c.id DESC", 1, p);
	if (c == NULL || app_audit(a, "consent.view", "patient", a->id[0],
	    a->id[0], "success", NULL) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	n = PQntuples(c);
	if ((cc = calloc(n + 1, sizeof(*cc))) == NULL ||
	    (lab = calloc(n + 1, sizeof(*lab))) == NULL) {
		app_error(a, 500, "エラー", "もう一度お試しください。");
		goto out;
	}
	memset(&t, 0, sizeof(t));
	for (i = 0; i < n; i++) {
		cc[i].patient_id = a->id[0];
		cc[i].id = db_get(c, i, "id");
		cc[i].latest = i == 0 && db_get(r, 0, "withdrawn") == NULL;
		cc[i].obtained_on = jtime_ymd(strtol(db_get(c, i,
		    "obtained_on"), NULL, 10), lab[i].obtained_on,
		    sizeof(lab[i].obtained_on));
		cc[i].signer = signer_label(lab[i].signer, sizeof(lab[i].signer),
		    db_get(c, i, "signer"), db_get(c, i, "proxy_name"),
		    db_get(c, i, "proxy_relationship"));
		snprintf(lab[i].explainer, sizeof(lab[i].explainer), "%s（%s）",
		    db_get(c, i, "explainer_name"),
		    db_get(c, i, "explainer_facility"));
		cc[i].explainer = lab[i].explainer;
		cc[i].form_kind = strcmp(db_get(c, i, "form_kind"), "city") ==
		    0 ? "市の様式" : "事業所独自の様式";
		/* Cleaned again as it is served, as on the patient page. */
		cc[i].doc_name = upload_name(lab[i].doc_name,
		    sizeof(lab[i].doc_name),
		    db_get(c, i, "doc_name"), db_get(c, i, "doc_type"), "同意書");
		if (cc[i].doc_name == NULL)
			cc[i].doc_name = "同意書";
		cc[i].doc_size = size_label(lab[i].size, sizeof(lab[i].size),
		    db_get(c, i, "doc_size"));
		cc[i].uploaded_by = db_get(c, i, "uploaded_by");
		cc[i].facility = db_get(c, i, "facility");
		cc[i].uploaded_at = jtime_db(db_get(c, i, "uploaded_at"),
		    JTIME_MINUTE, lab[i].uploaded_at, sizeof(lab[i].uploaded_at),
		    "");
	}
	t.patient_id = a->id[0];
	t.name = db_get(r, 0, "name");
	t.consents = cc;
	t.consents_n = n;
	t.open = db_get(r, 0, "read_only") == NULL;
	t.can_withdraw = t.open && a->team.lead;
	if (db_get(r, 0, "withdrawn") != NULL) {
		t.withdrawn = 1;
		t.withdrawn_text = db_get(r, 0, "withdrawn");
		t.withdrawn_at = jtime_db(db_get(r, 0, "w_created"),
		    JTIME_MINUTE, wcreated, sizeof(wcreated), "");
		if (db_get(r, 0, "doc_name") != NULL) {
			t.has_withdrawal_doc = 1;
			t.withdrawal_doc_name = upload_name(wdoc, sizeof(wdoc),
			    db_get(r, 0, "doc_name"), db_get(r, 0, "doc_type"),
			    "撤回の書面");
			if (t.withdrawal_doc_name == NULL)
				t.withdrawal_doc_name = "撤回の書面";
			t.withdrawal_doc_size = size_label(wsize,
			    sizeof(wsize), db_get(r, 0, "doc_size"));
		}
	}
	patient_head(a, "同意書の一覧", NULL, NULL);
	tmpl_patient_consent_list(&a->body, &t);
	app_layout_end(a);
out:
	free(lab);
	free(cc);
	PQclear(c);
	PQclear(r);
}

/* A stored document (type, name, doc of row 0 of r) as the download. */
static void
serve(struct app *a, PGresult *r, const char *dflt)
{
	const char	*type;
	char		 name[UPLOAD_NAME_MAX + 1];
	unsigned char	*doc;
	size_t		 len;

	/* app_download keeps the type pointer past PQclear: a constant. */
	type = upload_type(db_get(r, 0, "doc_type"));
	doc = PQunescapeBytea((const unsigned char *)db_get(r, 0, "doc"), &len);
	if (doc == NULL || type == NULL ||
	    upload_name(name, sizeof(name), db_get(r, 0, "doc_name"), type,
	    dflt) == NULL ||
	    app_download(a, type, name, doc, len) == -1)
		app_error(a, 500, "エラー", "もう一度お試しください。");
	PQfreemem(doc);
}

/* One of the patient's documents by statement sql ($1 the patient, $2
 * the consent's id, or none), audited as consent.download of object
 * (type, id); a member asking for one that is not there gets the 404. */
static void
download(struct app *a, const char *object, const char *id, const char *sql,
    const char *dflt)
{
	PGresult	*r, *d = NULL;
	const char	*p[2];

	r = patient_member_row(a, "consent.download", "SELECT t.id FROM team t"
	    " WHERE t.id = $2::bigint AND t.patient_id = $1::bigint");
	if (r == NULL)
		return;
	p[0] = a->id[0];
	p[1] = id;
	if ((d = db_exec(a->db, sql, id != NULL ? 2 : 1, p)) == NULL) {
		app_dberr(a);
		goto out;
	}
	if (PQntuples(d) != 1) {
		db_rollback(a->db);
		app_audit(a, "consent.download", object, id, a->id[0],
		    "denied", "no such document");
		app_error(a, 404, "ページが見つかりません", "お探しのページは"
		    "見つかりませんでした。アドレスをご確認ください。");
		goto out;
	}
	if (app_audit(a, "consent.download", object,
	    id != NULL ? id : db_get(d, 0, "id"), a->id[0], "success",
	    NULL) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	serve(a, d, dflt);
out:
	PQclear(d);
	PQclear(r);
}

void
patient_consent_document(struct app *a)
{
	download(a, "consent", a->id[1], "SELECT c.id, c.doc_type,"
	    " c.doc_name, c.doc FROM consent c WHERE c.patient_id = $1::bigint"
	    " AND c.id = $2::bigint", "同意書");
}

void
patient_consent_withdrawal_document(struct app *a)
{
	download(a, "consent_withdrawal", NULL, "SELECT w.id, w.doc_type,"
	    " w.doc_name, w.doc FROM consent_withdrawal w"
	    " WHERE w.patient_id = $1::bigint AND w.doc IS NOT NULL",
	    "撤回の書面");
}

/* Under the team's row lock (patient_team_lock: a withdrawal and a
 * newer consent at the same moment are seen one after the other), the
 * row of the patient's birth day, the latest consent's day (YYYYMMDD)
 * and why the team is read-only (NULL: it is not); NULL with the page
 * rendered (404 for non-members, 409 when read-only, audited as
 * action). */
static PGresult *
lock_open(struct app *a, const char *action, int *lead)
{
	PGresult	*r, *s;
	const char	*p[1];

	if ((r = patient_team_lock(a, action)) == NULL)
		return NULL;
	*lead = strcmp(db_get(r, 0, "role"), "lead") == 0;
	p[0] = db_get(r, 0, "team_id");
	s = db_exec(a->db, "SELECT team_read_only(t.id) AS read_only,"
	    " to_char(p.birth_date, 'YYYYMMDD') AS birth,"
	    " (SELECT to_char(max(c.obtained_on), 'YYYYMMDD') FROM consent c"
	    "  WHERE c.patient_id = p.id) AS latest, t.id AS team_id"
	    " FROM team t JOIN patient p ON p.id = t.patient_id"
	    " WHERE t.id = $1::bigint", 1, p);
	PQclear(r);
	if (s == NULL || PQntuples(s) != 1) {
		PQclear(s);
		app_dberr(a);
		return NULL;
	}
	return s;
}

/* The 409 of a read-only team, audited (denied) as action. */
static void
refuse_read_only(struct app *a, const char *action, PGresult *r)
{
	char	 why[32];

	snprintf(why, sizeof(why), "%s", db_get(r, 0, "read_only"));
	db_rollback(a->db);
	app_audit(a, action, "patient", a->id[0], a->id[0], "denied", why);
	app_read_only(a, why);
}

static void
render_new(struct app *a, int status, const struct form *e)
{
	struct tmpl_patient_consent	 t;
	char				 action[64];

	memset(&t, 0, sizeof(t));
	snprintf(action, sizeof(action), "/patients/%s/consent/new", a->id[0]);
	t.action = action;
	t.patient_id = a->id[0];
	patient_consent_fields(a, &t, e);
	a->status = status;
	patient_head(a, "新しい同意書の登録", e, NULL);
	tmpl_patient_consent(&a->body, &t);
	app_layout_end(a);
}

void
patient_consent_new(struct app *a)
{
	struct form	 e;
	struct patient_consent c;
	struct patient_doc d = { 0 };
	PGresult	*r, *n = NULL;
	const char	*p[14];
	char		 path[64];
	int		 lead;

	form_init(&e, &a->req);
	if ((r = lock_open(a, "consent.add", &lead)) == NULL)
		return;
	if (db_get(r, 0, "read_only") != NULL) {
		refuse_read_only(a, "consent.add", r);
		goto out;
	}
	if (a->req.method != REQ_POST) {
		db_rollback(a->db);
		render_new(a, 200, &e);
		goto out;
	}
	patient_consent_check(a, &e, strtol(db_get(r, 0, "birth"), NULL, 10),
	    &c);
	if (e.n > 0) {
		db_rollback(a->db);
		app_audit(a, "consent.add", "patient", a->id[0], a->id[0],
		    "failure", "invalid input");
		render_new(a, 422, &e);
		goto out;
	}
	if (patient_doc_encode(a, c.type, "同意書", &d) == -1) {
		db_rollback(a->db);
		goto out;
	}
	p[0] = a->id[0];
	p[1] = a->user.account_id;
	p[2] = c.date;
	p[3] = c.signer;
	p[4] = c.proxy_name;
	p[5] = c.proxy_rel;
	p[6] = app_val(a, KEY_EXPLAINER);
	p[7] = app_val(a, KEY_EXPLAINER_FAC);
	p[8] = c.form_kind;
	p[9] = c.type;
	p[10] = d.name;
	p[11] = d.size;
	p[12] = d.sha;
	p[13] = d.hex;
	if ((n = db_exec(a->db, "INSERT INTO consent (patient_id, obtained_by,"
	    " obtained_on, signer, proxy_name, proxy_relationship,"
	    " explainer_name, explainer_facility, form_kind, doc_type,"
	    " doc_name, doc_size, doc_sha256, doc) VALUES ($1::bigint,"
	    " $2::bigint, $3::date, $4, $5, $6, $7, $8, $9, $10, $11,"
	    " $12::integer, $13, $14::bytea) RETURNING id", 14, p)) == NULL ||
	    PQntuples(n) != 1 ||
	    app_audit(a, "consent.add", "consent", db_get(n, 0, "id"),
	    a->id[0], "success", c.signer) == -1 ||
	    db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	snprintf(path, sizeof(path), "/patients/%s?n=consent", a->id[0]);
	app_redirect(a, path);
out:
	free(d.hex);
	PQclear(n);
	PQclear(r);
}

static void
render_withdraw(struct app *a, int status, const struct form *e)
{
	struct tmpl_patient_consent_withdraw t;
	char		 today[16];
	long		 d = jtime_today(time(NULL));

	memset(&t, 0, sizeof(t));
	t.patient_id = a->id[0];
	t.csrf = a->user.csrf;
	snprintf(today, sizeof(today), "%04d-%02d-%02d",
	    (int)(d / 10000 % 10000), (int)(d / 100 % 100), (int)(d % 100));
	FIELD(t, withdrawn_on, KEY_WITHDRAWN_ON, e);
	if (!a->req.vals[KEY_WITHDRAWN_ON].present)
		t.withdrawn_on = today;
	FIELD(t, proxy_name, KEY_PROXY_NAME, e);
	FIELD(t, proxy_rel, KEY_PROXY_REL, e);
	t.signer_has_error = form_err(e, KEY_SIGNER) != NULL;
	t.signer_error = form_err(e, KEY_SIGNER);
	t.signer_patient = strcmp(form_text(&a->req, KEY_SIGNER), "proxy") != 0;
	t.signer_proxy = !t.signer_patient;
	t.doc_has_error = form_err(e, KEY_DOC) != NULL;
	t.doc_error = form_err(e, KEY_DOC);
	t.doc_invalid = t.doc_has_error ? "true" : "false";
	t.doc_desc = t.doc_has_error ? "doc-error" : "doc-hint";
	a->status = status;
	patient_head(a, "同意の撤回", e, NULL);
	tmpl_patient_consent_withdraw(&a->body, &t);
	app_layout_end(a);
}

void
patient_consent_withdraw(struct app *a)
{
	struct form	 e;
	struct patient_doc d = { 0 };
	const struct req_val *v = &a->req.vals[KEY_WITHDRAWN_ON];
	PGresult	*r, *j = NULL;
	const char	*p[12], *signer, *pn, *pr, *type;
	char		 path[64], detail[96], team[24];
	int		 lead, rejected;

	form_init(&e, &a->req);
	if ((r = lock_open(a, "consent.withdraw", &lead)) == NULL)
		return;
	if (!lead) {
		db_rollback(a->db);
		app_audit(a, "consent.withdraw", "patient", a->id[0], a->id[0],
		    "denied", "not a lead");
		app_error(a, 403, "この操作はできません", "同意の撤回を記録できる"
		    "のは、この支援チームの担当者だけです。");
		goto out;
	}
	if (db_get(r, 0, "read_only") != NULL) {
		refuse_read_only(a, "consent.withdraw", r);
		goto out;
	}
	if (a->req.method != REQ_POST) {
		db_rollback(a->db);
		render_withdraw(a, 200, &e);
		goto out;
	}
	if (app_val(a, KEY_WITHDRAWN_ON) == NULL)
		form_error(&e, KEY_WITHDRAWN_ON, NULL, v->present && v->len > 0 ?
		    "撤回の申し出があった日は、2000年以降の実在する日付を入力"
		    "してください。" : "撤回の申し出があった日を入力してください。");
	else if (v->num > jtime_today(time(NULL)))
		form_error(&e, KEY_WITHDRAWN_ON, NULL, "撤回の申し出があった日が"
		    "未来の日付です。");
	else if (v->num < strtol(db_get(r, 0, "latest"), NULL, 10))
		form_error(&e, KEY_WITHDRAWN_ON, NULL, "撤回の申し出があった日が"
		    "最新の同意取得日より前です。");
	signer = patient_signer_check(a, &e, PATIENT_DOC_WITHDRAWAL, &pn,
	    &pr);
	type = patient_doc_check(a, &e, PATIENT_DOC_WITHDRAWAL);
	if (e.n > 0) {
		db_rollback(a->db);
		app_audit(a, "consent.withdraw", "patient", a->id[0], a->id[0],
		    "failure", "invalid input");
		render_withdraw(a, 422, &e);
		goto out;
	}
	if (type != NULL && patient_doc_encode(a, type, "撤回の書面", &d) ==
	    -1) {
		db_rollback(a->db);
		goto out;
	}
	snprintf(team, sizeof(team), "%s", db_get(r, 0, "team_id"));
	/* The pending requests first: afterwards the team is read-only. */
	if ((rejected = patient_join_reject(a, team)) == -1)
		goto out;
	/* The detail names who reported it, never the proxy's name. */
	snprintf(detail, sizeof(detail), "%s%s; %d pending join requests"
	    " rejected", signer, type != NULL ? ", with a scan" : "",
	    rejected);
	p[0] = team;
	p[1] = a->user.account_id;
	p[2] = a->id[0];
	p[3] = app_val(a, KEY_WITHDRAWN_ON);
	p[4] = signer;
	p[5] = pn;
	p[6] = pr;
	p[7] = type;
	p[8] = type != NULL ? d.name : NULL;
	p[9] = type != NULL ? d.size : NULL;
	p[10] = type != NULL ? d.sha : NULL;
	p[11] = type != NULL ? d.hex : NULL;
	if ((j = db_exec(a->db, "INSERT INTO consent_withdrawal (patient_id,"
	    " team_id, withdrawn_on, reporter, proxy_name, proxy_relationship,"
	    " doc_type, doc_name, doc_size, doc_sha256, doc, recorded_by)"
	    " VALUES ($3::bigint, $1::bigint, $4::date, $5, $6, $7, $8, $9,"
	    " $10::integer, $11, $12::bytea, $2::bigint) RETURNING id", 12,
	    p)) == NULL ||
	    PQntuples(j) != 1 ||
	    app_audit(a, "consent.withdraw", "consent_withdrawal",
	    db_get(j, 0, "id"), a->id[0], "success", detail) == -1 ||
	    db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	snprintf(path, sizeof(path), "/patients/%s?n=withdrawn", a->id[0]);
	app_redirect(a, path);
out:
	free(d.hex);
	PQclear(j);
	PQclear(r);
}
