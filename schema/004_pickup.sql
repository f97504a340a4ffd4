-- Certificate pickups (lib/pickup.h): a device certificate issued from the
-- web is parked as a PKCS#12 bundle behind a pickup number and password,
-- fetched once within 72 hours, then the bundle is deleted.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

CREATE TABLE pickup (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	number		text NOT NULL UNIQUE CHECK (number ~ '^[0-9]{12}$'),
	-- PBKDF2 of the pickup password, which is the PKCS#12 password.
	password_hash	text NOT NULL,
	serial		text NOT NULL UNIQUE REFERENCES device_cert,
	facility_id	bigint NOT NULL REFERENCES facility,
	created_by	bigint REFERENCES account,
	-- NULL once fetched, expired or locked: the key is not kept.
	p12		bytea CHECK (p12 IS NULL OR length(p12) BETWEEN 1 AND 65536),
	created_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL DEFAULT now() + interval '72 hours',
	fetched_at	timestamptz,
	fails		integer NOT NULL DEFAULT 0,
	locked_at	timestamptz
);
CREATE INDEX pickup_created_by ON pickup (created_by);
CREATE INDEX pickup_pending ON pickup (expires_at) WHERE p12 IS NOT NULL;

-- Failed pickup attempts by address, for the per-address limit (the app
-- cannot read the audit trail, and should not have to).
CREATE TABLE pickup_failure (
	id		bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	remote_addr	inet NOT NULL,
	at		timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX pickup_failure_addr ON pickup_failure (remote_addr, at);

GRANT SELECT, INSERT, UPDATE ON pickup TO renrakucho_app;
GRANT SELECT, INSERT ON pickup_failure TO renrakucho_app;
GRANT SELECT (id, serial, facility_id, created_by, created_at, expires_at,
	fetched_at, fails, locked_at) ON pickup TO renrakucho_auditor;
