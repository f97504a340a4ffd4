-- Team messages with attachments, 👍, first views (read receipts) and the
-- per-member state of the 10-minute notification limit (DESIGN rule 7).
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

CREATE TABLE message (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	team_id		bigint NOT NULL REFERENCES team,
	author_id	bigint NOT NULL REFERENCES account,
	body		text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
	-- The post form's one-time token: a form sent twice inserts once.
	client_token	text NOT NULL CHECK (client_token ~ '^[A-Za-z0-9_-]{16,64}$'),
	created_at	timestamptz NOT NULL DEFAULT now(),
	-- Withdrawn messages stay (audit trail); the page hides their body.
	withdrawn_at	timestamptz,
	withdrawn_by	bigint REFERENCES account,
	UNIQUE (author_id, client_token),
	CHECK ((withdrawn_at IS NULL) = (withdrawn_by IS NULL))
);
-- Keyset pagination: WHERE team_id = $1 AND id < $2 ORDER BY id DESC.
CREATE INDEX message_team ON message (team_id, id DESC);

CREATE TABLE message_attachment (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	message_id	bigint NOT NULL REFERENCES message,
	n		smallint NOT NULL CHECK (n BETWEEN 1 AND 5),	-- at most 5
	name		text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
	type		text NOT NULL CHECK (type IN ('application/pdf', 'image/jpeg', 'image/png')),
	size		integer NOT NULL CHECK (size BETWEEN 1 AND 10485760),
	sha256		text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	data		bytea NOT NULL,
	UNIQUE (message_id, n)
);

CREATE TABLE message_like (
	message_id	bigint NOT NULL REFERENCES message,
	account_id	bigint NOT NULL REFERENCES account,
	at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (message_id, account_id)
);

-- The first time a message was shown to a member on the timeline.
CREATE TABLE message_view (
	message_id	bigint NOT NULL REFERENCES message,
	account_id	bigint NOT NULL REFERENCES account,
	first_viewed_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (message_id, account_id)
);
CREATE INDEX message_view_account ON message_view (account_id);

-- When a member was last mailed about a team: at most one mail per
-- member per team per 10 minutes.
CREATE TABLE team_member_notify (
	team_id		bigint NOT NULL REFERENCES team,
	account_id	bigint NOT NULL REFERENCES account,
	last_mailed_at	timestamptz NOT NULL,
	PRIMARY KEY (team_id, account_id)
);

-- Unread messages of a team for one member (/home): not withdrawn, not
-- written by the member, never shown to the member.
CREATE FUNCTION team_unread(p_team_id bigint, p_account_id bigint)
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

GRANT SELECT, INSERT ON message, message_attachment TO renrakucho_app;
GRANT UPDATE (withdrawn_at, withdrawn_by) ON message TO renrakucho_app;
GRANT SELECT, INSERT, DELETE ON message_like TO renrakucho_app;
GRANT SELECT, INSERT ON message_view TO renrakucho_app;
GRANT SELECT, INSERT, UPDATE ON team_member_notify TO renrakucho_app;
GRANT EXECUTE ON FUNCTION team_unread(bigint, bigint) TO renrakucho_app;
-- The auditor sees who posted, withdrew, liked and read what, and when;
-- not the bodies or the files.
GRANT SELECT (id, team_id, author_id, created_at, withdrawn_at, withdrawn_by)
	ON message TO renrakucho_auditor;
GRANT SELECT (id, message_id, n, name, type, size, sha256)
	ON message_attachment TO renrakucho_auditor;
GRANT SELECT ON message_like, message_view, team_member_notify
	TO renrakucho_auditor;
