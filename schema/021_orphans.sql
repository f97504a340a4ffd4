-- 021_orphans.sql: leaving does not orphan a team (lib/leave.h).  An
-- account's deletion keeps its team_member rows (a closed team's
-- triggers refuse membership changes, and the history keeps who was in
-- the team); "left the team" is account.deleted_at.  担当者不在 is
-- derived, not stored: an open team none of whose 担当者 is a live staff
-- account; the operator's /operator/teams lists those and names a
-- 担当者 or ends the support (closed_by: then the operator).
-- receipts_messages gains the column departed (functions/receipts.sql
-- creates it again after the deltas).
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

DROP FUNCTION IF EXISTS receipts_messages(bigint, bigint, bigint);

COMMENT ON COLUMN team.closed_by IS
	'Who ended it: the team''s 担当者, or a service operator for a team left without one (担当者不在).';
