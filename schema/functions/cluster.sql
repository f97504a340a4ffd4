-- functions/cluster.sql: what "renrakucho-admin check" reads of the
-- PostgreSQL cluster (lib/cli/adm_check.c, item cluster).
--
-- Re-applied by every migrate (see functions/audit.sql): CREATE OR
-- REPLACE only, grants restated.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- The standbys streaming from this server, one row each, with how far
-- behind they replay: pg_stat_replication shows state, sync_state and
-- the lags only to members of pg_read_all_stats (the owner is one,
-- 023_job_run.sql).  A definer's function gives the jobs' role (check's
-- connection) these columns without pg_stat_activity's query texts,
-- which pg_read_all_stats would show it too.  lag_bytes is NULL on a
-- standby (no current WAL position there) and before a first replay.
CREATE OR REPLACE FUNCTION cluster_standbys()
RETURNS TABLE (name text, addr text, state text, sync_state text,
	lag_bytes bigint, lag_seconds numeric)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog
AS $$
	SELECT r.application_name, host(r.client_addr), r.state, r.sync_state,
		CASE WHEN NOT pg_is_in_recovery() THEN
			pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn)::bigint
		END,
		round(extract(epoch FROM r.replay_lag), 1)
	FROM pg_stat_replication r
	ORDER BY r.application_name, r.client_addr
$$;

REVOKE ALL ON FUNCTION cluster_standbys() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cluster_standbys() TO renrakucho_jobs;
