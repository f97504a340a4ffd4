-- 011_pwreset.sql: the last temporary password a facility administrator
-- or an operator set for a person who forgot theirs (/facility/staff/{id}/
-- password, /operator/accounts/{id}/password; lib/account.c
-- account_reset_password).  The reset form carries the time read here
-- and the reset happens only while it is unchanged, so a second POST of
-- the same form (a reload, two administrators at once) issues no second
-- password.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

ALTER TABLE account ADD COLUMN password_reset_at timestamptz;
ALTER TABLE account ADD COLUMN password_reset_by bigint REFERENCES account;

COMMENT ON COLUMN account.password_reset_at IS
	'When the last temporary password was set by a facility administrator or an operator (NULL: never); the person changes it at the next login (must_change_password).';
COMMENT ON COLUMN account.password_reset_by IS
	'The account that set the last temporary password.';
