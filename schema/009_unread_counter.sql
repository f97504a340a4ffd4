-- Unread counts kept with each membership instead of counted per page:
-- /home shows every team of mine with its unread messages, and counting a
-- team's whole history at each request grew with the team (about 4 ms for
-- a 10,000-message team on the bench's data set).  Triggers keep the
-- count exact: a new message adds one for every other member, a first
-- view takes one away, a withdrawal takes one away from whoever had not
-- seen it, and a new membership starts from the full count.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

ALTER TABLE team_member ADD COLUMN unread integer NOT NULL DEFAULT 0;

-- The definition the counter follows (the old team_unread).
CREATE FUNCTION team_unread_count(p_team_id bigint, p_account_id bigint)
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

UPDATE team_member SET unread = team_unread_count(team_id, account_id);

CREATE OR REPLACE FUNCTION team_unread(p_team_id bigint, p_account_id bigint)
RETURNS bigint
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = renrakucho
AS $$
	SELECT coalesce((SELECT unread FROM team_member
	    WHERE team_id = p_team_id AND account_id = p_account_id), 0)::bigint
$$;

CREATE FUNCTION unread_on_member() RETURNS trigger
LANGUAGE plpgsql SET search_path = renrakucho AS $$
BEGIN
	NEW.unread := team_unread_count(NEW.team_id, NEW.account_id);
	RETURN NEW;
END
$$;
CREATE TRIGGER team_member_unread BEFORE INSERT ON team_member
	FOR EACH ROW EXECUTE FUNCTION unread_on_member();

CREATE FUNCTION unread_on_message() RETURNS trigger
LANGUAGE plpgsql SET search_path = renrakucho AS $$
BEGIN
	UPDATE team_member SET unread = unread + 1
	WHERE team_id = NEW.team_id AND account_id <> NEW.author_id;
	RETURN NULL;
END
$$;
CREATE TRIGGER message_unread AFTER INSERT ON message
	FOR EACH ROW EXECUTE FUNCTION unread_on_message();

CREATE FUNCTION unread_on_view() RETURNS trigger
LANGUAGE plpgsql SET search_path = renrakucho AS $$
BEGIN
	UPDATE team_member t SET unread = t.unread - 1
	FROM message m
	WHERE m.id = NEW.message_id AND t.team_id = m.team_id
	AND t.account_id = NEW.account_id AND m.author_id <> NEW.account_id
	AND m.withdrawn_at IS NULL;
	RETURN NULL;
END
$$;
CREATE TRIGGER message_view_unread AFTER INSERT ON message_view
	FOR EACH ROW EXECUTE FUNCTION unread_on_view();

CREATE FUNCTION unread_on_withdraw() RETURNS trigger
LANGUAGE plpgsql SET search_path = renrakucho AS $$
BEGIN
	UPDATE team_member t SET unread = t.unread - 1
	WHERE t.team_id = NEW.team_id AND t.account_id <> NEW.author_id
	AND NOT EXISTS (SELECT 1 FROM message_view v
	    WHERE v.message_id = NEW.id AND v.account_id = t.account_id);
	RETURN NULL;
END
$$;
CREATE TRIGGER message_withdraw_unread AFTER UPDATE OF withdrawn_at ON message
	FOR EACH ROW WHEN (OLD.withdrawn_at IS NULL AND NEW.withdrawn_at IS NOT NULL)
	EXECUTE FUNCTION unread_on_withdraw();

-- The index 008 made for counting is no longer read per page.
DROP INDEX message_team_unread;

GRANT EXECUTE ON FUNCTION team_unread_count(bigint, bigint) TO renrakucho_app;
