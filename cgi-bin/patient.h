/* What the files of the patient CGI share: patient.c (the patient page
 * for team members, the consent document, team leads and leaving, main),
 * patient-register.c (/patients/new: registration with consent, and the
 * checks of what it stores), patient-edit.c (/patients/{id}/edit and
 * /history: the registration changed by a member, and its history),
 * patient-close.c (/patients/{id}/close: the end of support) and
 * patient-sheet.c (/patients/{id}/sheet: the shared information sheet)
 * and patient-consent.c (/patients/{id}/consent: the consents over time,
 * a newer one, the withdrawal). */
#ifndef RK_CGI_PATIENT_H
#define RK_CGI_PATIENT_H
#include <stddef.h>
#include <libpq-fe.h>

#define PATIENT_DOC_MAX	(10 * 1024 * 1024)
#define SHEET_BODY_MAX	2000	/* characters of a sheet section */

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
	KEY_DISTINCT,
	KEY_REASON,
	KEY_CLOSE_REASON,
	KEY_CLOSED_ON,
	KEY_CLOSE_NOTE,
	KEY_SECTION,		/* the shared information sheet's keys */
	KEY_SHEET_BODY,
	KEY_EVACUATION,
	KEY_VERSION,
	KEY_WITHDRAWN_ON,	/* the withdrawal of the consent */
	KEY__MAX
};

struct form;
struct pg_result;

/* One form field's slots: value, error, aria-invalid, aria-describedby. */
#define FIELD(t, f, k, e) do {						\
	(t).f = form_text(&a->req, (k));						\
	(t).f##_has_error = form_err((e), (k)) != NULL;			\
	(t).f##_error = form_err((e), (k));					\
	(t).f##_invalid = form_err((e), (k)) != NULL ? "true" : "false";	\
	(t).f##_desc = form_err((e), (k)) != NULL ? #f "-error" : "";	\
} while (0)

/* The care levels (要介護度) a patient may have; the first, "", is none. */
extern const char *const patient_care_levels[];
extern const size_t patient_care_levels_n;

/* The care level's select of a form template (slots care_level_has_error,
 * _error, _invalid, _desc; loop care_levels of value, label, selected)
 * from cl, an array of patient_care_levels_n of the loop's struct, with
 * the care level `level` selected. */
#define CARE_LEVEL_SELECT(t, cl, e, level) do {				\
	size_t	 cl_i_;							\
	(t).care_level_error = form_err((e), KEY_CARE_LEVEL);		\
	(t).care_level_has_error = (t).care_level_error != NULL;		\
	(t).care_level_invalid = (t).care_level_has_error ? "true" : "false"; \
	(t).care_level_desc = (t).care_level_has_error ?		\
	    "care_level-error" : "";					\
	for (cl_i_ = 0; cl_i_ < patient_care_levels_n; cl_i_++) {	\
		(cl)[cl_i_].value = patient_care_levels[cl_i_];		\
		(cl)[cl_i_].label = cl_i_ == 0 ? "未選択" :		\
		    patient_care_levels[cl_i_];				\
		(cl)[cl_i_].selected = strcmp((level),			\
		    patient_care_levels[cl_i_]) == 0;			\
	}								\
	(t).care_levels = (cl);						\
	(t).care_levels_n = patient_care_levels_n;			\
} while (0)

/* The top of every patient page: heading, notice, a refused form's
 * errors (f may be NULL). */
void	patient_head(struct app *, const char *title, const struct form *f,
	    const char *notice);
/* male/female/other in Japanese, or NULL. */
const char *patient_sex_label(const char *);

/* Lock the team of patient id[0] if I am in it (every change of leads,
 * members and the end of support goes through this row lock), in a
 * transaction it opens: my role's row (team_id, role 'lead' or 'member',
 * leads), or NULL with the audited 404 (action "denied", not a team
 * member) or the error page rendered. */
PGresult	*patient_team_lock(struct app *, const char *action);

/* The patient page's row for a member of the patient's team (a->team,
 * team_of_patient), in a transaction it opens: sql's $1 is the patient
 * (a->id[0]), $2 the team.  NULL (rolled back, `action` audited as
 * denied, the 404 page rendered, or the database error's page) for
 * anyone else. */
PGresult *patient_member_row(struct app *, const char *action,
	    const char *sql);

/* The checks of registration, for the edit too; each refused field's
 * message goes into the form.  Name and kana (required, kana only kana);
 * the address (required); the care facts, all optional (care level, one
 * of patient_care_levels, main diseases, phone, emergency contact,
 * notes): the care level, or NULL when refused. */
void	patient_name_check(struct app *, struct form *);
void	patient_address_check(struct app *, struct form *);
const char *patient_care_check(struct app *, struct form *);
/* An optional key: "" when absent or empty, NULL (and an error: the
 * validator's reason, else label) if bad. */
const char *patient_opt(struct app *, struct form *, enum key,
	    const char *label);

/* The two documents of a consent's life: the signed consent, the
 * withdrawal (who signed or reported it, its scan). */
enum patient_doc_kind {
	PATIENT_DOC_CONSENT,
	PATIENT_DOC_WITHDRAWAL,
	PATIENT_DOC__MAX
};
/* Who signed a consent (or reported its withdrawal, k): KEY_SIGNER
 * patient or proxy, and for a proxy their name and relationship
 * (KEY_PROXY_NAME, KEY_PROXY_REL; *pn and *pr, "" for the patient).
 * The signer, or NULL (each refused field's message in the form). */
const char *patient_signer_check(struct app *, struct form *,
	    enum patient_doc_kind k, const char **pn, const char **pr);
/* The uploaded document of KEY_DOC: a consent (required) or the scan
 * of a withdrawal form (optional); at most PATIENT_DOC_MAX bytes, a
 * PDF, JPEG or PNG by its content (lib/upload.c).  Its sniffed type, or
 * NULL: refused (the message in the form) or, when optional, none. */
const char *patient_doc_check(struct app *, struct form *,
	    enum patient_doc_kind);
/* KEY_DOC of type as the statement's parameters: bytea hex text (hex,
 * malloc'd: the caller frees it), SHA-256, size and the cleaned file
 * name (dflt for an empty one).  -1 with the 500 page rendered. */
struct patient_doc {
	char	*hex;
	char	 sha[65];
	char	 size[24];
	char	 name[256];	/* UPLOAD_NAME_MAX + 1 */
};
int	patient_doc_encode(struct app *, const char *type, const char *dflt,
	    struct patient_doc *);

/* A consent's fields (registration's step 2, /consent/new), checked:
 * the day it was obtained (KEY_CONSENT_DATE, not in the future, not
 * before birth, a YYYYMMDD), the signer, the explainer and their
 * facility, the form's kind, the document.  Each refused field's
 * message goes into the form; what passed into c. */
struct patient_consent {
	char		 date[11];	/* YYYY-MM-DD */
	const char	*signer, *proxy_name, *proxy_rel, *form_kind;
	const char	*type;		/* the document's, sniffed */
};
void	patient_consent_check(struct app *, struct form *, long birth,
	    struct patient_consent *);
/* The consent's fields of www/templates/patient_consent.xhtml (both
 * modes): what was sent, its errors, the CSRF token. */
struct tmpl_patient_consent;
void	patient_consent_fields(struct app *, struct tmpl_patient_consent *,
	    const struct form *);

/* The pages of patient-register.c. */
void	patient_register_new(struct app *);
void	patient_register_consent(struct app *);
/* The pages of patient-consent.c: /patients/{id}/consent... */
void	patient_consent_list(struct app *);
void	patient_consent_document(struct app *);
void	patient_consent_new(struct app *);
void	patient_consent_withdraw(struct app *);
void	patient_consent_withdrawal_document(struct app *);
/* The page of patient-close.c: /patients/{id}/close. */
/* Rejects the pending join requests of team (decided by me), in the
 * open transaction, before the team is made read-only (the end of
 * support, the withdrawal of the consent): how many, or -1 with the
 * error page rendered. */
int	patient_join_reject(struct app *, const char *team);
void	patient_close(struct app *);
/* The pages of patient-edit.c. */
void	patient_edit(struct app *);
void	patient_history(struct app *);
/* The pages of patient-sheet.c. */
void	patient_sheet_view(struct app *);
void	patient_sheet_edit(struct app *);
void	patient_sheet_history(struct app *);
#endif
