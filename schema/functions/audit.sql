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

-- One audit event (an empty serial: none): every event of the CGIs and
-- the admin CLI is written here, by lib/audit.c (audit_write) and by the
-- *_view functions of pages.sql and teams.sql.  SECURITY DEFINER, the
-- owner's: renrakucho_app may not INSERT into audit_event (010_grants.sql),
-- only call this.  What it decides, not the caller: "at" (the column's
-- clock_timestamp(), no parameter) and seq, prev_hash and hash (the
-- chain's trigger).  What it checks: an actor p_account names an account
-- (deleted ones too: their events stay theirs); the action has the form of
-- the audit actions (lib/audit_actions.c); the app's role may not write
-- the events of renrakucho-admin (cli.*), of the signer (signer.*) or of
-- the auditors (auditor.*).  It cannot know which account a request's
-- session belongs to: that the actor is the session's is the CGI's word.
CREATE OR REPLACE FUNCTION page_audit(p_account bigint, p_login text, p_serial text,
	p_addr inet, p_action text, p_type text, p_id text, p_patient bigint,
	p_outcome text, p_detail text)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = renrakucho, pg_temp
AS $$
BEGIN
	IF p_action IS NULL OR length(p_action) > 64 OR
	    p_action !~ '^[a-z][a-z_]*(\.[a-z_]+)*$' THEN
		RAISE EXCEPTION 'page_audit: % is not an audit action', p_action
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	IF p_action ~ '^(cli|signer|auditor)\.' AND
	    NOT pg_has_role(session_user, 'renrakucho_owner', 'MEMBER') AND
	    pg_has_role(session_user, 'renrakucho_app', 'MEMBER') THEN
		RAISE EXCEPTION 'page_audit: % is not an event of the web pages',
		    p_action USING ERRCODE = 'insufficient_privilege';
	END IF;
	IF p_account IS NOT NULL AND
	    NOT EXISTS (SELECT 1 FROM account WHERE id = p_account) THEN
		RAISE EXCEPTION 'page_audit: no account %', p_account
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	INSERT INTO audit_event (account_id, login, cert_serial, remote_addr,
	    action, object_type, object_id, patient_id, outcome, detail)
	VALUES (p_account, p_login, nullif(p_serial, ''), p_addr, p_action,
	    p_type, p_id, p_patient, p_outcome, p_detail);
END
$$;

REVOKE ALL ON FUNCTION page_audit(bigint, text, text, inet, text, text,
	text, bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION page_audit(bigint, text, text, inet, text, text,
	text, bigint, text, text) TO renrakucho_app;
