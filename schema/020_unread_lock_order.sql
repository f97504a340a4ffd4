-- Two posts to one team at once could deadlock (found by tests/bench/run:
-- 2 of about 1,600 posts under load were refused with 40P01).  A new
-- message raises the unread count of every other member, and each
-- UPDATE locked their team_member rows in the order it found them, which
-- the other transaction's new row versions change.  The rows are now
-- locked in one order, by account, so one post waits for the other
-- instead.  The same for a withdrawal.  A first view locks only the
-- viewer's own row, which cannot close a cycle.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

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
