-- 010_grants.sql: what the app's role (renrakucho_app) may write of the
-- audit trail, the accounts and the device certificates.
--
-- The audit trail: no INSERT at all, on audit_event or on any of its
-- partitions; every event goes through page_audit() (functions/audit.sql,
-- SECURITY DEFINER), which sets "at" itself and checks the actor.
--
-- account: UPDATE only of the columns the pages change themselves (name,
-- e-mail, notices, the facility administrator flag, login counts and
-- times, deletion); not password_hash or must_change_password (only
-- through account_password_set(), functions/grants.sql) and not is_staff
-- or is_operator (renrakucho-admin's, as the owner).  INSERT of a new
-- account without is_operator: the pages never make an operator.
--
-- device_cert: neither INSERT nor UPDATE; a certificate is recorded by
-- device_cert_record() (only one the signer signed for that facility and
-- issuer), revoked by device_cert_revoke() (the rows it chooses among
-- locked by device_cert_lock(): FOR UPDATE would take an UPDATE grant),
-- its last use kept by the session trigger (functions/certs.sql).  The
-- jobs' role (pickup purge) revokes through device_cert_revoke() too.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

REVOKE INSERT ON audit_event FROM renrakucho_app;
-- The partitions never had a grant of their own; none is left either.
DO $$
DECLARE
	v regclass;
BEGIN
	FOR v IN SELECT inhrelid::regclass FROM pg_inherits
	    WHERE inhparent = 'audit_event'::regclass LOOP
		EXECUTE format('REVOKE ALL ON %s FROM renrakucho_app', v);
	END LOOP;
END
$$;

-- A table-wide REVOKE takes the column grants with it: the columns are
-- granted after it.
REVOKE INSERT, UPDATE ON account, device_cert FROM renrakucho_app;
GRANT INSERT (facility_id, login, name, kana, profession, email,
	email_is_placeholder, password_hash, is_staff, is_facility_admin,
	must_change_password) ON account TO renrakucho_app;
GRANT UPDATE (name, kana, profession, email, email_is_placeholder,
	is_facility_admin, notify, fail_count, fail_window_start,
	locked_until, last_login_at, prev_login_at, deleted_at)
	ON account TO renrakucho_app;

REVOKE UPDATE ON device_cert FROM renrakucho_jobs;
