-- functions/unread.sql: each membership's unread count and last view,
-- kept by triggers instead of counted per page (/home shows every team of
-- mine with its unread messages; the read receipts each member's last
-- view).  A new message adds one for every other member, a first view
-- takes one away and moves the last view on, a withdrawal takes one away
-- from whoever had not seen it, and a new membership starts from the
-- history.  Rows of team_member are locked in one order, by account, so
-- two posts to one team wait for each other instead of deadlocking; a
-- first view locks only the viewer's own row, which cannot close a cycle.
--
-- Re-applied by every migrate, after base.sql and the deltas, in file-name
-- order: CREATE OR REPLACE only, grants restated.  Bodies are checked as
-- they are created (check_function_bodies stays on, so a mistake fails
-- the migrate rather than a page): a LANGUAGE sql function reads only
-- tables and built-ins, or functions of this file made above it or of a
-- file earlier by name; PL/pgSQL bodies may call any function.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- The definitions the columns follow: unread messages of a team for one
-- member (not withdrawn, not written by the member, never shown to the
-- member), and the member's latest first view of the team's messages.
CREATE OR REPLACE FUNCTION team_unread_count(p_team_id bigint, p_account_id bigint)
RETURNS bigint
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = renrakucho
AS $$
	SELECT count(*) FROM message m
	WHERE m.team_id = p_team_id AND m.author_id <> p_account_id
	AND m.withdrawn_at IS NULL
	AND NOT EXISTS (SELECT 1 FROM message_view v
	    WHERE v.message_id = m.id AND v.account_id = p_account_id)
$$;

CREATE OR REPLACE FUNCTION team_last_view(p_team_id bigint, p_account_id bigint)
RETURNS timestamptz
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = renrakucho
AS $$
	SELECT max(v.first_viewed_at) FROM message_view v
	JOIN message m ON m.id = v.message_id
	WHERE m.team_id = p_team_id AND v.account_id = p_account_id
$$;

-- A member's unread count as kept (0 for one who is not a member).
CREATE OR REPLACE FUNCTION team_unread(p_team_id bigint, p_account_id bigint)
RETURNS bigint
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = renrakucho
AS $$
	SELECT coalesce((SELECT unread FROM team_member
	    WHERE team_id = p_team_id AND account_id = p_account_id), 0)::bigint
$$;

-- A member (again): both columns from the history.
CREATE OR REPLACE FUNCTION unread_on_member() RETURNS trigger
LANGUAGE plpgsql SET search_path = renrakucho AS $$
BEGIN
	NEW.unread := team_unread_count(NEW.team_id, NEW.account_id);
	NEW.last_viewed_at := team_last_view(NEW.team_id, NEW.account_id);
	RETURN NEW;
END
$$;

CREATE OR REPLACE TRIGGER team_member_unread BEFORE INSERT ON team_member
	FOR EACH ROW EXECUTE FUNCTION unread_on_member();

-- A new message: one more for every other member.
CREATE OR REPLACE FUNCTION unread_on_message() RETURNS trigger
LANGUAGE plpgsql SET search_path = renrakucho AS $$
BEGIN
	UPDATE team_member t SET unread = t.unread + 1
	FROM (SELECT o.account_id FROM team_member o
	    WHERE o.team_id = NEW.team_id AND o.account_id <> NEW.author_id
	    ORDER BY o.account_id FOR UPDATE) k
	WHERE t.team_id = NEW.team_id AND t.account_id = k.account_id;
	RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER message_unread AFTER INSERT ON message
	FOR EACH ROW EXECUTE FUNCTION unread_on_message();

-- A first view: one unread less (not my own, not withdrawn), and the
-- last view moves on.
CREATE OR REPLACE FUNCTION unread_on_view() RETURNS trigger
LANGUAGE plpgsql SET search_path = renrakucho AS $$
BEGIN
	UPDATE team_member t
	SET unread = t.unread - CASE WHEN m.author_id <> NEW.account_id
		AND m.withdrawn_at IS NULL THEN 1 ELSE 0 END,
	    last_viewed_at = greatest(t.last_viewed_at, NEW.first_viewed_at)
	FROM message m
	WHERE m.id = NEW.message_id AND t.team_id = m.team_id
	AND t.account_id = NEW.account_id;
	RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER message_view_unread AFTER INSERT ON message_view
	FOR EACH ROW EXECUTE FUNCTION unread_on_view();

-- A withdrawal: one less for every other member who had not seen it.
CREATE OR REPLACE FUNCTION unread_on_withdraw() RETURNS trigger
LANGUAGE plpgsql SET search_path = renrakucho AS $$
BEGIN
	UPDATE team_member t SET unread = t.unread - 1
	FROM (SELECT o.account_id FROM team_member o
	    WHERE o.team_id = NEW.team_id AND o.account_id <> NEW.author_id
	    ORDER BY o.account_id FOR UPDATE) k
	WHERE t.team_id = NEW.team_id AND t.account_id = k.account_id
	AND NOT EXISTS (SELECT 1 FROM message_view v
	    WHERE v.message_id = NEW.id AND v.account_id = t.account_id);
	RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER message_withdraw_unread AFTER UPDATE OF withdrawn_at ON message
	FOR EACH ROW WHEN (OLD.withdrawn_at IS NULL AND NEW.withdrawn_at IS NOT NULL)
	EXECUTE FUNCTION unread_on_withdraw();

GRANT EXECUTE ON FUNCTION team_unread(bigint, bigint),
	team_unread_count(bigint, bigint) TO renrakucho_app;
