-- Notification mail in SQL, so that a message post sends it with its
-- audit event and COMMIT instead of waiting for the list of members to
-- mail (cgi-bin/message.c): one round trip fewer per post.
--
-- mail_to_accounts is now the one place that addresses mail to accounts
-- (lib/mail.c mail_queue_account calls it too): a placeholder address is
-- a promise, so such mail goes to the facility's representative address
-- saying whom it is for; a deleted account gets none.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

CREATE FUNCTION mail_to_accounts(p_accounts bigint[], p_subject text,
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

-- A new message in p_team by p_author: mail the other members who want
-- it, at most once per member and team in 10 minutes
-- (message_notify_due).  The number of mails queued.
CREATE FUNCTION message_notify(p_team bigint, p_author bigint,
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
	message_notify(bigint, bigint, text, text) TO renrakucho_app;
