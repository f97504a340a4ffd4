-- 014_patient_edit.sql: a member of the patient's support team edits the
-- registration (/patients/{id}/edit); every change keeps its previous
-- value, who made it, when and why (/patients/{id}/history).
--
-- patient: the app may UPDATE only the columns the edit page changes
-- (birth date, sex, municipality and who registered stay as
-- registered; kana_key goes with kana, held to it by patient_kana_key).
--
-- patient_change: one row per changed field, written in the transaction
-- of the UPDATE; the app may only INSERT and read it (append-only: no
-- UPDATE, no DELETE).
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- A table-wide REVOKE takes the column grants with it: the columns are
-- granted after it.
REVOKE UPDATE ON patient FROM renrakucho_app;
GRANT UPDATE (name, kana, kana_key, address, phone, care_level,
	main_diseases, emergency_contact, notes) ON patient TO renrakucho_app;

CREATE TABLE patient_change (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	patient_id	bigint NOT NULL REFERENCES patient,
	field		text NOT NULL CHECK (field IN ('name', 'kana', 'address',
	    'phone', 'care_level', 'main_diseases', 'emergency_contact',
	    'notes')),
	old_value	text NOT NULL,
	new_value	text NOT NULL,
	changed_by	bigint NOT NULL REFERENCES account,
	changed_at	timestamptz NOT NULL DEFAULT now(),
	reason		text NOT NULL DEFAULT ''
	    CHECK (char_length(reason) <= 200),
	CHECK (old_value IS DISTINCT FROM new_value)
);
CREATE INDEX patient_change_patient ON patient_change (patient_id, id);

GRANT SELECT ON patient_change TO renrakucho_app;
GRANT INSERT (patient_id, field, old_value, new_value, changed_by, reason)
	ON patient_change TO renrakucho_app;

COMMENT ON TABLE patient_change IS
	'The history of a patient''s registration (/patients/{id}/history): one row per field changed on /patients/{id}/edit, with the value before and after, written in the transaction of the change; append-only for the app.';
COMMENT ON COLUMN patient_change.id IS 'Change number, in the order written.';
COMMENT ON COLUMN patient_change.patient_id IS 'The patient changed (patient.id).';
COMMENT ON COLUMN patient_change.field IS 'The column of patient changed: name, kana, address, phone, care_level, main_diseases, emergency_contact or notes.';
COMMENT ON COLUMN patient_change.old_value IS 'The value before the change.';
COMMENT ON COLUMN patient_change.new_value IS 'The value after the change.';
COMMENT ON COLUMN patient_change.changed_by IS 'Who changed it (account.id).';
COMMENT ON COLUMN patient_change.changed_at IS 'When it was changed.';
COMMENT ON COLUMN patient_change.reason IS 'Why, as the member wrote it (required when name or kana changes; '''' when none was given).';
