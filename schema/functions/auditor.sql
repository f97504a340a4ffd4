-- functions/auditor.sql: the auditor's answers without an operator
-- (README, "The audit trail"): who viewed or changed a patient's data,
-- everything one account did, refused access outside the patient's
-- teams, registration lookups per account and day, logins from a new
-- device.
--
-- SECURITY DEFINER as renrakucho_owner with a fixed search_path, so an
-- auditor (renrakucho_auditor and its member roles, 005_auditors.sql),
-- who may not read a patient's name, can find a patient by kana and
-- birth date and gets account names without reading more.  EXECUTE is
-- the auditor role's alone.  Each call writes its own audit event:
-- action auditor.query, login db:<session_user>, object_type
-- audit_event, detail the function and its arguments (never a name: a
-- kana and a birth date are written as "?").  Their rows are the view
-- auditor_event's (005_auditors.sql): an outcome reads allowed
-- (success), refused (denied) or failed (failure).
--
-- Re-applied by every migrate (see functions/audit.sql): CREATE OR
-- REPLACE only, grants restated.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- The event of one call, through the one insert path (page_audit,
-- functions/audit.sql).
CREATE OR REPLACE FUNCTION auditor_note(p_detail text) RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = renrakucho, pg_temp
AS $$
BEGIN
	PERFORM page_audit(NULL, 'db:' || session_user, NULL, NULL,
	    'auditor.query', 'audit_event', NULL, NULL, 'success',
	    left(p_detail, 1000));
END
$$;

-- The events about the patients p_patients between p_from (included)
-- and p_until (excluded), oldest first.
CREATE OR REPLACE FUNCTION auditor_events_of(p_patients bigint[],
	p_from timestamptz, p_until timestamptz)
RETURNS SETOF auditor_event
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = renrakucho, pg_temp
AS $$
BEGIN
	RETURN QUERY SELECT v.* FROM auditor_event v
	WHERE v.at >= p_from AND v.at < p_until
	AND v.patient_id = ANY (p_patients) ORDER BY v.id;
END
$$;

-- Who viewed or changed patient p_patient's data, allowed or refused.
CREATE OR REPLACE FUNCTION auditor_patient_events(p_patient bigint,
	p_from timestamptz, p_until timestamptz)
RETURNS SETOF auditor_event
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = renrakucho, pg_temp
AS $$
BEGIN
	PERFORM auditor_note(format('auditor_patient_events(%s, %s, %s)',
	    p_patient, p_from, p_until));
	RETURN QUERY SELECT * FROM auditor_events_of(ARRAY[p_patient],
	    p_from, p_until);
END
$$;

-- The same for the patients of that kana (normalised as on the
-- registration screen, kana_key) and birth date; patient_id says which.
CREATE OR REPLACE FUNCTION auditor_patient_events_by_kana(p_kana text,
	p_birth date, p_from timestamptz, p_until timestamptz)
RETURNS SETOF auditor_event
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = renrakucho, pg_temp
AS $$
DECLARE
	v_ids	bigint[];
BEGIN
	v_ids := ARRAY(SELECT p.id FROM patient p
	    WHERE p.kana_key = kana_key(p_kana) AND p.birth_date = p_birth
	    ORDER BY p.id);
	PERFORM auditor_note(format(
	    'auditor_patient_events_by_kana(?, ?, %s, %s): patients {%s}',
	    p_from, p_until, array_to_string(v_ids, ',')));
	RETURN QUERY SELECT * FROM auditor_events_of(v_ids, p_from, p_until);
END
$$;

-- Everything one login ID did (every account that had it, and the
-- attempts under it), oldest first.
CREATE OR REPLACE FUNCTION auditor_account_events(p_login text,
	p_from timestamptz, p_until timestamptz)
RETURNS SETOF auditor_event
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = renrakucho, pg_temp
AS $$
BEGIN
	PERFORM auditor_note(format('auditor_account_events(%s, %s, %s)',
	    p_login, p_from, p_until));
	RETURN QUERY SELECT v.* FROM auditor_event v
	WHERE v.at >= p_from AND v.at < p_until
	AND (v.account_id IN (SELECT x.id FROM account x
		WHERE lower(x.login) = lower(p_login))
	    OR lower(v.login_attempted) = lower(p_login))
	ORDER BY v.id;
END
$$;

-- Access outside the patient's teams, refused: a page of a patient or a
-- team whose team the account is not in (details "not a team member",
-- "not a member", "not a member or requester"), oldest first.  Also
-- renrakucho-admin audit report's (lib/cli/adm_audit_report.c).
CREATE OR REPLACE FUNCTION auditor_refused_events(p_from timestamptz,
	p_until timestamptz)
RETURNS SETOF auditor_event
LANGUAGE plpgsql STABLE SECURITY DEFINER
SET search_path = renrakucho, pg_temp
AS $$
BEGIN
	RETURN QUERY SELECT v.* FROM auditor_event v
	WHERE v.at >= p_from AND v.at < p_until AND v.outcome = 'refused'
	AND v.object_type IN ('patient', 'team')
	AND v.detail IN ('not a team member', 'not a member',
	    'not a member or requester')
	ORDER BY v.id;
END
$$;

CREATE OR REPLACE FUNCTION auditor_refused(p_from timestamptz,
	p_until timestamptz)
RETURNS SETOF auditor_event
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = renrakucho, pg_temp
AS $$
BEGIN
	PERFORM auditor_note(format('auditor_refused(%s, %s)', p_from,
	    p_until));
	RETURN QUERY SELECT * FROM auditor_refused_events(p_from, p_until);
END
$$;

-- Registration lookups (patient.lookup) per account on one day in
-- Japan time: how many, how many found a patient, how many were
-- refused (outside the service area), the first and the last.
CREATE OR REPLACE FUNCTION auditor_lookups(p_day date)
RETURNS TABLE (day date, account_id bigint, account_login text,
	account_name text, facility_name text, lookups bigint,
	found bigint, refused bigint, first_at timestamptz,
	last_at timestamptz)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = renrakucho, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	PERFORM auditor_note(format('auditor_lookups(%s)', p_day));
	RETURN QUERY
	SELECT p_day, e.account_id, coalesce(a.login, min(e.login)), a.name,
	    f.name, count(*),
	    count(*) FILTER (WHERE e.detail = 'found'),
	    count(*) FILTER (WHERE e.outcome = 'denied'),
	    min(e.at), max(e.at)
	FROM audit_event e
	LEFT JOIN account a ON a.id = e.account_id
	LEFT JOIN facility f ON f.id = a.facility_id
	WHERE e.action = 'patient.lookup'
	AND e.at >= p_day::timestamp AT TIME ZONE 'Asia/Tokyo'
	AND e.at < (p_day + 1)::timestamp AT TIME ZONE 'Asia/Tokyo'
	GROUP BY e.account_id, a.login, a.name, f.name
	ORDER BY count(*) DESC, e.account_id;
END
$$;

-- Logins (action login, success) from a device certificate the account
-- had not logged in on before: the first such login, when it lies
-- between p_from and p_until.
CREATE OR REPLACE FUNCTION auditor_new_devices(p_from timestamptz,
	p_until timestamptz)
RETURNS TABLE (id bigint, at timestamptz, account_id bigint,
	account_login text, account_name text, facility_name text,
	cert_serial text, device_label text, device_facility text,
	remote_addr inet, devices_before bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = renrakucho, pg_temp
AS $$
#variable_conflict use_column
BEGIN
	PERFORM auditor_note(format('auditor_new_devices(%s, %s)', p_from,
	    p_until));
	RETURN QUERY
	SELECT e.id, e.at, e.account_id, a.login, a.name, f.name,
	    e.cert_serial, d.label, df.name, e.remote_addr,
	    (SELECT count(DISTINCT o.cert_serial) FROM audit_event o
	     WHERE o.account_id = e.account_id AND o.action = 'login'
	     AND o.outcome = 'success' AND o.id < e.id)
	FROM audit_event e
	LEFT JOIN account a ON a.id = e.account_id
	LEFT JOIN facility f ON f.id = a.facility_id
	LEFT JOIN device_cert d ON d.serial = e.cert_serial
	LEFT JOIN facility df ON df.id = d.facility_id
	WHERE e.at >= p_from AND e.at < p_until AND e.action = 'login'
	AND e.outcome = 'success' AND e.account_id IS NOT NULL
	AND NOT EXISTS (SELECT 1 FROM audit_event o
	    WHERE o.account_id = e.account_id AND o.action = 'login'
	    AND o.outcome = 'success'
	    AND o.cert_serial IS NOT DISTINCT FROM e.cert_serial
	    AND o.id < e.id)
	ORDER BY e.id;
END
$$;

REVOKE ALL ON FUNCTION auditor_note(text),
	auditor_events_of(bigint[], timestamptz, timestamptz),
	auditor_refused_events(timestamptz, timestamptz),
	auditor_patient_events(bigint, timestamptz, timestamptz),
	auditor_patient_events_by_kana(text, date, timestamptz, timestamptz),
	auditor_account_events(text, timestamptz, timestamptz),
	auditor_refused(timestamptz, timestamptz),
	auditor_lookups(date),
	auditor_new_devices(timestamptz, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
	auditor_patient_events(bigint, timestamptz, timestamptz),
	auditor_patient_events_by_kana(text, date, timestamptz, timestamptz),
	auditor_account_events(text, timestamptz, timestamptz),
	auditor_refused(timestamptz, timestamptz),
	auditor_lookups(date),
	auditor_new_devices(timestamptz, timestamptz) TO renrakucho_auditor;

COMMENT ON FUNCTION auditor_patient_events(bigint, timestamptz, timestamptz) IS
	'Auditors: who viewed or changed the patient''s data between two times (from included, until excluded), allowed or refused; audited as auditor.query.';
COMMENT ON FUNCTION auditor_patient_events_by_kana(text, date, timestamptz, timestamptz) IS
	'Auditors: auditor_patient_events for the patients of that kana and birth date; audited as auditor.query (kana and birth date not written).';
COMMENT ON FUNCTION auditor_account_events(text, timestamptz, timestamptz) IS
	'Auditors: everything done under one login ID between two times; audited as auditor.query.';
COMMENT ON FUNCTION auditor_refused(timestamptz, timestamptz) IS
	'Auditors: refused access to patients and teams outside the account''s teams; audited as auditor.query.';
COMMENT ON FUNCTION auditor_lookups(date) IS
	'Auditors: registration lookups (patient.lookup) per account on one day in Japan time; audited as auditor.query.';
COMMENT ON FUNCTION auditor_new_devices(timestamptz, timestamptz) IS
	'Auditors: logins from a device certificate the account had not logged in on before; audited as auditor.query.';

-- renrakucho-admin audit verify --db (an auditor's own role): its
-- verdict in the trail, as auditor.verify by db:<role>.  Only the two
-- outcomes a verify has; the detail is the tool's line, cut to 500.
CREATE OR REPLACE FUNCTION auditor_verified(p_outcome text, p_detail text)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = renrakucho, pg_temp
AS $$
BEGIN
	IF p_outcome NOT IN ('success', 'failure') THEN
		RAISE EXCEPTION 'auditor_verified: outcome success or failure, not %',
		    p_outcome USING ERRCODE = 'invalid_parameter_value';
	END IF;
	PERFORM page_audit(NULL, 'db:' || session_user, NULL, NULL,
	    'auditor.verify', 'audit_event', NULL, NULL, p_outcome,
	    left(p_detail, 500));
END
$$;

REVOKE ALL ON FUNCTION auditor_verified(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auditor_verified(text, text) TO renrakucho_auditor;
COMMENT ON FUNCTION auditor_verified(text, text) IS
	'renrakucho-admin audit verify --db, run with an auditor''s role: its verdict written as auditor.verify.';
