-- functions/login.sql: the failed-login counts of /login (cgi-bin/login.c).
--
-- Re-applied by every migrate (see sessions.sql): CREATE OR REPLACE
-- only, grants restated.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- Before the password is checked: is the device certificate p_serial
-- under its limit (p_device_max failures in 15 minutes, every account
-- and unknown login IDs alike), is the account p_account (NULL: an
-- unknown login ID or another facility's account) unlocked and under
-- p_account_max failures in 15 minutes since its last lock ended?  If
-- so a failure row is written at once, counted by every attempt after
-- it; the caller removes it (login_success) when the password was right.
-- The counting runs under a lock per device and per account, so N
-- parallel guesses check at most the limit's number of passwords.
-- verdict: 'ok' (failures: the account's count with this attempt, NULL
-- without an account), 'locked', 'device'.
CREATE OR REPLACE FUNCTION login_attempt(p_account bigint, p_serial text,
	p_account_max integer, p_device_max integer)
RETURNS TABLE (verdict text, failures integer)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = renrakucho
AS $$
DECLARE
	v_locked	timestamptz;
	v_n		integer;
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext('login_failure'),
	    hashtext(p_serial));
	DELETE FROM login_failure f WHERE f.cert_serial = p_serial
	AND f.at < now() - interval '1 day';
	IF (SELECT count(*) FROM login_failure f WHERE f.cert_serial = p_serial
	    AND f.at > now() - interval '15 minutes') >= p_device_max THEN
		verdict := 'device';
		RETURN NEXT;
		RETURN;
	END IF;
	IF p_account IS NOT NULL THEN
		SELECT a.locked_until INTO v_locked FROM account a
		WHERE a.id = p_account FOR UPDATE;
		IF v_locked > now() THEN
			verdict := 'locked';
			RETURN NEXT;
			RETURN;
		END IF;
		SELECT count(*) INTO v_n FROM login_failure f
		WHERE f.account_id = p_account
		AND f.at > now() - interval '15 minutes'
		AND f.at > coalesce(v_locked, '-infinity');
		IF v_n >= p_account_max THEN
			verdict := 'locked';
			RETURN NEXT;
			RETURN;
		END IF;
	END IF;
	INSERT INTO login_failure (account_id, cert_serial)
	VALUES (p_account, p_serial);
	IF p_account IS NOT NULL THEN
		failures := v_n + 1;
		UPDATE account a SET fail_count = failures,
		    fail_window_start = (SELECT min(f.at) FROM login_failure f
			WHERE f.account_id = p_account
			AND f.at > now() - interval '15 minutes'
			AND f.at > coalesce(v_locked, '-infinity'))
		WHERE a.id = p_account;
	END IF;
	verdict := 'ok';
	RETURN NEXT;
END
$$;

-- The right password (or an unlock): the account's failures are gone.
CREATE OR REPLACE FUNCTION login_reset(p_account bigint)
RETURNS void
LANGUAGE sql VOLATILE SECURITY INVOKER
SET search_path = renrakucho
AS $$
	DELETE FROM login_failure WHERE account_id = p_account;
	UPDATE account SET fail_count = 0, fail_window_start = NULL,
	    locked_until = NULL WHERE id = p_account;
$$;

GRANT EXECUTE ON FUNCTION login_attempt(bigint, text, integer, integer),
	login_reset(bigint) TO renrakucho_app;
