-- Read receipts: the team's members (name, profession, facility) are
-- read once and paired with the page's messages, instead of two index
-- lookups (account, facility) for every message and member pair.  With
-- the bench's read receipts, 1.8 -> 1.0 ms per call (pgbench); the same
-- rows in the same order, for a page and for the whole CSV export (md5
-- of the output on the bench's small and big teams).
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

CREATE OR REPLACE FUNCTION receipts_messages(p_team bigint, p_before bigint,
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
	WITH mem AS MATERIALIZED (
	    SELECT tm.account_id, a.name, a.profession, a.kana,
		f.name AS facility
	    FROM team_member tm JOIN account a ON a.id = tm.account_id
	    LEFT JOIN facility f ON f.id = a.facility_id
	    WHERE tm.team_id = p_team)
	SELECT m.id, m.created, au.name, m.withdrawn, m.excerpt,
	    mem.account_id, mem.name, mem.profession, mem.facility,
	    jst_minute(v.first_viewed_at)
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
