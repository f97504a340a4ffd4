-- Patients, comprehensive consent with the signed document, support teams,
-- their members and join requests (DESIGN rules 2, 5, 6).
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

CREATE TABLE patient (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name			text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	kana			text NOT NULL CHECK (length(kana) BETWEEN 1 AND 100),
	-- NFKC, hiragana -> katakana, no spaces or middle dots: the key a
	-- second registration of the same person is found by.
	kana_key		text NOT NULL CHECK (length(kana_key) BETWEEN 1 AND 100),
	birth_date		date NOT NULL,
	sex			text NOT NULL CHECK (sex IN ('male', 'female', 'other')),
	address			text NOT NULL CHECK (length(address) BETWEEN 1 AND 300),
	municipality_code	text NOT NULL CHECK (municipality_code ~ '^[0-9]{5,6}$'),
	phone			text NOT NULL DEFAULT '' CHECK (length(phone) <= 30),
	care_level		text NOT NULL DEFAULT '' CHECK (length(care_level) <= 30),
	main_diseases		text NOT NULL DEFAULT '' CHECK (length(main_diseases) <= 1000),
	emergency_contact	text NOT NULL DEFAULT '' CHECK (length(emergency_contact) <= 300),
	notes			text NOT NULL DEFAULT '' CHECK (length(notes) <= 4000),
	registered_by		bigint NOT NULL REFERENCES account,
	created_at		timestamptz NOT NULL DEFAULT now()
);
-- One person, one registration: two staff registering the same person at
-- the same moment end with one row.
CREATE UNIQUE INDEX patient_identity ON patient (kana_key, birth_date, sex);

CREATE TABLE consent (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	patient_id		bigint NOT NULL REFERENCES patient,
	obtained_by		bigint NOT NULL REFERENCES account,
	obtained_on		date NOT NULL,
	signer			text NOT NULL CHECK (signer IN ('patient', 'proxy')),
	proxy_name		text NOT NULL DEFAULT '' CHECK (length(proxy_name) <= 100),
	proxy_relationship	text NOT NULL DEFAULT '' CHECK (length(proxy_relationship) <= 50),
	explainer_name		text NOT NULL CHECK (length(explainer_name) BETWEEN 1 AND 100),
	explainer_facility	text NOT NULL CHECK (length(explainer_facility) BETWEEN 1 AND 200),
	form_kind		text NOT NULL CHECK (form_kind IN ('city', 'own')),
	doc_type		text NOT NULL CHECK (doc_type IN ('application/pdf', 'image/jpeg', 'image/png')),
	doc_name		text NOT NULL CHECK (length(doc_name) BETWEEN 1 AND 255),
	doc_size		integer NOT NULL CHECK (doc_size BETWEEN 1 AND 10485760),
	doc_sha256		text NOT NULL CHECK (doc_sha256 ~ '^[0-9a-f]{64}$'),
	doc			bytea NOT NULL,
	created_at		timestamptz NOT NULL DEFAULT now(),
	CHECK (signer = 'patient' OR (proxy_name <> '' AND proxy_relationship <> ''))
);
CREATE INDEX consent_patient ON consent (patient_id);

CREATE TABLE team (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	patient_id	bigint NOT NULL UNIQUE REFERENCES patient,
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE team_member (
	team_id		bigint NOT NULL REFERENCES team,
	account_id	bigint NOT NULL REFERENCES account,
	role		text NOT NULL CHECK (role IN ('lead', 'member')),	-- lead = 担当者
	joined_at	timestamptz NOT NULL DEFAULT now(),
	approved_by	bigint REFERENCES account,	-- NULL: the registrant
	PRIMARY KEY (team_id, account_id)
);
CREATE INDEX team_member_account ON team_member (account_id);

CREATE TABLE join_request (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	team_id		bigint NOT NULL REFERENCES team,
	account_id	bigint NOT NULL REFERENCES account,
	message		text NOT NULL DEFAULT '' CHECK (length(message) <= 500),
	state		text NOT NULL DEFAULT 'pending'
			CHECK (state IN ('pending', 'approved', 'rejected', 'withdrawn')),
	created_at	timestamptz NOT NULL DEFAULT now(),
	decided_by	bigint REFERENCES account,
	decided_at	timestamptz
);
-- At most one pending request per person and team: two approvals at once
-- cannot both win, and a second request waits for the first's outcome.
CREATE UNIQUE INDEX join_request_pending ON join_request (team_id, account_id)
	WHERE state = 'pending';

GRANT SELECT, INSERT, UPDATE ON patient, consent, team, join_request
	TO renrakucho_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON team_member TO renrakucho_app;
GRANT SELECT ON team, team_member, join_request TO renrakucho_auditor;
GRANT SELECT (id, created_at, registered_by) ON patient TO renrakucho_auditor;
