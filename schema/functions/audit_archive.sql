-- functions/audit_archive.sql: audit_event's month partitions
-- (003_audit_partition.sql), made ahead of time.
--
-- Re-applied by every migrate (see functions/audit.sql): CREATE OR
-- REPLACE only, grants restated; its last statements guard every
-- partition and make the current and next months'.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- A partition's own TRUNCATE guard: a statement trigger on the
-- partitioned table does not fire for a TRUNCATE of one partition.
-- (The row triggers of functions/audit.sql reach every partition.)
CREATE OR REPLACE FUNCTION audit_partition_guard(p_part regclass)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = renrakucho
AS $$
BEGIN
	EXECUTE format('CREATE OR REPLACE TRIGGER audit_event_no_truncate'
	    ' BEFORE TRUNCATE ON %s FOR EACH STATEMENT'
	    ' EXECUTE FUNCTION audit_event_refuse()', p_part);
END
$$;

-- The partition of the month p_month falls in, audit_event_yYYYYmMM,
-- from midnight of its first day in Japan time to the next month's:
-- true when made, false when it was there.
CREATE OR REPLACE FUNCTION audit_partition_create(p_month date)
RETURNS boolean
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = renrakucho
AS $$
DECLARE
	v_month date := date_trunc('month', p_month)::date;
	v_name text := audit_partition_name(v_month);
	v_from timestamptz := v_month::timestamp AT TIME ZONE 'Asia/Tokyo';
	v_to timestamptz := (v_month + interval '1 month') AT TIME ZONE 'Asia/Tokyo';
BEGIN
	IF to_regclass(v_name) IS NOT NULL THEN
		RETURN false;
	END IF;
	-- Events of the month already in the default partition (its
	-- partition was missing when they were written) stay there: they
	-- cannot be moved without a DELETE.  The month is then never
	-- archived; migrate and the timer go on.
	IF EXISTS (SELECT 1 FROM audit_event_default
	    WHERE at >= v_from AND at < v_to) THEN
		RAISE WARNING 'audit_partition_create: events of % are in audit_event_default; no partition made',
		    to_char(v_month, 'YYYY-MM');
		RETURN false;
	END IF;
	EXECUTE format('CREATE TABLE %I PARTITION OF audit_event'
	    ' FOR VALUES FROM (%L) TO (%L)', v_name, v_from, v_to);
	PERFORM audit_partition_guard(v_name::regclass);
	RETURN true;
END
$$;

REVOKE ALL ON FUNCTION audit_partition_guard(regclass) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_partition_create(date) FROM PUBLIC;

-- The current and next months' partitions (Japan time), made when
-- missing: by every migrate and by the purge timer (renrakucho-admin
-- audit partitions, as the jobs' role).  Returns how many it made.
CREATE OR REPLACE FUNCTION audit_partitions_ensure()
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = renrakucho
AS $$
DECLARE
	v_today date := (now() AT TIME ZONE 'Asia/Tokyo')::date;
	v_made integer := 0;
BEGIN
	IF audit_partition_create(v_today) THEN
		v_made := v_made + 1;
	END IF;
	IF audit_partition_create((v_today + interval '1 month')::date) THEN
		v_made := v_made + 1;
	END IF;
	RETURN v_made;
END
$$;

REVOKE ALL ON FUNCTION audit_partitions_ensure() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_partitions_ensure() TO renrakucho_jobs;

-- renrakucho-admin audit archive, as the owner, in one transaction:
-- audit_partition_lock(month) before the month is exported (no event
-- can join it meanwhile), audit_partition_archive(...) after the export
-- and its manifest are on disk: the partition must still hold exactly
-- the events exported (count, first and last id), the archive is
-- recorded, and only then the partition is detached and dropped.  No
-- row is deleted: the append-only triggers still refuse that.
CREATE OR REPLACE FUNCTION audit_partition_name(p_month date)
RETURNS text
LANGUAGE sql IMMUTABLE
AS $$
	SELECT 'audit_event_' || to_char(p_month, '"y"YYYY"m"MM')
$$;

CREATE OR REPLACE FUNCTION audit_partition_lock(p_month date)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = renrakucho
AS $$
BEGIN
	EXECUTE format('LOCK TABLE %I IN SHARE MODE',
	    audit_partition_name(p_month));
END
$$;

CREATE OR REPLACE FUNCTION audit_partition_archive(p_month date,
	p_file text, p_sha256 text, p_count bigint, p_first bigint,
	p_last bigint, p_seqs int8multirange)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = renrakucho
AS $$
DECLARE
	v_name text := audit_partition_name(p_month);
	v_count bigint;
	v_first bigint;
	v_last bigint;
	v_seqs int8multirange;
BEGIN
	EXECUTE format('SELECT count(*), min(id), max(id),
	    coalesce(range_agg(int8range(seq, seq, ''[]'')), ''{}'') FROM %I', v_name)
	INTO v_count, v_first, v_last, v_seqs;
	IF v_count <> p_count OR v_first IS DISTINCT FROM p_first
	    OR v_last IS DISTINCT FROM p_last OR v_seqs <> p_seqs THEN
		RAISE EXCEPTION 'audit_partition_archive: % holds % events (% to %, seq %), the export % (seq %)',
		    v_name, v_count, v_first, v_last, v_seqs, p_count, p_seqs;
	END IF;
	INSERT INTO audit_archive (month, file, sha256, count, first_id,
	    last_id, seqs)
	VALUES (p_month, p_file, p_sha256, p_count, p_first, p_last, p_seqs);
	EXECUTE format('ALTER TABLE audit_event DETACH PARTITION %I', v_name);
	EXECUTE format('DROP TABLE %I', v_name);
END
$$;

REVOKE ALL ON FUNCTION audit_partition_lock(date) FROM PUBLIC;
REVOKE ALL ON FUNCTION audit_partition_archive(date, text, text, bigint,
	bigint, bigint, int8multirange) FROM PUBLIC;

-- Every partition guarded (the delta's and the default one too), and
-- the current and next months' made.
SELECT audit_partition_guard(inhrelid::regclass)
FROM pg_inherits WHERE inhparent = 'audit_event'::regclass;
SELECT audit_partitions_ensure();
