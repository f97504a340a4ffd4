-- functions/certs.sql: a device certificate's last use, kept by a
-- trigger: each new session (a login) on it moves device_cert.last_used_at
-- on, so that no page counts sessions and no request pays for it.
-- SECURITY DEFINER, the owner's: the app's role may not update
-- device_cert (010_grants.sql; its acts are functions/grants.sql's).
--
-- Re-applied by every migrate: CREATE OR REPLACE only.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

CREATE OR REPLACE FUNCTION cert_last_use_on_session() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = renrakucho, pg_temp AS $$
BEGIN
	UPDATE device_cert SET last_used_at = NEW.created_at
	WHERE serial = NEW.cert_serial;
	RETURN NULL;
END
$$;

REVOKE ALL ON FUNCTION cert_last_use_on_session() FROM PUBLIC;

CREATE OR REPLACE TRIGGER session_cert_last_use AFTER INSERT ON session
	FOR EACH ROW EXECUTE FUNCTION cert_last_use_on_session();
