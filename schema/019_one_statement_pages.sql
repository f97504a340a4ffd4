-- /home and the timeline in one statement each (lib/app.c APP_PAGE and
-- APP_TEAM_PAGE): the session check, the team membership, the audit
-- event and the page's rows, in one call, instead of the session check's
-- own transaction and round trip before the page's.  Through pgbouncer a
-- second transaction costs more than its statements: each wakes the
-- CGI, pgbouncer and the server once more (pgbench -C, the /home
-- statements: 1.1 ms of CPU as two transactions, 0.75 ms as one).  The
-- read receipts stay as they were: their 130 rows, carried in a result
-- as wide as the session's columns and the page's together, cost what
-- the round trip saved (tests/bench/run, and the CGI swapped in and out
-- under load).
--
-- Each *_view function returns a first row of kind 's' with the session
-- (session_team's columns) and nothing else, or no row at all when the
-- cookie opens no session: then nothing was written, and the CGI answers
-- as the front line does without a session.  A team page for a team I
-- am not a member of has team_patient_id NULL in that row, and its
-- denied event is written.  Page rows follow, with their own kinds.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- The session check of schema/011 without its asynchronous commit: in a
-- page's statement the touch commits with the page's audit event, which
-- must reach the disk before the page is shown.
CREATE FUNCTION session_find(p_token_hash text, p_serial text,
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

-- The session check alone in its transaction (the CGIs call it before
-- BEGIN): a touch lost in a crash only makes the session end sooner, so
-- its commit does not wait for the disk.  Same columns as before.
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

-- One audit event as lib/audit.c writes it.
CREATE FUNCTION page_audit(p_account bigint, p_login text, p_serial text,
	p_addr inet, p_action text, p_type text, p_id text, p_patient bigint,
	p_outcome text, p_detail text)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = renrakucho
AS $$
BEGIN
	INSERT INTO audit_event (account_id, login, cert_serial, remote_addr,
	    action, object_type, object_id, patient_id, outcome, detail)
	VALUES (p_account, p_login, nullif(p_serial, ''), p_addr, p_action,
	    p_type, p_id, p_patient, p_outcome, p_detail);
END
$$;

-- /home: the session row, then one row of kind 't' per team
-- (home_teams), with the event home.view.
CREATE FUNCTION home_view(p_token_hash text, p_serial text, p_sha256 text,
	p_addr inet)
RETURNS TABLE (kind text, session_id bigint, csrf text, account_id bigint,
	login text, name text, profession text, is_operator boolean,
	is_facility_admin boolean, facility_id bigint, facility_name text,
	last_login text, patient_id bigint, patient_name text, role text,
	pending bigint, unread bigint)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = renrakucho
AS $$
#variable_conflict use_column
DECLARE
	s	record;
BEGIN
	SELECT * INTO s FROM session_find(p_token_hash, p_serial, p_sha256);
	IF NOT FOUND THEN
		RETURN;
	END IF;
	PERFORM page_audit(s.account_id, s.login, p_serial, p_addr,
	    'home.view', NULL, NULL, NULL, 'success', NULL);
	RETURN QUERY SELECT 's', s.session_id, s.csrf, s.account_id,
	    s.login, s.name, s.profession, s.is_operator,
	    s.is_facility_admin, s.facility_id, s.facility_name,
	    s.last_login, NULL::bigint, NULL, NULL, NULL::bigint,
	    NULL::bigint;
	RETURN QUERY SELECT 't', NULL::bigint, NULL, NULL::bigint, NULL,
	    NULL, NULL, NULL::boolean, NULL::boolean, NULL::bigint, NULL,
	    NULL, h.id, h.name, h.role, h.pending, h.unread
	FROM home_teams(s.account_id) h;
END
$$;

-- A team page's session row: the session and my membership of p_team
-- (session_team's columns); no row without a session.  Not a member:
-- the denied event for p_action, and NULL team columns.
CREATE FUNCTION team_view_session(p_token_hash text, p_serial text,
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

-- The timeline (/teams/{id}/messages): the session row, rows of kind
-- 'm' and of kind 'a', with the event message.view.  The queries of
-- timeline_page() (schema/014, 016) in this one function: called
-- through timeline_page, timeline_messages and timeline_viewed, each with
-- its own tuplestore, the same rows cost a fifth more of the server's
-- time (pgbench).  'm': 31 messages below p_before (NULL: the newest),
-- newest first, with their 👍; the first views of the first 30 (not
-- mine, not withdrawn) recorded.  'a': the attachments of the same
-- keyset page.
CREATE FUNCTION timeline_view(p_token_hash text, p_serial text,
	p_sha256 text, p_addr inet, p_team bigint, p_before bigint)
RETURNS TABLE (kind text, session_id bigint, csrf text, account_id bigint,
	login text, name text, profession text, is_operator boolean,
	is_facility_admin boolean, facility_id bigint, facility_name text,
	last_login text, team_patient_id bigint, team_patient_name text,
	team_lead boolean, id bigint, mine boolean, withdrawn boolean,
	body text, author text, author_profession text, facility text,
	created text, likes bigint, liked boolean, likers text,
	message_id bigint, file_name text, size integer)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = renrakucho
AS $$
#variable_conflict use_column
DECLARE
	s	record;
	v_below	bigint := coalesce(p_before, 9223372036854775807);
BEGIN
	SELECT * INTO s FROM team_view_session(p_token_hash, p_serial,
	    p_sha256, p_addr, p_team, 'message.view');
	IF NOT FOUND THEN
		RETURN;
	END IF;
	RETURN QUERY SELECT 's', s.session_id, s.csrf, s.account_id,
	    s.login, s.name, s.profession, s.is_operator,
	    s.is_facility_admin, s.facility_id, s.facility_name,
	    s.last_login, s.team_patient_id, s.team_patient_name,
	    s.team_lead, NULL::bigint, NULL::boolean, NULL::boolean, NULL,
	    NULL, NULL, NULL, NULL, NULL::bigint, NULL::boolean, NULL,
	    NULL::bigint, NULL, NULL::integer;
	IF s.team_patient_id IS NULL THEN
		RETURN;
	END IF;
	PERFORM page_audit(s.account_id, s.login, p_serial, p_addr,
	    'message.view', 'team', p_team::text, s.team_patient_id,
	    'success', CASE WHEN p_before IS NOT NULL THEN 'older page' END);
	RETURN QUERY
	WITH m AS MATERIALIZED (SELECT x.id, x.author_id, x.withdrawn_at,
		x.body, x.created_at
	    FROM message x WHERE x.team_id = p_team AND x.id < v_below
	    ORDER BY x.id DESC LIMIT 31),
	-- The page shows 30 (MSG_PAGE in cgi-bin/message.c); a 31st row
	-- only says there are older.
	v AS (INSERT INTO message_view (message_id, account_id)
	    SELECT w.id, s.account_id
	    FROM (SELECT m.id, m.author_id, m.withdrawn_at FROM m
		ORDER BY m.id DESC LIMIT 30) w
	    WHERE w.author_id <> s.account_id AND w.withdrawn_at IS NULL
	    ON CONFLICT DO NOTHING)
	SELECT 'm', NULL::bigint, NULL, NULL::bigint, NULL, NULL, NULL,
	    NULL::boolean, NULL::boolean, NULL::bigint, NULL, NULL,
	    NULL::bigint, NULL, NULL::boolean, m.id,
	    m.author_id = s.account_id, m.withdrawn_at IS NOT NULL,
	    CASE WHEN m.withdrawn_at IS NULL THEN m.body END,
	    au.name, au.profession, f.name, jst_minute(m.created_at),
	    lk.n, coalesce(lk.mine, false), lk.names, NULL::bigint, NULL,
	    NULL::integer
	FROM m
	JOIN account au ON au.id = m.author_id
	JOIN facility f ON f.id = au.facility_id
	CROSS JOIN LATERAL (SELECT count(*) AS n,
		bool_or(l.account_id = s.account_id) AS mine,
		string_agg(la.name, '、' ORDER BY l.at, la.id) AS names
	    FROM message_like l JOIN account la ON la.id = l.account_id
	    WHERE l.message_id = m.id) lk
	ORDER BY m.id DESC;
	RETURN QUERY SELECT 'a', NULL::bigint, NULL, NULL::bigint, NULL,
	    NULL, NULL, NULL::boolean, NULL::boolean, NULL::bigint, NULL,
	    NULL, NULL::bigint, NULL, NULL::boolean, x.id, NULL::boolean,
	    NULL::boolean, NULL, NULL, NULL, NULL, NULL, NULL::bigint,
	    NULL::boolean, NULL, x.message_id, x.name, x.size
	FROM message_attachment x
	WHERE x.message_id IN (SELECT y.id FROM message y
	    WHERE y.team_id = p_team AND y.id < v_below
	    ORDER BY y.id DESC LIMIT 31)
	ORDER BY x.message_id, x.n;
END
$$;

-- timeline_page(), timeline_messages(), timeline_viewed() and
-- timeline_page_attachments() are no longer called, and stay for the
-- CGIs of the version before during an upgrade (README).

GRANT EXECUTE ON FUNCTION session_find(text, text, text),
	page_audit(bigint, text, text, inet, text, text, text, bigint, text,
	    text),
	home_view(text, text, text, inet),
	team_view_session(text, text, text, inet, bigint, text),
	timeline_view(text, text, text, inet, bigint, bigint)
	TO renrakucho_app;
