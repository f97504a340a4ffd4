#!/bin/bash
# The demo's content, so that every screen shows something (run-demo runs
# it after conf/seed.sh; the test stacks do not, their tests count what
# they make): three patients with their support teams, a conversation of
# twelve messages between 出雲中央クリニック (STAFF1, FACILITY_ADMIN) and
# 松江訪問看護ステーション (OUTSIDE), one with a PDF attachment made here,
# three 👍, read receipts with both read and unread messages, a pending
# join request (STAFF2 to the first team), a current notice (also on the
# portal) and the first patient's information sheet, nine sections of
# ten filled (服薬状況 saved twice).  The demo patient of conf/seed.sh
# (デモ 太郎) is left as it is.
#
#   conf/seed-demo.sh OWNER_DSN MUNICIPALITY_CODE MUNICIPALITY_NAME
#
# SQL through the owner DSN, in one transaction: the rows the pages
# themselves write (patient, consent, team, team_member, join_request,
# message, message_attachment, message_like, message_view, notice,
# sheet_entry; the unread counts kept by their triggers), dated over the
# last days.  No audit event: nobody did any of it through the app, and
# the audit trail shows only what was done.  No mail is queued.  The
# accounts are conf/seed.sh's (staff1, staff2, fadmin, outside,
# operator).  Run again, it finds the first patient and adds nothing.
# Prints one line: "demo content: added" or "demo content: already there".
set -euo pipefail
[ $# = 3 ] || { echo "usage: $0 OWNER_DSN MUNICIPALITY_CODE MUNICIPALITY_NAME" >&2; exit 2; }
DSN=$1 CODE=$2 CITY=$3

# utf16hex TEXT: the text as UTF-16BE hex, a PDF string for a
# UniJIS-UCS2-H font.
utf16hex() {
	printf '%s' "$1" | iconv -f UTF-8 -t UTF-16BE | od -An -v -tx1 |
	    tr -d ' \n'
}

# pdf_hex TITLE LINE...: a one-page A4 PDF of the title and the lines in
# a Japanese font every PDF reader has (HeiseiKakuGo-W5, not embedded),
# as hex.
pdf_hex() {
	local f obj=() content y=760 line n i off
	f=$(mktemp)
	content="BT /F1 18 Tf 56 790 Td <$(utf16hex "$1")> Tj ET"
	shift
	for line in "$@"; do
		content="$content
BT /F1 11 Tf 56 $y Td <$(utf16hex "$line")> Tj ET"
		y=$((y - 20))
	done
	obj[1]='<< /Type /Catalog /Pages 2 0 R >>'
	obj[2]='<< /Type /Pages /Kids [3 0 R] /Count 1 >>'
	obj[3]='<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>'
	obj[4]="<< /Length $(printf '%s' "$content" | wc -c) >>
stream
$content
endstream"
	obj[5]='<< /Type /Font /Subtype /Type0 /BaseFont /HeiseiKakuGo-W5 /Encoding /UniJIS-UCS2-H /DescendantFonts [6 0 R] >>'
	obj[6]='<< /Type /Font /Subtype /CIDFontType0 /BaseFont /HeiseiKakuGo-W5 /CIDSystemInfo << /Registry (Adobe) /Ordering (Japan1) /Supplement 2 >> /FontDescriptor 7 0 R /DW 1000 >>'
	obj[7]='<< /Type /FontDescriptor /FontName /HeiseiKakuGo-W5 /Flags 4 /FontBBox [-92 -250 1010 922] /ItalicAngle 0 /Ascent 752 /Descent -221 /CapHeight 737 /StemV 114 >>'
	n=${#obj[@]}
	printf '%%PDF-1.4\n' > "$f"
	off=()
	for ((i = 1; i <= n; i++)); do
		off[i]=$(wc -c < "$f")
		printf '%d 0 obj\n%s\nendobj\n' "$i" "${obj[i]}" >> "$f"
	done
	local xref
	xref=$(wc -c < "$f")
	{
		printf 'xref\n0 %d\n0000000000 65535 f \n' $((n + 1))
		for ((i = 1; i <= n; i++)); do
			printf '%010d 00000 n \n' "${off[i]}"
		done
		printf 'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' \
		    $((n + 1)) "$xref"
	} >> "$f"
	od -An -v -tx1 "$f" | tr -d ' \n'
	rm -f "$f"
}

REPORT=$(pdf_hex '訪問看護報告書（見本）' \
    '利用者: 神門 ハナ 様（デモ用の架空の人物です）' \
    '事業所: 松江訪問看護ステーション　看護師 松江 四郎' \
    '訪問: 退院後の初回訪問' \
    'バイタル: 血圧 138/82 mmHg　脈拍 76/分　体温 36.5℃　SpO2 97%' \
    '体重: 48.2 kg　下肢のむくみ: 軽度（両足首）' \
    '服薬: お薬カレンダーで管理。残薬なし。' \
    '生活: 室内は伝い歩きで移動。食事は長女さんが準備。' \
    'ご本人の言葉:「やっぱり家が一番」' \
    '次回: 金曜日に訪問予定')
CONSENT=$(pdf_hex '同意書（見本）' \
    'デモ用の架空の同意書です。' \
    '電子連絡帳による支援チーム内での情報共有に同意します。')

psql "$DSN" -X -q -tA -v ON_ERROR_STOP=1 -v code="$CODE" -v city="$CITY" \
    -v report="$REPORT" -v consent="$CONSENT" <<'SQL'
BEGIN;
SET LOCAL search_path = renrakucho;
-- Once: the first patient is the mark.
SELECT EXISTS (SELECT 1 FROM patient WHERE kana_key = kana_key('カンド ハナ')
	AND birth_date = '1941-05-12' AND sex = 'female') AS seeded \gset
\if :seeded
SELECT 'demo content: already there';
ROLLBACK;
\quit
\endif

CREATE TEMP TABLE demo_acc ON COMMIT DROP AS
SELECT (SELECT id FROM account WHERE login = 'staff1' AND deleted_at IS NULL) AS staff1,
       (SELECT id FROM account WHERE login = 'staff2' AND deleted_at IS NULL) AS staff2,
       (SELECT id FROM account WHERE login = 'fadmin' AND deleted_at IS NULL) AS fadmin,
       (SELECT id FROM account WHERE login = 'outside' AND deleted_at IS NULL) AS outside,
       (SELECT id FROM account WHERE login = 'operator' AND deleted_at IS NULL) AS operator,
       date_trunc('day', now() AT TIME ZONE 'Asia/Tokyo') AS today;
DO $$
BEGIN
	IF (SELECT staff1 IS NULL OR staff2 IS NULL OR fadmin IS NULL
	    OR outside IS NULL OR operator IS NULL FROM demo_acc) THEN
		RAISE EXCEPTION 'seed-demo: the accounts of conf/seed.sh are missing';
	END IF;
END
$$;
-- d(days ago, 'HH:MI'): that day and time in Japan.
CREATE FUNCTION pg_temp.d(days int, hm text) RETURNS timestamptz
LANGUAGE sql AS $$
	SELECT ((SELECT today FROM demo_acc) - make_interval(days => days)
	    + hm::time) AT TIME ZONE 'Asia/Tokyo'
$$;
CREATE FUNCTION pg_temp.acc(login text) RETURNS bigint
LANGUAGE sql AS $$
	SELECT id FROM renrakucho.account WHERE account.login = acc.login
	    AND deleted_at IS NULL
$$;

-- The patients, each registered by its team's 担当者 with a consent.
CREATE TEMP TABLE demo_patient (k int, id bigint, team bigint) ON COMMIT DROP;
WITH v (k, name, kana, birth, sex, addr, phone, care, diseases, contact,
	notes, lead, days) AS (VALUES
	(1, '神門 ハナ', 'カンド ハナ', '1941-05-12', 'female',
	 :'city' || '神門町10番地', '0853-00-1001', '要介護2',
	 '慢性心不全、2型糖尿病', '神門 良子（長女）0853-00-1002',
	 '退院後の在宅療養。長女さんが日中同居。', 'staff1', 6),
	(2, '塩冶 正男', 'エンヤ マサオ', '1947-11-03', 'male',
	 :'city' || '塩冶町20番地', '0853-00-2001', '要介護1',
	 '脳梗塞後遺症（左片麻痺）、高血圧症', '塩冶 和子（妻）0853-00-2002',
	 '', 'staff2', 10),
	(3, '高瀬 キヨ', 'タカセ キヨ', '1934-02-20', 'female',
	 :'city' || '高瀬町30番地', '0853-00-3001', '要介護3',
	 'アルツハイマー型認知症、骨粗鬆症', '高瀬 進（長男）0853-00-3002',
	 '独居。長男さんが週末に訪問。', 'fadmin', 20)),
p AS (INSERT INTO patient (name, kana, kana_key, birth_date, sex, address,
	municipality_code, phone, care_level, main_diseases,
	emergency_contact, notes, registered_by, created_at)
	SELECT name, kana, kana_key(kana), birth::date, sex, addr, :'code',
	phone, care, diseases, contact, notes, pg_temp.acc(lead),
	pg_temp.d(days, '09:00')
	FROM v ORDER BY k RETURNING id, kana, registered_by, created_at)
INSERT INTO demo_patient (k, id)
SELECT v.k, p.id FROM p JOIN v ON v.kana = p.kana;

INSERT INTO consent (patient_id, obtained_by, obtained_on, signer,
	proxy_name, proxy_relationship, explainer_name, explainer_facility,
	form_kind, doc_type, doc_name, doc_size, doc_sha256, doc, created_at)
SELECT p.id, p.registered_by, (p.created_at AT TIME ZONE 'Asia/Tokyo')::date,
	CASE WHEN d.k = 3 THEN 'proxy' ELSE 'patient' END,
	CASE WHEN d.k = 3 THEN '高瀬 進' ELSE '' END,
	CASE WHEN d.k = 3 THEN '長男' ELSE '' END,
	a.name, f.name, 'city', 'application/pdf', '同意書.pdf',
	length(b.doc), encode(sha256(b.doc), 'hex'), b.doc, p.created_at
FROM demo_patient d JOIN patient p ON p.id = d.id
JOIN account a ON a.id = p.registered_by
JOIN facility f ON f.id = a.facility_id,
(SELECT decode(:'consent', 'hex') AS doc) b;

WITH t AS (INSERT INTO team (patient_id, created_at)
	SELECT p.id, p.created_at FROM demo_patient d JOIN patient p ON p.id = d.id
	RETURNING id, patient_id)
UPDATE demo_patient d SET team = t.id FROM t WHERE t.patient_id = d.id;
INSERT INTO team_member (team_id, account_id, role, joined_at)
SELECT d.team, p.registered_by, 'lead', p.created_at
FROM demo_patient d JOIN patient p ON p.id = d.id;

-- The other members joined by a request the 担当者 approved.
WITH v (k, login, asked, msg, decided) AS (VALUES
	(1, 'fadmin', pg_temp.d(6, '12:00'), '主治医として加わります。', pg_temp.d(6, '13:00')),
	(1, 'outside', pg_temp.d(6, '15:00'),
	 '訪問看護（週2回）を担当します。よろしくお願いします。', pg_temp.d(6, '16:30')),
	(2, 'staff1', pg_temp.d(9, '10:00'), '外来の看護師です。', pg_temp.d(9, '11:00')),
	(3, 'staff1', pg_temp.d(19, '10:00'), '', pg_temp.d(19, '14:00')),
	(3, 'outside', pg_temp.d(18, '09:30'), '訪問看護を担当します。', pg_temp.d(18, '10:00'))),
j AS (INSERT INTO join_request (team_id, account_id, message, state,
	created_at, decided_by, decided_at)
	SELECT d.team, pg_temp.acc(v.login), v.msg, 'approved', v.asked,
	p.registered_by, v.decided
	FROM v JOIN demo_patient d ON d.k = v.k JOIN patient p ON p.id = d.id
	RETURNING team_id, account_id, decided_by, decided_at)
INSERT INTO team_member (team_id, account_id, role, joined_at, approved_by)
SELECT team_id, account_id, 'member', decided_at, decided_by FROM j;

-- Waiting: the care manager asks to join the first team.
INSERT INTO join_request (team_id, account_id, message, created_at)
SELECT team, pg_temp.acc('staff2'),
	'担当ケアマネジャーの大社です。来週のサービス担当者会議の準備のため、チームに加えてください。',
	pg_temp.d(1, '09:10')
FROM demo_patient WHERE k = 1;

-- The first team's conversation, in order (the ids follow the times).
CREATE TEMP TABLE demo_msg (n int, login text, at timestamptz, body text) ON COMMIT DROP;
INSERT INTO demo_msg VALUES
(1, 'staff1', pg_temp.d(5, '09:05'),
 E'神門ハナさんの支援チームです。一昨日退院され、ご自宅での生活を再開されました。\n訪問看護は週2回（火・金）、松江訪問看護ステーションさんにお願いしています。気づいたことはこちらで共有をお願いします。'),
(2, 'outside', pg_temp.d(5, '10:40'),
 E'初回訪問に伺いました。血圧 138/82、体温 36.5℃、下肢のむくみは軽度です。\nご本人は「やっぱり家が一番」と笑顔でした。'),
(3, 'outside', pg_temp.d(5, '10:45'),
 '初回の訪問看護報告書を添付します。ご確認ください。'),
(4, 'fadmin', pg_temp.d(4, '13:20'),
 E'報告書を確認しました。利尿剤は今の量で様子を見ます。\n体重が2日で1.5kg以上増えたときは連絡をお願いします。'),
(5, 'staff1', pg_temp.d(4, '16:00'),
 '承知しました。長女さんに毎朝の体重測定をお願いし、記録表をお渡ししました。'),
(6, 'outside', pg_temp.d(3, '11:15'),
 E'本日の訪問です。体重は前回から +0.4kg、むくみは変わりません。\nお薬カレンダーの火曜夜の分が残っていました。飲み忘れのようです。'),
(7, 'staff1', pg_temp.d(3, '14:30'),
 'ひまわり薬局さんに相談しました。夕食後のお薬を一包化して、配達のときに残薬も確認してくださるそうです。'),
(8, 'fadmin', pg_temp.d(3, '17:50'),
 '一包化の指示を出しました。処方の内容は変わりません。'),
(9, 'staff1', pg_temp.d(2, '10:00'),
 'ケアマネの大社さんから、来週水曜14時にご自宅でサービス担当者会議を開くと連絡がありました。訪問看護さんのご都合はいかがでしょうか。'),
(10, 'outside', pg_temp.d(2, '12:20'),
 '水曜14時、伺えます。褥瘡のリスク評価も会議で共有します。'),
(11, 'outside', pg_temp.d(1, '15:40'),
 '本日の訪問です。飲み忘れはありませんでした。一包化がうまくいっているようです。体重も安定しています。'),
(12, 'fadmin', pg_temp.d(1, '18:10'),
 '皆さんありがとうございます。会議には出られないので、意見書をケアマネさんにお送りしておきます。');

INSERT INTO message (team_id, author_id, body, client_token, created_at)
SELECT d.team, pg_temp.acc(m.login), m.body,
	'demo-seed-message-' || lpad(m.n::text, 2, '0'), m.at
FROM demo_msg m, demo_patient d WHERE d.k = 1 ORDER BY m.n;

INSERT INTO message_attachment (message_id, n, name, type, size, sha256, data)
SELECT x.id, 1, '訪問看護報告書.pdf', 'application/pdf', length(b.data),
	encode(sha256(b.data), 'hex'), b.data
FROM message x, (SELECT decode(:'report', 'hex') AS data) b
WHERE x.client_token = 'demo-seed-message-03'
AND x.author_id = pg_temp.acc('outside');

-- When each member opened the timeline: every message of the others
-- posted before was then shown (message_view, as timeline_view writes
-- it).  Left unread: 11 and 12 for staff1, 12 for outside.
CREATE TEMP TABLE demo_visit (login text, at timestamptz) ON COMMIT DROP;
INSERT INTO demo_visit VALUES
('staff1', pg_temp.d(5, '11:00')), ('staff1', pg_temp.d(4, '15:55')),
('staff1', pg_temp.d(3, '14:20')), ('staff1', pg_temp.d(2, '09:50')),
('staff1', pg_temp.d(2, '12:30')),
('fadmin', pg_temp.d(4, '13:10')), ('fadmin', pg_temp.d(3, '17:45')),
('fadmin', pg_temp.d(1, '18:05')),
('outside', pg_temp.d(5, '10:35')), ('outside', pg_temp.d(3, '11:00')),
('outside', pg_temp.d(2, '12:10')), ('outside', pg_temp.d(1, '15:30'));
INSERT INTO message_view (message_id, account_id, first_viewed_at)
SELECT x.id, pg_temp.acc(v.login), min(v.at)
FROM message x JOIN demo_patient d ON d.team = x.team_id AND d.k = 1
JOIN demo_visit v ON v.at > x.created_at AND pg_temp.acc(v.login) <> x.author_id
GROUP BY x.id, v.login ORDER BY min(v.at), x.id;

-- 👍: the report by the doctor and by staff1, the meeting's yes by staff1.
INSERT INTO message_like (message_id, account_id, at)
SELECT x.id, pg_temp.acc(l.login), l.at
FROM (VALUES ('demo-seed-message-03', 'fadmin', pg_temp.d(4, '13:11')),
	('demo-seed-message-03', 'staff1', pg_temp.d(4, '15:56')),
	('demo-seed-message-10', 'staff1', pg_temp.d(2, '12:31'))) l (token, login, at)
JOIN message x ON x.client_token = l.token AND x.author_id = pg_temp.acc('outside');

-- The first patient's information sheet: nine sections of ten (安否情報
-- is for a disaster), 服薬状況 saved twice.
INSERT INTO sheet_entry (patient_id, section, version, body, evacuation,
	written_by, written_at)
SELECT d.id, s.section, s.version, s.body, s.evac, pg_temp.acc(s.login), s.at
FROM demo_patient d, (VALUES
	('family', 1, E'長女（良子さん）と二人暮らし。長女さんは平日日中パート勤務（9時〜14時）。\n長男は県外在住、月1回電話。', NULL, 'staff1', pg_temp.d(5, '09:20')),
	('services', 1, E'訪問看護 週2回（火・金）松江訪問看護ステーション\n通所介護 週1回（水）\n福祉用具貸与：介護ベッド、歩行器', NULL, 'staff1', pg_temp.d(5, '09:30')),
	('history', 1, E'慢性心不全（令和3年〜、今回の入院は心不全の増悪）\n2型糖尿病（内服治療）\n右大腿骨頸部骨折（手術、平成30年）', NULL, 'fadmin', pg_temp.d(4, '13:30')),
	('adl', 1, E'室内は伝い歩き、屋外は歩行器。入浴は通所介護で介助あり。\n更衣・整容は自立、時間がかかる。', NULL, 'outside', pg_temp.d(5, '11:00')),
	('medication', 1, E'利尿剤、血糖降下薬ほか計6種類。お薬カレンダーで長女さんが管理。', NULL, 'staff1', pg_temp.d(5, '09:40')),
	('medication', 2, E'利尿剤、血糖降下薬ほか計6種類。夕食後分を一包化（ひまわり薬局、配達時に残薬確認）。\nお薬カレンダーで長女さんが管理。', NULL, 'outside', pg_temp.d(3, '11:30')),
	('meals', 1, E'塩分制限（6g/日）。長女さんが朝・夕を準備、昼は配食サービス。\n食欲はあり、ほぼ全量摂取。', NULL, 'outside', pg_temp.d(5, '11:05')),
	('excretion', 1, E'日中はトイレで自立。夜間はポータブルトイレを使用。\n利尿剤服用後の午前中は回数が多い。', NULL, 'outside', pg_temp.d(5, '11:10')),
	('disaster_place', 1, '自宅1階の寝室（玄関から右奥）。長女さんの不在時は一人。', NULL, 'staff1', pg_temp.d(4, '16:10')),
	('evacuation', 1, '歩行器使用のため、避難には介助が必要。避難先は神門地区の公民館。', 'need', 'staff1', pg_temp.d(4, '16:15'))
) s (section, version, body, evac, login, at)
WHERE d.k = 1
ORDER BY s.at;

-- The operator's notice, current and also on the portal.
INSERT INTO notice (title, body, show_from, show_until, on_portal,
	created_by, created_at)
SELECT '定期メンテナンスのお知らせ',
	E'毎月第2日曜日の午前2時から4時まで、定期メンテナンスのため電子連絡帳を利用できません。\nこの時間の投稿や閲覧はお控えください。',
	pg_temp.d(1, '00:00'), pg_temp.d(-30, '00:00'), true, operator,
	pg_temp.d(2, '17:00')
FROM demo_acc;

COMMIT;
SELECT 'demo content: added';
SQL
