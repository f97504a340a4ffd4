-- Read receipts and 👍 on the three measured teams, as a team in use has
-- them: every member but the author has seen four messages in five (an
-- hour after they were written), and every tenth message has a 👍 from
-- about a quarter of the members.  Without them the receipts and the
-- timeline read empty tables, and the planner's choices there are not
-- the ones a real data set gets.  Run once by tests/bench/run, as the
-- owner, with -v big=... -v small=... -v post=... (team ids).
\set ON_ERROR_STOP on
BEGIN;
SET LOCAL search_path = renrakucho;
INSERT INTO message_view (message_id, account_id, first_viewed_at)
SELECT m.id, tm.account_id, m.created_at + interval '1 hour'
FROM message m
JOIN team_member tm ON tm.team_id = m.team_id AND tm.account_id <> m.author_id
WHERE m.team_id IN (:big, :small, :post) AND (m.id + tm.account_id) % 5 <> 0
ON CONFLICT DO NOTHING;
INSERT INTO message_like (message_id, account_id, at)
SELECT m.id, tm.account_id, m.created_at + interval '2 hours'
FROM message m
JOIN team_member tm ON tm.team_id = m.team_id AND tm.account_id <> m.author_id
WHERE m.team_id IN (:big, :small, :post) AND m.id % 10 = 0
AND (m.id / 10 + tm.account_id) % 4 = 0
ON CONFLICT DO NOTHING;
SELECT 'views', (SELECT count(*) FROM message_view),
    (SELECT count(*) FROM message_like);
COMMIT;
ANALYZE renrakucho.message_view;
ANALYZE renrakucho.message_like;
