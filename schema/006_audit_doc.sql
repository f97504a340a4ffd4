-- 006_audit_doc.sql: the audit trail's column comments point to the list
-- of its actions, doc/audit.md (printed by `renrakucho-admin audit
-- actions` from lib/audit_actions.c), which says for each action what
-- object_type, object_id and detail hold.  Every column of audit_event
-- and audit_log had its comment already (base.sql).
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

COMMENT ON COLUMN audit_event.action IS
	'What was done, e.g. login, patient.view, message.post, cli.migrate: every action, with what object_type, object_id and detail hold, in doc/audit.md (renrakucho-admin audit actions).';
COMMENT ON COLUMN audit_event.object_type IS
	'The kind of object acted on: team, patient, account, device_cert, ... (per action in doc/audit.md); NULL when none.';
COMMENT ON COLUMN audit_event.detail IS
	'More about the event, in words (never a password or patient data); per action in doc/audit.md.';
COMMENT ON COLUMN audit_log.action IS 'audit_event.action: what (doc/audit.md).';
