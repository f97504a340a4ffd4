-- The timeline in one round trip after the session (cgi-bin/message.c):
-- timeline_page() returns timeline_messages()'s rows and records the
-- first views of exactly the messages the page shows (the first 30 rows,
-- not mine, not withdrawn: timeline_viewed() checks those again), and
-- timeline_page_attachments() finds the attachments of the same keyset
-- page by itself, so neither waits for the other's result.  Its own
-- snapshot may see a message posted in between; the page shows only the
-- attachments of the messages it shows.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

CREATE FUNCTION timeline_page(p_team bigint, p_before bigint,
	p_account bigint)
RETURNS TABLE (id bigint, mine boolean, withdrawn boolean, body text,
	author text, profession text, facility text, created text,
	likes bigint, liked boolean, likers text)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = renrakucho
AS $$
DECLARE
	k	integer := 0;
	shown	bigint[] := '{}';
BEGIN
	FOR id, mine, withdrawn, body, author, profession, facility, created,
	    likes, liked, likers IN
	    SELECT * FROM timeline_messages(p_team, p_before, p_account)
	LOOP
		k := k + 1;
		-- The page shows 30 (MSG_PAGE in cgi-bin/message.c); a
		-- 31st row only says there are older.
		IF k <= 30 THEN
			shown := shown || id;
		END IF;
		RETURN NEXT;
	END LOOP;
	PERFORM timeline_viewed(shown, p_account);
END
$$;

CREATE FUNCTION timeline_page_attachments(p_team bigint, p_before bigint)
RETURNS TABLE (message_id bigint, id bigint, name text, size integer)
LANGUAGE plpgsql STABLE SECURITY INVOKER
SET search_path = renrakucho
AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	SELECT x.message_id, x.id, x.name, x.size
	FROM message_attachment x
	WHERE x.message_id IN (SELECT message.id FROM message
	    WHERE message.team_id = p_team
	    AND message.id < coalesce(p_before, 9223372036854775807)
	    ORDER BY message.id DESC LIMIT 31)
	ORDER BY x.message_id, x.n;
END
$$;

-- timeline_attachments(bigint[]) (012) is no longer called, and stays
-- for the CGIs of the version before during an upgrade (README).

GRANT EXECUTE ON FUNCTION timeline_page(bigint, bigint, bigint),
	timeline_page_attachments(bigint, bigint) TO renrakucho_app;
