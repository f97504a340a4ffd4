-- functions/receipts.sql: the read receipts (/teams/{id}/receipts,
-- cgi-bin/receipts.c), read after the session check.  SECURITY INVOKER:
-- the app role's own grants apply.
--
-- Re-applied by every migrate, after base.sql and the deltas, in file-name
-- order: CREATE OR REPLACE only, grants restated.  Bodies are checked as
-- they are created (check_function_bodies stays on, so a mistake fails
-- the migrate rather than a page): a LANGUAGE sql function reads only
-- tables and built-ins, or functions of this file made above it or of a
-- file earlier by name; PL/pgSQL bodies may call any function.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- The person in charge's view: every member with their last view and
-- unread count (both kept with the membership, unread.sql) ...
CREATE OR REPLACE FUNCTION receipts_members(p_team bigint)
RETURNS TABLE (name text, profession text, facility text, role text,
	last_view text, unread bigint)
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = renrakucho
AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	SELECT a.name, a.profession, f.name,
	    CASE WHEN a.deleted_at IS NOT NULL OR NOT a.is_staff
		THEN '退会済み'
		WHEN tm.role = 'lead' THEN '担当者' ELSE 'メンバー' END,
	    coalesce(jst_minute(tm.last_viewed_at), '閲覧なし'),
	    tm.unread::bigint
	FROM team_member tm JOIN account a ON a.id = tm.account_id
	JOIN facility f ON f.id = a.facility_id
	WHERE tm.team_id = p_team
	ORDER BY a.deleted_at IS NOT NULL OR NOT a.is_staff,
	    tm.role = 'lead' DESC, a.kana, a.id;
END
$$;

-- ... and the messages (newest first, below p_before, at most p_limit or
-- all when NULL), each with every other current member and their first
-- view (also the CSV export); departed: the member's account was deleted
-- (or is no longer staff) -- listed apart as 退会済み, never as unread.  The team's members are read once and
-- paired with the page's messages; a message's time and excerpt are
-- worked out once, in the subquery that picks the messages.
CREATE OR REPLACE FUNCTION receipts_messages(p_team bigint, p_before bigint,
	p_limit bigint)
RETURNS TABLE (id bigint, created text, author text, withdrawn boolean,
	excerpt text, member_id bigint, member text, profession text,
	facility text, viewed text, departed boolean)
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = renrakucho
AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	WITH mem AS MATERIALIZED (
	    SELECT tm.account_id, a.name, a.profession, a.kana,
		f.name AS facility,
		a.deleted_at IS NOT NULL OR NOT a.is_staff AS departed
	    FROM team_member tm JOIN account a ON a.id = tm.account_id
	    LEFT JOIN facility f ON f.id = a.facility_id
	    WHERE tm.team_id = p_team)
	SELECT m.id, m.created, au.name, m.withdrawn, m.excerpt,
	    mem.account_id, mem.name, mem.profession, mem.facility,
	    jst_minute(v.first_viewed_at), mem.departed
	FROM (SELECT message.id, message.author_id,
		jst_minute(message.created_at) AS created,
		message.withdrawn_at IS NOT NULL AS withdrawn,
		CASE WHEN message.withdrawn_at IS NULL
		    THEN message_excerpt(message.body) END AS excerpt
	    FROM message WHERE message.team_id = p_team
	    AND message.id < coalesce(p_before, 9223372036854775807)
	    ORDER BY message.id DESC LIMIT p_limit) m
	JOIN account au ON au.id = m.author_id
	LEFT JOIN mem ON mem.account_id <> m.author_id
	LEFT JOIN message_view v ON v.message_id = m.id
	    AND v.account_id = mem.account_id
	ORDER BY m.id DESC, mem.kana, mem.account_id;
END
$$;

-- Any other member's view: their own first view of each message.
CREATE OR REPLACE FUNCTION receipts_mine(p_team bigint, p_before bigint,
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

GRANT EXECUTE ON FUNCTION receipts_members(bigint),
	receipts_messages(bigint, bigint, bigint),
	receipts_mine(bigint, bigint, bigint) TO renrakucho_app;
