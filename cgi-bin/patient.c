/* /patients/{id}: the patient page for team members; the latest consent
 * document; team leads and leaving.  /patients/new (registration) is in
 * patient-register.c. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "auth.h"
#include "cfg.h"
#include "db.h"
#include "form.h"
#include "jtime.h"
#include "team.h"
#include "tmpl.h"
#include "upload.h"
#include "wareki.h"
#include "patient.h"

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
	/* KEY_DOC */		{ "doc", req_v_file, 1, PATIENT_DOC_MAX },
	/* KEY_CARE_LEVEL */	{ "care_level", req_v_line, 0, 30 },
	/* KEY_DISEASES */	{ "diseases", req_v_multiline, 0, 1000 },
	/* KEY_PHONE */		{ "phone", req_v_line, 0, 30 },
	/* KEY_EMERGENCY */	{ "emergency", req_v_line, 0, 300 },
	/* KEY_NOTES */		{ "notes", req_v_multiline, 0, 4000 },
	/* KEY_NOTICE */	{ "n", req_v_token, 1, 16 },
	/* KEY_DISTINCT */	{ "distinct", req_v_token, 1, 1 },
	/* KEY_REASON */	{ "reason", req_v_line, 0, 200 },
	/* KEY_CLOSE_REASON */	{ "close_reason", req_v_token, 4, 8 },
	/* KEY_CLOSED_ON */	{ "closed_on", req_v_date, 20000101, 99991231 },
	/* KEY_CLOSE_NOTE */	{ "close_note", req_v_line, 0, 200 },
	/* KEY_SECTION */	{ "section", req_v_token, 1, 20 },
	/* KEY_SHEET_BODY */	{ "body", req_v_multiline, 0, SHEET_BODY_MAX },
	/* KEY_EVACUATION */	{ "evacuation", req_v_token, 1, 8 },
	/* KEY_VERSION */	{ "version", req_v_int, 0, 2147483647 },
	/* KEY_WITHDRAWN_ON */	{ "withdrawn_on", req_v_date, 20000101, 99991231 },
};

static const char *const notices[][2] = {
	{ "created", "患者を登録し、支援チームを作りました。あなたが担当者です。" },
	{ "lead", "担当者を追加しました。" },
	{ "member", "担当者からメンバーに変更しました。" },
	{ "removed", "メンバーを支援チームから外しました。" },
	{ "closed", "支援を終了しました。この支援チームの記録は閲覧のみできます。" },
	{ "edited", "登録内容を変更しました。変更前の値は「変更履歴」で確認できます。" },
	{ "unchanged", "変更された項目がなかったため、何も保存していません。" },
	{ "consent", "新しい同意書を登録しました。これが現在の同意です。" },
	{ "withdrawn", "同意の撤回を記録しました。この支援チームの記録は閲覧のみできます。" },
};

const char *
patient_sex_label(const char *s)
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

static void
not_found(struct app *a)
{
	app_error(a, 404, "ページが見つかりません",
	    "お探しのページは見つかりませんでした。アドレスをご確認ください。");
}

void
patient_head(struct app *a, const char *title, const struct form *f,
    const char *notice)
{
	struct tmpl_patient_head t;

	memset(&t, 0, sizeof(t));
	t.title = title;
	t.has_notice = notice != NULL;
	t.notice = notice;
	app_layout_begin(a, title);
	tmpl_patient_head(&a->body, &t);
	if (f != NULL)
		form_summary(&a->body, f);
}

PGresult *
patient_member_row(struct app *a, const char *action, const char *sql)
{
	const char	*p[2];
	PGresult	*r = NULL;
	int		 rc;

	if (db_begin(a->db) == -1 ||
	    (rc = team_of_patient(a, a->id[0])) == -1)
		goto dberr;
	if (rc == 1) {
		p[0] = a->id[0];
		p[1] = a->team.team_id;
		if ((r = db_exec(a->db, sql, 2, p)) == NULL)
			goto dberr;
		if (PQntuples(r) == 1)
			return r;
		PQclear(r);
	}
	db_rollback(a->db);
	/* Never confirm that the id exists. */
	app_audit(a, action, "patient", a->id[0], NULL, "denied",
	    "not a team member");
	not_found(a);
	return NULL;
dberr:
	app_dberr(a);
	return NULL;
}

static void
page_view(struct app *a)
{
	struct tmpl_patient_view	 t;
	struct tmpl_patient_view_members *mm = NULL;
	PGresult	*r, *m = NULL, *k = NULL;
	const char	*n = app_val(a, KEY_NOTICE), *notice = NULL, *v;
	const char	*p[2];
	char		 birth[96], signer[256], expl[400], size[32];
	char		 docname[UPLOAD_NAME_MAX + 1];
	char		 created[JTIME_LEN], consent[JTIME_LEN];
	char		 reason[700];
	int		 i, lead, closed, ro, departed;

	r = patient_member_row(a, "patient.view", "SELECT p.name, p.kana,"
	    " to_char(p.birth_date, 'YYYYMMDD') AS birth, p.sex, p.address,"
	    " p.municipality_code, p.phone, p.care_level, p.main_diseases,"
	    " p.emergency_contact, p.notes, t.id AS team_id,"
	    " a.name AS registered_by, " JTIME_SQL("p.created_at") " AS created,"
	    " to_char(c.obtained_on, 'YYYYMMDD') AS consent_date, c.signer,"
	    " c.proxy_name, c.proxy_relationship,"
	    " c.explainer_name, c.explainer_facility, c.form_kind, c.doc_name,"
	    " c.doc_type,"
	    " c.doc_size, (SELECT count(*) FROM join_request j WHERE"
	    " j.team_id = t.id AND j.state = 'pending') AS pending,"
	    " t.closed_at IS NOT NULL AS closed,"
	    " to_char(t.closed_on, 'YYYY\"年\"FMMM\"月\"FMDD\"日\"') AS closed_on,"
	    " t.close_reason, t.close_note, ca.name AS closed_by,"
	    " team_read_only(t.id) IS NOT NULL AS read_only,"
	    " consent_withdrawn_text(t.id) AS withdrawn,"
	    " (SELECT count(*) FROM consent n WHERE n.patient_id = p.id)"
	    " AS consents"
	    " FROM patient p JOIN team t ON t.patient_id = p.id"
	    " AND t.id = $2::bigint"
	    " JOIN account a ON a.id = p.registered_by"
	    " LEFT JOIN account ca ON ca.id = t.closed_by"
	    " JOIN LATERAL (SELECT * FROM consent c WHERE c.patient_id = p.id"
	    " ORDER BY c.id DESC LIMIT 1) c ON true"
	    " WHERE p.id = $1::bigint");
	if (r == NULL)
		return;
	p[0] = db_get(r, 0, "team_id");
	/* Members who left (account deleted, or no longer staff) stay
	 * listed, last, as 退会済み (lib/leave.h). */
	m = db_exec(a->db, "SELECT a.id, a.name, a.profession,"
	    " f.name AS facility, m.role,"
	    " a.deleted_at IS NOT NULL OR NOT a.is_staff AS departed"
	    " FROM team_member m"
	    " JOIN account a ON a.id = m.account_id"
	    " JOIN facility f ON f.id = a.facility_id"
	    " WHERE m.team_id = $1::bigint ORDER BY 6,"
	    " m.role = 'lead' DESC, m.joined_at, a.id", 1, p);
	/* The registrations of the same person before and after this one
	 * (022_patient_again.sql), each only to a member of its team. */
	p[0] = a->id[0];
	p[1] = a->user.account_id;
	if (m != NULL)
		k = db_exec(a->db, "SELECT (SELECT o.id FROM patient c"
		    " JOIN patient o ON o.id = c.previous_id"
		    " JOIN team ot ON ot.patient_id = o.id"
		    " WHERE c.id = $1::bigint AND EXISTS (SELECT 1 FROM"
		    " team_membership(ot.id, $2::bigint))) AS previous,"
		    " (SELECT n.id FROM patient n JOIN team nt"
		    " ON nt.patient_id = n.id WHERE n.previous_id = $1::bigint"
		    " AND EXISTS (SELECT 1 FROM team_membership(nt.id,"
		    " $2::bigint)) ORDER BY n.id DESC LIMIT 1) AS next", 2, p);
	if (m == NULL || k == NULL || app_audit(a, "patient.view", "patient", a->id[0],

	    a->id[0], "success", NULL) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	closed = strcmp(db_get(r, 0, "closed"), "t") == 0;
	ro = strcmp(db_get(r, 0, "read_only"), "t") == 0;
	/* An archive: nobody changes its members any more. */
	lead = a->team.lead && !ro;
	if ((mm = calloc(PQntuples(m) + 1, sizeof(*mm))) == NULL) {
		app_error(a, 500, "エラー", "もう一度お試しください。");
		goto out;
	}
	for (i = 0; i < PQntuples(m); i++) {
		mm[i].name = db_get(m, i, "name");
		mm[i].profession = db_get(m, i, "profession");
		mm[i].facility = db_get(m, i, "facility");
		departed = strcmp(db_get(m, i, "departed"), "t") == 0;
		mm[i].role = departed ? "退会済み" :
		    strcmp(db_get(m, i, "role"), "lead") == 0 ?
		    "担当者" : "メンバー";
		mm[i].can_make_lead = lead && !departed &&
		    strcmp(db_get(m, i, "role"), "lead") != 0;
		mm[i].can_make_member = lead && !departed &&
		    !mm[i].can_make_lead;
		/* A member who should not be there; never a 担当者. */
		mm[i].can_remove = mm[i].can_make_lead;
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
	t.sex = patient_sex_label(db_get(r, 0, "sex"));
	t.address = db_get(r, 0, "address");
	t.muni_code = db_get(r, 0, "municipality_code");
	t.phone = db_get(r, 0, "phone");
	t.care_level = db_get(r, 0, "care_level");
	t.diseases = db_get(r, 0, "main_diseases");
	t.emergency = db_get(r, 0, "emergency_contact");
	t.notes = db_get(r, 0, "notes");
	t.created = jtime_db(db_get(r, 0, "created"), JTIME_MINUTE, created,
	    sizeof(created), "");
	t.registered_by = db_get(r, 0, "registered_by");
	v = db_get(r, 0, "consent_date");
	t.consent_date = jtime_ymd(v != NULL ? strtol(v, NULL, 10) : 0,
	    consent, sizeof(consent));
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
	/* Cleaned again as it is served: rows stored before the cleaner. */
	t.doc_name = upload_name(docname, sizeof(docname),
	    db_get(r, 0, "doc_name"), db_get(r, 0, "doc_type"), "同意書");
	if (t.doc_name == NULL)
		t.doc_name = "同意書";
	snprintf(size, sizeof(size), "%.1f KB",
	    strtol(db_get(r, 0, "doc_size"), NULL, 10) / 1024.0);
	t.doc_size = size;
	t.members = mm;
	t.members_n = PQntuples(m);
	t.closed = closed;
	t.open = !ro;
	t.previous_id = db_get(k, 0, "previous");
	t.has_previous = t.previous_id != NULL;
	t.next_id = db_get(k, 0, "next");
	t.has_next = t.next_id != NULL;
	t.can_close = lead;
	t.consents = db_get(r, 0, "consents");
	if ((v = db_get(r, 0, "withdrawn")) != NULL) {
		t.withdrawn = 1;
		t.withdrawn_text = v;
	}
	if (closed) {
		t.closed_on = db_get(r, 0, "closed_on");
		t.closed_by = db_get(r, 0, "closed_by");
		v = db_get(r, 0, "close_note");
		snprintf(reason, sizeof(reason), "%s%s%s",
		    team_close_label(db_get(r, 0, "close_reason")),
		    v != NULL && *v != '\0' ? "：" : "", v != NULL ? v : "");
		t.close_reason = reason;
	}
	for (i = 0; n != NULL && i < (int)(sizeof(notices) /
	    sizeof(notices[0])); i++)
		if (strcmp(n, notices[i][0]) == 0)
			notice = notices[i][1];
	patient_head(a, "患者情報", NULL, notice);
	tmpl_patient_view(&a->body, &t);
	app_layout_end(a);
out:
	free(mm);
	PQclear(k);
	PQclear(m);
	PQclear(r);
}

static void
page_document(struct app *a)
{
	PGresult	*r;
	const char	*type;
	char		 name[UPLOAD_NAME_MAX + 1];
	unsigned char	*doc;
	size_t		 len;

	r = patient_member_row(a, "consent.download", "SELECT c.doc_type,"
	    " c.doc_name, c.doc FROM consent c"
	    " JOIN team t ON t.patient_id = c.patient_id AND t.id = $2::bigint"
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
	    upload_name(name, sizeof(name), db_get(r, 0, "doc_name"), type,
	    "同意書") == NULL ||
	    app_download(a, type, name, doc, len) == -1)
		app_error(a, 500, "エラー", "もう一度お試しください。");
	PQfreemem(doc);
	PQclear(r);
}

/* Lock the team of patient id[0] if I am in it: every change of leads
 * and members goes through this row lock, so "at least one 担当者" holds
 * under concurrency.  Returns my role's row (team_id, role, leads), my
 * membership read again under the lock. */
PGresult *
patient_team_lock(struct app *a, const char *action)
{
	const char	*p[2];
	PGresult	*r;

	r = patient_member_row(a, action, "SELECT t.id AS team_id FROM team t"
	    " WHERE t.id = $2::bigint AND t.patient_id = $1::bigint"
	    " FOR UPDATE OF t");
	if (r == NULL)
		return NULL;
	PQclear(r);
	p[0] = a->team.team_id;
	p[1] = a->user.account_id;
	r = db_exec(a->db, "SELECT $1::bigint AS team_id, CASE WHEN m.lead"
	    " THEN 'lead' ELSE 'member' END AS role,"
	    " (SELECT count(*) FROM team_member l JOIN account la"
	    " ON la.id = l.account_id AND la.is_staff AND la.deleted_at IS NULL"
	    " WHERE l.team_id = $1::bigint AND l.role = 'lead') AS leads"
	    " FROM team_membership($1::bigint, $2::bigint) m", 2, p);
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

	if ((r = patient_team_lock(a, action)) == NULL)
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
		r = db_exec(a->db, "SELECT 1 FROM team_member m JOIN account a"
		    " ON a.id = m.account_id AND a.is_staff"
		    " AND a.deleted_at IS NULL WHERE m.team_id = $1::bigint"
		    " AND m.account_id = $2::bigint AND m.role = 'lead'", 2, p);
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
	/* Only a live staff member: one who left stays as they were. */
	r = db_exec(a->db, "UPDATE team_member m SET role = $3 FROM account a"
	    " WHERE m.team_id = $1::bigint AND m.account_id = $2::bigint"
	    " AND a.id = m.account_id AND a.is_staff AND a.deleted_at IS NULL"
	    " RETURNING m.role", 3, p);
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

/* A 担当者 removes a plain member (one who should not be there): the
 * row goes, so every page refuses them at their next request.  Never a
 * 担当者 (themselves included: they leave, or are made a member first);
 * the team row is locked like every change of members. */
static void
page_remove(struct app *a)
{
	PGresult	*r;
	const char	*p[2];
	char		 path[64], team[24];

	if ((r = patient_team_lock(a, "team.remove")) == NULL)
		return;
	if (strcmp(db_get(r, 0, "role"), "lead") != 0) {
		db_rollback(a->db);
		app_audit(a, "team.remove", "account", a->id[1], a->id[0],
		    "denied", "not a lead");
		app_error(a, 403, "この操作はできません", "メンバーをチームから"
		    "外せるのは担当者だけです。");
		goto out;
	}
	snprintf(team, sizeof(team), "%s", db_get(r, 0, "team_id"));
	PQclear(r);
	p[0] = team;
	p[1] = a->id[1];
	/* One who left (lib/leave.h) stays in the team's history. */
	r = db_exec(a->db, "SELECT m.role FROM team_member m JOIN account a"
	    " ON a.id = m.account_id AND a.is_staff AND a.deleted_at IS NULL"
	    " WHERE m.team_id = $1::bigint AND m.account_id = $2::bigint",
	    2, p);
	if (r == NULL) {
		app_dberr(a);
		goto out;
	}
	if (PQntuples(r) != 1) {
		db_rollback(a->db);
		not_found(a);
		goto out;
	}
	if (strcmp(db_get(r, 0, "role"), "lead") == 0) {
		db_rollback(a->db);
		app_audit(a, "team.remove", "account", a->id[1], a->id[0],
		    "denied", "a lead");
		app_error(a, 409, "担当者は外せません", "担当者をチームから外す"
		    "ことはできません。ご自分が抜けるときは「この支援チームから"
		    "抜ける」を、別の担当者を外すときは、先にメンバーに戻して"
		    "ください。");
		goto out;
	}
	if (db_cmd(a->db, "DELETE FROM team_member WHERE team_id = $1::bigint"
	    " AND account_id = $2::bigint AND role = 'member'", 2, p) == -1 ||
	    app_audit(a, "team.remove", "account", a->id[1], a->id[0],
	    "success", NULL) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	snprintf(path, sizeof(path), "/patients/%s?n=removed", a->id[0]);
	app_redirect(a, path);
out:
	PQclear(r);
}

static void
page_leave(struct app *a)
{
	PGresult	*r;
	const char	*p[2];

	if ((r = patient_team_lock(a, "team.leave")) == NULL)
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
	/* Registration and the lookup: staff only; the patient pages are
	 * their team's members' (and only staff are members). */
	{ "/patients/new", APP_GET | APP_POST, APP_SESSION,
	    patient_register_new, .staff = 1 },
	{ "/patients/new/consent", APP_POST, APP_SESSION,
	    patient_register_consent, .staff = 1 },
	{ "/patients/#", APP_GET, APP_SESSION, page_view },
	{ "/patients/#/consent-document", APP_GET, APP_SESSION, page_document },
	{ "/patients/#/consent", APP_GET, APP_SESSION, patient_consent_list },
	{ "/patients/#/consent/#/document", APP_GET, APP_SESSION,
	    patient_consent_document },
	{ "/patients/#/consent/new", APP_GET | APP_POST, APP_SESSION,
	    patient_consent_new },
	{ "/patients/#/consent/withdraw", APP_GET | APP_POST, APP_SESSION,
	    patient_consent_withdraw },
	{ "/patients/#/consent/withdraw/document", APP_GET, APP_SESSION,
	    patient_consent_withdrawal_document },
	{ "/patients/#/edit", APP_GET | APP_POST, APP_SESSION, patient_edit },
	{ "/patients/#/history", APP_GET, APP_SESSION, patient_history },
	{ "/patients/#/members/#/lead", APP_POST, APP_SESSION, page_lead },
	{ "/patients/#/members/#/member", APP_POST, APP_SESSION, page_member },
	{ "/patients/#/leave", APP_POST, APP_SESSION, page_leave },
	{ "/patients/#/close", APP_GET | APP_POST, APP_SESSION, patient_close },
	{ "/patients/#/members/#/remove", APP_POST, APP_SESSION, page_remove },
	{ "/patients/#/sheet", APP_GET, APP_SESSION, patient_sheet_view },
	{ "/patients/#/sheet/edit", APP_GET | APP_POST, APP_SESSION,
	    patient_sheet_edit },
	{ "/patients/#/sheet/history", APP_GET, APP_SESSION,
	    patient_sheet_history },
};

int
main(void)
{
	/* The signed consent document (10 MiB) and the form around it. */
	return app_main("patient", pages, sizeof(pages) / sizeof(pages[0]),
	    keys, KEY__MAX, 11 * 1024 * 1024);
}

