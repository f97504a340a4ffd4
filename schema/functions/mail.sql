-- functions/mail.sql: mail to accounts, and the notification of a new
-- message.
--
-- Re-applied by every migrate, after base.sql and the deltas, in file-name
-- order: CREATE OR REPLACE only, grants restated.  Bodies are checked as
-- they are created (check_function_bodies stays on, so a mistake fails
-- the migrate rather than a page): a LANGUAGE sql function reads only
-- tables and built-ins, or functions of this file made above it or of a
-- file earlier by name; PL/pgSQL bodies may call any function.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- The one place that addresses mail to accounts (lib/mail.c
-- mail_queue_account calls it too): a placeholder address is a promise,
-- so such mail goes to the facility's representative address saying
-- whom it is for; a deleted account gets none.  The number queued.
CREATE OR REPLACE FUNCTION mail_to_accounts(p_accounts bigint[], p_subject text,
	p_body text)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = renrakucho
AS $$
DECLARE
	n	integer;
BEGIN
	INSERT INTO mail_outbox (to_addr, account_id, subject, body)
	SELECT CASE WHEN a.email_is_placeholder OR a.email IS NULL
		THEN f.email ELSE a.email END,
	    a.id, p_subject,
	    CASE WHEN a.email_is_placeholder OR a.email IS NULL
		THEN '【' || f.name || ' ' || a.name
		    || ' 様宛てのお知らせです。事業所内でお伝えください。】'
		    || E'\n\n' || p_body
		ELSE p_body END
	FROM account a JOIN facility f ON f.id = a.facility_id
	WHERE a.id = ANY (p_accounts) AND a.deleted_at IS NULL
	ORDER BY a.id;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;

-- A new message: the other members to mail, at most once per member and
-- team in 10 minutes.  The upsert's WHERE is evaluated on the latest row
-- version, so of two posts at once only one mails each member.
CREATE OR REPLACE FUNCTION message_notify_due(p_team bigint, p_author bigint)
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

-- A new message in p_team by p_author (cgi-bin/message.c, in the post's
-- transaction): mail the other members who want it
-- (message_notify_due).  The number of mails queued.
CREATE OR REPLACE FUNCTION message_notify(p_team bigint, p_author bigint,
	p_subject text, p_body text)
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = renrakucho
AS $$
BEGIN
	RETURN mail_to_accounts(ARRAY(SELECT d.account_id
	    FROM message_notify_due(p_team, p_author) d), p_subject, p_body);
END
$$;

GRANT EXECUTE ON FUNCTION mail_to_accounts(bigint[], text, text),
	message_notify_due(bigint, bigint),
	message_notify(bigint, bigint, text, text) TO renrakucho_app;
