-- 022_patient_again.sql: a person whose support ended (019_team_close.sql)
-- registered again.  The end of support archives the patient row
-- (archived_at, in the transaction that closes its team); the identity
-- index holds only the live rows, so a later registration of the same
-- person is a new patient with a new consent and a new team, and
-- previous_id links it to the one before: the patient pages of both
-- show the link to whoever is a member of both teams, and to nobody
-- else.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

ALTER TABLE patient
	ADD COLUMN archived_at timestamptz,
	ADD COLUMN previous_id bigint REFERENCES patient;
COMMENT ON COLUMN patient.archived_at IS
	'When the support of this registration ended (its team closed); NULL while it goes on.  An archived row no longer takes part in patient_identity.';
COMMENT ON COLUMN patient.previous_id IS
	'The earlier registration of the same person (same kana_key, birth_date and sex, archived) this one followed, if any.';

UPDATE patient p SET archived_at = t.closed_at
FROM team t WHERE t.patient_id = p.id AND t.closed_at IS NOT NULL
AND p.archived_at IS NULL;

DROP INDEX patient_identity;
CREATE UNIQUE INDEX patient_identity
    ON patient (kana_key, birth_date, sex, identity_seq)
    WHERE archived_at IS NULL;
CREATE INDEX patient_previous ON patient (previous_id)
    WHERE previous_id IS NOT NULL;

GRANT UPDATE (archived_at) ON patient TO renrakucho_app;
GRANT SELECT (archived_at, previous_id) ON patient TO renrakucho_auditor;
