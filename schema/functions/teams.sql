-- functions/teams.sql: team membership, and a team page's session row.
--
-- Re-applied by every migrate, after base.sql and the deltas, in file-name
-- order: CREATE OR REPLACE only, grants restated.  Bodies are checked as
-- they are created (check_function_bodies stays on, so a mistake fails
-- the migrate rather than a page): a LANGUAGE sql function reads only
-- tables and built-ins, or functions of this file made above it or of a
-- file earlier by name; PL/pgSQL bodies may call any function.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- The team's patient if p_account is a member, and whether its person in
-- charge (担当者): the one membership check.  Every page reads it: the
-- team pages with the session (session_team, sessions.sql) or in their
-- view statement (team_view_session below), the patient pages and the
-- registration lookup by the patient's team (lib/team.c, cgi-bin/).
CREATE OR REPLACE FUNCTION team_membership(p_team bigint, p_account bigint)
RETURNS TABLE (patient_id bigint, name text, lead boolean)
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = renrakucho
AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	SELECT t.patient_id, p.name, tm.role = 'lead'
	FROM team t JOIN patient p ON p.id = t.patient_id
	JOIN team_member tm ON tm.team_id = t.id
	    AND tm.account_id = p_account
	JOIN account a ON a.id = tm.account_id AND a.is_staff
	WHERE t.id = p_team;
END
$$;

-- A team page's session row: the session and my membership of p_team
-- (session_team's columns); no row without a session.  Not a member:
-- the denied event for p_action, and NULL team columns.
CREATE OR REPLACE FUNCTION team_view_session(p_token_hash text, p_serial text,
	p_sha256 text, p_addr inet, p_team bigint, p_action text)
RETURNS TABLE (session_id bigint, csrf text, account_id bigint, login text,
	name text, profession text, is_operator boolean,
	is_facility_admin boolean, facility_id bigint, facility_name text,
	last_login text, team_patient_id bigint, team_patient_name text,
	team_lead boolean)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = renrakucho
AS $$
#variable_conflict use_column
DECLARE
	s	record;
	tm	record;
BEGIN
	SELECT * INTO s FROM session_find(p_token_hash, p_serial, p_sha256);
	IF NOT FOUND THEN
		RETURN;
	END IF;
	SELECT * INTO tm FROM team_membership(p_team, s.account_id);
	IF NOT FOUND THEN
		PERFORM page_audit(s.account_id, s.login, p_serial, p_addr,
		    p_action, 'team', p_team::text, NULL, 'denied',
		    'not a member');
	END IF;
	RETURN QUERY SELECT s.session_id, s.csrf, s.account_id, s.login,
	    s.name, s.profession, s.is_operator, s.is_facility_admin,
	    s.facility_id, s.facility_name, s.last_login, tm.patient_id,
	    tm.name, tm.lead;
END
$$;

GRANT EXECUTE ON FUNCTION team_membership(bigint, bigint),
	team_view_session(text, text, text, inet, bigint, text)
	TO renrakucho_app;
