-- functions/jobs.sql: how the jobs' role (renrakucho_jobs, 002_jobs.sql)
-- writes the audit trail.
--
-- Re-applied by every migrate (see functions/audit.sql): CREATE OR
-- REPLACE only, grants restated.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- The jobs' only way into audit_event (they may not INSERT into it): an
-- event of one of their own verbs, by a renrakucho-admin user (cli:...),
-- about no account, device, address, object or patient, a success, its
-- detail counts in words ("sent 1, failed 0, gave up 0").
CREATE OR REPLACE FUNCTION jobs_audit(p_login text, p_action text, p_detail text)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = renrakucho
AS $$
DECLARE
	v_type text;
BEGIN
	v_type := CASE p_action
		WHEN 'cli.mail.deliver' THEN 'mail_outbox'
		WHEN 'cli.mail.purge' THEN 'mail_outbox'
		WHEN 'cli.pickup.purge' THEN 'pickup'
		WHEN 'cli.session.purge' THEN 'session'
		WHEN 'cli.crl.update' THEN 'device_cert'
		WHEN 'cli.audit.partitions' THEN 'audit_event'
		WHEN 'cli.audit.seal' THEN 'audit_event'
		WHEN 'cli.cert.expiry_notice' THEN 'device_cert'
	END;
	IF v_type IS NULL THEN
		RAISE EXCEPTION 'jobs_audit: % is not an event of the jobs', p_action
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	IF p_login IS NULL OR p_login !~ '^cli:[!-~]{1,70}$' THEN
		RAISE EXCEPTION 'jobs_audit: the login must be cli:<user>'
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	IF p_detail IS NULL OR p_detail !~ '^[0-9a-z ,]{1,100}$' THEN
		RAISE EXCEPTION 'jobs_audit: the detail must be counts in words'
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	INSERT INTO audit_event (login, action, object_type, outcome, detail)
	VALUES (p_login, p_action, v_type, 'success', p_detail);
END
$$;

REVOKE ALL ON FUNCTION jobs_audit(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION jobs_audit(text, text, text) TO renrakucho_jobs;
