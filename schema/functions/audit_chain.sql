-- functions/audit_chain.sql: the audit trail's hash chain
-- (004_audit_chain.sql says what seq, prev_hash and hash are).
--
-- Re-applied by every migrate (see functions/audit.sql): CREATE OR
-- REPLACE only, grants restated.
--
-- Each INSERT into audit_event first takes a transaction-scoped advisory
-- lock (statement trigger): chain inserts are serialised until their
-- transaction ends, and since "at" (DEFAULT clock_timestamp()) and id are
-- evaluated after the statement trigger, at, id and seq agree in order.
-- Then each row (row trigger, on the parent and so on every partition)
-- takes the next seq from audit_chain_head, links to the head's hash and
-- gets its own hash; whatever the writer put in seq, prev_hash and hash
-- is replaced.  Both functions are SECURITY DEFINER, the owner's: the
-- roles that write events cannot write audit_chain_head.
--
-- Hence the rule for every transaction that writes an event: the event
-- is its last write.  A row lock taken after the chain lock can wait on
-- a transaction that holds that row and waits for the chain: a deadlock
-- (timeline_view once did, with posts: tests/integration/
-- message-view-race.sh).
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- One field of the canonical content: '-' for NULL, else '+' and the
-- text, in UTF-8.
CREATE OR REPLACE FUNCTION audit_chain_field(p text) RETURNS bytea
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN convert_to(coalesce('+' || p, '-'), 'UTF8');

-- An event's canonical content: its twelve fields separated by NUL
-- bytes (004_audit_chain.sql).
CREATE OR REPLACE FUNCTION audit_chain_content(p_seq bigint, p_at timestamptz,
	p_account bigint, p_login text, p_serial text, p_addr inet,
	p_action text, p_type text, p_id text, p_patient bigint,
	p_outcome text, p_detail text)
RETURNS bytea
LANGUAGE sql STABLE PARALLEL SAFE
RETURN audit_chain_field(p_seq::text) || '\x00'::bytea ||
	audit_chain_field(to_char(p_at AT TIME ZONE 'UTC',
	    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')) || '\x00'::bytea ||
	audit_chain_field(p_account::text) || '\x00'::bytea ||
	audit_chain_field(p_login) || '\x00'::bytea ||
	audit_chain_field(p_serial) || '\x00'::bytea ||
	audit_chain_field(CASE WHEN p_addr IS NOT NULL THEN format('%s', p_addr) END) ||
	'\x00'::bytea ||
	audit_chain_field(p_action) || '\x00'::bytea ||
	audit_chain_field(p_type) || '\x00'::bytea ||
	audit_chain_field(p_id) || '\x00'::bytea ||
	audit_chain_field(p_patient::text) || '\x00'::bytea ||
	audit_chain_field(p_outcome) || '\x00'::bytea ||
	audit_chain_field(p_detail);

-- The advisory lock's key: "rkchain" in ASCII.
CREATE OR REPLACE FUNCTION audit_chain_lock() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = renrakucho
AS $$
BEGIN
	PERFORM pg_advisory_xact_lock(x'726b636861696e'::bigint);
	RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION audit_chain_link() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = renrakucho
AS $$
DECLARE
	v_seq	bigint;
	v_prev	bytea;
BEGIN
	-- Already held when the INSERT was on the parent; taken here for
	-- one straight into a partition (no statement trigger there).
	PERFORM pg_advisory_xact_lock(x'726b636861696e'::bigint);
	SELECT seq, hash INTO STRICT v_seq, v_prev FROM audit_chain_head
	FOR UPDATE;
	NEW.seq := v_seq + 1;
	NEW.prev_hash := v_prev;
	NEW.hash := sha256(v_prev || audit_chain_content(NEW.seq, NEW.at,
	    NEW.account_id, NEW.login, NEW.cert_serial, NEW.remote_addr,
	    NEW.action, NEW.object_type, NEW.object_id, NEW.patient_id,
	    NEW.outcome, NEW.detail));
	UPDATE audit_chain_head SET seq = NEW.seq, hash = NEW.hash;
	RETURN NEW;
END
$$;

REVOKE ALL ON FUNCTION audit_chain_lock() FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_chain_link() FROM PUBLIC;

CREATE OR REPLACE TRIGGER audit_event_chain_lock BEFORE INSERT ON audit_event
	FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_lock();
CREATE OR REPLACE TRIGGER audit_event_chain BEFORE INSERT ON audit_event
	FOR EACH ROW EXECUTE FUNCTION audit_chain_link();
