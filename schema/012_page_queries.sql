-- The read queries of the busiest pages, each in a PL/pgSQL function:
-- the function keeps its statement's plan for the life of the server
-- connection (pgbouncer keeps those across requests), where the same
-- statement sent by a CGI was parsed and planned at every request
-- (PQexecParams' unnamed statement; transaction pooling allows no named
-- ones).  Planning was most of the server's work on these pages: the
-- /home query alone, 0.4 ms planned and 0.2 ms run (tests/bench/run).
-- The SQL is the pages' own, unchanged, and so are the columns the CGIs
-- read; what each page checks and records before and after stays in the
-- CGI (session, team membership, audit event).  One change: the unread
-- counts read team_member.unread (schema/009) from the row already
-- joined, instead of through team_unread(), a SQL function, which the
-- server plans again at every call.  SECURITY INVOKER: the app role's
-- own grants apply, as when the CGI sent the statement.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- A time as the pages show it (Japan time, to the minute), and a
-- message's first 40 characters on one line.  Plain SQL expressions, so
-- the planner inlines them into the queries below.
CREATE FUNCTION jst_minute(t timestamptz) RETURNS text
LANGUAGE sql STABLE
AS $$ SELECT pg_catalog.to_char(t AT TIME ZONE 'Asia/Tokyo',
	'YYYY"年"FMMM"月"FMDD"日" HH24:MI') $$;

CREATE FUNCTION message_excerpt(body text) RETURNS text
LANGUAGE sql IMMUTABLE
AS $$ SELECT pg_catalog.regexp_replace(pg_catalog.left(body, 40), '\s+', ' ',
	'g') $$;

-- /home: my teams with the patient's name, my role, requests waiting and
-- messages I have not seen.
CREATE FUNCTION home_teams(p_account bigint)
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
	WHERE m.account_id = p_account ORDER BY p.kana_key, p.id;
END
$$;

-- The team's patient if p_account is a member (session_team, schema/013).
CREATE FUNCTION team_membership(p_team bigint, p_account bigint)
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
	WHERE t.id = p_team;
END
$$;

-- The timeline: 31 messages below p_before (NULL: the newest), newest
-- first, with their 👍 and whether they are mine.  The 👍 of the page's
-- messages come from one grouped query, not three subqueries per message
-- (a fifth of the function's time, pgbench on the bench's data).
CREATE FUNCTION timeline_messages(p_team bigint, p_before bigint,
	p_account bigint)
RETURNS TABLE (id bigint, mine boolean, withdrawn boolean, body text,
	author text, profession text, facility text, created text,
	likes bigint, liked boolean, likers text)
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = renrakucho
AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	WITH page AS MATERIALIZED (
	    SELECT message.id, message.author_id, message.withdrawn_at,
		message.body, message.created_at
	    FROM message WHERE message.team_id = p_team
	    AND message.id < coalesce(p_before, 9223372036854775807)
	    ORDER BY message.id DESC LIMIT 31),
	lk AS (
	    SELECT l.message_id, count(*) AS n,
		bool_or(l.account_id = p_account) AS mine,
		string_agg(la.name, '、' ORDER BY l.at, la.id) AS names
	    FROM message_like l JOIN account la ON la.id = l.account_id
	    WHERE l.message_id IN (SELECT page.id FROM page)
	    GROUP BY l.message_id)
	SELECT m.id, m.author_id = p_account,
	    m.withdrawn_at IS NOT NULL,
	    CASE WHEN m.withdrawn_at IS NULL THEN m.body END,
	    au.name, au.profession, f.name,
	    jst_minute(m.created_at),
	    coalesce(lk.n, 0), coalesce(lk.mine, false), lk.names
	FROM page m
	JOIN account au ON au.id = m.author_id
	JOIN facility f ON f.id = au.facility_id
	LEFT JOIN lk ON lk.message_id = m.id
	ORDER BY m.id DESC;
END
$$;

-- The attachments of the messages shown.
CREATE FUNCTION timeline_attachments(p_messages bigint[])
RETURNS TABLE (message_id bigint, id bigint, name text, size integer)
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = renrakucho
AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	SELECT x.message_id, x.id, x.name, x.size
	FROM message_attachment x WHERE x.message_id = ANY (p_messages)
	ORDER BY x.message_id, x.n;
END
$$;

-- The first view of each message shown (not my own, not withdrawn).
CREATE FUNCTION timeline_viewed(p_messages bigint[], p_account bigint)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = renrakucho
AS $$
BEGIN
	INSERT INTO message_view (message_id, account_id)
	SELECT m.id, p_account FROM message m
	WHERE m.id = ANY (p_messages) AND m.author_id <> p_account
	AND m.withdrawn_at IS NULL ON CONFLICT DO NOTHING;
END
$$;

-- Read receipts, the person in charge's view: every member with their
-- last view and unread count ...
CREATE FUNCTION receipts_members(p_team bigint)
RETURNS TABLE (name text, profession text, facility text, role text,
	last_view text, unread bigint)
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = renrakucho
AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	SELECT a.name, a.profession, f.name,
	    CASE tm.role WHEN 'lead' THEN '担当者' ELSE 'メンバー' END,
	    coalesce((SELECT jst_minute(max(v.first_viewed_at))
		FROM message_view v JOIN message m ON m.id = v.message_id
		WHERE m.team_id = tm.team_id
		AND v.account_id = tm.account_id), '閲覧なし'),
	    tm.unread::bigint
	FROM team_member tm JOIN account a ON a.id = tm.account_id
	JOIN facility f ON f.id = a.facility_id
	WHERE tm.team_id = p_team
	ORDER BY tm.role = 'lead' DESC, a.kana, a.id;
END
$$;

-- ... and the messages (newest first, below p_before, at most p_limit or
-- all when NULL), each with every other current member and their first
-- view (also the CSV export).  A message's time and excerpt are worked
-- out once, in the subquery that picks the messages, not once per member
-- row of the join (the excerpt's regexp was a fifth of the query).
CREATE FUNCTION receipts_messages(p_team bigint, p_before bigint,
	p_limit bigint)
RETURNS TABLE (id bigint, created text, author text, withdrawn boolean,
	excerpt text, member_id bigint, member text, profession text,
	facility text, viewed text)
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = renrakucho
AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	SELECT m.id, m.created, au.name, m.withdrawn, m.excerpt,
	    a.id, a.name, a.profession, f.name, jst_minute(v.first_viewed_at)
	FROM (SELECT message.id, message.team_id, message.author_id,
		jst_minute(message.created_at) AS created,
		message.withdrawn_at IS NOT NULL AS withdrawn,
		CASE WHEN message.withdrawn_at IS NULL
		    THEN message_excerpt(message.body) END AS excerpt
	    FROM message WHERE message.team_id = p_team
	    AND message.id < coalesce(p_before, 9223372036854775807)
	    ORDER BY message.id DESC LIMIT p_limit) m
	JOIN account au ON au.id = m.author_id
	LEFT JOIN team_member tm ON tm.team_id = m.team_id
	    AND tm.account_id <> m.author_id
	LEFT JOIN account a ON a.id = tm.account_id
	LEFT JOIN facility f ON f.id = a.facility_id
	LEFT JOIN message_view v ON v.message_id = m.id
	    AND v.account_id = tm.account_id
	ORDER BY m.id DESC, a.kana, a.id;
END
$$;

-- Read receipts, any other member's view: their own first view of each
-- message.
CREATE FUNCTION receipts_mine(p_team bigint, p_before bigint,
	p_account bigint)
RETURNS TABLE (id bigint, created text, author text, excerpt text,
	mine boolean, viewed text)
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = renrakucho
AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	SELECT m.id, jst_minute(m.created_at),
	    au.name,
	    CASE WHEN m.withdrawn_at IS NULL
		THEN message_excerpt(m.body)
		ELSE '（取り消されました）' END,
	    m.author_id = p_account,
	    jst_minute(v.first_viewed_at)
	FROM message m JOIN account au ON au.id = m.author_id
	LEFT JOIN message_view v ON v.message_id = m.id
	    AND v.account_id = p_account
	WHERE m.team_id = p_team
	AND m.id < coalesce(p_before, 9223372036854775807)
	ORDER BY m.id DESC LIMIT 31;
END
$$;

-- A new message: the other members to mail, at most once per member and
-- team in 10 minutes.  The upsert's WHERE is evaluated on the latest row
-- version, so of two posts at once only one mails each member.
CREATE FUNCTION message_notify_due(p_team bigint, p_author bigint)
RETURNS TABLE (account_id bigint)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = renrakucho
AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	INSERT INTO team_member_notify AS n
	    (team_id, account_id, last_mailed_at)
	SELECT tm.team_id, tm.account_id, now() FROM team_member tm
	JOIN account ac ON ac.id = tm.account_id
	WHERE tm.team_id = p_team AND tm.account_id <> p_author
	AND ac.notify AND ac.deleted_at IS NULL
	AND NOT EXISTS (SELECT 1 FROM team_member_notify o
	    WHERE o.team_id = tm.team_id AND o.account_id = tm.account_id
	    AND o.last_mailed_at > now() - interval '10 minutes')
	ORDER BY tm.account_id
	ON CONFLICT (team_id, account_id) DO UPDATE
	SET last_mailed_at = EXCLUDED.last_mailed_at
	WHERE n.last_mailed_at <= EXCLUDED.last_mailed_at
	    - interval '10 minutes'
	RETURNING n.account_id;
END
$$;

GRANT EXECUTE ON FUNCTION home_teams(bigint), team_membership(bigint, bigint),
	timeline_messages(bigint, bigint, bigint),
	timeline_attachments(bigint[]), timeline_viewed(bigint[], bigint),
	receipts_members(bigint), receipts_messages(bigint, bigint, bigint),
	receipts_mine(bigint, bigint, bigint),
	message_notify_due(bigint, bigint)
	TO renrakucho_app;
