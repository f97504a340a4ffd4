-- The team pages (/teams/{id}/...) read my membership of the team with
-- the session, in the same statement: one round trip fewer per request
-- (lib/app.c, APP_TEAM; lib/team.c team_open).  The membership is the
-- same query as team_membership(), run after the session check and only
-- for the session's own account; NULL team columns: not a member (or no
-- such team).
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

CREATE FUNCTION session_team(p_token_hash text, p_serial text,
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
