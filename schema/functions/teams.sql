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

-- Why a team is read-only, or NULL while it is not: team_closed when
-- its support ended (019_team_close.sql), consent_withdrawn when its
-- patient withdrew the consent (020_consent.sql).  The one test of the
-- triggers below; the name is the constraint they raise.
CREATE OR REPLACE FUNCTION team_read_only(p_team bigint) RETURNS text
LANGUAGE sql STABLE
SET search_path = renrakucho
AS $$
	SELECT CASE WHEN t.closed_at IS NOT NULL THEN 'team_closed'
	    WHEN EXISTS (SELECT 1 FROM consent_withdrawal w
		WHERE w.team_id = t.id) THEN 'consent_withdrawn' END
	FROM team t WHERE t.id = p_team
$$;
GRANT EXECUTE ON FUNCTION team_read_only(bigint) TO renrakucho_app;

-- What every member is told of a withdrawal (the banners of the patient
-- page, the consents and the timeline): the day, who reported it and who
-- recorded it; NULL while the consent stands.
CREATE OR REPLACE FUNCTION consent_withdrawn_text(p_team bigint)
RETURNS text
LANGUAGE sql STABLE
SET search_path = renrakucho
AS $$
	SELECT to_char(w.withdrawn_on, 'YYYY"年"FMMM"月"FMDD"日"') || '、'
	    || CASE WHEN w.reporter = 'proxy' THEN '代理人 ' || w.proxy_name
		|| '（' || w.proxy_relationship || '）' ELSE '本人' END
	    || 'の申し出。記録した人：' || a.name
	FROM consent_withdrawal w JOIN account a ON a.id = w.recorded_by
	WHERE w.team_id = p_team
$$;
GRANT EXECUTE ON FUNCTION consent_withdrawn_text(bigint) TO renrakucho_app;

-- A read-only team (team_read_only) is an archive: no message, 👍,
-- withdrawal, join request or membership change reaches it, nor a
-- change of its patient's registration, information sheet or consents
-- (a newer consent, a second withdrawal), from a page or any other
-- program.  SQLSTATE 55000 with the constraint name team_closed or
-- consent_withdrawn, which the pages turn into their 409 (lib/app.c).
-- Reading (message_view, the read receipts) stays.  The end of support
-- and the withdrawal may settle the team's pending join requests in
-- their transaction: the write that makes the team read-only runs
-- after them (cgi-bin/patient-close.c, cgi-bin/patient-consent.c).
CREATE OR REPLACE FUNCTION team_closed_refuse() RETURNS trigger
LANGUAGE plpgsql
SET search_path = renrakucho
AS $$
DECLARE
	v_team	bigint;
	v_why	text;
BEGIN
	IF TG_TABLE_NAME = 'message_like' THEN
		SELECT m.team_id INTO v_team FROM message m
		WHERE m.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.message_id
		    ELSE NEW.message_id END;
	ELSIF TG_TABLE_NAME = 'patient' THEN
		SELECT t.id INTO v_team FROM team t WHERE t.patient_id = NEW.id;
	ELSIF TG_TABLE_NAME IN ('sheet_entry', 'consent') THEN
		SELECT t.id INTO v_team FROM team t
		WHERE t.patient_id = NEW.patient_id;
	ELSIF TG_OP = 'DELETE' THEN
		v_team := OLD.team_id;
	ELSE
		v_team := NEW.team_id;
	END IF;
	-- Waits for a change making the team read-only under its row
	-- lock (patient_team_lock): what it wrote is then seen below.
	PERFORM 1 FROM team t WHERE t.id = v_team FOR KEY SHARE;
	v_why := team_read_only(v_team);
	IF v_why = 'team_closed' THEN
		RAISE EXCEPTION 'team % is closed', v_team
		    USING ERRCODE = 'object_not_in_prerequisite_state',
		    CONSTRAINT = 'team_closed';
	ELSIF v_why IS NOT NULL THEN
		RAISE EXCEPTION 'the consent of team % was withdrawn', v_team
		    USING ERRCODE = 'object_not_in_prerequisite_state',
		    CONSTRAINT = 'consent_withdrawn';
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

CREATE OR REPLACE TRIGGER consent_team_closed
	BEFORE INSERT ON consent
	FOR EACH ROW EXECUTE FUNCTION team_closed_refuse();
CREATE OR REPLACE TRIGGER consent_withdrawal_team_closed
	BEFORE INSERT ON consent_withdrawal
	FOR EACH ROW EXECUTE FUNCTION team_closed_refuse();

-- Once ended, the end stays as written: who, when, why; and a team
-- whose consent was withdrawn is not ended afterwards either (it is
-- read-only already).
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
	IF team_read_only(OLD.id) IS NOT NULL THEN
		RAISE EXCEPTION 'the consent of team % was withdrawn', OLD.id
		    USING ERRCODE = 'object_not_in_prerequisite_state',
		    CONSTRAINT = 'consent_withdrawn';
	END IF;
	RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER team_close_final
	BEFORE UPDATE ON team
	FOR EACH ROW EXECUTE FUNCTION team_close_final();
