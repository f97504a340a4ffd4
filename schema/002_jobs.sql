-- 002_jobs.sql: renrakucho_jobs, the role of the routine jobs
-- (renrakucho-mail.timer, renrakucho-purge.timer, the demo's jobs loop)
-- and of `renrakucho-admin check`: what mail deliver, mail purge, pickup
-- purge and session purge touch, the migration record, and nothing else.
-- It reads no patient, account, team or message row and writes the audit
-- trail only through jobs_audit() (functions/jobs.sql), which takes only
-- the jobs' own events.

-- Roles are the cluster's: a second database finds it made.
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'renrakucho_jobs') THEN
		CREATE ROLE renrakucho_jobs LOGIN;
	END IF;
END
$$;

ALTER ROLE renrakucho_jobs SET search_path = renrakucho;
ALTER ROLE renrakucho_jobs SET statement_timeout = '60s';
ALTER ROLE renrakucho_jobs SET timezone = 'Asia/Tokyo';

SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

GRANT USAGE ON SCHEMA renrakucho TO renrakucho_jobs;

-- mail deliver: the due message (SELECT ... FOR UPDATE), marked sent or
-- rescheduled; mail purge: sent and given-up rows past their retention;
-- check: how many wait, since when.
GRANT SELECT (id, to_addr, subject, body, created_at, attempts,
	next_attempt_at, last_error, sent_at),
	UPDATE (attempts, next_attempt_at, last_error, sent_at),
	DELETE ON mail_outbox TO renrakucho_jobs;
-- session purge deletes old sessions; pickup purge ends the sessions on
-- the certificates it revokes (lib/cert.c, cert_revoke_unused).
GRANT SELECT (id, cert_serial, expires_at, ended_at),
	UPDATE (ended_at, end_reason), DELETE ON session TO renrakucho_jobs;
-- pickup purge: an expired bundle is dropped (p12 = NULL) and its
-- certificate revoked.  Reading p12 gives the jobs' OS user nothing its
-- CGIs (renrakucho_app) cannot read already.
GRANT SELECT (serial, p12, expires_at), UPDATE (p12) ON pickup
	TO renrakucho_jobs;
GRANT SELECT (serial, facility_id, issued_by, label, revoked_at),
	UPDATE (revoked_at, revoked_by, revoke_reason) ON device_cert
	TO renrakucho_jobs;
-- check: whether every schema file is applied.
GRANT SELECT ON schema_migration TO renrakucho_jobs;
