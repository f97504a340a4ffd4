-- 004_audit_chain.sql: the audit trail as a hash chain.
--
-- Every audit_event carries seq (1, 2, 3, ... without gaps), prev_hash
-- (the hash of event seq - 1; 32 zero bytes for seq 1) and
--
--	hash = SHA-256(prev_hash || content)
--
-- where content is the event's twelve fields, in this order
--
--	seq, at, account_id, login, cert_serial, remote_addr, action,
--	object_type, object_id, patient_id, outcome, detail
--
-- each written as '-' when NULL and otherwise '+' followed by its text
-- in UTF-8, the fields separated by one NUL byte (0x00, which no text
-- value holds).  The text of a field is PostgreSQL's output of it:
-- seq, account_id and patient_id in decimal, remote_addr as inet prints
-- it (127.0.0.1, 10.0.0.0/8), and at in UTC as
-- YYYY-MM-DDTHH:MI:SS.ffffffZ (six fractional digits), e.g.
-- 2026-12-02T23:59:01.123456Z.  functions/audit_chain.sql computes
-- them in the database as each event is inserted (the writer's values
-- are replaced) and keeps the chain's head in audit_chain_head;
-- "renrakucho-admin audit verify" recomputes them (README, "The audit
-- trail").
--
-- The table may be partitioned (003_audit_partition.sql): the columns
-- are added, not declared in a new table, and seq has a plain index (a
-- unique one on a partitioned table would have to include "at").
-- Events already written are chained here, in id order.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

ALTER TABLE audit_event
	ADD COLUMN seq bigint,
	ADD COLUMN prev_hash bytea,
	ADD COLUMN hash bytea;

-- The head of the chain: the last event's seq and hash (0 and 32 zero
-- bytes before the first).  One row; only the chain's trigger function
-- (SECURITY DEFINER, the owner's) writes it.
CREATE TABLE audit_chain_head (
	one	boolean PRIMARY KEY DEFAULT true CHECK (one),
	seq	bigint NOT NULL CHECK (seq >= 0),
	hash	bytea NOT NULL CHECK (length(hash) = 32)
);

-- The events written before the chain, chained in id order (the
-- append-only trigger, when functions/audit.sql made it already, is
-- held off for this transaction's UPDATE alone).
DO $$
DECLARE
	r	record;
	v_seq	bigint := 0;
	v_prev	bytea := '\x0000000000000000000000000000000000000000000000000000000000000000';
	v_hash	bytea;
	v_trig	boolean;
BEGIN
	v_trig := EXISTS (SELECT 1 FROM pg_trigger
	    WHERE tgrelid = 'audit_event'::regclass
	    AND tgname = 'audit_event_no_update');
	IF v_trig THEN
		ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_update;
	END IF;
	FOR r IN SELECT id, at, account_id, login, cert_serial, remote_addr,
	    action, object_type, object_id, patient_id, outcome, detail
	    FROM audit_event ORDER BY id
	LOOP
		v_seq := v_seq + 1;
		v_hash := sha256(v_prev ||
		    convert_to('+' || v_seq::text, 'UTF8') || '\x00'::bytea ||
		    convert_to('+' || to_char(r.at AT TIME ZONE 'UTC',
			'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'UTF8') || '\x00'::bytea ||
		    convert_to(coalesce('+' || r.account_id::text, '-'), 'UTF8') || '\x00'::bytea ||
		    convert_to(coalesce('+' || r.login, '-'), 'UTF8') || '\x00'::bytea ||
		    convert_to(coalesce('+' || r.cert_serial, '-'), 'UTF8') || '\x00'::bytea ||
		    convert_to(CASE WHEN r.remote_addr IS NULL THEN '-'
			ELSE '+' || format('%s', r.remote_addr) END, 'UTF8') || '\x00'::bytea ||
		    convert_to(coalesce('+' || r.action, '-'), 'UTF8') || '\x00'::bytea ||
		    convert_to(coalesce('+' || r.object_type, '-'), 'UTF8') || '\x00'::bytea ||
		    convert_to(coalesce('+' || r.object_id, '-'), 'UTF8') || '\x00'::bytea ||
		    convert_to(coalesce('+' || r.patient_id::text, '-'), 'UTF8') || '\x00'::bytea ||
		    convert_to(coalesce('+' || r.outcome, '-'), 'UTF8') || '\x00'::bytea ||
		    convert_to(coalesce('+' || r.detail, '-'), 'UTF8'));
		UPDATE audit_event SET seq = v_seq, prev_hash = v_prev, hash = v_hash
		WHERE id = r.id AND at = r.at;
		v_prev := v_hash;
	END LOOP;
	INSERT INTO audit_chain_head (seq, hash) VALUES (v_seq, v_prev);
	IF v_trig THEN
		ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_update;
	END IF;
END
$$;

ALTER TABLE audit_event
	ALTER COLUMN seq SET NOT NULL,
	ALTER COLUMN prev_hash SET NOT NULL,
	ALTER COLUMN hash SET NOT NULL;
CREATE INDEX audit_event_seq ON audit_event (seq);

-- Auditors read the head with the chain; the jobs' role reads it to
-- have it sealed ("audit seal"), the signer to check what it seals.
GRANT SELECT ON audit_chain_head TO renrakucho_auditor, renrakucho_jobs,
	renrakucho_signer;
GRANT SELECT (seq, hash) ON audit_event TO renrakucho_signer;

COMMENT ON COLUMN audit_event.seq IS
	'Place in the hash chain: 1, 2, 3, ... without gaps, in the order written (set by the database, not the writer).';
COMMENT ON COLUMN audit_event.prev_hash IS
	'hash of the event seq - 1 (32 zero bytes for seq 1).';
COMMENT ON COLUMN audit_event.hash IS
	'SHA-256 of prev_hash followed by the event''s canonical content (004_audit_chain.sql, README "The audit trail"); computed by the database on insert.';
COMMENT ON TABLE audit_chain_head IS
	'The hash chain''s head: the seq and hash of the last audit_event (0 and zero bytes before the first), written only by the chain''s trigger.';
COMMENT ON COLUMN audit_chain_head.one IS 'Always true: the table has one row.';
COMMENT ON COLUMN audit_chain_head.seq IS 'seq of the last event written.';
COMMENT ON COLUMN audit_chain_head.hash IS 'hash of the last event written.';
