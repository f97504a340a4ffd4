-- 023_job_run.sql: the timers on several web nodes, one database.
--
-- Every web node runs the package's timers.  A job whose work must
-- happen once per period (the daily audit report and certificate
-- notices, the hourly purges) is run with --once: it first claims its
-- (job, period) here, in the transaction of its work, so that a second
-- node waits on the key until the first commits and then finds the row,
-- or, if the first failed and rolled back, claims and does the work
-- itself.  mail deliver, crl update and audit seal are not claimed
-- (README, "Timers on several web nodes").
--
-- check reads the standbys (functions/cluster.sql, cluster_standbys()):
-- pg_stat_replication shows their state and lag only to members of
-- pg_read_all_stats, so the owner, whose function it is, becomes one.
DO $$
BEGIN
	GRANT pg_read_all_stats TO renrakucho_owner;
EXCEPTION WHEN insufficient_privilege THEN
	RAISE WARNING 'pg_read_all_stats not granted to renrakucho_owner (%): check will not see the standbys'' state', SQLERRM;
END
$$;

SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

CREATE TABLE job_run (
	job	text NOT NULL CHECK (job ~ '^[a-z]+( [a-z-]+)?$'),
	period	text NOT NULL CHECK (length(period) BETWEEN 1 AND 40),
	node	text NOT NULL CHECK (length(node) BETWEEN 1 AND 255),
	at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (job, period)
);

-- The jobs claim (INSERT) and read who claimed (SELECT); the audit
-- report, run as the owner, owns it.  The app has no business here.
GRANT SELECT, INSERT ON job_run TO renrakucho_jobs;
GRANT SELECT ON job_run TO renrakucho_auditor;

COMMENT ON TABLE job_run IS
	'The runs of renrakucho-admin --once jobs: one row per job and period, written in the transaction of the job''s work by the web node that did it, so that the timers of the other nodes skip that period.';
COMMENT ON COLUMN job_run.job IS 'The verb: "audit report", "cert expiry-notice", "session purge", ...';
COMMENT ON COLUMN job_run.period IS 'The period it ran for, in Japan time: a day (YYYY-MM-DD; the audit report''s: the day reported) or an hour (YYYY-MM-DD HH:00).';
COMMENT ON COLUMN job_run.node IS 'The host name (gethostname) of the web node that ran it.';
COMMENT ON COLUMN job_run.at IS 'When its transaction began.';
