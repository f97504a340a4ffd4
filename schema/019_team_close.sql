-- 019_team_close.sql: the end of support (/patients/{id}/close, the
-- team's 担当者): the reason (死亡, 転出, 施設入所, その他), the day, who
-- and when.  From then the team is a read-only archive: the triggers of
-- functions/teams.sql refuse new messages, 👍, withdrawals, join
-- requests and membership changes (SQLSTATE 55000, constraint
-- team_closed), whatever page or program tries; reading stays.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

ALTER TABLE team
	ADD COLUMN closed_at timestamptz,
	ADD COLUMN closed_by bigint REFERENCES account,
	ADD COLUMN closed_on date,
	ADD COLUMN close_reason text
	    CHECK (close_reason IN ('death', 'moved', 'facility', 'other')),
	ADD COLUMN close_note text NOT NULL DEFAULT ''
	    CHECK (char_length(close_note) <= 200),
	ADD CONSTRAINT team_close_complete CHECK (
	    (closed_at IS NULL) = (closed_by IS NULL) AND
	    (closed_at IS NULL) = (closed_on IS NULL) AND
	    (closed_at IS NULL) = (close_reason IS NULL));

COMMENT ON COLUMN team.closed_at IS
	'When the support ended (the team became a read-only archive); NULL while it goes on.';
COMMENT ON COLUMN team.closed_by IS 'The 担当者 who ended it.';
COMMENT ON COLUMN team.closed_on IS 'The day the support ended, as reported.';
COMMENT ON COLUMN team.close_reason IS
	'death (死亡), moved (転出), facility (施設入所) or other (その他).';
COMMENT ON COLUMN team.close_note IS 'For その他: what it was (at most 200 characters).';

-- Only the end of support is ever written by the app: UPDATE on these
-- columns and no other.
REVOKE UPDATE ON team FROM renrakucho_app;
GRANT UPDATE (closed_at, closed_by, closed_on, close_reason, close_note)
	ON team TO renrakucho_app;
