-- 007_login.sql: failed logins as rows (a sliding 15-minute window per
-- account and per device certificate, counted under a lock so parallel
-- guesses stop at the limit: functions/login.sql), and the must-change
-- flag of a password someone else set.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

CREATE TABLE login_failure (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	account_id	bigint REFERENCES account,
	cert_serial	text NOT NULL,
	at		timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failure_account ON login_failure (account_id, at);
CREATE INDEX login_failure_cert ON login_failure (cert_serial, at);

GRANT SELECT, INSERT, DELETE ON login_failure TO renrakucho_app;

COMMENT ON TABLE login_failure IS
	'A failed login (or one under way: the row is written before the password is checked and removed when it was right), for the per-account lock and the per-device limit; kept a day.';
COMMENT ON COLUMN login_failure.account_id IS
	'The account whose password was tried; NULL for an unknown login ID or an account of another facility than the certificate''s (these count for the device only).';
COMMENT ON COLUMN login_failure.cert_serial IS
	'The device certificate presented (device_cert.serial).';
COMMENT ON COLUMN login_failure.at IS 'When.';

ALTER TABLE account ADD COLUMN must_change_password boolean NOT NULL
	DEFAULT false;
COMMENT ON COLUMN account.must_change_password IS
	'The password was set by someone else (facility administrator, operator, renrakucho-admin): the person sets their own at the next login before any session is made.';
COMMENT ON COLUMN account.fail_count IS
	'Failed logins counted towards the lock at the last failure (login_failure holds them); 0 after a login or an unlock.';
COMMENT ON COLUMN account.fail_window_start IS
	'The oldest failure fail_count counts (within the last 15 minutes).';
