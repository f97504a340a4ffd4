-- When each member last viewed the team's messages, kept with the
-- membership like the unread count (schema/009), instead of a max() over
-- all of the member's views of the team's messages at every read
-- receipts page: that read every message of the team for every member
-- (a team of 10,000 messages and 5 members: 50,000 index probes).
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

ALTER TABLE team_member ADD COLUMN last_viewed_at timestamptz;

-- The definition the column follows.
CREATE FUNCTION team_last_view(p_team_id bigint, p_account_id bigint)
RETURNS timestamptz
LANGUAGE sql STABLE SECURITY INVOKER
SET search_path = renrakucho
AS $$
	SELECT max(v.first_viewed_at) FROM message_view v
	JOIN message m ON m.id = v.message_id
	WHERE m.team_id = p_team_id AND v.account_id = p_account_id
$$;

UPDATE team_member SET last_viewed_at = team_last_view(team_id, account_id);

-- A member (again): both counters from the history.
CREATE OR REPLACE FUNCTION unread_on_member() RETURNS trigger
LANGUAGE plpgsql SET search_path = renrakucho AS $$
BEGIN
	NEW.unread := team_unread_count(NEW.team_id, NEW.account_id);
	NEW.last_viewed_at := team_last_view(NEW.team_id, NEW.account_id);
	RETURN NEW;
END
$$;

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
	    CASE tm.role WHEN 'lead' THEN '担当者' ELSE 'メンバー' END,
	    coalesce(jst_minute(tm.last_viewed_at), '閲覧なし'),
	    tm.unread::bigint
	FROM team_member tm JOIN account a ON a.id = tm.account_id
	JOIN facility f ON f.id = a.facility_id
	WHERE tm.team_id = p_team
	ORDER BY tm.role = 'lead' DESC, a.kana, a.id;
END
$$;
