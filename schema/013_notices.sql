-- 013_notices.sql: announcements (お知らせ) by the service operator
-- (/operator/notices), shown on /home to every logged-in account from
-- show_from until show_until unless withdrawn.  on_portal marks the
-- ones meant for the public portal too (login problems, maintenance).
--
-- The app writes a notice once and may afterwards only withdraw it:
-- a notice shown is never edited in place.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

CREATE TABLE notice (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	title		text NOT NULL
	    CHECK (char_length(title) BETWEEN 1 AND 100),
	body		text NOT NULL
	    CHECK (char_length(body) BETWEEN 1 AND 2000),
	show_from	timestamptz NOT NULL,
	show_until	timestamptz NOT NULL,
	on_portal	boolean NOT NULL DEFAULT false,
	created_by	bigint NOT NULL REFERENCES account,
	created_at	timestamptz NOT NULL DEFAULT now(),
	withdrawn_at	timestamptz,
	CHECK (show_from < show_until),
	CHECK (show_until <= created_at + interval '1 year 1 day')
);

CREATE INDEX notice_until_idx ON notice (show_until);

GRANT SELECT ON notice TO renrakucho_app, renrakucho_auditor;
GRANT INSERT (title, body, show_from, show_until, on_portal, created_by)
	ON notice TO renrakucho_app;
GRANT UPDATE (withdrawn_at) ON notice TO renrakucho_app;

COMMENT ON TABLE notice IS
	'Announcements by the service operator (/operator/notices), shown on /home from show_from until show_until unless withdrawn.';
COMMENT ON COLUMN notice.title IS 'The title (1 to 100 characters).';
COMMENT ON COLUMN notice.body IS 'The text (1 to 2000 characters, newlines kept).';
COMMENT ON COLUMN notice.show_from IS 'Shown from this moment.';
COMMENT ON COLUMN notice.show_until IS 'Shown until this moment (excluded); at most a year after it was written.';
COMMENT ON COLUMN notice.on_portal IS 'Also meant for the public portal''s top page (login problems, maintenance).';
COMMENT ON COLUMN notice.created_by IS 'The operator who wrote it (account.id).';
COMMENT ON COLUMN notice.created_at IS 'When it was written.';
COMMENT ON COLUMN notice.withdrawn_at IS 'When an operator withdrew it (no longer shown); NULL while not withdrawn.';
