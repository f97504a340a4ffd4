-- renrakucho: roles, schema, and the tables every feature stands on:
-- facility, account, device certificate, session, the audit trail.
-- Applied by `renrakucho-admin migrate` in one transaction, as a role that
-- may create roles (the database owner or a superuser).

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'renrakucho_owner') THEN
		CREATE ROLE renrakucho_owner NOLOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'renrakucho_app') THEN
		CREATE ROLE renrakucho_app LOGIN;
	END IF;
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'renrakucho_auditor') THEN
		CREATE ROLE renrakucho_auditor LOGIN;
	END IF;
END
$$;

-- The migrating role must be able to act as the owner.
GRANT renrakucho_owner TO CURRENT_USER;

CREATE SCHEMA renrakucho AUTHORIZATION renrakucho_owner;
REVOKE ALL ON SCHEMA renrakucho FROM PUBLIC;
GRANT USAGE ON SCHEMA renrakucho TO renrakucho_app, renrakucho_auditor;

-- Every connection of the app and the auditor finds the schema and is
-- bounded in time even before the CGI's own SET LOCAL.
ALTER ROLE renrakucho_app SET search_path = renrakucho;
ALTER ROLE renrakucho_app SET statement_timeout = '10s';
ALTER ROLE renrakucho_app SET timezone = 'Asia/Tokyo';
ALTER ROLE renrakucho_auditor SET search_path = renrakucho;
ALTER ROLE renrakucho_auditor SET default_transaction_read_only = on;
ALTER ROLE renrakucho_auditor SET timezone = 'Asia/Tokyo';

SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

CREATE TABLE schema_migration (
	version		text PRIMARY KEY,
	applied_at	timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE facility (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name			text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	address			text NOT NULL DEFAULT '' CHECK (length(address) <= 300),
	municipality_code	text NOT NULL CHECK (municipality_code ~ '^[0-9]{5,6}$'),
	municipality_name	text NOT NULL CHECK (length(municipality_name) BETWEEN 1 AND 100),
	email			text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
	phone			text NOT NULL DEFAULT '' CHECK (length(phone) <= 30),
	status			text NOT NULL DEFAULT 'active'
				CHECK (status IN ('active', 'suspended')),
	created_at		timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE account (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	facility_id		bigint NOT NULL REFERENCES facility,
	login			text NOT NULL CHECK (login ~ '^[!-~]{3,64}$'),
	name			text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	kana			text NOT NULL DEFAULT '' CHECK (length(kana) <= 100),
	profession		text NOT NULL DEFAULT '' CHECK (length(profession) <= 50),
	-- Either the person's own address or a forwarding placeholder that
	-- is delivered to the facility's representative address.
	email			text CHECK (email IS NULL OR length(email) BETWEEN 3 AND 254),
	email_is_placeholder	boolean NOT NULL DEFAULT false,
	password_hash		text NOT NULL,
	is_staff		boolean NOT NULL DEFAULT true,
	is_facility_admin	boolean NOT NULL DEFAULT false,
	is_operator		boolean NOT NULL DEFAULT false,
	notify			boolean NOT NULL DEFAULT true,
	fail_count		integer NOT NULL DEFAULT 0,
	fail_window_start	timestamptz,
	locked_until		timestamptz,
	last_login_at		timestamptz,
	created_at		timestamptz NOT NULL DEFAULT now(),
	deleted_at		timestamptz
);
-- Login IDs and e-mail addresses are unique among live accounts,
-- case-insensitively; a deleted account frees both.
CREATE UNIQUE INDEX account_login_live ON account (lower(login))
	WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX account_email_live ON account (lower(email))
	WHERE deleted_at IS NULL AND email IS NOT NULL;
CREATE INDEX account_facility ON account (facility_id);

CREATE TABLE device_cert (
	serial		text PRIMARY KEY CHECK (serial ~ '^[0-9A-F]{1,40}$'),
	sha256		text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	facility_id	bigint NOT NULL REFERENCES facility,
	issued_by	bigint REFERENCES account,	-- NULL: the admin CLI
	label		text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
	issued_at	timestamptz NOT NULL DEFAULT now(),
	not_after	timestamptz NOT NULL,
	revoked_at	timestamptz,
	revoked_by	bigint REFERENCES account,
	revoke_reason	text
);
CREATE INDEX device_cert_facility ON device_cert (facility_id);

CREATE TABLE session (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	token_hash	text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
	csrf		text NOT NULL,
	account_id	bigint NOT NULL REFERENCES account,
	cert_serial	text NOT NULL REFERENCES device_cert,
	remote_addr	inet,
	created_at	timestamptz NOT NULL DEFAULT now(),
	last_seen_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL DEFAULT now() + interval '12 hours',
	ended_at	timestamptz,
	end_reason	text
);
CREATE INDEX session_account ON session (account_id) WHERE ended_at IS NULL;

-- The audit trail: append-only.  The app may only INSERT; the auditor may
-- only SELECT; the triggers refuse UPDATE, DELETE and TRUNCATE for
-- everyone, the owner included (who would have to drop them first,
-- itself a visible act in the server log).
CREATE TABLE audit_event (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT clock_timestamp(),
	account_id	bigint,
	login		text,
	cert_serial	text,
	remote_addr	inet,
	action		text NOT NULL,
	object_type	text,
	object_id	text,
	patient_id	bigint,
	outcome		text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
	detail		text
);
CREATE INDEX audit_event_at ON audit_event (at);
CREATE INDEX audit_event_account ON audit_event (account_id, at);
CREATE INDEX audit_event_patient ON audit_event (patient_id, at)
	WHERE patient_id IS NOT NULL;

CREATE FUNCTION audit_event_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_event is append-only (% refused)', TG_OP
		USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
	FOR EACH ROW EXECUTE FUNCTION audit_event_refuse();
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
	FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse();

-- What auditors read: every event with the names behind the ids.
CREATE VIEW audit_log AS
SELECT	e.id, e.at, e.action, e.outcome, e.detail,
	e.account_id, a.login AS account_login, a.name AS account_name,
	f.name AS facility_name, e.login AS login_attempted,
	e.cert_serial, d.label AS device_label, e.remote_addr,
	e.object_type, e.object_id, e.patient_id
FROM audit_event e
LEFT JOIN account a ON a.id = e.account_id
LEFT JOIN facility f ON f.id = a.facility_id
LEFT JOIN device_cert d ON d.serial = e.cert_serial;

GRANT SELECT, INSERT, UPDATE ON facility, account, device_cert, session
	TO renrakucho_app;
GRANT INSERT ON audit_event TO renrakucho_app;
GRANT SELECT ON audit_event, audit_log, facility, device_cert
	TO renrakucho_auditor;
GRANT SELECT (id, facility_id, login, name, profession, is_facility_admin,
	is_operator, created_at, deleted_at) ON account TO renrakucho_auditor;
