-- The benchmark's data set, generated in SQL as the schema owner:
-- 300 facilities, 5,000 accounts, 20,000 patients each with a support team
-- of four, and (when the message table exists) 1,000,000
-- messages, among them one team with 10,000 and one with 100.  The bench
-- user (psql variable bench_account, the demo STAFF1) is the person in
-- charge of three teams: big (10,000 messages), small (100) and post (the
-- team the post benchmark writes to, so the two timelines keep their size).
-- Run once per stack by tests/bench/run; prints "teams BIG SMALL POST".
\set ON_ERROR_STOP 1
BEGIN;
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;
SET LOCAL synchronous_commit = off;

CREATE TEMP TABLE bench_facility ON COMMIT DROP AS
WITH f AS (
	INSERT INTO facility (name, address, municipality_code,
	    municipality_name, email, phone)
	SELECT 'ベンチ事業所' || i, '島根県出雲市今市町' || i, '32203',
	    '島根県出雲市', 'bench-f' || i || '@bench.example.jp',
	    '0853-10-' || lpad(i::text, 4, '0')
	FROM generate_series(1, 300) i
	RETURNING id)
SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM f;

-- A well-formed hash that no password matches: these accounts never log in.
CREATE TEMP TABLE bench_account ON COMMIT DROP AS
WITH a AS (
	INSERT INTO account (facility_id, login, name, kana, profession,
	    email, password_hash)
	SELECT f.id, 'bench' || i, 'ベンチ職員' || i, 'ベンチショクイン',
	    (ARRAY['医師', '看護師', '介護支援専門員', '薬剤師'])[1 + i % 4],
	    'bench' || i || '@bench.example.jp',
	    'pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAAAA$'
	    'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
	FROM generate_series(1, 5000) i
	JOIN bench_facility f ON f.n = i % 300
	RETURNING id)
SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM a;

-- kana_key equals its NFKC form here (katakana and ASCII digits), so the
-- rows pass 007's CHECK (kana_key = kana_key(kana)) as well.
CREATE TEMP TABLE bench_patient ON COMMIT DROP AS
WITH p AS (
	INSERT INTO patient (name, kana, kana_key, birth_date, sex, address,
	    municipality_code, registered_by)
	SELECT 'ベンチ患者' || i, 'ベンチカンジャ' || i, 'ベンチカンジャ' || i,
	    date '1925-01-01' + i % 20000,
	    (ARRAY['male', 'female'])[1 + i % 2],
	    '島根県出雲市今市町' || i, '32203', a.id
	FROM generate_series(1, 20000) i
	JOIN bench_account a ON a.n = i % 5000
	RETURNING id, registered_by)
SELECT id, registered_by, row_number() OVER (ORDER BY id) - 1 AS n FROM p;

CREATE TEMP TABLE bench_team ON COMMIT DROP AS
WITH t AS (
	INSERT INTO team (patient_id)
	SELECT id FROM bench_patient ORDER BY id
	RETURNING id, patient_id)
SELECT t.id, p.registered_by AS lead, p.n
FROM t JOIN bench_patient p ON p.id = t.patient_id;

INSERT INTO team_member (team_id, account_id, role)
SELECT id, lead, 'lead' FROM bench_team;
INSERT INTO team_member (team_id, account_id, role)
SELECT t.id, a.id, 'member'
FROM bench_team t CROSS JOIN generate_series(1, 3) k
JOIN bench_account a ON a.n = (t.n * 7 + k * 1013) % 5000
ON CONFLICT DO NOTHING;

-- The bench user leads the first three teams.
INSERT INTO team_member (team_id, account_id, role)
SELECT id, :bench_account, 'lead' FROM bench_team WHERE n < 3
ON CONFLICT (team_id, account_id) DO UPDATE SET role = 'lead';

CREATE TEMP TABLE bench_result ON COMMIT DROP AS
SELECT (SELECT id FROM bench_team WHERE n = 0) AS big,
    (SELECT id FROM bench_team WHERE n = 1) AS small,
    (SELECT id FROM bench_team WHERE n = 2) AS post,
    (SELECT count(*) FROM bench_team) AS nteams;

-- Messages, interleaved in time as a real network writes them: every
-- 100th goes to the big team (10,000), every 10,000th (offset 5) to the
-- small one (100), the rest round the other teams; a year of history.
SELECT to_regclass('renrakucho.message') IS NOT NULL AS has_message \gset
\if :has_message
-- A million rows without their per-row triggers (the unread counters);
-- the counters are then set in one pass below.  session_replication_role
-- is a superuser's setting: it is set as the session's user (psql
-- connects as postgres), and the rows are written as the owner again.
RESET ROLE;
SET LOCAL session_replication_role = replica;
SET LOCAL ROLE renrakucho_owner;
INSERT INTO message (team_id, author_id, body, client_token, created_at)
SELECT CASE WHEN i % 100 = 0 THEN r.big
	    WHEN i % 10000 = 5 THEN r.small
	    ELSE t.id END,
    CASE WHEN i % 200 = 0 OR i % 10000 = 5 THEN :bench_account
	WHEN i % 100 = 0 THEN t0.lead ELSE t.lead END,
    'ベンチのメッセージ ' || i || '：本日訪問しました。血圧・食事量とも'
    '変わりなく、ご家族からの相談もありません。次回は来週の予定です。',
    'bench-' || lpad(i::text, 12, '0'),
    now() - (1000000 - i) * interval '30 seconds'
FROM generate_series(1, 1000000) i
CROSS JOIN bench_result r
JOIN bench_team t ON t.n = 3 + i % (r.nteams - 3)
JOIN bench_team t0 ON t0.n = 0;
RESET ROLE;
SET LOCAL session_replication_role = origin;
SET LOCAL ROLE renrakucho_owner;
UPDATE team_member tm SET unread = c.n
FROM (SELECT tm2.team_id, tm2.account_id, count(m.id) AS n
	FROM team_member tm2
	JOIN message m ON m.team_id = tm2.team_id
	    AND m.author_id <> tm2.account_id AND m.withdrawn_at IS NULL
	WHERE NOT EXISTS (SELECT 1 FROM message_view v
	    WHERE v.message_id = m.id AND v.account_id = tm2.account_id)
	GROUP BY tm2.team_id, tm2.account_id) c
WHERE tm.team_id = c.team_id AND tm.account_id = c.account_id;
\endif

SELECT 'teams', big, small, post FROM bench_result;
COMMIT;
ANALYZE;
