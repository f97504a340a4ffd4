-- functions/pages.sql: /home and the timeline, each in one statement
-- (their pages' view statements, struct app_view in lib/app.h, run by
-- the front line; cgi-bin/home.c, message.c), and how the pages show a
-- time and an excerpt.
--
-- A *_view function returns a first row of kind 's' with the session
-- (the columns of session_team(), sessions.sql) and nothing else, or no
-- row at all when the cookie opens no session: then nothing was written,
-- and the front line answers as it does without a session.  Page
-- rows follow, with their own kinds.  The session check, the team
-- membership, the audit event and the page's rows are one call, one
-- transaction: through pgbouncer a second transaction costs more than its
-- statements.  PL/pgSQL keeps each statement's plan for the life of the
-- server connection, which pgbouncer keeps across requests.  SECURITY
-- INVOKER: the app role's own grants apply.
--
-- Re-applied by every migrate, after base.sql and the deltas, in file-name
-- order: CREATE OR REPLACE only, grants restated.  Bodies are checked as
-- they are created (check_function_bodies stays on, so a mistake fails
-- the migrate rather than a page): a LANGUAGE sql function reads only
-- tables and built-ins, or functions of this file made above it or of a
-- file earlier by name; PL/pgSQL bodies may call any function.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- A time as the pages show it (Japan time, to the minute), and a
-- message's first 40 characters on one line.  Plain SQL expressions, so
-- the planner inlines them into the queries that call them.
CREATE OR REPLACE FUNCTION jst_minute(t timestamptz) RETURNS text
LANGUAGE sql STABLE
AS $$ SELECT pg_catalog.to_char(t AT TIME ZONE 'Asia/Tokyo',
	'YYYY"年"FMMM"月"FMDD"日" HH24:MI') $$;
CREATE OR REPLACE FUNCTION message_excerpt(body text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$ SELECT pg_catalog.regexp_replace(pg_catalog.left(body, 40), '\s+', ' ',
	'g') $$;
-- /home's teams: my teams with the patient's name, my role, requests
-- waiting and messages I have not seen (team_member.unread); none for
-- an account without the staff role (team_membership, teams.sql).
CREATE OR REPLACE FUNCTION home_teams(p_account bigint)
RETURNS TABLE (id bigint, name text, role text, pending bigint,
	unread bigint)
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = renrakucho
AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	SELECT p.id, p.name, m.role,
	    (SELECT count(*) FROM join_request j WHERE j.team_id = t.id
		AND j.state = 'pending'),
	    m.unread::bigint
	FROM team_member m JOIN team t ON t.id = m.team_id
	JOIN patient p ON p.id = t.patient_id
	JOIN account a ON a.id = m.account_id AND a.is_staff
	WHERE m.account_id = p_account AND t.closed_at IS NULL
	-- A team whose consent was withdrawn is read-only like an ended
	-- one (020_consent.sql): it is listed with those (home_view's 'x').
	AND NOT EXISTS (SELECT 1 FROM consent_withdrawal w
	    WHERE w.team_id = t.id)
	ORDER BY p.kana_key, p.id;
END
$$;

-- /home: the session row, then one row of kind 't' per team
-- (home_teams), with the event home.view; and when the certificate the
-- device presents expires within 30 days (device_cert.not_after), one
-- row of kind 'c' whose name is that day in Japan time (2027年1月5日),
-- for the banner that sends the person to replace it; then one row of
-- kind 'n' per operator's notice shown now (notice); one of kind 'x'
-- per team I was in whose support ended (終了した支援).
CREATE OR REPLACE FUNCTION home_view(p_token_hash text, p_serial text, p_sha256 text,
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
	RETURN QUERY SELECT 'c', NULL::bigint, NULL, NULL::bigint, NULL,
	    to_char(c.not_after AT TIME ZONE 'Asia/Tokyo',
		'YYYY"年"FMMM"月"FMDD"日"'),
	    NULL, NULL::boolean, NULL::boolean, NULL::bigint, NULL, NULL,
	    NULL::bigint, NULL, NULL, NULL::bigint, NULL::bigint
	FROM device_cert c WHERE c.serial = p_serial
	AND c.not_after <= now() + interval '30 days';
	-- The teams I was in whose support ended (019_team_close.sql), or
	-- whose consent was withdrawn (020_consent.sql: read-only as well),
	-- latest first: the day in name, "（同意撤回）" after a withdrawal's.
	RETURN QUERY SELECT 'x', NULL::bigint, NULL, NULL::bigint, NULL,
	    to_char(coalesce(t.closed_on, w.withdrawn_on),
		'YYYY"年"FMMM"月"FMDD"日"') ||
	    CASE WHEN t.closed_at IS NULL THEN '（同意撤回）' ELSE '' END,
	    NULL, NULL::boolean, NULL::boolean, NULL::bigint, NULL, NULL,
	    p.id, p.name, m.role, NULL::bigint, NULL::bigint
	FROM team_member m JOIN team t ON t.id = m.team_id
	JOIN patient p ON p.id = t.patient_id
	JOIN account a ON a.id = m.account_id AND a.is_staff
	LEFT JOIN consent_withdrawal w ON w.team_id = t.id
	WHERE m.account_id = s.account_id
	AND (t.closed_at IS NOT NULL OR w.id IS NOT NULL)
	ORDER BY coalesce(t.closed_on, w.withdrawn_on) DESC, t.id DESC;
	-- The operator's notices shown now (013_notices.sql), newest
	-- first: the title in name, the text in patient_name.
	RETURN QUERY SELECT 'n', NULL::bigint, NULL, NULL::bigint, NULL,
	    o.title, NULL, NULL::boolean, NULL::boolean, NULL::bigint, NULL,
	    NULL, o.id, o.body, NULL, NULL::bigint, NULL::bigint
	FROM notice o WHERE o.withdrawn_at IS NULL
	AND o.show_from <= now() AND now() < o.show_until
	ORDER BY o.show_from DESC, o.id DESC;
END
$$;

-- The timeline (/teams/{id}/messages): the session row
-- (team_view_session, teams.sql), rows of kind 'c', 'm', 'a' and 'r', with
-- the event message.view (one for the page, none per message).  'm': 31 messages below p_before (NULL: the
-- newest), newest first, with their 👍 (read per message through
-- message_like's primary key, an index walk whatever the table's size);
-- the first views of the first 30 (not mine, not withdrawn) recorded.
-- 'a': the attachments of the same keyset page; 'r': who of the team
-- has read my own messages on the page.  The queries sit in this
-- function itself: called through further functions, each with a
-- tuplestore of its own, the same rows cost a fifth more.
CREATE OR REPLACE FUNCTION timeline_view(p_token_hash text, p_serial text,
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
	-- 'c': the end of support when the team is closed: the day
	-- (closed_on) in created, the reason's code in body and its note
	-- in file_name, who ended it in author.
	RETURN QUERY SELECT 'c', NULL::bigint, NULL, NULL::bigint, NULL,
	    NULL, NULL, NULL::boolean, NULL::boolean, NULL::bigint, NULL,
	    NULL, NULL::bigint, NULL, NULL::boolean, t.id, NULL::boolean,
	    NULL::boolean, t.close_reason, ca.name, NULL, NULL,
	    to_char(t.closed_on, 'YYYY"年"FMMM"月"FMDD"日"'), NULL::bigint,
	    NULL::boolean, NULL, NULL::bigint, t.close_note, NULL::integer
	FROM team t JOIN account ca ON ca.id = t.closed_by
	WHERE t.id = p_team AND t.closed_at IS NOT NULL;
	-- 'w': the withdrawal of the consent (020_consent.sql): its
	-- banner's text (consent_withdrawn_text) in body.
	RETURN QUERY SELECT 'w', NULL::bigint, NULL, NULL::bigint, NULL,
	    NULL, NULL, NULL::boolean, NULL::boolean, NULL::bigint, NULL,
	    NULL, NULL::bigint, NULL, NULL::boolean, w.id, NULL::boolean,
	    NULL::boolean, consent_withdrawn_text(p_team), NULL, NULL, NULL,
	    NULL, NULL::bigint, NULL::boolean, NULL, NULL::bigint, NULL,
	    NULL::integer
	FROM consent_withdrawal w WHERE w.team_id = p_team;
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
	-- The audit event last: it takes the chain's lock (audit_chain.sql)
	-- until the commit, so it must come after the row locks of the
	-- views above (message_view's trigger: my team_member row).  Taken
	-- first, a post meanwhile, which locks every other member's row
	-- (unread_on_message) and then waits for the chain, deadlocks with
	-- this view (40P01): every transaction writes its event last.
	PERFORM page_audit(s.account_id, s.login, p_serial, p_addr,
	    'message.view', 'team', p_team::text, s.team_patient_id,
	    'success', CASE WHEN p_before IS NOT NULL THEN 'older page' END);
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
	-- 'r': on each of my own messages the page shows (not withdrawn),
	-- every other live staff member of the team now, with their first
	-- view or NULL: the author's 既読 n/m.  Members who left or whose
	-- account was deleted are not counted.
	RETURN QUERY SELECT 'r', NULL::bigint, NULL, tm.account_id, NULL,
	    a.name, a.profession, NULL::boolean, NULL::boolean, NULL::bigint,
	    NULL, NULL, NULL::bigint, NULL, NULL::boolean, NULL::bigint,
	    NULL::boolean, NULL::boolean, NULL, NULL, NULL, NULL,
	    jst_minute(v.first_viewed_at), NULL::bigint, NULL::boolean, NULL,
	    w.id, NULL, NULL::integer
	FROM (SELECT y.id, y.author_id, y.withdrawn_at FROM message y
	    WHERE y.team_id = p_team AND y.id < v_below
	    ORDER BY y.id DESC LIMIT 30) w
	JOIN team_member tm ON tm.team_id = p_team
	    AND tm.account_id <> s.account_id
	JOIN account a ON a.id = tm.account_id AND a.is_staff
	    AND a.deleted_at IS NULL
	LEFT JOIN message_view v ON v.message_id = w.id
	    AND v.account_id = tm.account_id
	WHERE w.author_id = s.account_id AND w.withdrawn_at IS NULL
	ORDER BY w.id DESC, v.first_viewed_at NULLS LAST, a.kana, a.id;
END
$$;

GRANT EXECUTE ON FUNCTION home_teams(bigint),
	home_view(text, text, text, inet),
	timeline_view(text, text, text, inet, bigint, bigint)
	TO renrakucho_app;
