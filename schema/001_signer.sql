-- 001_signer.sql: the certificate signer's role and the issuance record
-- it signs from.
--
-- The CA key is renrakucho-signer's alone (lib/cli/signer.c).  A CGI or
-- renrakucho-admin that issues a device certificate first records the
-- request here (facility, account, label, public key, expiry) and
-- commits; the signer signs only such a row, once, while it is recent,
-- and writes the serial and fingerprint back in the same transaction.
-- The CRL is signed there too, from device_cert and this table.

-- Roles are the cluster's; the migrating role makes them (base.sql left
-- the transaction acting as renrakucho_owner, which may not).
RESET ROLE;
DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'renrakucho_signer') THEN
		CREATE ROLE renrakucho_signer LOGIN;
	END IF;
END
$$;
ALTER ROLE renrakucho_signer SET search_path = renrakucho;
ALTER ROLE renrakucho_signer SET statement_timeout = '10s';
ALTER ROLE renrakucho_signer SET timezone = 'Asia/Tokyo';

SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

GRANT USAGE ON SCHEMA renrakucho TO renrakucho_signer;

CREATE TABLE cert_issuance (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	facility_id	bigint NOT NULL REFERENCES facility,
	account_id	bigint REFERENCES account,
	label		text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
	public_key	text NOT NULL CHECK (length(public_key) BETWEEN 1 AND 4096),
	not_after	timestamptz NOT NULL,
	requested_at	timestamptz NOT NULL DEFAULT now(),
	serial		text UNIQUE CHECK (serial ~ '^[0-9A-F]{1,40}$'),
	sha256		text UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	signed_at	timestamptz,
	CHECK ((serial IS NULL) = (signed_at IS NULL) AND
	    (sha256 IS NULL) = (signed_at IS NULL))
);
CREATE INDEX cert_issuance_signed ON cert_issuance (signed_at)
	WHERE signed_at IS NOT NULL;

-- The app records a request and learns its number; it can neither read
-- other requests nor fill in what the signer writes.
GRANT INSERT (facility_id, account_id, label, public_key, not_after)
	ON cert_issuance TO renrakucho_app;
GRANT SELECT (id) ON cert_issuance TO renrakucho_app;
-- The signer: the request, the facility's name and state for the
-- subject, the revoked certificates for the CRL, and its audit events.
GRANT SELECT ON cert_issuance TO renrakucho_signer;
GRANT UPDATE (serial, sha256, signed_at) ON cert_issuance TO renrakucho_signer;
GRANT SELECT (id, name, status) ON facility TO renrakucho_signer;
GRANT SELECT (serial, not_after, revoked_at) ON device_cert TO renrakucho_signer;
GRANT INSERT ON audit_event TO renrakucho_signer;
GRANT SELECT (id, facility_id, account_id, label, not_after, requested_at,
	serial, signed_at) ON cert_issuance TO renrakucho_auditor;

COMMENT ON TABLE cert_issuance IS
	'A device certificate asked of the signer: recorded (and committed) by the issuing CGI or renrakucho-admin before it asks, signed at most once, within minutes, by renrakucho-signer, which fills in serial, sha256 and signed_at.';
COMMENT ON COLUMN cert_issuance.id IS 'Request number (the signer''s SIGN argument).';
COMMENT ON COLUMN cert_issuance.facility_id IS 'The facility: its name is the certificate''s O.';
COMMENT ON COLUMN cert_issuance.account_id IS 'The requesting account; NULL: renrakucho-admin.';
COMMENT ON COLUMN cert_issuance.label IS 'The device''s name: the certificate''s CN.';
COMMENT ON COLUMN cert_issuance.public_key IS 'The device''s public key (PEM SubjectPublicKeyInfo); the private key never reaches the database.';
COMMENT ON COLUMN cert_issuance.not_after IS 'The certificate''s expiry.';
COMMENT ON COLUMN cert_issuance.requested_at IS 'When it was recorded; the signer refuses requests older than a few minutes.';
COMMENT ON COLUMN cert_issuance.serial IS 'The signed certificate''s serial (device_cert.serial), upper-case hex; NULL: not signed.';
COMMENT ON COLUMN cert_issuance.sha256 IS 'SHA-256 of the signed DER certificate, lower-case hex; NULL: not signed.';
COMMENT ON COLUMN cert_issuance.signed_at IS 'When the signer signed it; NULL: not signed.  A signed request without a device_cert row is listed in the CRL.';
