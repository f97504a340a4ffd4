/* /patients/{id}/edit: a member of the patient's support team changes
 * the registration (address, phone, care facts, notes; name and kana
 * with a reason), checked as registration checks it; /patients/{id}/
 * history: every change with the value before it, who, when and why.
 * Part of the patient CGI. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "cfg.h"
#include "db.h"
#include "form.h"
#include "jtime.h"
#include "tmpl.h"
#include "patient.h"

/* The columns the edit may change, in the form's order, with their key
 * and their name in the history.  The first two need a reason. */
static const struct field {
	const char	*column;
	enum key	 key;
	const char	*label;
} fields[] = {
	{ "name", KEY_NAME, "氏名" },
	{ "kana", KEY_KANA, "フリガナ" },
	{ "address", KEY_ADDRESS, "住所" },
	{ "phone", KEY_PHONE, "電話番号" },
	{ "care_level", KEY_CARE_LEVEL, "要介護度" },
	{ "main_diseases", KEY_DISEASES, "主な病名" },
	{ "emergency_contact", KEY_EMERGENCY, "緊急連絡先" },
	{ "notes", KEY_NOTES, "備考" },
};
#define NFIELDS		(sizeof(fields) / sizeof(fields[0]))
#define NEEDS_REASON	2	/* fields[0..1]: name and kana */

/* The registration as it is, for a member ($1 patient, $2 team). */
#define EDIT_ROW_SQL "SELECT p.name, p.kana, p.address, p.phone,"	\
	" p.care_level, p.main_diseases, p.emergency_contact, p.notes"	\
	" FROM patient p JOIN team t ON t.patient_id = p.id"		\
	" AND t.id = $2::bigint WHERE p.id = $1::bigint"

/* Every field changed at once, and one history row per field whose
 * value differs, in one statement: old is the row as it was (the
 * statement's snapshot; the caller holds its lock).  $1 patient, $2-$9
 * the new values in the order of fields[], $10 the account, $11 the
 * reason.  Returns the fields changed, in that order. */
static const char edit_sql[] =
    "WITH old AS (SELECT * FROM patient WHERE id = $1::bigint),"
    " new AS (UPDATE patient SET name = $2, kana = $3,"
    " kana_key = kana_key($3), address = $4, phone = $5, care_level = $6,"
    " main_diseases = $7, emergency_contact = $8, notes = $9"
    " WHERE id = $1::bigint RETURNING *)"
    " INSERT INTO patient_change (patient_id, field, old_value, new_value,"
    " changed_by, reason)"
    " SELECT $1::bigint, c.field, c.o, c.n, $10::bigint, $11"
    " FROM old, new, LATERAL (VALUES"
    " (1, 'name', old.name, new.name), (2, 'kana', old.kana, new.kana),"
    " (3, 'address', old.address, new.address),"
    " (4, 'phone', old.phone, new.phone),"
    " (5, 'care_level', old.care_level, new.care_level),"
    " (6, 'main_diseases', old.main_diseases, new.main_diseases),"
    " (7, 'emergency_contact', old.emergency_contact,"
    "  new.emergency_contact),"
    " (8, 'notes', old.notes, new.notes)) AS c (i, field, o, n)"
    " WHERE c.o IS DISTINCT FROM c.n ORDER BY c.i"
    " RETURNING field";

/* The form: the registration's row r (the GET), or what was typed (r
 * NULL: a refused POST shows it again, never the stored values). */
static void
render(struct app *a, int status, const struct form *e, const PGresult *r)
{
	struct tmpl_patient_edit		 t;
	struct tmpl_patient_edit_care_levels	*cl;
	const char				*level;

	if ((cl = calloc(patient_care_levels_n, sizeof(*cl))) == NULL) {
		app_error(a, 500, "エラー", "もう一度お試しください。");
		return;
	}
	memset(&t, 0, sizeof(t));
	t.csrf = a->user.csrf;
	t.patient_id = a->id[0];
	t.area_name = cfg_get(CFG_MUNICIPALITY_NAME);
	FIELD(t, name, KEY_NAME, e);
	FIELD(t, kana, KEY_KANA, e);
	FIELD(t, address, KEY_ADDRESS, e);
	FIELD(t, phone, KEY_PHONE, e);
	FIELD(t, emergency, KEY_EMERGENCY, e);
	FIELD(t, diseases, KEY_DISEASES, e);
	FIELD(t, notes, KEY_NOTES, e);
	FIELD(t, reason, KEY_REASON, e);
	level = form_text(&a->req, KEY_CARE_LEVEL);
	if (r != NULL) {
		t.name = db_get(r, 0, "name");
		t.kana = db_get(r, 0, "kana");
		t.address = db_get(r, 0, "address");
		t.phone = db_get(r, 0, "phone");
		t.emergency = db_get(r, 0, "emergency_contact");
		t.diseases = db_get(r, 0, "main_diseases");
		t.notes = db_get(r, 0, "notes");
		t.reason = "";
		level = db_get(r, 0, "care_level");
	}
	CARE_LEVEL_SELECT(t, cl, e, level);
	a->status = status;
	patient_head(a, "登録内容の変更", e, NULL);
	tmpl_patient_edit(&a->body, &t);
	app_layout_end(a);
	free(cl);
}

/* The form, filled from the registration: a view of patient data. */
static void
edit_form(struct app *a)
{
	struct form	 e;
	PGresult	*r;

	if ((r = patient_member_row(a, "patient.view", EDIT_ROW_SQL)) == NULL)
		return;
	if (app_audit(a, "patient.view", "patient", a->id[0], a->id[0],
	    "success", "edit form") == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		PQclear(r);
		return;
	}
	form_init(&e, &a->req);
	render(a, 200, &e, r);
	PQclear(r);
}

/* The change: checked as registration checks it, against the row locked
 * for the statement that writes it with its history. */
static void
edit_save(struct app *a)
{
	struct form	 e;
	PGresult	*r, *w = NULL;
	const char	*p[11], *reason;
	char		 path[64], detail[160];
	size_t		 i, len, changed = 0;
	int		 named = 0;

	r = patient_member_row(a, "patient.edit", EDIT_ROW_SQL
	    " FOR UPDATE OF p");
	if (r == NULL)
		return;
	form_init(&e, &a->req);
	patient_name_check(a, &e);
	patient_address_check(a, &e);
	patient_care_check(a, &e);
	reason = patient_opt(a, &e, KEY_REASON, "変更の理由が正しくありません。");
	for (i = 0; i < NFIELDS; i++)
		if (strcmp(form_text(&a->req, fields[i].key),
		    db_get(r, 0, fields[i].column)) != 0) {
			changed++;
			if (i < NEEDS_REASON)
				named = 1;
		}
	if (named && reason != NULL && *reason == '\0')
		form_error(&e, KEY_REASON, NULL, "氏名またはフリガナを変更するときは、"
		    "変更の理由を入力してください。");
	if (e.n > 0) {
		db_rollback(a->db);
		render(a, 422, &e, NULL);
		goto out;
	}
	if (changed == 0) {
		/* Nothing to keep: no history, no event. */
		db_rollback(a->db);
		snprintf(path, sizeof(path), "/patients/%s?n=unchanged",
		    a->id[0]);
		app_redirect(a, path);
		goto out;
	}
	p[0] = a->id[0];
	for (i = 0; i < NFIELDS; i++)
		p[1 + i] = form_text(&a->req, fields[i].key);
	p[9] = a->user.account_id;
	p[10] = reason;
	w = db_exec(a->db, edit_sql, 11, p);
	if (w == NULL && strcmp(db_sqlstate(), "23505") == 0) {
		/* patient_identity: the new kana is another registered
		 * person's, with the same birth date and sex. */
		db_rollback(a->db);
		if (app_audit(a, "patient.edit", "patient", a->id[0],
		    a->id[0], "failure", "identity in use") == -1) {
			app_dberr(a);
			goto out;
		}
		form_error(&e, KEY_KANA, NULL, "同じフリガナ・生年月日・性別の方が"
		    "すでに登録されているため、このフリガナには変更できません。"
		    "同じ方を二重に登録していないか、登録済みの方の支援チームに"
		    "ご確認ください。何も変更していません。");
		render(a, 409, &e, NULL);
		goto out;
	}
	if (w == NULL || PQntuples(w) == 0) {
		app_dberr(a);
		goto out;
	}
	/* The fields' names (all eight fit), never their values. */
	detail[0] = '\0';
	for (i = len = 0; i < (size_t)PQntuples(w) && len < sizeof(detail);
	    i++)
		len += snprintf(detail + len, sizeof(detail) - len, "%s%s",
		    i > 0 ? ", " : "", db_get(w, i, "field"));
	if (app_audit(a, "patient.edit", "patient", a->id[0],
	    a->id[0], "success", detail) == -1 ||
	    db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	snprintf(path, sizeof(path), "/patients/%s?n=edited", a->id[0]);
	app_redirect(a, path);
out:
	PQclear(w);
	PQclear(r);
}

void
patient_edit(struct app *a)
{
	if (a->req.method == REQ_POST)
		edit_save(a);
	else
		edit_form(a);
}

/* The label of a history row's field, or the column's own name. */
static const char *
field_label(const char *column)
{
	size_t	 i;

	for (i = 0; i < NFIELDS; i++)
		if (strcmp(column, fields[i].column) == 0)
			return fields[i].label;
	return column;
}

void
patient_history(struct app *a)
{
	struct tmpl_patient_history		 t;
	struct tmpl_patient_history_rows	*rows = NULL;
	PGresult	*r, *h = NULL;
	const char	*p[1];
	char		(*at)[JTIME_LEN] = NULL, count[24];
	const char	*v;
	int		 i, n;

	r = patient_member_row(a, "patient.history", "SELECT p.name"
	    " FROM patient p JOIN team t ON t.patient_id = p.id"
	    " AND t.id = $2::bigint WHERE p.id = $1::bigint");
	if (r == NULL)
		return;
	p[0] = a->id[0];
	h = db_exec(a->db, "SELECT c.field, c.old_value, c.new_value,"
	    " c.reason, " JTIME_SQL("c.changed_at") " AS at, a.name AS who,"
	    " f.name AS facility FROM patient_change c"
	    " JOIN account a ON a.id = c.changed_by"
	    " JOIN facility f ON f.id = a.facility_id"
	    " WHERE c.patient_id = $1::bigint ORDER BY c.id DESC", 1, p);
	if (h == NULL || app_audit(a, "patient.history", "patient", a->id[0],
	    a->id[0], "success", NULL) == -1 || db_commit(a->db) == -1) {
		app_dberr(a);
		goto out;
	}
	n = PQntuples(h);
	rows = calloc(n + 1, sizeof(*rows));
	at = calloc(n + 1, sizeof(*at));
	if (rows == NULL || at == NULL) {
		app_error(a, 500, "エラー", "もう一度お試しください。");
		goto out;
	}
	for (i = 0; i < n; i++) {
		rows[i].at = jtime_db(db_get(h, i, "at"), JTIME_MINUTE, at[i],
		    sizeof(at[i]), "");
		rows[i].field = field_label(db_get(h, i, "field"));
		v = db_get(h, i, "old_value");
		rows[i].old_value = *v != '\0' ? v : "（空欄）";
		v = db_get(h, i, "new_value");
		rows[i].new_value = *v != '\0' ? v : "（空欄）";
		rows[i].who = db_get(h, i, "who");
		rows[i].facility = db_get(h, i, "facility");
		v = db_get(h, i, "reason");
		rows[i].reason = *v != '\0' ? v : "—";
	}
	memset(&t, 0, sizeof(t));
	snprintf(count, sizeof(count), "%d", n);
	t.patient_id = a->id[0];
	t.name = db_get(r, 0, "name");
	t.count = count;
	t.empty = n == 0;
	t.has_rows = n > 0;
	t.rows = rows;
	t.rows_n = n;
	patient_head(a, "登録内容の変更履歴", NULL, NULL);
	tmpl_patient_history(&a->body, &t);
	app_layout_end(a);
out:
	free(at);
	free(rows);
	PQclear(h);
	PQclear(r);
}
