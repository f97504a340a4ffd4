-- 009_roles.sql: the registration lookups of each account, for their
-- hourly limit (lookup_hourly_limit in renrakucho.conf; lib/lookup.c,
-- functions/lookups.sql) and the operator menu's list of the accounts
-- refused in the last 24 hours.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

CREATE TABLE patient_lookup (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	account_id	bigint NOT NULL REFERENCES account (id),
	at		timestamptz NOT NULL DEFAULT now(),
	refused		boolean NOT NULL DEFAULT false
);
CREATE INDEX patient_lookup_account ON patient_lookup (account_id, at);
CREATE INDEX patient_lookup_refused ON patient_lookup (at) WHERE refused;

COMMENT ON TABLE patient_lookup IS
	'One row per answer to "is this person registered?" (registration lookup, registration, join request) of an account, refused ones too; rows older than 25 hours go at the account''s next lookup.';
COMMENT ON COLUMN patient_lookup.account_id IS 'The account that looked up.';
COMMENT ON COLUMN patient_lookup.at IS 'When.';
COMMENT ON COLUMN patient_lookup.refused IS
	'Refused: the account had reached lookup_hourly_limit in the hour before.';

GRANT SELECT, INSERT, DELETE ON patient_lookup TO renrakucho_app;
GRANT SELECT ON patient_lookup TO renrakucho_auditor;
