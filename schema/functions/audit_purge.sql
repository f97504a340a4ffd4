-- functions/audit_purge.sql: what the purges do beyond a DELETE the jobs'
-- role is granted.
--
-- Re-applied by every migrate (see functions/audit.sql): CREATE OR
-- REPLACE only, grants restated.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- mail purge: the bodies of mail sent p_days or more days ago emptied
-- (NULL); address, subject and times stay for the audit.  The jobs'
-- role may not UPDATE a body, so it cannot write one of its own.
-- Returns how many it emptied.
CREATE OR REPLACE FUNCTION mail_body_purge(p_days integer)
RETURNS bigint
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = renrakucho
AS $$
DECLARE
	v_n bigint;
BEGIN
	IF p_days IS NULL OR p_days < 0 THEN
		RAISE EXCEPTION 'mail_body_purge: days must be 0 or more';
	END IF;
	UPDATE mail_outbox SET body = NULL
	WHERE sent_at IS NOT NULL AND body IS NOT NULL
	AND sent_at <= now() - make_interval(days => p_days);
	GET DIAGNOSTICS v_n = ROW_COUNT;
	RETURN v_n;
END
$$;

REVOKE ALL ON FUNCTION mail_body_purge(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION mail_body_purge(integer) TO renrakucho_jobs;
