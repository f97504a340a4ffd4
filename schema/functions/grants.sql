-- functions/grants.sql: the acts on accounts and device certificates
-- that the app's role may not do with an UPDATE or INSERT of its own
-- (010_grants.sql): setting a password, recording and revoking a
-- certificate.  SECURITY DEFINER, the owner's, with a fixed search_path;
-- EXECUTE is the app's (and, for revocation, the jobs').  lib/account.c
-- and lib/cert.c call them, for the CGIs and renrakucho-admin alike.
--
-- Re-applied by every migrate (see functions/audit.sql): CREATE OR
-- REPLACE only, grants restated.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- Refuses (22023, naming p_caller) what is not a hash in lib/auth.c's
-- PBKDF2 form: never a password in clear, nor an empty or a made-up
-- hash.  For account_password_set and account_password_reset.
CREATE OR REPLACE FUNCTION password_hash_check(p_hash text, p_caller text)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
SET search_path = renrakucho, pg_temp
AS $$
BEGIN
	IF p_hash IS NULL OR p_hash !~
	    '^pbkdf2-sha256\$[1-9][0-9]{3,7}\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$' THEN
		RAISE EXCEPTION '%: not a password hash', p_caller
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
END
$$;
REVOKE ALL ON FUNCTION password_hash_check(text, text) FROM PUBLIC;

-- The password of the live account p_id or p_login (either may be NULL,
-- not both) set to p_hash, a PBKDF2 hash of lib/auth.c's form (never a
-- password in clear, nor an empty or a made-up hash), with the
-- must-change flag; every other session of the account (all but
-- p_keep_session) ends with it, so whoever knew the old password does
-- not stay logged in.  One row (id, name, login, at: the change's time
-- in Japan as the mail writes it, sessions: how many ended), or none.
CREATE OR REPLACE FUNCTION account_password_set(p_id bigint, p_login text,
	p_hash text, p_must_change boolean, p_keep_session bigint)
RETURNS TABLE (id bigint, name text, login text, at text, sessions bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = renrakucho, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	PERFORM password_hash_check(p_hash, 'account_password_set');
	IF p_id IS NULL AND p_login IS NULL THEN
		RETURN;
	END IF;
	RETURN QUERY
	WITH acc AS (UPDATE account a SET password_hash = p_hash,
	    must_change_password = p_must_change
	    WHERE a.deleted_at IS NULL AND (p_id IS NULL OR a.id = p_id)
	    AND (p_login IS NULL OR lower(a.login) = lower(p_login))
	    RETURNING a.id, a.name, a.login),
	ended AS (UPDATE session s SET ended_at = now(),
	    end_reason = 'password changed' FROM acc
	    WHERE s.account_id = acc.id AND s.id IS DISTINCT FROM p_keep_session
	    AND s.ended_at IS NULL RETURNING s.id)
	SELECT acc.id, acc.name, acc.login,
	    to_char(now() AT TIME ZONE 'Asia/Tokyo',
		'YYYY"年"FMMM"月"FMDD"日" HH24:MI'),
	    (SELECT count(*) FROM ended)
	FROM acc;
END
$$;

-- A certificate the signer signed, recorded: only when cert_issuance
-- holds it signed with that serial and fingerprint, for facility
-- p_facility, asked for by p_issued_by (NULL: renrakucho-admin) with
-- label p_label.  So the app's role cannot make a device_cert row of
-- its own, or move a certificate to another facility.
CREATE OR REPLACE FUNCTION device_cert_record(p_serial text, p_sha256 text,
	p_facility bigint, p_issued_by bigint, p_label text,
	p_not_after timestamptz)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = renrakucho, pg_temp
AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM cert_issuance i
	    WHERE i.serial = p_serial AND i.sha256 = p_sha256
	    AND i.signed_at IS NOT NULL AND i.facility_id = p_facility
	    AND i.account_id IS NOT DISTINCT FROM p_issued_by
	    AND i.label = p_label) THEN
		RAISE EXCEPTION 'device_cert_record: % was not signed so', p_serial
			USING ERRCODE = 'insufficient_privilege';
	END IF;
	INSERT INTO device_cert (serial, sha256, facility_id, issued_by,
	    label, not_after)
	VALUES (p_serial, p_sha256, p_facility, p_issued_by, p_label,
	    p_not_after);
END
$$;

-- Every revocation: the certificates among p_serials still live, of
-- facility p_facility (NULL: any), revoked now by p_by (NULL:
-- renrakucho-admin or a job) for p_reason, and the sessions on them
-- ended, in one statement.  A row per certificate revoked; sessions:
-- how many ended in all.
CREATE OR REPLACE FUNCTION device_cert_revoke(p_serials text[],
	p_facility bigint, p_by bigint, p_reason text)
RETURNS TABLE (serial text, issued_by bigint, label text,
	facility_id bigint, sessions bigint)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = renrakucho, pg_temp
AS $$
	WITH rev AS (UPDATE device_cert d SET revoked_at = now(),
	    revoked_by = p_by, revoke_reason = p_reason
	    WHERE d.serial = ANY (p_serials) AND (p_facility IS NULL OR
	    d.facility_id = p_facility) AND d.revoked_at IS NULL
	    RETURNING d.serial, d.issued_by, d.label, d.facility_id),
	ended AS (UPDATE session s SET ended_at = now(),
	    end_reason = 'certificate revoked' FROM rev
	    WHERE s.cert_serial = rev.serial AND s.ended_at IS NULL
	    RETURNING s.id)
	SELECT rev.serial, rev.issued_by, rev.label, rev.facility_id,
	    (SELECT count(*) FROM ended) FROM rev;
$$;

-- The live certificates among p_serials locked (FOR UPDATE) until the
-- caller's transaction ends, in serial order; their serials.  The app's
-- role may not lock device_cert rows itself (that takes an UPDATE
-- grant): a revocation that first chooses its certificates locks them
-- here, so that a revocation or a login on them waits.
CREATE OR REPLACE FUNCTION device_cert_lock(p_serials text[])
RETURNS SETOF text
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = renrakucho, pg_temp
AS $$
	SELECT d.serial FROM device_cert d WHERE d.serial = ANY (p_serials)
	AND d.revoked_at IS NULL ORDER BY d.serial FOR UPDATE;
$$;

REVOKE ALL ON FUNCTION account_password_set(bigint, text, text, boolean,
	bigint), device_cert_record(text, text, bigint, bigint, text,
	timestamptz), device_cert_revoke(text[], bigint, bigint, text),
	device_cert_lock(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION account_password_set(bigint, text, text, boolean,
	bigint), device_cert_record(text, text, bigint, bigint, text,
	timestamptz), device_cert_revoke(text[], bigint, bigint, text),
	device_cert_lock(text[]) TO renrakucho_app;
GRANT EXECUTE ON FUNCTION device_cert_revoke(text[], bigint, bigint, text)
	TO renrakucho_jobs;

-- A temporary password set by p_by (a facility administrator or an
-- operator; the page has checked that p_by may) for a person who forgot
-- theirs (lib/account.c account_reset_password): stored as p_hash, to be
-- changed at the next login, and the reset stamped with who and when.
-- Only while the live account's last reset is still p_stamp, the one the
-- form was shown with (microseconds since the epoch, 0: never), so that
-- a second POST of the same form sets nothing.  No row: nothing set.
CREATE OR REPLACE FUNCTION account_password_reset(p_id bigint, p_by bigint,
	p_stamp bigint, p_hash text)
RETURNS TABLE (name text, login text, by_name text, by_facility text,
	at text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = renrakucho, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	PERFORM password_hash_check(p_hash, 'account_password_reset');
	RETURN QUERY
	UPDATE account a SET password_hash = p_hash,
	    must_change_password = true, password_reset_at = now(),
	    password_reset_by = p_by
	FROM account b JOIN facility f ON f.id = b.facility_id
	WHERE a.id = p_id AND a.deleted_at IS NULL
	AND coalesce((extract(epoch FROM a.password_reset_at) * 1000000)::bigint,
	    0) = p_stamp
	AND b.id = p_by
	RETURNING a.name, a.login, b.name, f.name,
	    to_char(now() AT TIME ZONE 'Asia/Tokyo',
		'YYYY"年"FMMM"月"FMDD"日" HH24:MI');
END
$$;

REVOKE ALL ON FUNCTION account_password_reset(bigint, bigint, bigint, text)
	FROM PUBLIC;
GRANT EXECUTE ON FUNCTION account_password_reset(bigint, bigint, bigint,
	text) TO renrakucho_app;
