-- 003_audit_partition.sql: audit_event partitioned by month (Japan
-- time), so that a month past its retention can be exported and then
-- detached whole (renrakucho-admin audit archive) while no row is ever
-- deleted; the record of those archives (audit_archive); and the purges'
-- grants (pickup_failure rows, sent mail bodies).
--
-- The table is rebuilt: the old one renamed, a partitioned one made
-- with the same columns, defaults, checks, indexes, grants and comments,
-- a partition for every month the old rows fall in plus a default one,
-- the rows copied with their ids, the old table dropped.  The primary
-- key becomes (id, at): a partitioned table's keys must hold its
-- partition key.  The append-only triggers are made again by
-- functions/audit.sql, the partitions' own TRUNCATE guard and the
-- current and next months' partitions by functions/audit_archive.sql,
-- both applied after this file.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

ALTER TABLE audit_event RENAME TO audit_event_old;
ALTER VIEW audit_log RENAME TO audit_log_old;
ALTER SEQUENCE audit_event_id_seq RENAME TO audit_event_old_id_seq;
ALTER TABLE audit_event_old RENAME CONSTRAINT audit_event_outcome_check
	TO audit_event_old_outcome_check;
ALTER INDEX audit_event_pkey RENAME TO audit_event_old_pkey;
ALTER INDEX audit_event_at RENAME TO audit_event_old_at;
ALTER INDEX audit_event_account RENAME TO audit_event_old_account;
ALTER INDEX audit_event_patient RENAME TO audit_event_old_patient;

CREATE TABLE audit_event (
	id		bigint GENERATED ALWAYS AS IDENTITY,
	at		timestamptz NOT NULL DEFAULT clock_timestamp(),
	account_id	bigint,
	login		text,
	cert_serial	text,
	remote_addr	inet,
	action		text NOT NULL,
	object_type	text,
	object_id	text,
	patient_id	bigint,
	outcome		text NOT NULL CHECK (outcome IN ('success', 'failure', 'denied')),
	detail		text,
	PRIMARY KEY (id, at)
) PARTITION BY RANGE (at);
CREATE INDEX audit_event_at ON audit_event (at);
CREATE INDEX audit_event_account ON audit_event (account_id, at);
CREATE INDEX audit_event_patient ON audit_event (patient_id, at)
	WHERE patient_id IS NOT NULL;

-- Events outside every month's partition (a clock far off) are kept
-- here rather than refused.
CREATE TABLE audit_event_default PARTITION OF audit_event DEFAULT;

-- One partition per month of the old rows, named audit_event_yYYYYmMM,
-- bounded by midnight of the first in Japan time.
DO $$
DECLARE
	v_month date;
BEGIN
	FOR v_month IN SELECT DISTINCT date_trunc('month',
	    at AT TIME ZONE 'Asia/Tokyo')::date FROM audit_event_old LOOP
		EXECUTE format('CREATE TABLE %I PARTITION OF audit_event'
		    ' FOR VALUES FROM (%L) TO (%L)',
		    'audit_event_' || to_char(v_month, '"y"YYYY"m"MM'),
		    v_month::timestamp AT TIME ZONE 'Asia/Tokyo',
		    (v_month + interval '1 month') AT TIME ZONE 'Asia/Tokyo');
	END LOOP;
END
$$;

INSERT INTO audit_event (id, at, account_id, login, cert_serial,
	remote_addr, action, object_type, object_id, patient_id, outcome,
	detail)
OVERRIDING SYSTEM VALUE
SELECT id, at, account_id, login, cert_serial, remote_addr, action,
	object_type, object_id, patient_id, outcome, detail
FROM audit_event_old ORDER BY id;

-- The numbering goes on where it was.
SELECT setval(pg_get_serial_sequence('audit_event', 'id'),
	greatest((SELECT max(id) FROM audit_event),
	    (SELECT last_value FROM audit_event_old_id_seq)), true);

CREATE VIEW audit_log AS
SELECT	e.id, e.at, e.action, e.outcome, e.detail,
	e.account_id, a.login AS account_login, a.name AS account_name,
	f.name AS facility_name, e.login AS login_attempted,
	e.cert_serial, d.label AS device_label, e.remote_addr,
	e.object_type, e.object_id, e.patient_id
FROM audit_event e
LEFT JOIN account a ON a.id = e.account_id
LEFT JOIN facility f ON f.id = a.facility_id
LEFT JOIN device_cert d ON d.serial = e.cert_serial;

-- The comments, table, view and columns, as they were.
DO $$
DECLARE
	v record;
BEGIN
	FOR v IN SELECT n.new, n.old FROM (VALUES
	    ('audit_event', 'audit_event_old'),
	    ('audit_log', 'audit_log_old')) AS n(new, old) LOOP
		EXECUTE format('COMMENT ON %s %I IS %L',
		    CASE v.new WHEN 'audit_log' THEN 'VIEW' ELSE 'TABLE' END,
		    v.new, obj_description(v.old::regclass, 'pg_class'));
		EXECUTE (SELECT string_agg(format('COMMENT ON COLUMN %I.%I IS %L;',
		    v.new, a.attname, col_description(a.attrelid, a.attnum)), ' ')
		    FROM pg_attribute a WHERE a.attrelid = v.old::regclass
		    AND a.attnum > 0 AND NOT a.attisdropped
		    AND col_description(a.attrelid, a.attnum) IS NOT NULL);
	END LOOP;
END
$$;

DROP VIEW audit_log_old;
DROP TABLE audit_event_old;

GRANT INSERT ON audit_event TO renrakucho_app, renrakucho_signer;
GRANT SELECT ON audit_event, audit_log TO renrakucho_auditor;

-- --- archives ---------------------------------------------------------

-- Each month's partition exported and dropped by renrakucho-admin audit
-- archive: where the export went and what it holds.
CREATE TABLE audit_archive (
	month		date PRIMARY KEY CHECK (month = date_trunc('month', month)),
	file		text NOT NULL,
	sha256		text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	count		bigint NOT NULL CHECK (count >= 0),
	first_id	bigint,
	last_id		bigint,
	seqs		int8multirange NOT NULL DEFAULT '{}',
	archived_at	timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT ON audit_archive TO renrakucho_auditor;

COMMENT ON TABLE audit_archive IS
	'A month of the audit trail exported (JSON lines, with a manifest) and its partition then dropped, by renrakucho-admin audit archive.';
COMMENT ON COLUMN audit_archive.month IS 'The month, its first day (Japan time).';
COMMENT ON COLUMN audit_archive.file IS 'The export''s path (YYYY-MM.jsonl in audit_archive_dir); its manifest is YYYY-MM.manifest beside it.';
COMMENT ON COLUMN audit_archive.sha256 IS 'SHA-256 of the export file, hex.';
COMMENT ON COLUMN audit_archive.count IS 'How many events the export holds.';
COMMENT ON COLUMN audit_archive.seqs IS 'The places in the hash chain (audit_event.seq) the month held: audit verify takes them as archived, not deleted, when the seal of each range''s last event (YYYY-MM.seal beside the export, and seal_file) gives the hash the next event links to.';
COMMENT ON COLUMN audit_archive.first_id IS 'The first event''s id (NULL: none).';
COMMENT ON COLUMN audit_archive.last_id IS 'The last event''s id (NULL: none).';
COMMENT ON COLUMN audit_archive.archived_at IS 'When the partition was dropped.';

-- --- the purges' grants -----------------------------------------------

-- mail purge empties the body of mail sent (headers stay, for the
-- audit): NULL once purged, through mail_body_purge()
-- (functions/audit_purge.sql), so the jobs' role still cannot write a
-- body of its own.
ALTER TABLE mail_outbox ALTER COLUMN body DROP NOT NULL;
COMMENT ON COLUMN mail_outbox.body IS
	'Body; NULL once the mail was sent and mail purge passed mail_body_keep_days.';
-- pickup purge deletes failures past pickup_failure_keep_days.
GRANT SELECT (id, at), DELETE ON pickup_failure TO renrakucho_jobs;
