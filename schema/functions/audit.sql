-- functions/audit.sql: the audit trail's guard, and the one place an
-- event is written.
--
-- Re-applied by every migrate, after base.sql and the deltas, in file-name
-- order: CREATE OR REPLACE only, grants restated.  Bodies are checked as
-- they are created (check_function_bodies stays on, so a mistake fails
-- the migrate rather than a page): a LANGUAGE sql function reads only
-- tables and built-ins, or functions of this file made above it or of a
-- file earlier by name; PL/pgSQL bodies may call any function.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- audit_event is append-only: UPDATE, DELETE and TRUNCATE are refused for
-- everyone, the owner included (who would have to drop the triggers
-- first, itself a visible act in the server log).
CREATE OR REPLACE FUNCTION audit_event_refuse() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit_event is append-only (% refused)', TG_OP
		USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE OR REPLACE TRIGGER audit_event_no_update BEFORE UPDATE OR DELETE ON audit_event
	FOR EACH ROW EXECUTE FUNCTION audit_event_refuse();
CREATE OR REPLACE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event
	FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse();

-- One audit event (an empty serial: none): every event is written here,
-- by lib/audit.c (audit_write, for the CGIs and the admin CLI) and by
-- the *_view functions of pages.sql and teams.sql.
CREATE OR REPLACE FUNCTION page_audit(p_account bigint, p_login text, p_serial text,
	p_addr inet, p_action text, p_type text, p_id text, p_patient bigint,
	p_outcome text, p_detail text)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = renrakucho
AS $$
BEGIN
	INSERT INTO audit_event (account_id, login, cert_serial, remote_addr,
	    action, object_type, object_id, patient_id, outcome, detail)
	VALUES (p_account, p_login, nullif(p_serial, ''), p_addr, p_action,
	    p_type, p_id, p_patient, p_outcome, p_detail);
END
$$;

GRANT EXECUTE ON FUNCTION page_audit(bigint, text, text, inet, text, text,
	text, bigint, text, text) TO renrakucho_app;
