-- The mail outbox: rows queued in the transaction of the event that
-- causes them, delivered by `renrakucho-admin mail deliver` (cron).
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

CREATE TABLE mail_outbox (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	to_addr		text NOT NULL CHECK (length(to_addr) BETWEEN 3 AND 254),
	-- The account the mail is for (its placeholder address is forwarded
	-- to the facility's representative address), NULL for a facility.
	account_id	bigint REFERENCES account,
	subject		text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
	body		text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
	created_at	timestamptz NOT NULL DEFAULT now(),
	attempts	integer NOT NULL DEFAULT 0,
	next_attempt_at	timestamptz NOT NULL DEFAULT now(),
	last_error	text,
	sent_at		timestamptz
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at)
	WHERE sent_at IS NULL;

GRANT INSERT ON mail_outbox TO renrakucho_app;
GRANT SELECT (id, to_addr, account_id, subject, created_at, attempts,
	sent_at) ON mail_outbox TO renrakucho_auditor;
