-- The timeline's 👍 per message again, through message_like's primary
-- key: 012's one grouped query over the page's messages read the whole
-- of message_like (a hash join the planner prefers while the table is
-- small, and that grows with it).  A LATERAL aggregate per message uses
-- the index whatever the table's size: with the bench's read receipts and
-- 👍 (tests/bench/views.sql), 1.1 -> 0.55 ms per call (pgbench).  Same
-- rows and columns as 012's.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

CREATE OR REPLACE FUNCTION timeline_messages(p_team bigint, p_before bigint,
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
	SELECT m.id, m.author_id = p_account,
	    m.withdrawn_at IS NOT NULL,
	    CASE WHEN m.withdrawn_at IS NULL THEN m.body END,
	    au.name, au.profession, f.name,
	    jst_minute(m.created_at),
	    lk.n, coalesce(lk.mine, false), lk.names
	FROM (SELECT message.id, message.author_id, message.withdrawn_at,
		message.body, message.created_at
	    FROM message WHERE message.team_id = p_team
	    AND message.id < coalesce(p_before, 9223372036854775807)
	    ORDER BY message.id DESC LIMIT 31) m
	JOIN account au ON au.id = m.author_id
	JOIN facility f ON f.id = au.facility_id
	CROSS JOIN LATERAL (SELECT count(*) AS n,
		bool_or(l.account_id = p_account) AS mine,
		string_agg(la.name, '、' ORDER BY l.at, la.id) AS names
	    FROM message_like l JOIN account la ON la.id = l.account_id
	    WHERE l.message_id = m.id) lk
	ORDER BY m.id DESC;
END
$$;
