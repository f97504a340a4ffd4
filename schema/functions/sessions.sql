-- functions/sessions.sql: the session check of every logged-in page
-- (lib/app.c).  A session is open while it has not ended, was seen in the
-- last 30 minutes, is under 12 hours old, and is presented with the live
-- certificate it was made under, by a live account of an active facility
-- that the certificate belongs to.  The check reads; it writes
-- last_seen_at only when that is more than a minute old (a row version
-- and WAL at every request otherwise), so a session ends between 29 and
-- 30 idle minutes, never later.
--
-- Re-applied by every migrate, after base.sql and the deltas, in file-name
-- order: CREATE OR REPLACE only, grants restated.  Bodies are checked as
-- they are created (check_function_bodies stays on, so a mistake fails
-- the migrate rather than a page): a LANGUAGE sql function reads only
-- tables and built-ins, or functions of this file made above it or of a
-- file earlier by name; PL/pgSQL bodies may call any function.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- The check and the touch, for a statement that also writes the page's
-- audit event (pages.sql, teams.sql): the touch commits with the event.
CREATE OR REPLACE FUNCTION session_find(p_token_hash text, p_serial text,
	p_sha256 text)
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
		UPDATE session s SET last_seen_at = now()
		WHERE s.id = session_id AND s.ended_at IS NULL;
	END IF;
	RETURN NEXT;
END
$$;

-- The check alone in its transaction (the CGIs call it before BEGIN): a
-- touch lost in a crash only makes the session end sooner, so its commit
-- does not wait for the disk.  Call it only as a statement of its own:
-- as a guard it leaves synchronous_commit alone in a transaction that
-- began before this statement or has already written.
CREATE OR REPLACE FUNCTION session_touch(p_token_hash text, p_serial text,
	p_sha256 text)
RETURNS TABLE (session_id bigint, csrf text, account_id bigint, login text,
	name text, profession text, is_operator boolean,
	is_facility_admin boolean, facility_id bigint, facility_name text,
	last_login text)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = renrakucho
AS $$
BEGIN
	IF pg_current_xact_id_if_assigned() IS NULL
	    AND now() = statement_timestamp() THEN
		PERFORM set_config('synchronous_commit', 'off', true);
	END IF;
	RETURN QUERY SELECT * FROM session_find(p_token_hash, p_serial,
	    p_sha256);
END
$$;

REVOKE ALL ON FUNCTION session_touch(text, text, text) FROM PUBLIC;

-- The session and my membership of p_team (team_membership, teams.sql)
-- in one statement, for the team pages without a view statement
-- (lib/app.c APP_TEAM).  NULL team columns: not a member, or no such team.
CREATE OR REPLACE FUNCTION session_team(p_token_hash text, p_serial text,
	p_sha256 text, p_team bigint)
RETURNS TABLE (session_id bigint, csrf text, account_id bigint, login text,
	name text, profession text, is_operator boolean,
	is_facility_admin boolean, facility_id bigint, facility_name text,
	last_login text, team_patient_id bigint, team_patient_name text,
	team_lead boolean)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = renrakucho
AS $$
BEGIN
	RETURN QUERY
	SELECT s.session_id, s.csrf, s.account_id, s.login, s.name,
	    s.profession, s.is_operator, s.is_facility_admin, s.facility_id,
	    s.facility_name, s.last_login, tm.patient_id, tm.name, tm.lead
	FROM session_touch(p_token_hash, p_serial, p_sha256) s
	LEFT JOIN LATERAL team_membership(p_team, s.account_id) tm ON true;
END
$$;

GRANT EXECUTE ON FUNCTION session_find(text, text, text),
	session_touch(text, text, text) TO renrakucho_app;
