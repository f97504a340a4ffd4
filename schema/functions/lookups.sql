-- functions/lookups.sql: the registration lookup's hourly limit
-- (lib/lookup.c; the table in 009_roles.sql).
--
-- Re-applied by every migrate, after base.sql and the deltas, in file-name
-- order: CREATE OR REPLACE only, grants restated.  Bodies are checked as
-- they are created (check_function_bodies stays on, so a mistake fails
-- the migrate rather than a page): a LANGUAGE sql function reads only
-- tables and built-ins, or functions of this file made above it or of a
-- file earlier by name; PL/pgSQL bodies may call any function.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- One lookup of p_account: true when it had made fewer than p_limit
-- (not refused) in the last hour, false when over; recorded either way.
-- The account's row is locked first, so two lookups at once count one
-- after the other; its rows older than 25 hours go (the operator menu
-- reads 24).
CREATE OR REPLACE FUNCTION patient_lookup_take(p_account bigint,
	p_limit integer)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = renrakucho
AS $$
DECLARE
	v_n	bigint;
BEGIN
	PERFORM 1 FROM account WHERE id = p_account FOR NO KEY UPDATE;
	DELETE FROM patient_lookup
	WHERE account_id = p_account AND at < now() - interval '25 hours';
	SELECT count(*) INTO v_n FROM patient_lookup
	WHERE account_id = p_account AND NOT refused
	AND at > now() - interval '1 hour';
	INSERT INTO patient_lookup (account_id, refused)
	VALUES (p_account, v_n >= p_limit);
	RETURN v_n < p_limit;
END
$$;

GRANT EXECUTE ON FUNCTION patient_lookup_take(bigint, integer)
	TO renrakucho_app;
