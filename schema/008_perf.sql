-- Performance (issue 6, tests/bench/run): what the database spends per
-- request.  Nothing here changes what a page checks, shows or records.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- team_unread (every team row on /home) counts a team's messages that are
-- not withdrawn and not mine: with this index an index-only scan, instead
-- of one heap fetch per message (a 10,000-message team: 41 ms -> 4 ms,
-- measured on the bench's data set).
CREATE INDEX message_team_unread ON message (team_id, id) INCLUDE (author_id)
	WHERE withdrawn_at IS NULL;

-- The session check of every logged-in page (lib/app.c app_session_load),
-- the same UPDATE as before, in a function: PL/pgSQL keeps the statement's
-- plan for the life of the server connection, and pgbouncer keeps server
-- connections across requests, where the statement sent alone was parsed
-- and planned at every request (about 1.3 ms of the server's time,
-- measured).  SECURITY INVOKER: the app role's own grants apply.
-- Its commit does not wait for the WAL flush (synchronous_commit off for
-- its own transaction only): app_session_load runs it alone, before the
-- page's transaction, whose audit events keep a synchronous commit.  A
-- crash can lose the last touches, which only makes a session idle out
-- sooner; the page's own commit would otherwise wait for two flushes.
-- Call it only as a statement of its own, as app_session_load does: it
-- switches synchronous_commit off for the transaction it runs in.  As a
-- guard it leaves the setting alone in a transaction that began before
-- this statement or has already written (an xid assigned).
CREATE FUNCTION session_touch(p_token_hash text, p_serial text, p_sha256 text)
RETURNS TABLE (session_id bigint, csrf text, account_id bigint, login text,
	name text, profession text, is_operator boolean,
	is_facility_admin boolean, facility_id bigint, facility_name text,
	last_login text)
LANGUAGE plpgsql VOLATILE SECURITY INVOKER
SET search_path = renrakucho
AS $$
#variable_conflict use_column
BEGIN
	IF pg_current_xact_id_if_assigned() IS NULL
	    AND now() = statement_timestamp() THEN
		PERFORM set_config('synchronous_commit', 'off', true);
	END IF;
	RETURN QUERY
	UPDATE session s SET last_seen_at = now()
	FROM account a, facility f, device_cert c
	WHERE s.token_hash = p_token_hash AND s.ended_at IS NULL
	AND s.last_seen_at > now() - interval '30 minutes'
	AND s.expires_at > now()
	AND s.cert_serial = p_serial AND c.serial = s.cert_serial
	AND c.sha256 = p_sha256 AND c.revoked_at IS NULL
	AND c.not_after > now() AND c.facility_id = a.facility_id
	AND a.id = s.account_id AND a.deleted_at IS NULL
	AND f.id = a.facility_id AND f.status = 'active'
	RETURNING s.id, s.csrf, a.id, a.login, a.name, a.profession,
	a.is_operator, a.is_facility_admin, f.id, f.name,
	to_char(a.last_login_at AT TIME ZONE 'Asia/Tokyo',
	    'YYYY"年"FMMM"月"FMDD"日" HH24:MI');
END
$$;
REVOKE ALL ON FUNCTION session_touch(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION session_touch(text, text, text) TO renrakucho_app;
