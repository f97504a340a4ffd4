/* What the two files of the patient CGI share: patient.c (the patient
 * page for team members, the consent document, team leads and leaving,
 * main) and patient-register.c (/patients/new: registration with
 * consent) and patient-sheet.c (/patients/{id}/sheet: the shared
 * information sheet). */
#ifndef RK_CGI_PATIENT_H
#define RK_CGI_PATIENT_H

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
	KEY_SECTION,		/* the shared information sheet's keys */
	KEY_SHEET_BODY,
	KEY_EVACUATION,
	KEY_VERSION,
	KEY__MAX
};

struct form;
struct pg_result;

/* The top of every patient page: heading, notice, a refused form's
 * errors (f may be NULL). */
void	patient_head(struct app *, const char *title, const struct form *f,
	    const char *notice);
/* male/female/other in Japanese, or NULL. */
const char *patient_sex_label(const char *);

/* The patient's row (sql: $1 the patient, $2 the team) for a member of
 * the patient's team, in the transaction it opens; NULL for anyone else
 * (an audited "denied" `action`, the 404 page) or on a database error
 * (answered).  patient.c. */
struct pg_result *member_patient(struct app *, const char *action,
	    const char *sql);

/* The pages of patient-register.c. */
void	patient_register_new(struct app *);
void	patient_register_consent(struct app *);
/* The pages of patient-sheet.c. */
void	patient_sheet_view(struct app *);
void	patient_sheet_edit(struct app *);
void	patient_sheet_history(struct app *);
#endif
