/* What the two files of the patient CGI share: patient.c (the patient
 * page for team members, the consent document, team leads and leaving,
 * main) and patient-register.c (/patients/new: registration with
 * consent). */
#ifndef RK_CGI_PATIENT_H
#define RK_CGI_PATIENT_H

#define PATIENT_DOC_MAX	(10 * 1024 * 1024)

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
	KEY_CLOSED_ON,
	KEY_CLOSE_NOTE,
	KEY__MAX
};

struct form;

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

/* The pages of patient-register.c. */
void	patient_register_new(struct app *);
void	patient_register_consent(struct app *);
/* The page of patient-close.c: /patients/{id}/close. */
void	patient_close(struct app *);
#endif
