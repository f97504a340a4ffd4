-- 020_consent.sql: consent over time (/patients/{id}/consent).  A
-- patient's consents are rows of consent, the latest the one in force;
-- members add a newer one (a renewal, a proxy who changed).  Withdrawal
-- (/patients/{id}/consent/withdraw, the team's 担当者) is a row of
-- consent_withdrawal: from then the team is read-only like a closed
-- one (team_read_only() of functions/teams.sql feeds the same
-- triggers: SQLSTATE 55000, constraint consent_withdrawn).  The app
-- never changes or removes a consent or a withdrawal.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

COMMENT ON COLUMN consent.obtained_by IS
	'The account that uploaded the document (at registration, the registrant).';
COMMENT ON COLUMN consent.created_at IS 'When the document was uploaded.';
COMMENT ON COLUMN consent.obtained_on IS 'The day the consent was obtained, as reported.';

-- A consent, once stored, stays as it was uploaded.
REVOKE UPDATE ON consent FROM renrakucho_app;

CREATE TABLE consent_withdrawal (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	patient_id		bigint NOT NULL UNIQUE REFERENCES patient,
	team_id			bigint NOT NULL UNIQUE REFERENCES team,
	withdrawn_on		date NOT NULL,
	reporter		text NOT NULL CHECK (reporter IN ('patient', 'proxy')),
	proxy_name		text NOT NULL DEFAULT '' CHECK (length(proxy_name) <= 100),
	proxy_relationship	text NOT NULL DEFAULT '' CHECK (length(proxy_relationship) <= 50),
	doc_type		text CHECK (doc_type IN ('application/pdf', 'image/jpeg', 'image/png')),
	doc_name		text CHECK (length(doc_name) BETWEEN 1 AND 255),
	doc_size		integer CHECK (doc_size BETWEEN 1 AND 10485760),
	doc_sha256		text CHECK (doc_sha256 ~ '^[0-9a-f]{64}$'),
	doc			bytea,
	recorded_by		bigint NOT NULL REFERENCES account,
	created_at		timestamptz NOT NULL DEFAULT now(),
	CHECK (reporter = 'patient' OR (proxy_name <> '' AND proxy_relationship <> '')),
	CHECK ((doc IS NULL) = (doc_type IS NULL) AND (doc IS NULL) = (doc_name IS NULL)
	    AND (doc IS NULL) = (doc_size IS NULL) AND (doc IS NULL) = (doc_sha256 IS NULL))
);

GRANT SELECT, INSERT ON consent_withdrawal TO renrakucho_app;

COMMENT ON TABLE consent_withdrawal IS
	'The withdrawal of a patient''s consent (同意の撤回): from then the patient''s team is read-only.';
COMMENT ON COLUMN consent_withdrawal.patient_id IS 'The patient.';
COMMENT ON COLUMN consent_withdrawal.team_id IS 'The patient''s team, made read-only.';
COMMENT ON COLUMN consent_withdrawal.withdrawn_on IS 'The day the consent was withdrawn, as reported.';
COMMENT ON COLUMN consent_withdrawal.reporter IS 'Who reported it: patient (本人) or proxy (代理人).';
COMMENT ON COLUMN consent_withdrawal.proxy_name IS 'The proxy''s name (reporter proxy).';
COMMENT ON COLUMN consent_withdrawal.proxy_relationship IS 'The proxy''s relationship to the patient.';
COMMENT ON COLUMN consent_withdrawal.doc_type IS 'The scanned withdrawal form''s type (sniffed), if one was uploaded.';
COMMENT ON COLUMN consent_withdrawal.doc_name IS 'Its file name, cleaned.';
COMMENT ON COLUMN consent_withdrawal.doc_size IS 'Its size in bytes.';
COMMENT ON COLUMN consent_withdrawal.doc_sha256 IS 'Its SHA-256.';
COMMENT ON COLUMN consent_withdrawal.doc IS 'The scanned withdrawal form (PDF, JPEG or PNG).';
COMMENT ON COLUMN consent_withdrawal.recorded_by IS 'The 担当者 who recorded it.';
COMMENT ON COLUMN consent_withdrawal.created_at IS 'When it was recorded.';
