-- 012_cert_expiry.sql: the notices of a device certificate's coming
-- expiry (renrakucho-admin cert expiry-notice, daily).
--
-- cert_expiry_notice records each notice sent, one row per certificate
-- and kind (30 or 7 days before its not_after), so that the daily job
-- sends each at most once however often it runs.  The job writes it
-- only through cert_expiry_notify() (functions/cert_expiry.sql), as it
-- writes the audit trail only through jobs_audit(): the jobs' role
-- reads no account and queues no mail of its own.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

CREATE TABLE cert_expiry_notice (
	serial		text NOT NULL REFERENCES device_cert,
	days		integer NOT NULL CHECK (days IN (30, 7)),
	not_after	timestamptz NOT NULL,
	mails		integer NOT NULL CHECK (mails >= 0),
	sent_at		timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (serial, days)
);

GRANT SELECT ON cert_expiry_notice TO renrakucho_auditor;

COMMENT ON TABLE cert_expiry_notice IS
	'The notices of a device certificate''s coming expiry queued by renrakucho-admin cert expiry-notice: to the account that issued it and to its facility''s representative address, once 30 days and once 7 days before (a certificate first seen within 7 days gets only the 7-day notice).';
COMMENT ON COLUMN cert_expiry_notice.serial IS 'The certificate (device_cert.serial).';
COMMENT ON COLUMN cert_expiry_notice.days IS 'Which notice: 30 or 7 days before its expiry.';
COMMENT ON COLUMN cert_expiry_notice.not_after IS 'The expiry the notice announced (device_cert.not_after then).';
COMMENT ON COLUMN cert_expiry_notice.mails IS 'How many mails were queued for it (0 to 2).';
COMMENT ON COLUMN cert_expiry_notice.sent_at IS 'When the notice was queued.';
