-- 018_sheet.sql: the shared information sheet (/patients/{id}/sheet):
-- the items the consent wording lists as shared with the support team,
-- one section at a time, each written by a member.
--
-- Append-only for the app: every save is a new row, version n + 1 of
-- its section, and a section's current text is its latest row; the
-- earlier rows are its history (who, when, the text before).  A save
-- names the version it was based on and inserts only when that is still
-- the latest; two saves based on the same version meet on the unique
-- (patient_id, section, version), so the second stores nothing and is
-- shown both texts (cgi-bin/patient-sheet.c).
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

CREATE TABLE sheet_entry (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	patient_id	bigint NOT NULL REFERENCES patient,
	section		text NOT NULL CHECK (section IN ('family', 'services',
	    'history', 'adl', 'medication', 'meals', 'excretion',
	    'disaster_place', 'evacuation', 'safety')),
	version		integer NOT NULL CHECK (version >= 1),
	body		text NOT NULL CHECK (char_length(body) <= 2000),
	evacuation	text CHECK (evacuation IN ('need', 'noneed', 'unknown')),
	written_by	bigint NOT NULL REFERENCES account,
	written_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (patient_id, section, version),
	CHECK ((section = 'evacuation') = (evacuation IS NOT NULL))
);

GRANT SELECT ON sheet_entry TO renrakucho_app;
GRANT INSERT (patient_id, section, version, body, evacuation, written_by)
	ON sheet_entry TO renrakucho_app;
-- That a section was written, when and by whom; never what.
GRANT SELECT (id, patient_id, section, version, written_by, written_at)
	ON sheet_entry TO renrakucho_auditor;

COMMENT ON TABLE sheet_entry IS
	'The shared information sheet (共有情報シート) of a patient, append-only: each save of a section is a new row (version n + 1); a section''s current text is its latest row, the earlier ones its history.';
COMMENT ON COLUMN sheet_entry.patient_id IS 'The patient (patient.id).';
COMMENT ON COLUMN sheet_entry.section IS
	'family 家族状況, services サービス利用状況, history 疾患・既往歴, adl 身体状況 (ADL), medication 服薬状況, meals 食事摂取状況, excretion 排せつ状況, disaster_place 災害時の所在, evacuation 避難支援の要否, safety 安否情報.';
COMMENT ON COLUMN sheet_entry.version IS
	'1 for the section''s first save, then 2, 3, ... (the save names the version it was based on).';
COMMENT ON COLUMN sheet_entry.body IS 'The text (at most 2000 characters, newlines kept; may be empty).';
COMMENT ON COLUMN sheet_entry.evacuation IS
	'Section evacuation only: need (要), noneed (不要) or unknown (未確認); NULL for the other sections.';
COMMENT ON COLUMN sheet_entry.written_by IS 'The member who saved it (account.id); for safety, who reported it.';
COMMENT ON COLUMN sheet_entry.written_at IS 'When it was saved.';
