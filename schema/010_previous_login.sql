-- The home page shows when this account logged in before the current
-- session, so that a person notices a login that was not theirs.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

ALTER TABLE account ADD COLUMN prev_login_at timestamptz;

-- The same function as 008's; its last_login is now the login before
-- this one (NULL: this is the first).
CREATE OR REPLACE FUNCTION session_touch(p_token_hash text, p_serial text, p_sha256 text)
RETURNS TABLE (session_id bigint, csrf text, account_id bigint, login text,
	name text, profession text, is_operator boolean,
	is_facility_admin boolean, facility_id bigint, facility_name text,
	last_login text)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = renrakucho
AS $$
#variable_conflict use_column
BEGIN
	IF pg_current_xact_id_if_assigned() IS NULL
	    AND now() = statement_timestamp() THEN
		PERFORM set_config('synchronous_commit', 'off', true);
	END IF;
	RETURN QUERY
	UPDATE session s SET last_seen_at = now()
	FROM account a, facility f, device_cert c
	WHERE s.token_hash = p_token_hash AND s.ended_at IS NULL
	AND s.last_seen_at > now() - interval '30 minutes'
	AND s.expires_at > now()
	AND s.cert_serial = p_serial AND c.serial = s.cert_serial
	AND c.sha256 = p_sha256 AND c.revoked_at IS NULL
	AND c.not_after > now() AND c.facility_id = a.facility_id
	AND a.id = s.account_id AND a.deleted_at IS NULL
	AND f.id = a.facility_id AND f.status = 'active'
	RETURNING s.id, s.csrf, a.id, a.login, a.name, a.profession,
	a.is_operator, a.is_facility_admin, f.id, f.name,
	to_char(a.prev_login_at AT TIME ZONE 'Asia/Tokyo',
	    'YYYY"年"FMMM"月"FMDD"日" HH24:MI');
END
$$;
