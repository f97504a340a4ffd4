-- 005_auditors.sql: auditors of their own (renrakucho-admin auditor add
-- makes each a LOGIN role IN ROLE renrakucho_auditor), pgaudit for the
-- auditor and owner roles, and the auditor functions'
-- (functions/auditor.sql) one precondition: a transaction that may
-- write their own audit event.

-- Role settings are the cluster's; the migrating role changes them.
RESET ROLE;

-- The auditor functions write an audit event of each call, which a
-- read-only transaction refuses.  The auditor stays read-only by its
-- grants: SELECT on the trail and the documented columns, EXECUTE on
-- the auditor functions, nothing else.
ALTER ROLE renrakucho_auditor RESET default_transaction_read_only;

-- pgaudit (README, "The audit trail"): every statement of the auditor
-- role and of the owner role is logged by the server.  pgaudit.log is a
-- superuser's parameter: a migrating role that may not set it leaves it
-- unset with a warning (README says what to add by hand).
DO $$
BEGIN
	ALTER ROLE renrakucho_auditor SET pgaudit.log = 'all';
	ALTER ROLE renrakucho_owner SET pgaudit.log = 'all';
	-- The owner's work is done by the role db_owner_dsn logs in as
	-- (renrakucho_owner has no login; migrate, the admin CLI and a
	-- DBA's psql are postgres): all its statements in this database.
	EXECUTE format('ALTER ROLE %I IN DATABASE %I SET pgaudit.log = %L',
	    session_user, current_database(), 'all');
EXCEPTION WHEN insufficient_privilege OR undefined_object THEN
	RAISE WARNING 'pgaudit.log not set for renrakucho_auditor, renrakucho_owner and %: %',
	    session_user, SQLERRM;
END
$$;

SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- The auditor functions' rows (functions/auditor.sql): audit_log's
-- columns, the patient an event is about (its patient_id, else the
-- patient or the team's patient named as its object: a non-member's
-- refused page carries only the id asked for) and the outcome in words
-- (allowed, refused, failed).  Not granted: auditors read it through
-- the functions.
CREATE VIEW auditor_event AS
SELECT	e.id, e.at,
	coalesce(e.patient_id, CASE WHEN e.object_id ~ '^[0-9]{1,18}$' THEN
	    CASE e.object_type WHEN 'patient' THEN e.object_id::bigint
	    WHEN 'team' THEN (SELECT t.patient_id FROM team t
		WHERE t.id = e.object_id::bigint) END END) AS patient_id,
	e.account_id, coalesce(a.login, e.login) AS account_login,
	a.name AS account_name, f.name AS facility_name, e.action,
	CASE e.outcome WHEN 'success' THEN 'allowed'
	    WHEN 'denied' THEN 'refused' ELSE 'failed' END AS outcome,
	e.cert_serial, d.label AS device_label, e.remote_addr,
	e.object_type, e.object_id, e.detail, e.login AS login_attempted
FROM audit_event e
LEFT JOIN account a ON a.id = e.account_id
LEFT JOIN facility f ON f.id = a.facility_id
LEFT JOIN device_cert d ON d.serial = e.cert_serial;

COMMENT ON VIEW auditor_event IS
	'What the auditor functions return: audit_log''s columns with the patient each event is about and its outcome as allowed, refused or failed.';
COMMENT ON COLUMN auditor_event.patient_id IS
	'The patient: audit_event.patient_id, else the patient or the team''s patient named by object_type and object_id.';
COMMENT ON COLUMN auditor_event.outcome IS
	'allowed (success), refused (denied) or failed (failure).';
COMMENT ON COLUMN auditor_event.login_attempted IS 'audit_event.login.';
