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

-- A closed team (019_team_close.sql) is a read-only archive: no message,
-- 👍, withdrawal, join request or membership change reaches it, nor a
-- change of its patient's registration or information sheet, from a
-- page or any other program.  SQLSTATE 55000 with the constraint name
-- team_closed, which the pages turn into their 409 (lib/app.c).  Reading
-- (message_view, the read receipts) stays.  The end of support itself
-- may settle the team's pending join requests in its transaction: the
-- UPDATE that closes the team runs after them (cgi-bin/patient-close.c).
CREATE OR REPLACE FUNCTION team_closed_refuse() RETURNS trigger
LANGUAGE plpgsql
SET search_path = renrakucho
AS $$
DECLARE
	v_team	bigint;
BEGIN
	IF TG_TABLE_NAME = 'message_like' THEN
		SELECT m.team_id INTO v_team FROM message m
		WHERE m.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.message_id
		    ELSE NEW.message_id END;
	ELSIF TG_TABLE_NAME = 'patient' THEN
		SELECT t.id INTO v_team FROM team t WHERE t.patient_id = NEW.id;
	ELSIF TG_TABLE_NAME = 'sheet_entry' THEN
		SELECT t.id INTO v_team FROM team t
		WHERE t.patient_id = NEW.patient_id;
	ELSIF TG_OP = 'DELETE' THEN
		v_team := OLD.team_id;
	ELSE
		v_team := NEW.team_id;
	END IF;
	IF EXISTS (SELECT 1 FROM team t WHERE t.id = v_team
	    AND t.closed_at IS NOT NULL) THEN
		RAISE EXCEPTION 'team % is closed', v_team
		    USING ERRCODE = 'object_not_in_prerequisite_state',
		    CONSTRAINT = 'team_closed';
	END IF;
	RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE OR REPLACE TRIGGER message_team_closed
	BEFORE INSERT OR UPDATE ON message
	FOR EACH ROW EXECUTE FUNCTION team_closed_refuse();
CREATE OR REPLACE TRIGGER message_like_team_closed
	BEFORE INSERT OR DELETE ON message_like
	FOR EACH ROW EXECUTE FUNCTION team_closed_refuse();
CREATE OR REPLACE TRIGGER patient_team_closed
	BEFORE UPDATE ON patient
	FOR EACH ROW EXECUTE FUNCTION team_closed_refuse();
CREATE OR REPLACE TRIGGER sheet_entry_team_closed
	BEFORE INSERT ON sheet_entry
	FOR EACH ROW EXECUTE FUNCTION team_closed_refuse();
CREATE OR REPLACE TRIGGER join_request_team_closed
	BEFORE INSERT ON join_request
	FOR EACH ROW EXECUTE FUNCTION team_closed_refuse();
-- Not its unread counts and last view (functions/unread.sql): reading.
CREATE OR REPLACE TRIGGER team_member_team_closed
	BEFORE INSERT OR UPDATE OF role, team_id, account_id OR DELETE
	ON team_member
	FOR EACH ROW EXECUTE FUNCTION team_closed_refuse();

-- Once ended, the end stays as written: who, when, why.
CREATE OR REPLACE FUNCTION team_close_final() RETURNS trigger
LANGUAGE plpgsql
SET search_path = renrakucho
AS $$
BEGIN
	IF OLD.closed_at IS NOT NULL THEN
		RAISE EXCEPTION 'team % is closed', OLD.id
		    USING ERRCODE = 'object_not_in_prerequisite_state',
		    CONSTRAINT = 'team_closed';
	END IF;
	RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER team_close_final
	BEFORE UPDATE ON team
	FOR EACH ROW EXECUTE FUNCTION team_close_final();
