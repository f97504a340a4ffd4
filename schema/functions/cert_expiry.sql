-- functions/cert_expiry.sql: the notices of a device certificate's
-- coming expiry (renrakucho-admin cert expiry-notice, daily; the table
-- is 012_cert_expiry.sql's).
--
-- Re-applied by every migrate: CREATE OR REPLACE only, grants restated.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

-- Every live certificate (not revoked, not expired, its facility active,
-- the account that issued it not deleted) whose not_after is within 30
-- days gets the 30-day notice once, and within 7 days the 7-day notice
-- once; one first seen within 7 days gets only the 7-day one.  A notice
-- is mailed to the account that issued the certificate (mail_to_accounts:
-- a placeholder address goes to the representative address) and to the
-- facility's representative address, except when the former went there
-- already (as lib/cert.c cert_mail_facility); a certificate issued by
-- renrakucho-admin (issued_by NULL) only to the latter.  The texts are
-- here, so the jobs' role, which may run this, composes no mail; it
-- gives only the login page's URL (cfg app_url + "login") and the
-- service's name (cfg service_name: the subject's 【name】, as
-- lib/mail.c mail_subject).  One row per kind: how many certificates got
-- that notice, how many mails went.  (Until 016 it took only the URL.)
CREATE OR REPLACE FUNCTION cert_expiry_notify(p_login_url text,
	p_service_name text)
RETURNS TABLE (days integer, certs integer, mails integer)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = renrakucho
AS $$
DECLARE
	c		record;
	n		integer;
	m		integer;
	v_date		text;
	v_certs		integer[] := ARRAY[0, 0];	-- 30 days, 7 days
	v_mails		integer[] := ARRAY[0, 0];
	v_i		integer;
	v_subject	text;
BEGIN
	IF p_login_url IS NULL OR p_login_url !~ '^https?://[!-~]+$'
	    OR length(p_login_url) > 500 THEN
		RAISE EXCEPTION 'cert_expiry_notify: the login URL must be an http(s) URL'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	-- As lib/cfg.c checks service_name: one line, 1 to 40 characters.
	IF p_service_name IS NULL OR char_length(p_service_name) NOT BETWEEN 1 AND 40
	    OR p_service_name ~ '[[:cntrl:]]' THEN
		RAISE EXCEPTION 'cert_expiry_notify: the service name must be one line of 1 to 40 characters'
			USING ERRCODE = 'invalid_parameter_value';
	END IF;
	v_subject := '【' || p_service_name || '】端末の証明書の有効期限のお知らせ';
	FOR c IN
		SELECT x.* FROM (SELECT d.serial, d.label, d.facility_id,
		    d.issued_by, d.not_after, a.name, a.login,
		    coalesce(a.email_is_placeholder AND a.facility_id = f.id,
			false) AS to_rep,
		    f.email AS rep,
		    CASE WHEN d.not_after <= now() + interval '7 days'
			THEN 7 ELSE 30 END AS kind
		FROM device_cert d
		JOIN facility f ON f.id = d.facility_id
		LEFT JOIN account a ON a.id = d.issued_by
		WHERE d.revoked_at IS NULL AND d.not_after > now()
		AND d.not_after <= now() + interval '30 days'
		AND f.status = 'active'
		AND (d.issued_by IS NULL OR a.deleted_at IS NULL)) x
		WHERE NOT EXISTS (SELECT 1 FROM cert_expiry_notice o
		    WHERE o.serial = x.serial AND o.days <= x.kind)
		ORDER BY x.not_after, x.serial
	LOOP
		-- Once: of two runs at once, the second waits here for the
		-- first and then skips the certificate.
		INSERT INTO cert_expiry_notice (serial, days, not_after, mails)
		VALUES (c.serial, c.kind, c.not_after, 0)
		ON CONFLICT ON CONSTRAINT cert_expiry_notice_pkey DO NOTHING;
		IF NOT FOUND THEN
			CONTINUE;
		END IF;
		v_date := to_char(c.not_after AT TIME ZONE 'Asia/Tokyo',
		    'YYYY"年"FMMM"月"FMDD"日"');
		n := 0;
		IF c.issued_by IS NOT NULL THEN
			n := mail_to_accounts(ARRAY[c.issued_by], v_subject,
			    format(E'あなたが発行した端末の証明書「%s」の有効期限は'
			    || E' %s です（あと%s日以内）。期限を過ぎると、その端末'
			    || E'からはログインできなくなります。\n'
			    || E'期限までにその端末でログインし、マイプロファイルの'
			    || E'「端末と証明書」で「この端末の証明書を置き換える」を'
			    || E'選んで、新しい証明書を発行してください。\n\n%s\n',
			    c.label, v_date, c.kind, p_login_url));
		END IF;
		IF NOT c.to_rep THEN
			INSERT INTO mail_outbox (to_addr, subject, body)
			VALUES (c.rep, v_subject,
			    format(E'事業所の端末の証明書「%s」の有効期限は %s です'
			    || E'（あと%s日以内。発行した人：%s、ログインID：%s）。'
			    || E'期限を過ぎると、その端末からはログインできなく'
			    || E'なります。\n期限までにその端末でログインし、'
			    || E'マイプロファイルで証明書を置き換えるよう、お伝え'
			    || E'ください。\n\n%s\n', c.label, v_date, c.kind,
			    coalesce(c.name, '事務局'), coalesce(c.login, '-'),
			    p_login_url));
			GET DIAGNOSTICS m = ROW_COUNT;
			n := n + m;
		END IF;
		UPDATE cert_expiry_notice o SET mails = n
		WHERE o.serial = c.serial AND o.days = c.kind;
		v_i := CASE c.kind WHEN 30 THEN 1 ELSE 2 END;
		v_certs[v_i] := v_certs[v_i] + 1;
		v_mails[v_i] := v_mails[v_i] + n;
	END LOOP;
	days := 30; certs := v_certs[1]; mails := v_mails[1];
	RETURN NEXT;
	days := 7; certs := v_certs[2]; mails := v_mails[2];
	RETURN NEXT;
END
$$;

REVOKE ALL ON FUNCTION cert_expiry_notify(text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cert_expiry_notify(text, text) TO renrakucho_jobs;
