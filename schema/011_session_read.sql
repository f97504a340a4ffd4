-- The session check reads; it writes only when last_seen_at is more than
-- a minute old.  Before, every request UPDATEd its session row: a new row
-- version and WAL at every page, and requests of one session queued on
-- the row lock (tests/bench/run: the check cost about 0.3 ms of server
-- CPU alone, 0.8 ms with 8 requests of one session at once).  The idle
-- limit is therefore counted from a time at most a minute before the
-- last request: a session ends between 29 and 30 idle minutes, never
-- later.  Same signature and rows as 010's.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

CREATE OR REPLACE FUNCTION session_touch(p_token_hash text, p_serial text, p_sha256 text)
RETURNS TABLE (session_id bigint, csrf text, account_id bigint, login text,
	name text, profession text, is_operator boolean,
	is_facility_admin boolean, facility_id bigint, facility_name text,
	last_login text)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = renrakucho
AS $$
DECLARE
	v_seen	timestamptz;
BEGIN
	SELECT s.id, s.csrf, a.id, a.login, a.name, a.profession,
	    a.is_operator, a.is_facility_admin, f.id, f.name,
	    to_char(a.prev_login_at AT TIME ZONE 'Asia/Tokyo',
		'YYYY"年"FMMM"月"FMDD"日" HH24:MI'),
	    s.last_seen_at
	INTO session_id, csrf, account_id, login, name, profession,
	    is_operator, is_facility_admin, facility_id, facility_name,
	    last_login, v_seen
	FROM session s, account a, facility f, device_cert c
	WHERE s.token_hash = p_token_hash AND s.ended_at IS NULL
	AND s.last_seen_at > now() - interval '30 minutes'
	AND s.expires_at > now()
	AND s.cert_serial = p_serial AND c.serial = s.cert_serial
	AND c.sha256 = p_sha256 AND c.revoked_at IS NULL
	AND c.not_after > now() AND c.facility_id = a.facility_id
	AND a.id = s.account_id AND a.deleted_at IS NULL
	AND f.id = a.facility_id AND f.status = 'active';
	IF NOT FOUND THEN
		RETURN;
	END IF;
	IF v_seen < now() - interval '1 minute' THEN
		-- Alone in its transaction (the CGIs call it before BEGIN):
		-- a touch lost in a crash only makes the session end sooner.
		IF pg_current_xact_id_if_assigned() IS NULL
		    AND now() = statement_timestamp() THEN
			PERFORM set_config('synchronous_commit', 'off', true);
		END IF;
		UPDATE session s SET last_seen_at = now()
		WHERE s.id = session_id AND s.ended_at IS NULL;
	END IF;
	RETURN NEXT;
END
$$;
