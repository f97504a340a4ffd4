-- renrakucho: the schema as it stands (roles, tables, indexes, views,
-- grants, comments), for a reader and for an empty database.
--
-- `renrakucho-admin migrate` applies this file once, to an empty
-- database, as a role that may create roles (the database owner or a
-- superuser), then the numbered deltas schema/NNN_*.sql not yet applied,
-- then every schema/functions/*.sql in file-name order, all in one
-- transaction; it records each file in schema_migration.  Functions and
-- triggers live in functions/ only (this file makes none): a table's
-- trigger and a constraint that calls a function are made there, next to
-- their function (functions/unread.sql, audit.sql, patients.sql).
--
-- Contents: roles and the schema; the migration record; facilities,
-- accounts, device certificates and sessions; the audit trail; the mail
-- outbox; patients and consent; teams, members and join requests;
-- certificate pickups; messages.  Each part grants its own tables.

-- --- roles and the schema --------------------------------------------

-- Roles are the cluster's, not the database's: a second database in the
-- same cluster finds them made.
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

-- Everything below is owned by renrakucho_owner.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

COMMENT ON SCHEMA renrakucho IS
	'renrakucho, the care-coordination contact book: every table, view and function.';

-- --- the migration record --------------------------------------------

CREATE TABLE schema_migration (file text PRIMARY KEY, sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'), applied_at timestamptz NOT NULL DEFAULT now());

COMMENT ON TABLE schema_migration IS
	'Each schema file renrakucho-admin migrate has applied, with its SHA-256 when applied; written by migrate only.';
COMMENT ON COLUMN schema_migration.file IS
	'The file''s path under schema/: base.sql, NNN_name.sql (a delta), functions/name.sql.';
COMMENT ON COLUMN schema_migration.sha256 IS
	'SHA-256 of the file as applied (lower-case hex); a delta or base.sql that no longer matches is refused.';
COMMENT ON COLUMN schema_migration.applied_at IS
	'When it was (last) applied; functions/ files are applied again by every migrate.';

-- --- facilities, accounts, device certificates, sessions -------------

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
	deleted_at		timestamptz,
	prev_login_at		timestamptz
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
	issued_by	bigint REFERENCES account,
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

GRANT SELECT, INSERT, UPDATE ON facility, account, device_cert, session
	TO renrakucho_app;
GRANT SELECT ON facility, device_cert TO renrakucho_auditor;
-- Not the password hash, the e-mail address or the lockout counters.
GRANT SELECT (id, facility_id, login, name, profession, is_facility_admin,
	is_operator, created_at, deleted_at) ON account TO renrakucho_auditor;

COMMENT ON TABLE facility IS
	'A facility (事業所) taking part: its staff log in on its device certificates.';
COMMENT ON COLUMN facility.id IS 'Facility number.';
COMMENT ON COLUMN facility.name IS 'Facility name.';
COMMENT ON COLUMN facility.address IS 'Postal address ('''' when not given).';
COMMENT ON COLUMN facility.municipality_code IS
	'Municipality code (全国地方公共団体コード, 5 or 6 digits) of the facility; facilities outside the service area may take part.';
COMMENT ON COLUMN facility.municipality_name IS 'Municipality name, e.g. 島根県出雲市.';
COMMENT ON COLUMN facility.email IS
	'Representative e-mail address (代表メールアドレス): mail to its staff''s placeholder addresses goes here.';
COMMENT ON COLUMN facility.phone IS 'Phone number ('''' when not given).';
COMMENT ON COLUMN facility.status IS
	'active, or suspended: no staff of a suspended facility can log in.';
COMMENT ON COLUMN facility.created_at IS 'When the facility was registered.';

COMMENT ON TABLE account IS
	'A person''s login: staff, facility administrator and/or service operator, of one facility.  Deleted accounts stay (deleted_at) so that what they wrote stays attributed.';
COMMENT ON COLUMN account.id IS 'Account number (audit_event.account_id).';
COMMENT ON COLUMN account.facility_id IS 'The facility the person works for.';
COMMENT ON COLUMN account.login IS
	'Login ID (printable ASCII); unique among live accounts, case-insensitively.';
COMMENT ON COLUMN account.name IS 'The person''s name.';
COMMENT ON COLUMN account.kana IS 'The name in kana, for sorting.';
COMMENT ON COLUMN account.profession IS 'Profession (職種), as shown next to the name.';
COMMENT ON COLUMN account.email IS
	'The person''s own address, or a forwarding placeholder (email_is_placeholder); unique among live accounts, case-insensitively.';
COMMENT ON COLUMN account.email_is_placeholder IS
	'email is a placeholder: mail is delivered to the facility''s representative address, naming the person.';
COMMENT ON COLUMN account.password_hash IS 'PBKDF2-HMAC-SHA256 of the password, with its parameters.';
COMMENT ON COLUMN account.is_staff IS 'Has the staff role (利用者).';
COMMENT ON COLUMN account.is_facility_admin IS 'Facility administrator (施設管理者) of facility_id.';
COMMENT ON COLUMN account.is_operator IS 'Service operator (サービス運用者, the secretariat).';
COMMENT ON COLUMN account.notify IS 'Wants mail about new messages in their teams.';
COMMENT ON COLUMN account.fail_count IS 'Failed logins since fail_window_start.';
COMMENT ON COLUMN account.fail_window_start IS 'Start of the 15-minute window fail_count counts in.';
COMMENT ON COLUMN account.locked_until IS 'Logins refused until then (10 failures).';
COMMENT ON COLUMN account.last_login_at IS 'The latest successful login.';
COMMENT ON COLUMN account.created_at IS 'When the account was registered.';
COMMENT ON COLUMN account.deleted_at IS
	'When the account was deleted (NULL: live); its login ID and e-mail address are free again.';
COMMENT ON COLUMN account.prev_login_at IS
	'The login before the latest, shown on /home so that a person notices a login that was not theirs.';

COMMENT ON TABLE device_cert IS
	'A device (client) certificate of the system''s CA: staff of its facility log in on it while it is neither revoked nor expired.';
COMMENT ON COLUMN device_cert.serial IS 'Serial number, upper-case hex (audit_event.cert_serial).';
COMMENT ON COLUMN device_cert.sha256 IS 'SHA-256 fingerprint of the DER certificate, lower-case hex.';
COMMENT ON COLUMN device_cert.facility_id IS
	'The facility whose staff may log in on it (the issuer''s facility).';
COMMENT ON COLUMN device_cert.issued_by IS 'The account that issued it; NULL: renrakucho-admin.';
COMMENT ON COLUMN device_cert.label IS 'The device''s name, as its issuer gave it.';
COMMENT ON COLUMN device_cert.issued_at IS 'When it was issued.';
COMMENT ON COLUMN device_cert.not_after IS 'When it expires.';
COMMENT ON COLUMN device_cert.revoked_at IS 'When it was revoked (NULL: not revoked).';
COMMENT ON COLUMN device_cert.revoked_by IS
	'The account that revoked it; NULL: not revoked, or revoked by renrakucho-admin or by a pickup''s expiry or lock.';
COMMENT ON COLUMN device_cert.revoke_reason IS 'Why it was revoked, in words (e.g. pickup expired).';

COMMENT ON TABLE session IS
	'A login session: the hash of the cookie''s token, bound to the certificate it was made under; 30 minutes idle, 12 hours at most.';

-- --- the audit trail ---------------------------------------------------

-- Append-only: the app may only INSERT, the auditor may only SELECT, and
-- the triggers of functions/audit.sql refuse UPDATE, DELETE and TRUNCATE
-- for everyone, the owner included (who would have to drop them first,
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

GRANT INSERT ON audit_event TO renrakucho_app;
GRANT SELECT ON audit_event, audit_log TO renrakucho_auditor;

COMMENT ON TABLE audit_event IS
	'The audit trail, append-only: one row per event (every view of patient data, every change, every refused attempt), written in the transaction of what it records.';
COMMENT ON COLUMN audit_event.id IS 'Event number, in the order written.';
COMMENT ON COLUMN audit_event.at IS 'When the event was written (clock time, not the transaction''s start).';
COMMENT ON COLUMN audit_event.account_id IS
	'Who (account.id); NULL when nobody was logged in (a failed login, the portal, renrakucho-admin).';
COMMENT ON COLUMN audit_event.login IS
	'The login ID: of account_id, or the one attempted on a failed login; cli:<unix user> for renrakucho-admin.';
COMMENT ON COLUMN audit_event.cert_serial IS
	'From which device: the serial of the client certificate presented (device_cert.serial, or one refused).';
COMMENT ON COLUMN audit_event.remote_addr IS 'From which address.';
COMMENT ON COLUMN audit_event.action IS
	'What was done, e.g. login, patient.view, message.post, cli.migrate (README, "The audit trail").';
COMMENT ON COLUMN audit_event.object_type IS 'The kind of object acted on: team, patient, account, device_cert, ...';
COMMENT ON COLUMN audit_event.object_id IS 'Which object of object_type, as text.';
COMMENT ON COLUMN audit_event.patient_id IS 'The patient whose data it was (patient.id), when it was.';
COMMENT ON COLUMN audit_event.outcome IS
	'success, failure (e.g. a wrong password) or denied (refused: not a member, no CSRF token, ...).';
COMMENT ON COLUMN audit_event.detail IS 'More about the event, in words (never a password or patient data).';

COMMENT ON VIEW audit_log IS
	'audit_event with the names behind its ids: the account''s login and name, its facility, the device''s label.';
COMMENT ON COLUMN audit_log.id IS 'audit_event.id.';
COMMENT ON COLUMN audit_log.at IS 'audit_event.at: when.';
COMMENT ON COLUMN audit_log.action IS 'audit_event.action: what.';
COMMENT ON COLUMN audit_log.outcome IS 'audit_event.outcome: success, failure or denied.';
COMMENT ON COLUMN audit_log.detail IS 'audit_event.detail.';
COMMENT ON COLUMN audit_log.account_id IS 'audit_event.account_id: who.';
COMMENT ON COLUMN audit_log.account_login IS 'The login ID of account_id (account.login).';
COMMENT ON COLUMN audit_log.account_name IS 'The name of account_id (account.name).';
COMMENT ON COLUMN audit_log.facility_name IS 'The facility of account_id (facility.name).';
COMMENT ON COLUMN audit_log.login_attempted IS
	'audit_event.login: also the login ID attempted on a failed login.';
COMMENT ON COLUMN audit_log.cert_serial IS 'audit_event.cert_serial: from which device.';
COMMENT ON COLUMN audit_log.device_label IS 'The label of that device certificate (device_cert.label).';
COMMENT ON COLUMN audit_log.remote_addr IS 'audit_event.remote_addr: from which address.';
COMMENT ON COLUMN audit_log.object_type IS 'audit_event.object_type.';
COMMENT ON COLUMN audit_log.object_id IS 'audit_event.object_id.';
COMMENT ON COLUMN audit_log.patient_id IS 'audit_event.patient_id.';

-- --- the mail outbox ---------------------------------------------------

-- Rows queued in the transaction of the event that causes them,
-- delivered by `renrakucho-admin mail deliver` (cron).
CREATE TABLE mail_outbox (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	to_addr		text NOT NULL CHECK (length(to_addr) BETWEEN 3 AND 254),
	account_id	bigint REFERENCES account,
	subject		text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
	body		text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
	created_at	timestamptz NOT NULL DEFAULT now(),
	attempts	integer NOT NULL DEFAULT 0,
	next_attempt_at	timestamptz NOT NULL DEFAULT now(),
	last_error	text,
	sent_at		timestamptz
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at)
	WHERE sent_at IS NULL;

GRANT INSERT ON mail_outbox TO renrakucho_app;
-- Who was mailed what, and when; not the bodies.
GRANT SELECT (id, to_addr, account_id, subject, created_at, attempts,
	sent_at) ON mail_outbox TO renrakucho_auditor;

COMMENT ON TABLE mail_outbox IS
	'Mail queued in the transaction of the event that causes it, sent later by renrakucho-admin mail deliver.  Mail carries no patient details, only a link to log in.';
COMMENT ON COLUMN mail_outbox.id IS 'Mail number.';
COMMENT ON COLUMN mail_outbox.to_addr IS
	'The recipient''s address: the account''s own, or its facility''s representative address for a placeholder.';
COMMENT ON COLUMN mail_outbox.account_id IS 'The account the mail is for; NULL for mail to a facility.';
COMMENT ON COLUMN mail_outbox.subject IS 'Subject.';
COMMENT ON COLUMN mail_outbox.body IS 'Body.';
COMMENT ON COLUMN mail_outbox.created_at IS 'When it was queued.';
COMMENT ON COLUMN mail_outbox.attempts IS 'Delivery attempts so far; mail deliver gives up after 10.';
COMMENT ON COLUMN mail_outbox.next_attempt_at IS 'Not tried again before then (back-off).';
COMMENT ON COLUMN mail_outbox.last_error IS 'Why the last attempt failed (''gave up'' after the last).';
COMMENT ON COLUMN mail_outbox.sent_at IS 'When sendmail accepted it (NULL: not sent).';

-- --- patients and consent -----------------------------------------------

-- The constraint patient_kana_key (kana_key = kana_key(kana)) calls a
-- function, and is made with it in functions/patients.sql.
CREATE TABLE patient (
	id			bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name			text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
	kana			text NOT NULL CHECK (length(kana) BETWEEN 1 AND 100),
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

GRANT SELECT, INSERT, UPDATE ON patient, consent TO renrakucho_app;
-- That a patient exists, when and by whom registered; nothing about them.
GRANT SELECT (id, created_at, registered_by) ON patient TO renrakucho_auditor;

COMMENT ON TABLE patient IS
	'A resident of the service area who receives care, registered once with comprehensive consent (包括同意) for a support team.';
COMMENT ON COLUMN patient.id IS 'Patient number (audit_event.patient_id).';
COMMENT ON COLUMN patient.name IS 'Name.';
COMMENT ON COLUMN patient.kana IS 'Name in kana, as entered.';
COMMENT ON COLUMN patient.kana_key IS
	'kana_key(kana): NFKC, hiragana to katakana, no spaces or middle dots; with birth_date and sex, what finds a second registration of the same person.';
COMMENT ON COLUMN patient.birth_date IS 'Date of birth.';
COMMENT ON COLUMN patient.sex IS 'male, female or other.';
COMMENT ON COLUMN patient.address IS 'Address.';
COMMENT ON COLUMN patient.municipality_code IS 'Municipality code of the address: the service area''s.';
COMMENT ON COLUMN patient.phone IS 'Phone number.';
COMMENT ON COLUMN patient.care_level IS 'Care level (要介護度).';
COMMENT ON COLUMN patient.main_diseases IS 'Main diseases.';
COMMENT ON COLUMN patient.emergency_contact IS 'Emergency contact.';
COMMENT ON COLUMN patient.notes IS 'Notes shared with the team.';
COMMENT ON COLUMN patient.registered_by IS 'The account that registered the patient (account.id).';
COMMENT ON COLUMN patient.created_at IS 'When the patient was registered.';

COMMENT ON TABLE consent IS
	'The signed consent document of a patient (PDF, JPEG or PNG, sniffed) and who obtained it, when, on which form.';

-- --- teams, members, join requests ---------------------------------------

CREATE TABLE team (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	patient_id	bigint NOT NULL UNIQUE REFERENCES patient,
	created_at	timestamptz NOT NULL DEFAULT now()
);

-- unread and last_viewed_at are kept by the triggers of
-- functions/unread.sql, so that no page counts a team's history.
CREATE TABLE team_member (
	team_id		bigint NOT NULL REFERENCES team,
	account_id	bigint NOT NULL REFERENCES account,
	role		text NOT NULL CHECK (role IN ('lead', 'member')),
	joined_at	timestamptz NOT NULL DEFAULT now(),
	approved_by	bigint REFERENCES account,
	unread		integer NOT NULL DEFAULT 0,
	last_viewed_at	timestamptz,
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

GRANT SELECT, INSERT, UPDATE ON team, join_request TO renrakucho_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON team_member TO renrakucho_app;
GRANT SELECT ON team, team_member, join_request TO renrakucho_auditor;

COMMENT ON TABLE team IS 'The support team (支援チーム) of one patient.';
COMMENT ON COLUMN team.id IS 'Team number (audit_event.object_id of object_type team).';
COMMENT ON COLUMN team.patient_id IS 'The patient (patient.id); one team per patient.';
COMMENT ON COLUMN team.created_at IS 'When the team was made (with the patient''s registration).';

COMMENT ON TABLE team_member IS
	'Who is in which team: the person in charge (担当者, lead) and members; only members see the team''s patient and messages.';
COMMENT ON COLUMN team_member.team_id IS 'The team.';
COMMENT ON COLUMN team_member.account_id IS 'The member (account.id).';
COMMENT ON COLUMN team_member.role IS 'lead (担当者, sees the read receipts) or member.';
COMMENT ON COLUMN team_member.joined_at IS 'When the member joined.';
COMMENT ON COLUMN team_member.approved_by IS
	'Who approved the join request (account.id); NULL: the member registered the patient.';
COMMENT ON COLUMN team_member.unread IS
	'The team''s messages the member has not seen (not their own, not withdrawn); kept by triggers.';
COMMENT ON COLUMN team_member.last_viewed_at IS
	'The member''s latest first view of a message of the team (NULL: none); kept by triggers.';

COMMENT ON TABLE join_request IS
	'A request to join a patient''s team (加入申請), decided by a member of the team.';
COMMENT ON COLUMN join_request.id IS 'Request number.';
COMMENT ON COLUMN join_request.team_id IS 'The team asked to join.';
COMMENT ON COLUMN join_request.account_id IS 'Who asked (account.id).';
COMMENT ON COLUMN join_request.message IS 'The asker''s message to the team.';
COMMENT ON COLUMN join_request.state IS 'pending, approved, rejected or withdrawn (by the asker).';
COMMENT ON COLUMN join_request.created_at IS 'When it was asked.';
COMMENT ON COLUMN join_request.decided_by IS 'Who approved or rejected it (account.id).';
COMMENT ON COLUMN join_request.decided_at IS 'When it was decided or withdrawn.';

-- --- certificate pickups -------------------------------------------------

-- A device certificate issued from the web is parked as a PKCS#12 bundle
-- behind a pickup number and password (lib/pickup.h), fetched once within
-- 72 hours, then the bundle is deleted.
CREATE TABLE pickup (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	number		text NOT NULL UNIQUE CHECK (number ~ '^[0-9]{12}$'),
	password_hash	text NOT NULL,
	serial		text NOT NULL UNIQUE REFERENCES device_cert,
	facility_id	bigint NOT NULL REFERENCES facility,
	created_by	bigint REFERENCES account,
	p12		bytea CHECK (p12 IS NULL OR length(p12) BETWEEN 1 AND 65536),
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL DEFAULT now() + interval '72 hours',
	fetched_at	timestamptz,
	fails		integer NOT NULL DEFAULT 0,
	locked_at	timestamptz
);
CREATE INDEX pickup_created_by ON pickup (created_by);
CREATE INDEX pickup_pending ON pickup (expires_at) WHERE p12 IS NOT NULL;

-- Failed pickup attempts by address, for the per-address limit (the app
-- cannot read the audit trail, and should not have to).
CREATE TABLE pickup_failure (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	remote_addr	inet NOT NULL,
	at		timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pickup_failure_addr ON pickup_failure (remote_addr, at);

GRANT SELECT, INSERT, UPDATE ON pickup TO renrakucho_app;
GRANT SELECT, INSERT ON pickup_failure TO renrakucho_app;
-- Not the number, the password hash or the bundle.
GRANT SELECT (id, serial, facility_id, created_by, created_at, expires_at,
	fetched_at, fails, locked_at) ON pickup TO renrakucho_auditor;

COMMENT ON TABLE pickup IS
	'A device certificate issued on the web, waiting to be fetched once from the portal with a pickup number and password within 72 hours.';
COMMENT ON COLUMN pickup.id IS 'Pickup number (internal).';
COMMENT ON COLUMN pickup.number IS 'The 12-digit pickup number given to the person.';
COMMENT ON COLUMN pickup.password_hash IS 'PBKDF2 of the pickup password, which is also the PKCS#12 password.';
COMMENT ON COLUMN pickup.serial IS 'The certificate (device_cert.serial).';
COMMENT ON COLUMN pickup.facility_id IS 'The certificate''s facility.';
COMMENT ON COLUMN pickup.created_by IS 'Who issued it (account.id); NULL: renrakucho-admin.';
COMMENT ON COLUMN pickup.p12 IS 'The PKCS#12 bundle; NULL once fetched, expired or locked (the key is not kept).';
COMMENT ON COLUMN pickup.created_at IS 'When it was issued.';
COMMENT ON COLUMN pickup.expires_at IS 'Not fetched by then: the bundle is deleted and the certificate revoked.';
COMMENT ON COLUMN pickup.fetched_at IS 'When it was fetched (NULL: not yet).';
COMMENT ON COLUMN pickup.fails IS 'Wrong passwords given for this number.';
COMMENT ON COLUMN pickup.locked_at IS 'When too many wrong passwords locked it.';

COMMENT ON TABLE pickup_failure IS
	'A failed pickup attempt by address, for the per-address limit.';

-- --- messages ------------------------------------------------------------

CREATE TABLE message (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	team_id		bigint NOT NULL REFERENCES team,
	author_id	bigint NOT NULL REFERENCES account,
	body		text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
	client_token	text NOT NULL CHECK (client_token ~ '^[A-Za-z0-9_-]{16,64}$'),
	created_at	timestamptz NOT NULL DEFAULT now(),
	withdrawn_at	timestamptz,
	withdrawn_by	bigint REFERENCES account,
	UNIQUE (author_id, client_token),
	CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL))
);
-- Keyset pagination: WHERE team_id = $1 AND id < $2 ORDER BY id DESC.
CREATE INDEX message_team ON message (team_id, id DESC);

CREATE TABLE message_attachment (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	message_id	bigint NOT NULL REFERENCES message,
	n		smallint NOT NULL CHECK (n BETWEEN 1 AND 5),
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
	type		text NOT NULL CHECK (type IN ('application/pdf', 'image/jpeg', 'image/png')),
	size		integer NOT NULL CHECK (size BETWEEN 1 AND 10485760),
	sha256		text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	data		bytea NOT NULL,
	UNIQUE (message_id, n)
);

CREATE TABLE message_like (
	message_id	bigint NOT NULL REFERENCES message,
	account_id	bigint NOT NULL REFERENCES account,
	at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (message_id, account_id)
);

CREATE TABLE message_view (
	message_id	bigint NOT NULL REFERENCES message,
	account_id	bigint NOT NULL REFERENCES account,
	first_viewed_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (message_id, account_id)
);
CREATE INDEX message_view_account ON message_view (account_id);

CREATE TABLE team_member_notify (
	team_id		bigint NOT NULL REFERENCES team,
	account_id	bigint NOT NULL REFERENCES account,
	last_mailed_at	timestamptz NOT NULL,
	PRIMARY KEY (team_id, account_id)
);

GRANT SELECT, INSERT ON message, message_attachment TO renrakucho_app;
GRANT UPDATE (withdrawn_at, withdrawn_by) ON message TO renrakucho_app;
GRANT SELECT, INSERT, DELETE ON message_like TO renrakucho_app;
GRANT SELECT, INSERT ON message_view TO renrakucho_app;
GRANT SELECT, INSERT, UPDATE ON team_member_notify TO renrakucho_app;
-- The auditor sees who posted, withdrew, liked and read what, and when;
-- not the bodies or the files.
GRANT SELECT (id, team_id, author_id, created_at, withdrawn_at, withdrawn_by)
	ON message TO renrakucho_auditor;
GRANT SELECT (id, message_id, n, name, type, size, sha256)
	ON message_attachment TO renrakucho_auditor;
GRANT SELECT ON message_like, message_view, team_member_notify
	TO renrakucho_auditor;

COMMENT ON TABLE message IS
	'A message posted to a team''s timeline.  A withdrawn message stays (its body hidden on the page).';
COMMENT ON COLUMN message.id IS 'Message number, increasing: the timeline''s order and keyset.';
COMMENT ON COLUMN message.team_id IS 'The team.';
COMMENT ON COLUMN message.author_id IS 'Who wrote it (account.id).';
COMMENT ON COLUMN message.body IS 'The text.';
COMMENT ON COLUMN message.client_token IS
	'The post form''s one-time token: a form sent twice inserts once.';
COMMENT ON COLUMN message.created_at IS 'When it was posted.';
COMMENT ON COLUMN message.withdrawn_at IS 'When its author withdrew it (NULL: not withdrawn).';
COMMENT ON COLUMN message.withdrawn_by IS 'Who withdrew it (account.id).';

COMMENT ON TABLE message_attachment IS 'A file attached to a message (at most 5; PDF, JPEG or PNG, sniffed).';
COMMENT ON COLUMN message_attachment.id IS 'Attachment number.';
COMMENT ON COLUMN message_attachment.message_id IS 'The message.';
COMMENT ON COLUMN message_attachment.n IS 'Its place among the message''s attachments, 1 to 5.';
COMMENT ON COLUMN message_attachment.name IS 'File name, as uploaded.';
COMMENT ON COLUMN message_attachment.type IS 'Content type, from the file''s contents.';
COMMENT ON COLUMN message_attachment.size IS 'Size in bytes.';
COMMENT ON COLUMN message_attachment.sha256 IS 'SHA-256 of the file, lower-case hex.';
COMMENT ON COLUMN message_attachment.data IS 'The file.';

COMMENT ON TABLE message_like IS 'A 👍 under a message: its reader tells the writer it was seen.';
COMMENT ON COLUMN message_like.message_id IS 'The message.';
COMMENT ON COLUMN message_like.account_id IS 'Who pressed 👍 (account.id).';
COMMENT ON COLUMN message_like.at IS 'When.';

COMMENT ON TABLE message_view IS
	'The first time a message was shown to a member on the timeline: the read receipts (閲覧履歴).';
COMMENT ON COLUMN message_view.message_id IS 'The message.';
COMMENT ON COLUMN message_view.account_id IS 'The member it was shown to (account.id).';
COMMENT ON COLUMN message_view.first_viewed_at IS 'When it was first shown to them.';

COMMENT ON TABLE team_member_notify IS
	'When a member was last mailed about new messages of a team: at most one mail per member and team in 10 minutes.';
COMMENT ON COLUMN team_member_notify.team_id IS 'The team.';
COMMENT ON COLUMN team_member_notify.account_id IS 'The member (account.id).';
COMMENT ON COLUMN team_member_notify.last_mailed_at IS 'When the last notification mail was queued.';
