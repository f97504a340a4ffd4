-- 008_certs.sql: device certificates as a two-factor act, and e-mail
-- changes confirmed by the new address.
--
-- device_cert.last_used_at: the latest login on the certificate (kept by
-- the trigger of functions/certs.sql, once per session), shown in My
-- Profile's device list.  pickup.replaces: the certificate of the
-- device that issued it, when the new one replaces it: only then may the
-- issuing device download the bundle directly, and the replaced
-- certificate is revoked when the bundle is fetched.  email_change: an
-- address change waiting for the link mailed to the new address.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

ALTER TABLE device_cert ADD COLUMN last_used_at timestamptz;
COMMENT ON COLUMN device_cert.last_used_at IS
	'The latest login (session) made on it; NULL: never used.';

ALTER TABLE pickup ADD COLUMN replaces text REFERENCES device_cert;
COMMENT ON COLUMN pickup.replaces IS
	'The certificate this one replaces (the issuing device''s own): the only case in which the issuing device may download the bundle directly; revoked when the bundle is fetched.  NULL: a certificate for another device, fetched on the portal.';
GRANT SELECT (replaces) ON pickup TO renrakucho_auditor;

CREATE TABLE email_change (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	account_id	bigint NOT NULL REFERENCES account,
	new_email	text NOT NULL CHECK (length(new_email) BETWEEN 3 AND 254),
	token_hash	text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL DEFAULT now() + interval '24 hours',
	used_at		timestamptz,
	cancelled_at	timestamptz
);
CREATE INDEX email_change_account ON email_change (account_id)
	WHERE used_at IS NULL AND cancelled_at IS NULL;

GRANT SELECT, INSERT, UPDATE ON email_change TO renrakucho_app;
-- Not the address or the token's hash.
GRANT SELECT (id, account_id, created_at, expires_at, used_at, cancelled_at)
	ON email_change TO renrakucho_auditor;

COMMENT ON TABLE email_change IS
	'A change of an account''s e-mail address asked for in My Profile (with the current password), waiting for the link mailed to the new address; the old address keeps working until then.';
COMMENT ON COLUMN email_change.id IS 'Request number.';
COMMENT ON COLUMN email_change.account_id IS 'Whose address (account.id).';
COMMENT ON COLUMN email_change.new_email IS 'The address asked for.';
COMMENT ON COLUMN email_change.token_hash IS
	'SHA-256 (hex) of the link''s token; the token itself is only in the mail.';
COMMENT ON COLUMN email_change.created_at IS 'When it was asked for.';
COMMENT ON COLUMN email_change.expires_at IS 'The link works until then (24 hours).';
COMMENT ON COLUMN email_change.used_at IS 'When the link confirmed it (single use).';
COMMENT ON COLUMN email_change.cancelled_at IS
	'When a later request, or a change to the forwarding address, replaced it.';
