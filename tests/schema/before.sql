-- Name: COLUMN account.created_at; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(created_at) ON TABLE renrakucho.account TO renrakucho_auditor;

-- Name: COLUMN account.deleted_at; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(deleted_at) ON TABLE renrakucho.account TO renrakucho_auditor;

-- Name: COLUMN account.facility_id; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(facility_id) ON TABLE renrakucho.account TO renrakucho_auditor;

-- Name: COLUMN account.id; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(id) ON TABLE renrakucho.account TO renrakucho_auditor;

-- Name: COLUMN account.is_facility_admin; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(is_facility_admin) ON TABLE renrakucho.account TO renrakucho_auditor;

-- Name: COLUMN account.is_operator; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(is_operator) ON TABLE renrakucho.account TO renrakucho_auditor;

-- Name: COLUMN account.login; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(login) ON TABLE renrakucho.account TO renrakucho_auditor;

-- Name: COLUMN account.name; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(name) ON TABLE renrakucho.account TO renrakucho_auditor;

-- Name: COLUMN account.profession; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(profession) ON TABLE renrakucho.account TO renrakucho_auditor;

-- Name: COLUMN mail_outbox.account_id; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(account_id) ON TABLE renrakucho.mail_outbox TO renrakucho_auditor;

-- Name: COLUMN mail_outbox.attempts; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(attempts) ON TABLE renrakucho.mail_outbox TO renrakucho_auditor;

-- Name: COLUMN mail_outbox.created_at; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(created_at) ON TABLE renrakucho.mail_outbox TO renrakucho_auditor;

-- Name: COLUMN mail_outbox.id; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(id) ON TABLE renrakucho.mail_outbox TO renrakucho_auditor;

-- Name: COLUMN mail_outbox.sent_at; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(sent_at) ON TABLE renrakucho.mail_outbox TO renrakucho_auditor;

-- Name: COLUMN mail_outbox.subject; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(subject) ON TABLE renrakucho.mail_outbox TO renrakucho_auditor;

-- Name: COLUMN mail_outbox.to_addr; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(to_addr) ON TABLE renrakucho.mail_outbox TO renrakucho_auditor;

-- Name: COLUMN message.author_id; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(author_id) ON TABLE renrakucho.message TO renrakucho_auditor;

-- Name: COLUMN message.created_at; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(created_at) ON TABLE renrakucho.message TO renrakucho_auditor;

-- Name: COLUMN message.id; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(id) ON TABLE renrakucho.message TO renrakucho_auditor;

-- Name: COLUMN message.team_id; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(team_id) ON TABLE renrakucho.message TO renrakucho_auditor;

-- Name: COLUMN message.withdrawn_at; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT UPDATE(withdrawn_at) ON TABLE renrakucho.message TO renrakucho_app;
GRANT SELECT(withdrawn_at) ON TABLE renrakucho.message TO renrakucho_auditor;

-- Name: COLUMN message.withdrawn_by; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT UPDATE(withdrawn_by) ON TABLE renrakucho.message TO renrakucho_app;
GRANT SELECT(withdrawn_by) ON TABLE renrakucho.message TO renrakucho_auditor;

-- Name: COLUMN message_attachment.id; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(id) ON TABLE renrakucho.message_attachment TO renrakucho_auditor;

-- Name: COLUMN message_attachment.message_id; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(message_id) ON TABLE renrakucho.message_attachment TO renrakucho_auditor;

-- Name: COLUMN message_attachment.n; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(n) ON TABLE renrakucho.message_attachment TO renrakucho_auditor;

-- Name: COLUMN message_attachment.name; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(name) ON TABLE renrakucho.message_attachment TO renrakucho_auditor;

-- Name: COLUMN message_attachment.sha256; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(sha256) ON TABLE renrakucho.message_attachment TO renrakucho_auditor;

-- Name: COLUMN message_attachment.size; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(size) ON TABLE renrakucho.message_attachment TO renrakucho_auditor;

-- Name: COLUMN message_attachment.type; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(type) ON TABLE renrakucho.message_attachment TO renrakucho_auditor;

-- Name: COLUMN patient.created_at; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(created_at) ON TABLE renrakucho.patient TO renrakucho_auditor;

-- Name: COLUMN patient.id; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(id) ON TABLE renrakucho.patient TO renrakucho_auditor;

-- Name: COLUMN patient.registered_by; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(registered_by) ON TABLE renrakucho.patient TO renrakucho_auditor;

-- Name: COLUMN pickup.created_at; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(created_at) ON TABLE renrakucho.pickup TO renrakucho_auditor;

-- Name: COLUMN pickup.created_by; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(created_by) ON TABLE renrakucho.pickup TO renrakucho_auditor;

-- Name: COLUMN pickup.expires_at; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(expires_at) ON TABLE renrakucho.pickup TO renrakucho_auditor;

-- Name: COLUMN pickup.facility_id; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(facility_id) ON TABLE renrakucho.pickup TO renrakucho_auditor;

-- Name: COLUMN pickup.fails; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(fails) ON TABLE renrakucho.pickup TO renrakucho_auditor;

-- Name: COLUMN pickup.fetched_at; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(fetched_at) ON TABLE renrakucho.pickup TO renrakucho_auditor;

-- Name: COLUMN pickup.id; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(id) ON TABLE renrakucho.pickup TO renrakucho_auditor;

-- Name: COLUMN pickup.locked_at; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(locked_at) ON TABLE renrakucho.pickup TO renrakucho_auditor;

-- Name: COLUMN pickup.serial; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT(serial) ON TABLE renrakucho.pickup TO renrakucho_auditor;

-- Name: FUNCTION home_teams(p_account bigint); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.home_teams(p_account bigint) TO renrakucho_app;

-- Name: FUNCTION home_view(p_token_hash text, p_serial text, p_sha256 text, p_addr inet); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.home_view(p_token_hash text, p_serial text, p_sha256 text, p_addr inet) TO renrakucho_app;

-- Name: FUNCTION kana_key(k text); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.kana_key(k text) TO renrakucho_app;

-- Name: FUNCTION mail_to_accounts(p_accounts bigint[], p_subject text, p_body text); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.mail_to_accounts(p_accounts bigint[], p_subject text, p_body text) TO renrakucho_app;

-- Name: FUNCTION message_notify(p_team bigint, p_author bigint, p_subject text, p_body text); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.message_notify(p_team bigint, p_author bigint, p_subject text, p_body text) TO renrakucho_app;

-- Name: FUNCTION message_notify_due(p_team bigint, p_author bigint); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.message_notify_due(p_team bigint, p_author bigint) TO renrakucho_app;

-- Name: FUNCTION page_audit(p_account bigint, p_login text, p_serial text, p_addr inet, p_action text, p_type text, p_id text, p_patient bigint, p_outcome text, p_detail text); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.page_audit(p_account bigint, p_login text, p_serial text, p_addr inet, p_action text, p_type text, p_id text, p_patient bigint, p_outcome text, p_detail text) TO renrakucho_app;

-- Name: FUNCTION receipts_members(p_team bigint); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.receipts_members(p_team bigint) TO renrakucho_app;

-- Name: FUNCTION receipts_messages(p_team bigint, p_before bigint, p_limit bigint); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.receipts_messages(p_team bigint, p_before bigint, p_limit bigint) TO renrakucho_app;

-- Name: FUNCTION receipts_mine(p_team bigint, p_before bigint, p_account bigint); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.receipts_mine(p_team bigint, p_before bigint, p_account bigint) TO renrakucho_app;

-- Name: FUNCTION session_find(p_token_hash text, p_serial text, p_sha256 text); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.session_find(p_token_hash text, p_serial text, p_sha256 text) TO renrakucho_app;

-- Name: FUNCTION session_touch(p_token_hash text, p_serial text, p_sha256 text); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
REVOKE ALL ON FUNCTION renrakucho.session_touch(p_token_hash text, p_serial text, p_sha256 text) FROM PUBLIC;
GRANT ALL ON FUNCTION renrakucho.session_touch(p_token_hash text, p_serial text, p_sha256 text) TO renrakucho_app;

-- Name: FUNCTION team_membership(p_team bigint, p_account bigint); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.team_membership(p_team bigint, p_account bigint) TO renrakucho_app;

-- Name: FUNCTION team_unread(p_team_id bigint, p_account_id bigint); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.team_unread(p_team_id bigint, p_account_id bigint) TO renrakucho_app;

-- Name: FUNCTION team_unread_count(p_team_id bigint, p_account_id bigint); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.team_unread_count(p_team_id bigint, p_account_id bigint) TO renrakucho_app;

-- Name: FUNCTION team_view_session(p_token_hash text, p_serial text, p_sha256 text, p_addr inet, p_team bigint, p_action text); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.team_view_session(p_token_hash text, p_serial text, p_sha256 text, p_addr inet, p_team bigint, p_action text) TO renrakucho_app;

-- Name: FUNCTION timeline_attachments(p_messages bigint[]); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.timeline_attachments(p_messages bigint[]) TO renrakucho_app;

-- Name: FUNCTION timeline_messages(p_team bigint, p_before bigint, p_account bigint); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.timeline_messages(p_team bigint, p_before bigint, p_account bigint) TO renrakucho_app;

-- Name: FUNCTION timeline_page(p_team bigint, p_before bigint, p_account bigint); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.timeline_page(p_team bigint, p_before bigint, p_account bigint) TO renrakucho_app;

-- Name: FUNCTION timeline_page_attachments(p_team bigint, p_before bigint); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.timeline_page_attachments(p_team bigint, p_before bigint) TO renrakucho_app;

-- Name: FUNCTION timeline_view(p_token_hash text, p_serial text, p_sha256 text, p_addr inet, p_team bigint, p_before bigint); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.timeline_view(p_token_hash text, p_serial text, p_sha256 text, p_addr inet, p_team bigint, p_before bigint) TO renrakucho_app;

-- Name: FUNCTION timeline_viewed(p_messages bigint[], p_account bigint); Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT ALL ON FUNCTION renrakucho.timeline_viewed(p_messages bigint[], p_account bigint) TO renrakucho_app;

-- Name: SCHEMA renrakucho; Type: ACL; Schema: -; Owner: renrakucho_owner
GRANT USAGE ON SCHEMA renrakucho TO renrakucho_app;
GRANT USAGE ON SCHEMA renrakucho TO renrakucho_auditor;

-- Name: TABLE account; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT,INSERT,UPDATE ON TABLE renrakucho.account TO renrakucho_app;

-- Name: TABLE audit_event; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT INSERT ON TABLE renrakucho.audit_event TO renrakucho_app;
GRANT SELECT ON TABLE renrakucho.audit_event TO renrakucho_auditor;

-- Name: TABLE audit_log; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT ON TABLE renrakucho.audit_log TO renrakucho_auditor;

-- Name: TABLE consent; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT,INSERT,UPDATE ON TABLE renrakucho.consent TO renrakucho_app;

-- Name: TABLE device_cert; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT,INSERT,UPDATE ON TABLE renrakucho.device_cert TO renrakucho_app;
GRANT SELECT ON TABLE renrakucho.device_cert TO renrakucho_auditor;

-- Name: TABLE facility; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT,INSERT,UPDATE ON TABLE renrakucho.facility TO renrakucho_app;
GRANT SELECT ON TABLE renrakucho.facility TO renrakucho_auditor;

-- Name: TABLE join_request; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT,INSERT,UPDATE ON TABLE renrakucho.join_request TO renrakucho_app;
GRANT SELECT ON TABLE renrakucho.join_request TO renrakucho_auditor;

-- Name: TABLE mail_outbox; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT INSERT ON TABLE renrakucho.mail_outbox TO renrakucho_app;

-- Name: TABLE message; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT,INSERT ON TABLE renrakucho.message TO renrakucho_app;

-- Name: TABLE message_attachment; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT,INSERT ON TABLE renrakucho.message_attachment TO renrakucho_app;

-- Name: TABLE message_like; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT,INSERT,DELETE ON TABLE renrakucho.message_like TO renrakucho_app;
GRANT SELECT ON TABLE renrakucho.message_like TO renrakucho_auditor;

-- Name: TABLE message_view; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT,INSERT ON TABLE renrakucho.message_view TO renrakucho_app;
GRANT SELECT ON TABLE renrakucho.message_view TO renrakucho_auditor;

-- Name: TABLE patient; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT,INSERT,UPDATE ON TABLE renrakucho.patient TO renrakucho_app;

-- Name: TABLE pickup; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT,INSERT,UPDATE ON TABLE renrakucho.pickup TO renrakucho_app;

-- Name: TABLE pickup_failure; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT,INSERT ON TABLE renrakucho.pickup_failure TO renrakucho_app;

-- Name: TABLE session; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT,INSERT,UPDATE ON TABLE renrakucho.session TO renrakucho_app;

-- Name: TABLE team; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT,INSERT,UPDATE ON TABLE renrakucho.team TO renrakucho_app;
GRANT SELECT ON TABLE renrakucho.team TO renrakucho_auditor;

-- Name: TABLE team_member; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE renrakucho.team_member TO renrakucho_app;
GRANT SELECT ON TABLE renrakucho.team_member TO renrakucho_auditor;

-- Name: TABLE team_member_notify; Type: ACL; Schema: renrakucho; Owner: renrakucho_owner
GRANT SELECT,INSERT,UPDATE ON TABLE renrakucho.team_member_notify TO renrakucho_app;
GRANT SELECT ON TABLE renrakucho.team_member_notify TO renrakucho_auditor;

-- Name: account account_facility_id_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.account
    ADD CONSTRAINT account_facility_id_fkey FOREIGN KEY (facility_id) REFERENCES renrakucho.facility(id);

-- Name: account account_pkey; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.account
    ADD CONSTRAINT account_pkey PRIMARY KEY (id);

-- Name: account; Type: TABLE; Schema: renrakucho; Owner: renrakucho_owner
CREATE TABLE renrakucho.account (
    id bigint NOT NULL,
    facility_id bigint NOT NULL,
    login text NOT NULL,
    name text NOT NULL,
    kana text DEFAULT ''::text NOT NULL,
    profession text DEFAULT ''::text NOT NULL,
    email text,
    email_is_placeholder boolean DEFAULT false NOT NULL,
    password_hash text NOT NULL,
    is_staff boolean DEFAULT true NOT NULL,
    is_facility_admin boolean DEFAULT false NOT NULL,
    is_operator boolean DEFAULT false NOT NULL,
    notify boolean DEFAULT true NOT NULL,
    fail_count integer DEFAULT 0 NOT NULL,
    fail_window_start timestamp with time zone,
    locked_until timestamp with time zone,
    last_login_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    deleted_at timestamp with time zone,
    prev_login_at timestamp with time zone,
    CONSTRAINT account_email_check CHECK (((email IS NULL) OR ((length(email) >= 3) AND (length(email) <= 254)))),
    CONSTRAINT account_kana_check CHECK ((length(kana) <= 100)),
    CONSTRAINT account_login_check CHECK ((login ~ '^[!-~]{3,64}$'::text)),
    CONSTRAINT account_name_check CHECK (((length(name) >= 1) AND (length(name) <= 100))),
    CONSTRAINT account_profession_check CHECK ((length(profession) <= 50))
);
ALTER TABLE renrakucho.account OWNER TO renrakucho_owner;

-- Name: account_email_live; Type: INDEX; Schema: renrakucho; Owner: renrakucho_owner
CREATE UNIQUE INDEX account_email_live ON renrakucho.account USING btree (lower(email)) WHERE ((deleted_at IS NULL) AND (email IS NOT NULL));

-- Name: account_facility; Type: INDEX; Schema: renrakucho; Owner: renrakucho_owner
CREATE INDEX account_facility ON renrakucho.account USING btree (facility_id);

-- Name: account_id_seq; Type: SEQUENCE; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE renrakucho.account ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME renrakucho.account_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: account_login_live; Type: INDEX; Schema: renrakucho; Owner: renrakucho_owner
CREATE UNIQUE INDEX account_login_live ON renrakucho.account USING btree (lower(login)) WHERE (deleted_at IS NULL);

-- Name: audit_event audit_event_no_truncate; Type: TRIGGER; Schema: renrakucho; Owner: renrakucho_owner
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON renrakucho.audit_event FOR EACH STATEMENT EXECUTE FUNCTION renrakucho.audit_event_refuse();

-- Name: audit_event audit_event_no_update; Type: TRIGGER; Schema: renrakucho; Owner: renrakucho_owner
CREATE TRIGGER audit_event_no_update BEFORE DELETE OR UPDATE ON renrakucho.audit_event FOR EACH ROW EXECUTE FUNCTION renrakucho.audit_event_refuse();

-- Name: audit_event audit_event_pkey; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.audit_event
    ADD CONSTRAINT audit_event_pkey PRIMARY KEY (id);

-- Name: audit_event; Type: TABLE; Schema: renrakucho; Owner: renrakucho_owner
CREATE TABLE renrakucho.audit_event (
    id bigint NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    account_id bigint,
    login text,
    cert_serial text,
    remote_addr inet,
    action text NOT NULL,
    object_type text,
    object_id text,
    patient_id bigint,
    outcome text NOT NULL,
    detail text,
    CONSTRAINT audit_event_outcome_check CHECK ((outcome = ANY (ARRAY['success'::text, 'failure'::text, 'denied'::text])))
);
ALTER TABLE renrakucho.audit_event OWNER TO renrakucho_owner;

-- Name: audit_event_account; Type: INDEX; Schema: renrakucho; Owner: renrakucho_owner
CREATE INDEX audit_event_account ON renrakucho.audit_event USING btree (account_id, at);

-- Name: audit_event_at; Type: INDEX; Schema: renrakucho; Owner: renrakucho_owner
CREATE INDEX audit_event_at ON renrakucho.audit_event USING btree (at);

-- Name: audit_event_id_seq; Type: SEQUENCE; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE renrakucho.audit_event ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME renrakucho.audit_event_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: audit_event_patient; Type: INDEX; Schema: renrakucho; Owner: renrakucho_owner
CREATE INDEX audit_event_patient ON renrakucho.audit_event USING btree (patient_id, at) WHERE (patient_id IS NOT NULL);

-- Name: audit_event_refuse(); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.audit_event_refuse() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
	RAISE EXCEPTION 'audit_event is append-only (% refused)', TG_OP
		USING ERRCODE = 'insufficient_privilege';
END
$$;
ALTER FUNCTION renrakucho.audit_event_refuse() OWNER TO renrakucho_owner;

-- Name: audit_log; Type: VIEW; Schema: renrakucho; Owner: renrakucho_owner
CREATE VIEW renrakucho.audit_log AS
 SELECT e.id,
    e.at,
    e.action,
    e.outcome,
    e.detail,
    e.account_id,
    a.login AS account_login,
    a.name AS account_name,
    f.name AS facility_name,
    e.login AS login_attempted,
    e.cert_serial,
    d.label AS device_label,
    e.remote_addr,
    e.object_type,
    e.object_id,
    e.patient_id
   FROM (((renrakucho.audit_event e
     LEFT JOIN renrakucho.account a ON ((a.id = e.account_id)))
     LEFT JOIN renrakucho.facility f ON ((f.id = a.facility_id)))
     LEFT JOIN renrakucho.device_cert d ON ((d.serial = e.cert_serial)));
ALTER TABLE renrakucho.audit_log OWNER TO renrakucho_owner;

-- Name: consent consent_obtained_by_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.consent
    ADD CONSTRAINT consent_obtained_by_fkey FOREIGN KEY (obtained_by) REFERENCES renrakucho.account(id);

-- Name: consent consent_patient_id_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.consent
    ADD CONSTRAINT consent_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES renrakucho.patient(id);

-- Name: consent consent_pkey; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.consent
    ADD CONSTRAINT consent_pkey PRIMARY KEY (id);

-- Name: consent; Type: TABLE; Schema: renrakucho; Owner: renrakucho_owner
CREATE TABLE renrakucho.consent (
    id bigint NOT NULL,
    patient_id bigint NOT NULL,
    obtained_by bigint NOT NULL,
    obtained_on date NOT NULL,
    signer text NOT NULL,
    proxy_name text DEFAULT ''::text NOT NULL,
    proxy_relationship text DEFAULT ''::text NOT NULL,
    explainer_name text NOT NULL,
    explainer_facility text NOT NULL,
    form_kind text NOT NULL,
    doc_type text NOT NULL,
    doc_name text NOT NULL,
    doc_size integer NOT NULL,
    doc_sha256 text NOT NULL,
    doc bytea NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT consent_check CHECK (((signer = 'patient'::text) OR ((proxy_name <> ''::text) AND (proxy_relationship <> ''::text)))),
    CONSTRAINT consent_doc_name_check CHECK (((length(doc_name) >= 1) AND (length(doc_name) <= 255))),
    CONSTRAINT consent_doc_sha256_check CHECK ((doc_sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT consent_doc_size_check CHECK (((doc_size >= 1) AND (doc_size <= 10485760))),
    CONSTRAINT consent_doc_type_check CHECK ((doc_type = ANY (ARRAY['application/pdf'::text, 'image/jpeg'::text, 'image/png'::text]))),
    CONSTRAINT consent_explainer_facility_check CHECK (((length(explainer_facility) >= 1) AND (length(explainer_facility) <= 200))),
    CONSTRAINT consent_explainer_name_check CHECK (((length(explainer_name) >= 1) AND (length(explainer_name) <= 100))),
    CONSTRAINT consent_form_kind_check CHECK ((form_kind = ANY (ARRAY['city'::text, 'own'::text]))),
    CONSTRAINT consent_proxy_name_check CHECK ((length(proxy_name) <= 100)),
    CONSTRAINT consent_proxy_relationship_check CHECK ((length(proxy_relationship) <= 50)),
    CONSTRAINT consent_signer_check CHECK ((signer = ANY (ARRAY['patient'::text, 'proxy'::text])))
);
ALTER TABLE renrakucho.consent OWNER TO renrakucho_owner;

-- Name: consent_id_seq; Type: SEQUENCE; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE renrakucho.consent ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME renrakucho.consent_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: consent_patient; Type: INDEX; Schema: renrakucho; Owner: renrakucho_owner
CREATE INDEX consent_patient ON renrakucho.consent USING btree (patient_id);

-- Name: device_cert device_cert_facility_id_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.device_cert
    ADD CONSTRAINT device_cert_facility_id_fkey FOREIGN KEY (facility_id) REFERENCES renrakucho.facility(id);

-- Name: device_cert device_cert_issued_by_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.device_cert
    ADD CONSTRAINT device_cert_issued_by_fkey FOREIGN KEY (issued_by) REFERENCES renrakucho.account(id);

-- Name: device_cert device_cert_pkey; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.device_cert
    ADD CONSTRAINT device_cert_pkey PRIMARY KEY (serial);

-- Name: device_cert device_cert_revoked_by_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.device_cert
    ADD CONSTRAINT device_cert_revoked_by_fkey FOREIGN KEY (revoked_by) REFERENCES renrakucho.account(id);

-- Name: device_cert device_cert_sha256_key; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.device_cert
    ADD CONSTRAINT device_cert_sha256_key UNIQUE (sha256);

-- Name: device_cert; Type: TABLE; Schema: renrakucho; Owner: renrakucho_owner
CREATE TABLE renrakucho.device_cert (
    serial text NOT NULL,
    sha256 text NOT NULL,
    facility_id bigint NOT NULL,
    issued_by bigint,
    label text NOT NULL,
    issued_at timestamp with time zone DEFAULT now() NOT NULL,
    not_after timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    revoked_by bigint,
    revoke_reason text,
    CONSTRAINT device_cert_label_check CHECK (((length(label) >= 1) AND (length(label) <= 100))),
    CONSTRAINT device_cert_serial_check CHECK ((serial ~ '^[0-9A-F]{1,40}$'::text)),
    CONSTRAINT device_cert_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text))
);
ALTER TABLE renrakucho.device_cert OWNER TO renrakucho_owner;

-- Name: device_cert_facility; Type: INDEX; Schema: renrakucho; Owner: renrakucho_owner
CREATE INDEX device_cert_facility ON renrakucho.device_cert USING btree (facility_id);

-- Name: facility facility_pkey; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.facility
    ADD CONSTRAINT facility_pkey PRIMARY KEY (id);

-- Name: facility; Type: TABLE; Schema: renrakucho; Owner: renrakucho_owner
CREATE TABLE renrakucho.facility (
    id bigint NOT NULL,
    name text NOT NULL,
    address text DEFAULT ''::text NOT NULL,
    municipality_code text NOT NULL,
    municipality_name text NOT NULL,
    email text NOT NULL,
    phone text DEFAULT ''::text NOT NULL,
    status text DEFAULT 'active'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT facility_address_check CHECK ((length(address) <= 300)),
    CONSTRAINT facility_email_check CHECK (((length(email) >= 3) AND (length(email) <= 254))),
    CONSTRAINT facility_municipality_code_check CHECK ((municipality_code ~ '^[0-9]{5,6}$'::text)),
    CONSTRAINT facility_municipality_name_check CHECK (((length(municipality_name) >= 1) AND (length(municipality_name) <= 100))),
    CONSTRAINT facility_name_check CHECK (((length(name) >= 1) AND (length(name) <= 200))),
    CONSTRAINT facility_phone_check CHECK ((length(phone) <= 30)),
    CONSTRAINT facility_status_check CHECK ((status = ANY (ARRAY['active'::text, 'suspended'::text])))
);
ALTER TABLE renrakucho.facility OWNER TO renrakucho_owner;

-- Name: facility_id_seq; Type: SEQUENCE; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE renrakucho.facility ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME renrakucho.facility_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: home_teams(bigint); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.home_teams(p_account bigint) RETURNS TABLE(id bigint, name text, role text, pending bigint, unread bigint)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'renrakucho'
    AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	SELECT p.id, p.name, m.role,
	    (SELECT count(*) FROM join_request j WHERE j.team_id = t.id
		AND j.state = 'pending'),
	    m.unread::bigint
	FROM team_member m JOIN team t ON t.id = m.team_id
	JOIN patient p ON p.id = t.patient_id
	WHERE m.account_id = p_account ORDER BY p.kana_key, p.id;
END
$$;
ALTER FUNCTION renrakucho.home_teams(p_account bigint) OWNER TO renrakucho_owner;

-- Name: home_view(text, text, text, inet); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.home_view(p_token_hash text, p_serial text, p_sha256 text, p_addr inet) RETURNS TABLE(kind text, session_id bigint, csrf text, account_id bigint, login text, name text, profession text, is_operator boolean, is_facility_admin boolean, facility_id bigint, facility_name text, last_login text, patient_id bigint, patient_name text, role text, pending bigint, unread bigint)
    LANGUAGE plpgsql
    SET search_path TO 'renrakucho'
    AS $$
#variable_conflict use_column
DECLARE
	s	record;
BEGIN
	SELECT * INTO s FROM session_find(p_token_hash, p_serial, p_sha256);
	IF NOT FOUND THEN
		RETURN;
	END IF;
	PERFORM page_audit(s.account_id, s.login, p_serial, p_addr,
	    'home.view', NULL, NULL, NULL, 'success', NULL);
	RETURN QUERY SELECT 's', s.session_id, s.csrf, s.account_id,
	    s.login, s.name, s.profession, s.is_operator,
	    s.is_facility_admin, s.facility_id, s.facility_name,
	    s.last_login, NULL::bigint, NULL, NULL, NULL::bigint,
	    NULL::bigint;
	RETURN QUERY SELECT 't', NULL::bigint, NULL, NULL::bigint, NULL,
	    NULL, NULL, NULL::boolean, NULL::boolean, NULL::bigint, NULL,
	    NULL, h.id, h.name, h.role, h.pending, h.unread
	FROM home_teams(s.account_id) h;
END
$$;
ALTER FUNCTION renrakucho.home_view(p_token_hash text, p_serial text, p_sha256 text, p_addr inet) OWNER TO renrakucho_owner;

-- Name: join_request join_request_account_id_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.join_request
    ADD CONSTRAINT join_request_account_id_fkey FOREIGN KEY (account_id) REFERENCES renrakucho.account(id);

-- Name: join_request join_request_decided_by_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.join_request
    ADD CONSTRAINT join_request_decided_by_fkey FOREIGN KEY (decided_by) REFERENCES renrakucho.account(id);

-- Name: join_request join_request_pkey; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.join_request
    ADD CONSTRAINT join_request_pkey PRIMARY KEY (id);

-- Name: join_request join_request_team_id_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.join_request
    ADD CONSTRAINT join_request_team_id_fkey FOREIGN KEY (team_id) REFERENCES renrakucho.team(id);

-- Name: join_request; Type: TABLE; Schema: renrakucho; Owner: renrakucho_owner
CREATE TABLE renrakucho.join_request (
    id bigint NOT NULL,
    team_id bigint NOT NULL,
    account_id bigint NOT NULL,
    message text DEFAULT ''::text NOT NULL,
    state text DEFAULT 'pending'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    decided_by bigint,
    decided_at timestamp with time zone,
    CONSTRAINT join_request_message_check CHECK ((length(message) <= 500)),
    CONSTRAINT join_request_state_check CHECK ((state = ANY (ARRAY['pending'::text, 'approved'::text, 'rejected'::text, 'withdrawn'::text])))
);
ALTER TABLE renrakucho.join_request OWNER TO renrakucho_owner;

-- Name: join_request_id_seq; Type: SEQUENCE; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE renrakucho.join_request ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME renrakucho.join_request_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: join_request_pending; Type: INDEX; Schema: renrakucho; Owner: renrakucho_owner
CREATE UNIQUE INDEX join_request_pending ON renrakucho.join_request USING btree (team_id, account_id) WHERE (state = 'pending'::text);

-- Name: jst_minute(timestamp with time zone); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.jst_minute(t timestamp with time zone) RETURNS text
    LANGUAGE sql STABLE
    AS $$ SELECT pg_catalog.to_char(t AT TIME ZONE 'Asia/Tokyo',
	'YYYY"年"FMMM"月"FMDD"日" HH24:MI') $$;
ALTER FUNCTION renrakucho.jst_minute(t timestamp with time zone) OWNER TO renrakucho_owner;

-- Name: kana_key(text); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.kana_key(k text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN translate(NORMALIZE(k, NFKC), 'ぁあぃいぅうぇえぉおかがきぎくぐけげこごさざしじすずせぜそぞただちぢっつづてでとどなにぬねのはばぱひびぴふぶぷへべぺほぼぽまみむめもゃやゅゆょよらりるれろゎわゐゑをんゔゕゖゝゞ 　・･'::text, 'ァアィイゥウェエォオカガキギクグケゲコゴサザシジスズセゼソゾタダチヂッツヅテデトドナニヌネノハバパヒビピフブプヘベペホボポマミムメモャヤュユョヨラリルレロヮワヰヱヲンヴヵヶヽヾ'::text);
ALTER FUNCTION renrakucho.kana_key(k text) OWNER TO renrakucho_owner;

-- Name: mail_outbox mail_outbox_account_id_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.mail_outbox
    ADD CONSTRAINT mail_outbox_account_id_fkey FOREIGN KEY (account_id) REFERENCES renrakucho.account(id);

-- Name: mail_outbox mail_outbox_pkey; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.mail_outbox
    ADD CONSTRAINT mail_outbox_pkey PRIMARY KEY (id);

-- Name: mail_outbox; Type: TABLE; Schema: renrakucho; Owner: renrakucho_owner
CREATE TABLE renrakucho.mail_outbox (
    id bigint NOT NULL,
    to_addr text NOT NULL,
    account_id bigint,
    subject text NOT NULL,
    body text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at timestamp with time zone DEFAULT now() NOT NULL,
    last_error text,
    sent_at timestamp with time zone,
    CONSTRAINT mail_outbox_body_check CHECK (((length(body) >= 1) AND (length(body) <= 20000))),
    CONSTRAINT mail_outbox_subject_check CHECK (((length(subject) >= 1) AND (length(subject) <= 200))),
    CONSTRAINT mail_outbox_to_addr_check CHECK (((length(to_addr) >= 3) AND (length(to_addr) <= 254)))
);
ALTER TABLE renrakucho.mail_outbox OWNER TO renrakucho_owner;

-- Name: mail_outbox_due; Type: INDEX; Schema: renrakucho; Owner: renrakucho_owner
CREATE INDEX mail_outbox_due ON renrakucho.mail_outbox USING btree (next_attempt_at) WHERE (sent_at IS NULL);

-- Name: mail_outbox_id_seq; Type: SEQUENCE; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE renrakucho.mail_outbox ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME renrakucho.mail_outbox_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: mail_to_accounts(bigint[], text, text); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.mail_to_accounts(p_accounts bigint[], p_subject text, p_body text) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'renrakucho'
    AS $$
DECLARE
	n	integer;
BEGIN
	INSERT INTO mail_outbox (to_addr, account_id, subject, body)
	SELECT CASE WHEN a.email_is_placeholder OR a.email IS NULL
		THEN f.email ELSE a.email END,
	    a.id, p_subject,
	    CASE WHEN a.email_is_placeholder OR a.email IS NULL
		THEN '【' || f.name || ' ' || a.name
		    || ' 様宛てのお知らせです。事業所内でお伝えください。】'
		    || E'\n\n' || p_body
		ELSE p_body END
	FROM account a JOIN facility f ON f.id = a.facility_id
	WHERE a.id = ANY (p_accounts) AND a.deleted_at IS NULL
	ORDER BY a.id;
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
END
$$;
ALTER FUNCTION renrakucho.mail_to_accounts(p_accounts bigint[], p_subject text, p_body text) OWNER TO renrakucho_owner;

-- Name: message message_author_id_client_token_key; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.message
    ADD CONSTRAINT message_author_id_client_token_key UNIQUE (author_id, client_token);

-- Name: message message_author_id_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.message
    ADD CONSTRAINT message_author_id_fkey FOREIGN KEY (author_id) REFERENCES renrakucho.account(id);

-- Name: message message_pkey; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.message
    ADD CONSTRAINT message_pkey PRIMARY KEY (id);

-- Name: message message_team_id_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.message
    ADD CONSTRAINT message_team_id_fkey FOREIGN KEY (team_id) REFERENCES renrakucho.team(id);

-- Name: message message_unread; Type: TRIGGER; Schema: renrakucho; Owner: renrakucho_owner
CREATE TRIGGER message_unread AFTER INSERT ON renrakucho.message FOR EACH ROW EXECUTE FUNCTION renrakucho.unread_on_message();

-- Name: message message_withdraw_unread; Type: TRIGGER; Schema: renrakucho; Owner: renrakucho_owner
CREATE TRIGGER message_withdraw_unread AFTER UPDATE OF withdrawn_at ON renrakucho.message FOR EACH ROW WHEN (((old.withdrawn_at IS NULL) AND (new.withdrawn_at IS NOT NULL))) EXECUTE FUNCTION renrakucho.unread_on_withdraw();

-- Name: message message_withdrawn_by_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.message
    ADD CONSTRAINT message_withdrawn_by_fkey FOREIGN KEY (withdrawn_by) REFERENCES renrakucho.account(id);

-- Name: message; Type: TABLE; Schema: renrakucho; Owner: renrakucho_owner
CREATE TABLE renrakucho.message (
    id bigint NOT NULL,
    team_id bigint NOT NULL,
    author_id bigint NOT NULL,
    body text NOT NULL,
    client_token text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    withdrawn_at timestamp with time zone,
    withdrawn_by bigint,
    CONSTRAINT message_body_check CHECK (((length(body) >= 1) AND (length(body) <= 10000))),
    CONSTRAINT message_check CHECK (((withdrawn_at IS NULL) = (withdrawn_by IS NULL))),
    CONSTRAINT message_client_token_check CHECK ((client_token ~ '^[A-Za-z0-9_-]{16,64}$'::text))
);
ALTER TABLE renrakucho.message OWNER TO renrakucho_owner;

-- Name: message_attachment message_attachment_message_id_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.message_attachment
    ADD CONSTRAINT message_attachment_message_id_fkey FOREIGN KEY (message_id) REFERENCES renrakucho.message(id);

-- Name: message_attachment message_attachment_message_id_n_key; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.message_attachment
    ADD CONSTRAINT message_attachment_message_id_n_key UNIQUE (message_id, n);

-- Name: message_attachment message_attachment_pkey; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.message_attachment
    ADD CONSTRAINT message_attachment_pkey PRIMARY KEY (id);

-- Name: message_attachment; Type: TABLE; Schema: renrakucho; Owner: renrakucho_owner
CREATE TABLE renrakucho.message_attachment (
    id bigint NOT NULL,
    message_id bigint NOT NULL,
    n smallint NOT NULL,
    name text NOT NULL,
    type text NOT NULL,
    size integer NOT NULL,
    sha256 text NOT NULL,
    data bytea NOT NULL,
    CONSTRAINT message_attachment_n_check CHECK (((n >= 1) AND (n <= 5))),
    CONSTRAINT message_attachment_name_check CHECK (((length(name) >= 1) AND (length(name) <= 255))),
    CONSTRAINT message_attachment_sha256_check CHECK ((sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT message_attachment_size_check CHECK (((size >= 1) AND (size <= 10485760))),
    CONSTRAINT message_attachment_type_check CHECK ((type = ANY (ARRAY['application/pdf'::text, 'image/jpeg'::text, 'image/png'::text])))
);
ALTER TABLE renrakucho.message_attachment OWNER TO renrakucho_owner;

-- Name: message_attachment_id_seq; Type: SEQUENCE; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE renrakucho.message_attachment ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME renrakucho.message_attachment_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: message_excerpt(text); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.message_excerpt(body text) RETURNS text
    LANGUAGE sql IMMUTABLE
    AS $$ SELECT pg_catalog.regexp_replace(pg_catalog.left(body, 40), '\s+', ' ',
	'g') $$;
ALTER FUNCTION renrakucho.message_excerpt(body text) OWNER TO renrakucho_owner;

-- Name: message_id_seq; Type: SEQUENCE; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE renrakucho.message ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME renrakucho.message_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: message_like message_like_account_id_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.message_like
    ADD CONSTRAINT message_like_account_id_fkey FOREIGN KEY (account_id) REFERENCES renrakucho.account(id);

-- Name: message_like message_like_message_id_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.message_like
    ADD CONSTRAINT message_like_message_id_fkey FOREIGN KEY (message_id) REFERENCES renrakucho.message(id);

-- Name: message_like message_like_pkey; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.message_like
    ADD CONSTRAINT message_like_pkey PRIMARY KEY (message_id, account_id);

-- Name: message_like; Type: TABLE; Schema: renrakucho; Owner: renrakucho_owner
CREATE TABLE renrakucho.message_like (
    message_id bigint NOT NULL,
    account_id bigint NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE renrakucho.message_like OWNER TO renrakucho_owner;

-- Name: message_notify(bigint, bigint, text, text); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.message_notify(p_team bigint, p_author bigint, p_subject text, p_body text) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'renrakucho'
    AS $$
BEGIN
	RETURN mail_to_accounts(ARRAY(SELECT d.account_id
	    FROM message_notify_due(p_team, p_author) d), p_subject, p_body);
END
$$;
ALTER FUNCTION renrakucho.message_notify(p_team bigint, p_author bigint, p_subject text, p_body text) OWNER TO renrakucho_owner;

-- Name: message_notify_due(bigint, bigint); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.message_notify_due(p_team bigint, p_author bigint) RETURNS TABLE(account_id bigint)
    LANGUAGE plpgsql
    SET search_path TO 'renrakucho'
    AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	INSERT INTO team_member_notify AS n
	    (team_id, account_id, last_mailed_at)
	SELECT tm.team_id, tm.account_id, now() FROM team_member tm
	JOIN account ac ON ac.id = tm.account_id
	WHERE tm.team_id = p_team AND tm.account_id <> p_author
	AND ac.notify AND ac.deleted_at IS NULL
	AND NOT EXISTS (SELECT 1 FROM team_member_notify o
	    WHERE o.team_id = tm.team_id AND o.account_id = tm.account_id
	    AND o.last_mailed_at > now() - interval '10 minutes')
	ORDER BY tm.account_id
	ON CONFLICT (team_id, account_id) DO UPDATE
	SET last_mailed_at = EXCLUDED.last_mailed_at
	WHERE n.last_mailed_at <= EXCLUDED.last_mailed_at
	    - interval '10 minutes'
	RETURNING n.account_id;
END
$$;
ALTER FUNCTION renrakucho.message_notify_due(p_team bigint, p_author bigint) OWNER TO renrakucho_owner;

-- Name: message_team; Type: INDEX; Schema: renrakucho; Owner: renrakucho_owner
CREATE INDEX message_team ON renrakucho.message USING btree (team_id, id DESC);

-- Name: message_view message_view_account_id_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.message_view
    ADD CONSTRAINT message_view_account_id_fkey FOREIGN KEY (account_id) REFERENCES renrakucho.account(id);

-- Name: message_view message_view_message_id_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.message_view
    ADD CONSTRAINT message_view_message_id_fkey FOREIGN KEY (message_id) REFERENCES renrakucho.message(id);

-- Name: message_view message_view_pkey; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.message_view
    ADD CONSTRAINT message_view_pkey PRIMARY KEY (message_id, account_id);

-- Name: message_view message_view_unread; Type: TRIGGER; Schema: renrakucho; Owner: renrakucho_owner
CREATE TRIGGER message_view_unread AFTER INSERT ON renrakucho.message_view FOR EACH ROW EXECUTE FUNCTION renrakucho.unread_on_view();

-- Name: message_view; Type: TABLE; Schema: renrakucho; Owner: renrakucho_owner
CREATE TABLE renrakucho.message_view (
    message_id bigint NOT NULL,
    account_id bigint NOT NULL,
    first_viewed_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE renrakucho.message_view OWNER TO renrakucho_owner;

-- Name: message_view_account; Type: INDEX; Schema: renrakucho; Owner: renrakucho_owner
CREATE INDEX message_view_account ON renrakucho.message_view USING btree (account_id);

-- Name: page_audit(bigint, text, text, inet, text, text, text, bigint, text, text); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.page_audit(p_account bigint, p_login text, p_serial text, p_addr inet, p_action text, p_type text, p_id text, p_patient bigint, p_outcome text, p_detail text) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'renrakucho'
    AS $$
BEGIN
	INSERT INTO audit_event (account_id, login, cert_serial, remote_addr,
	    action, object_type, object_id, patient_id, outcome, detail)
	VALUES (p_account, p_login, nullif(p_serial, ''), p_addr, p_action,
	    p_type, p_id, p_patient, p_outcome, p_detail);
END
$$;
ALTER FUNCTION renrakucho.page_audit(p_account bigint, p_login text, p_serial text, p_addr inet, p_action text, p_type text, p_id text, p_patient bigint, p_outcome text, p_detail text) OWNER TO renrakucho_owner;

-- Name: patient patient_pkey; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.patient
    ADD CONSTRAINT patient_pkey PRIMARY KEY (id);

-- Name: patient patient_registered_by_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.patient
    ADD CONSTRAINT patient_registered_by_fkey FOREIGN KEY (registered_by) REFERENCES renrakucho.account(id);

-- Name: patient; Type: TABLE; Schema: renrakucho; Owner: renrakucho_owner
CREATE TABLE renrakucho.patient (
    id bigint NOT NULL,
    name text NOT NULL,
    kana text NOT NULL,
    kana_key text NOT NULL,
    birth_date date NOT NULL,
    sex text NOT NULL,
    address text NOT NULL,
    municipality_code text NOT NULL,
    phone text DEFAULT ''::text NOT NULL,
    care_level text DEFAULT ''::text NOT NULL,
    main_diseases text DEFAULT ''::text NOT NULL,
    emergency_contact text DEFAULT ''::text NOT NULL,
    notes text DEFAULT ''::text NOT NULL,
    registered_by bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT patient_address_check CHECK (((length(address) >= 1) AND (length(address) <= 300))),
    CONSTRAINT patient_care_level_check CHECK ((length(care_level) <= 30)),
    CONSTRAINT patient_emergency_contact_check CHECK ((length(emergency_contact) <= 300)),
    CONSTRAINT patient_kana_check CHECK (((length(kana) >= 1) AND (length(kana) <= 100))),
    CONSTRAINT patient_kana_key CHECK ((kana_key = renrakucho.kana_key(kana))),
    CONSTRAINT patient_kana_key_check CHECK (((length(kana_key) >= 1) AND (length(kana_key) <= 100))),
    CONSTRAINT patient_main_diseases_check CHECK ((length(main_diseases) <= 1000)),
    CONSTRAINT patient_municipality_code_check CHECK ((municipality_code ~ '^[0-9]{5,6}$'::text)),
    CONSTRAINT patient_name_check CHECK (((length(name) >= 1) AND (length(name) <= 100))),
    CONSTRAINT patient_notes_check CHECK ((length(notes) <= 4000)),
    CONSTRAINT patient_phone_check CHECK ((length(phone) <= 30)),
    CONSTRAINT patient_sex_check CHECK ((sex = ANY (ARRAY['male'::text, 'female'::text, 'other'::text])))
);
ALTER TABLE renrakucho.patient OWNER TO renrakucho_owner;

-- Name: patient_id_seq; Type: SEQUENCE; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE renrakucho.patient ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME renrakucho.patient_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: patient_identity; Type: INDEX; Schema: renrakucho; Owner: renrakucho_owner
CREATE UNIQUE INDEX patient_identity ON renrakucho.patient USING btree (kana_key, birth_date, sex);

-- Name: pickup pickup_created_by_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.pickup
    ADD CONSTRAINT pickup_created_by_fkey FOREIGN KEY (created_by) REFERENCES renrakucho.account(id);

-- Name: pickup pickup_facility_id_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.pickup
    ADD CONSTRAINT pickup_facility_id_fkey FOREIGN KEY (facility_id) REFERENCES renrakucho.facility(id);

-- Name: pickup pickup_number_key; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.pickup
    ADD CONSTRAINT pickup_number_key UNIQUE (number);

-- Name: pickup pickup_pkey; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.pickup
    ADD CONSTRAINT pickup_pkey PRIMARY KEY (id);

-- Name: pickup pickup_serial_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.pickup
    ADD CONSTRAINT pickup_serial_fkey FOREIGN KEY (serial) REFERENCES renrakucho.device_cert(serial);

-- Name: pickup pickup_serial_key; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.pickup
    ADD CONSTRAINT pickup_serial_key UNIQUE (serial);

-- Name: pickup; Type: TABLE; Schema: renrakucho; Owner: renrakucho_owner
CREATE TABLE renrakucho.pickup (
    id bigint NOT NULL,
    number text NOT NULL,
    password_hash text NOT NULL,
    serial text NOT NULL,
    facility_id bigint NOT NULL,
    created_by bigint,
    p12 bytea,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone DEFAULT (now() + '72:00:00'::interval) NOT NULL,
    fetched_at timestamp with time zone,
    fails integer DEFAULT 0 NOT NULL,
    locked_at timestamp with time zone,
    CONSTRAINT pickup_number_check CHECK ((number ~ '^[0-9]{12}$'::text)),
    CONSTRAINT pickup_p12_check CHECK (((p12 IS NULL) OR ((length(p12) >= 1) AND (length(p12) <= 65536))))
);
ALTER TABLE renrakucho.pickup OWNER TO renrakucho_owner;

-- Name: pickup_created_by; Type: INDEX; Schema: renrakucho; Owner: renrakucho_owner
CREATE INDEX pickup_created_by ON renrakucho.pickup USING btree (created_by);

-- Name: pickup_failure pickup_failure_pkey; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.pickup_failure
    ADD CONSTRAINT pickup_failure_pkey PRIMARY KEY (id);

-- Name: pickup_failure; Type: TABLE; Schema: renrakucho; Owner: renrakucho_owner
CREATE TABLE renrakucho.pickup_failure (
    id bigint NOT NULL,
    remote_addr inet NOT NULL,
    at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE renrakucho.pickup_failure OWNER TO renrakucho_owner;

-- Name: pickup_failure_addr; Type: INDEX; Schema: renrakucho; Owner: renrakucho_owner
CREATE INDEX pickup_failure_addr ON renrakucho.pickup_failure USING btree (remote_addr, at);

-- Name: pickup_failure_id_seq; Type: SEQUENCE; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE renrakucho.pickup_failure ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME renrakucho.pickup_failure_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: pickup_id_seq; Type: SEQUENCE; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE renrakucho.pickup ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME renrakucho.pickup_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: pickup_pending; Type: INDEX; Schema: renrakucho; Owner: renrakucho_owner
CREATE INDEX pickup_pending ON renrakucho.pickup USING btree (expires_at) WHERE (p12 IS NOT NULL);

-- Name: receipts_members(bigint); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.receipts_members(p_team bigint) RETURNS TABLE(name text, profession text, facility text, role text, last_view text, unread bigint)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'renrakucho'
    AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	SELECT a.name, a.profession, f.name,
	    CASE tm.role WHEN 'lead' THEN '担当者' ELSE 'メンバー' END,
	    coalesce(jst_minute(tm.last_viewed_at), '閲覧なし'),
	    tm.unread::bigint
	FROM team_member tm JOIN account a ON a.id = tm.account_id
	JOIN facility f ON f.id = a.facility_id
	WHERE tm.team_id = p_team
	ORDER BY tm.role = 'lead' DESC, a.kana, a.id;
END
$$;
ALTER FUNCTION renrakucho.receipts_members(p_team bigint) OWNER TO renrakucho_owner;

-- Name: receipts_messages(bigint, bigint, bigint); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.receipts_messages(p_team bigint, p_before bigint, p_limit bigint) RETURNS TABLE(id bigint, created text, author text, withdrawn boolean, excerpt text, member_id bigint, member text, profession text, facility text, viewed text)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'renrakucho'
    AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	WITH mem AS MATERIALIZED (
	    SELECT tm.account_id, a.name, a.profession, a.kana,
		f.name AS facility
	    FROM team_member tm JOIN account a ON a.id = tm.account_id
	    LEFT JOIN facility f ON f.id = a.facility_id
	    WHERE tm.team_id = p_team)
	SELECT m.id, m.created, au.name, m.withdrawn, m.excerpt,
	    mem.account_id, mem.name, mem.profession, mem.facility,
	    jst_minute(v.first_viewed_at)
	FROM (SELECT message.id, message.author_id,
		jst_minute(message.created_at) AS created,
		message.withdrawn_at IS NOT NULL AS withdrawn,
		CASE WHEN message.withdrawn_at IS NULL
		    THEN message_excerpt(message.body) END AS excerpt
	    FROM message WHERE message.team_id = p_team
	    AND message.id < coalesce(p_before, 9223372036854775807)
	    ORDER BY message.id DESC LIMIT p_limit) m
	JOIN account au ON au.id = m.author_id
	LEFT JOIN mem ON mem.account_id <> m.author_id
	LEFT JOIN message_view v ON v.message_id = m.id
	    AND v.account_id = mem.account_id
	ORDER BY m.id DESC, mem.kana, mem.account_id;
END
$$;
ALTER FUNCTION renrakucho.receipts_messages(p_team bigint, p_before bigint, p_limit bigint) OWNER TO renrakucho_owner;

-- Name: receipts_mine(bigint, bigint, bigint); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.receipts_mine(p_team bigint, p_before bigint, p_account bigint) RETURNS TABLE(id bigint, created text, author text, excerpt text, mine boolean, viewed text)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'renrakucho'
    AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	SELECT m.id, jst_minute(m.created_at),
	    au.name,
	    CASE WHEN m.withdrawn_at IS NULL
		THEN message_excerpt(m.body)
		ELSE '（取り消されました）' END,
	    m.author_id = p_account,
	    jst_minute(v.first_viewed_at)
	FROM message m JOIN account au ON au.id = m.author_id
	LEFT JOIN message_view v ON v.message_id = m.id
	    AND v.account_id = p_account
	WHERE m.team_id = p_team
	AND m.id < coalesce(p_before, 9223372036854775807)
	ORDER BY m.id DESC LIMIT 31;
END
$$;
ALTER FUNCTION renrakucho.receipts_mine(p_team bigint, p_before bigint, p_account bigint) OWNER TO renrakucho_owner;

-- Name: renrakucho; Type: SCHEMA; Schema: -; Owner: renrakucho_owner
CREATE SCHEMA renrakucho;
ALTER SCHEMA renrakucho OWNER TO renrakucho_owner;

-- Name: schema_migration schema_migration_pkey; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.schema_migration
    ADD CONSTRAINT schema_migration_pkey PRIMARY KEY (version);

-- Name: schema_migration; Type: TABLE; Schema: renrakucho; Owner: renrakucho_owner
CREATE TABLE renrakucho.schema_migration (
    version text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE renrakucho.schema_migration OWNER TO renrakucho_owner;

-- Name: session session_account_id_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.session
    ADD CONSTRAINT session_account_id_fkey FOREIGN KEY (account_id) REFERENCES renrakucho.account(id);

-- Name: session session_cert_serial_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.session
    ADD CONSTRAINT session_cert_serial_fkey FOREIGN KEY (cert_serial) REFERENCES renrakucho.device_cert(serial);

-- Name: session session_pkey; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.session
    ADD CONSTRAINT session_pkey PRIMARY KEY (id);

-- Name: session session_token_hash_key; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.session
    ADD CONSTRAINT session_token_hash_key UNIQUE (token_hash);

-- Name: session; Type: TABLE; Schema: renrakucho; Owner: renrakucho_owner
CREATE TABLE renrakucho.session (
    id bigint NOT NULL,
    token_hash text NOT NULL,
    csrf text NOT NULL,
    account_id bigint NOT NULL,
    cert_serial text NOT NULL,
    remote_addr inet,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    last_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    expires_at timestamp with time zone DEFAULT (now() + '12:00:00'::interval) NOT NULL,
    ended_at timestamp with time zone,
    end_reason text,
    CONSTRAINT session_token_hash_check CHECK ((token_hash ~ '^[0-9a-f]{64}$'::text))
);
ALTER TABLE renrakucho.session OWNER TO renrakucho_owner;

-- Name: session_account; Type: INDEX; Schema: renrakucho; Owner: renrakucho_owner
CREATE INDEX session_account ON renrakucho.session USING btree (account_id) WHERE (ended_at IS NULL);

-- Name: session_find(text, text, text); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.session_find(p_token_hash text, p_serial text, p_sha256 text) RETURNS TABLE(session_id bigint, csrf text, account_id bigint, login text, name text, profession text, is_operator boolean, is_facility_admin boolean, facility_id bigint, facility_name text, last_login text)
    LANGUAGE plpgsql
    SET search_path TO 'renrakucho'
    AS $$
DECLARE
	v_seen	timestamptz;
BEGIN
	SELECT s.id, s.csrf, a.id, a.login, a.name, a.profession,
	    a.is_operator, a.is_facility_admin, f.id, f.name,
	    to_char(a.prev_login_at AT TIME ZONE 'Asia/Tokyo',
		'YYYY"年"FMMM"月"FMDD"日" HH24:MI'),
	    s.last_seen_at
	INTO session_id, csrf, account_id, login, name, profession,
	    is_operator, is_facility_admin, facility_id, facility_name,
	    last_login, v_seen
	FROM session s, account a, facility f, device_cert c
	WHERE s.token_hash = p_token_hash AND s.ended_at IS NULL
	AND s.last_seen_at > now() - interval '30 minutes'
	AND s.expires_at > now()
	AND s.cert_serial = p_serial AND c.serial = s.cert_serial
	AND c.sha256 = p_sha256 AND c.revoked_at IS NULL
	AND c.not_after > now() AND c.facility_id = a.facility_id
	AND a.id = s.account_id AND a.deleted_at IS NULL
	AND f.id = a.facility_id AND f.status = 'active';
	IF NOT FOUND THEN
		RETURN;
	END IF;
	IF v_seen < now() - interval '1 minute' THEN
		UPDATE session s SET last_seen_at = now()
		WHERE s.id = session_id AND s.ended_at IS NULL;
	END IF;
	RETURN NEXT;
END
$$;
ALTER FUNCTION renrakucho.session_find(p_token_hash text, p_serial text, p_sha256 text) OWNER TO renrakucho_owner;

-- Name: session_id_seq; Type: SEQUENCE; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE renrakucho.session ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME renrakucho.session_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: session_team(text, text, text, bigint); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.session_team(p_token_hash text, p_serial text, p_sha256 text, p_team bigint) RETURNS TABLE(session_id bigint, csrf text, account_id bigint, login text, name text, profession text, is_operator boolean, is_facility_admin boolean, facility_id bigint, facility_name text, last_login text, team_patient_id bigint, team_patient_name text, team_lead boolean)
    LANGUAGE plpgsql
    SET search_path TO 'renrakucho'
    AS $$
BEGIN
	RETURN QUERY
	SELECT s.session_id, s.csrf, s.account_id, s.login, s.name,
	    s.profession, s.is_operator, s.is_facility_admin, s.facility_id,
	    s.facility_name, s.last_login, tm.patient_id, tm.name, tm.lead
	FROM session_touch(p_token_hash, p_serial, p_sha256) s
	LEFT JOIN LATERAL team_membership(p_team, s.account_id) tm ON true;
END
$$;
ALTER FUNCTION renrakucho.session_team(p_token_hash text, p_serial text, p_sha256 text, p_team bigint) OWNER TO renrakucho_owner;

-- Name: session_touch(text, text, text); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.session_touch(p_token_hash text, p_serial text, p_sha256 text) RETURNS TABLE(session_id bigint, csrf text, account_id bigint, login text, name text, profession text, is_operator boolean, is_facility_admin boolean, facility_id bigint, facility_name text, last_login text)
    LANGUAGE plpgsql
    SET search_path TO 'renrakucho'
    AS $$
BEGIN
	IF pg_current_xact_id_if_assigned() IS NULL
	    AND now() = statement_timestamp() THEN
		PERFORM set_config('synchronous_commit', 'off', true);
	END IF;
	RETURN QUERY SELECT * FROM session_find(p_token_hash, p_serial,
	    p_sha256);
END
$$;
ALTER FUNCTION renrakucho.session_touch(p_token_hash text, p_serial text, p_sha256 text) OWNER TO renrakucho_owner;

-- Name: team team_patient_id_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.team
    ADD CONSTRAINT team_patient_id_fkey FOREIGN KEY (patient_id) REFERENCES renrakucho.patient(id);

-- Name: team team_patient_id_key; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.team
    ADD CONSTRAINT team_patient_id_key UNIQUE (patient_id);

-- Name: team team_pkey; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.team
    ADD CONSTRAINT team_pkey PRIMARY KEY (id);

-- Name: team; Type: TABLE; Schema: renrakucho; Owner: renrakucho_owner
CREATE TABLE renrakucho.team (
    id bigint NOT NULL,
    patient_id bigint NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL
);
ALTER TABLE renrakucho.team OWNER TO renrakucho_owner;

-- Name: team_id_seq; Type: SEQUENCE; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE renrakucho.team ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME renrakucho.team_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

-- Name: team_last_view(bigint, bigint); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.team_last_view(p_team_id bigint, p_account_id bigint) RETURNS timestamp with time zone
    LANGUAGE sql STABLE
    SET search_path TO 'renrakucho'
    AS $$
	SELECT max(v.first_viewed_at) FROM message_view v
	JOIN message m ON m.id = v.message_id
	WHERE m.team_id = p_team_id AND v.account_id = p_account_id
$$;
ALTER FUNCTION renrakucho.team_last_view(p_team_id bigint, p_account_id bigint) OWNER TO renrakucho_owner;

-- Name: team_member team_member_account_id_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.team_member
    ADD CONSTRAINT team_member_account_id_fkey FOREIGN KEY (account_id) REFERENCES renrakucho.account(id);

-- Name: team_member team_member_approved_by_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.team_member
    ADD CONSTRAINT team_member_approved_by_fkey FOREIGN KEY (approved_by) REFERENCES renrakucho.account(id);

-- Name: team_member team_member_pkey; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.team_member
    ADD CONSTRAINT team_member_pkey PRIMARY KEY (team_id, account_id);

-- Name: team_member team_member_team_id_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.team_member
    ADD CONSTRAINT team_member_team_id_fkey FOREIGN KEY (team_id) REFERENCES renrakucho.team(id);

-- Name: team_member team_member_unread; Type: TRIGGER; Schema: renrakucho; Owner: renrakucho_owner
CREATE TRIGGER team_member_unread BEFORE INSERT ON renrakucho.team_member FOR EACH ROW EXECUTE FUNCTION renrakucho.unread_on_member();

-- Name: team_member; Type: TABLE; Schema: renrakucho; Owner: renrakucho_owner
CREATE TABLE renrakucho.team_member (
    team_id bigint NOT NULL,
    account_id bigint NOT NULL,
    role text NOT NULL,
    joined_at timestamp with time zone DEFAULT now() NOT NULL,
    approved_by bigint,
    unread integer DEFAULT 0 NOT NULL,
    last_viewed_at timestamp with time zone,
    CONSTRAINT team_member_role_check CHECK ((role = ANY (ARRAY['lead'::text, 'member'::text])))
);
ALTER TABLE renrakucho.team_member OWNER TO renrakucho_owner;

-- Name: team_member_account; Type: INDEX; Schema: renrakucho; Owner: renrakucho_owner
CREATE INDEX team_member_account ON renrakucho.team_member USING btree (account_id);

-- Name: team_member_notify team_member_notify_account_id_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.team_member_notify
    ADD CONSTRAINT team_member_notify_account_id_fkey FOREIGN KEY (account_id) REFERENCES renrakucho.account(id);

-- Name: team_member_notify team_member_notify_pkey; Type: CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.team_member_notify
    ADD CONSTRAINT team_member_notify_pkey PRIMARY KEY (team_id, account_id);

-- Name: team_member_notify team_member_notify_team_id_fkey; Type: FK CONSTRAINT; Schema: renrakucho; Owner: renrakucho_owner
ALTER TABLE ONLY renrakucho.team_member_notify
    ADD CONSTRAINT team_member_notify_team_id_fkey FOREIGN KEY (team_id) REFERENCES renrakucho.team(id);

-- Name: team_member_notify; Type: TABLE; Schema: renrakucho; Owner: renrakucho_owner
CREATE TABLE renrakucho.team_member_notify (
    team_id bigint NOT NULL,
    account_id bigint NOT NULL,
    last_mailed_at timestamp with time zone NOT NULL
);
ALTER TABLE renrakucho.team_member_notify OWNER TO renrakucho_owner;

-- Name: team_membership(bigint, bigint); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.team_membership(p_team bigint, p_account bigint) RETURNS TABLE(patient_id bigint, name text, lead boolean)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'renrakucho'
    AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	SELECT t.patient_id, p.name, tm.role = 'lead'
	FROM team t JOIN patient p ON p.id = t.patient_id
	JOIN team_member tm ON tm.team_id = t.id
	    AND tm.account_id = p_account
	WHERE t.id = p_team;
END
$$;
ALTER FUNCTION renrakucho.team_membership(p_team bigint, p_account bigint) OWNER TO renrakucho_owner;

-- Name: team_unread(bigint, bigint); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.team_unread(p_team_id bigint, p_account_id bigint) RETURNS bigint
    LANGUAGE sql STABLE
    SET search_path TO 'renrakucho'
    AS $$
	SELECT coalesce((SELECT unread FROM team_member
	    WHERE team_id = p_team_id AND account_id = p_account_id), 0)::bigint
$$;
ALTER FUNCTION renrakucho.team_unread(p_team_id bigint, p_account_id bigint) OWNER TO renrakucho_owner;

-- Name: team_unread_count(bigint, bigint); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.team_unread_count(p_team_id bigint, p_account_id bigint) RETURNS bigint
    LANGUAGE sql STABLE
    SET search_path TO 'renrakucho'
    AS $$
	SELECT count(*) FROM message m
	WHERE m.team_id = p_team_id AND m.author_id <> p_account_id
	AND m.withdrawn_at IS NULL
	AND NOT EXISTS (SELECT 1 FROM message_view v
	    WHERE v.message_id = m.id AND v.account_id = p_account_id)
$$;
ALTER FUNCTION renrakucho.team_unread_count(p_team_id bigint, p_account_id bigint) OWNER TO renrakucho_owner;

-- Name: team_view_session(text, text, text, inet, bigint, text); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.team_view_session(p_token_hash text, p_serial text, p_sha256 text, p_addr inet, p_team bigint, p_action text) RETURNS TABLE(session_id bigint, csrf text, account_id bigint, login text, name text, profession text, is_operator boolean, is_facility_admin boolean, facility_id bigint, facility_name text, last_login text, team_patient_id bigint, team_patient_name text, team_lead boolean)
    LANGUAGE plpgsql
    SET search_path TO 'renrakucho'
    AS $$
#variable_conflict use_column
DECLARE
	s	record;
	tm	record;
BEGIN
	SELECT * INTO s FROM session_find(p_token_hash, p_serial, p_sha256);
	IF NOT FOUND THEN
		RETURN;
	END IF;
	SELECT * INTO tm FROM team_membership(p_team, s.account_id);
	IF NOT FOUND THEN
		PERFORM page_audit(s.account_id, s.login, p_serial, p_addr,
		    p_action, 'team', p_team::text, NULL, 'denied',
		    'not a member');
	END IF;
	RETURN QUERY SELECT s.session_id, s.csrf, s.account_id, s.login,
	    s.name, s.profession, s.is_operator, s.is_facility_admin,
	    s.facility_id, s.facility_name, s.last_login, tm.patient_id,
	    tm.name, tm.lead;
END
$$;
ALTER FUNCTION renrakucho.team_view_session(p_token_hash text, p_serial text, p_sha256 text, p_addr inet, p_team bigint, p_action text) OWNER TO renrakucho_owner;

-- Name: timeline_attachments(bigint[]); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.timeline_attachments(p_messages bigint[]) RETURNS TABLE(message_id bigint, id bigint, name text, size integer)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'renrakucho'
    AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	SELECT x.message_id, x.id, x.name, x.size
	FROM message_attachment x WHERE x.message_id = ANY (p_messages)
	ORDER BY x.message_id, x.n;
END
$$;
ALTER FUNCTION renrakucho.timeline_attachments(p_messages bigint[]) OWNER TO renrakucho_owner;

-- Name: timeline_messages(bigint, bigint, bigint); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.timeline_messages(p_team bigint, p_before bigint, p_account bigint) RETURNS TABLE(id bigint, mine boolean, withdrawn boolean, body text, author text, profession text, facility text, created text, likes bigint, liked boolean, likers text)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'renrakucho'
    AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	SELECT m.id, m.author_id = p_account,
	    m.withdrawn_at IS NOT NULL,
	    CASE WHEN m.withdrawn_at IS NULL THEN m.body END,
	    au.name, au.profession, f.name,
	    jst_minute(m.created_at),
	    lk.n, coalesce(lk.mine, false), lk.names
	FROM (SELECT message.id, message.author_id, message.withdrawn_at,
		message.body, message.created_at
	    FROM message WHERE message.team_id = p_team
	    AND message.id < coalesce(p_before, 9223372036854775807)
	    ORDER BY message.id DESC LIMIT 31) m
	JOIN account au ON au.id = m.author_id
	JOIN facility f ON f.id = au.facility_id
	CROSS JOIN LATERAL (SELECT count(*) AS n,
		bool_or(l.account_id = p_account) AS mine,
		string_agg(la.name, '、' ORDER BY l.at, la.id) AS names
	    FROM message_like l JOIN account la ON la.id = l.account_id
	    WHERE l.message_id = m.id) lk
	ORDER BY m.id DESC;
END
$$;
ALTER FUNCTION renrakucho.timeline_messages(p_team bigint, p_before bigint, p_account bigint) OWNER TO renrakucho_owner;

-- Name: timeline_page(bigint, bigint, bigint); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.timeline_page(p_team bigint, p_before bigint, p_account bigint) RETURNS TABLE(id bigint, mine boolean, withdrawn boolean, body text, author text, profession text, facility text, created text, likes bigint, liked boolean, likers text)
    LANGUAGE plpgsql
    SET search_path TO 'renrakucho'
    AS $$
DECLARE
	k	integer := 0;
	shown	bigint[] := '{}';
BEGIN
	FOR id, mine, withdrawn, body, author, profession, facility, created,
	    likes, liked, likers IN
	    SELECT * FROM timeline_messages(p_team, p_before, p_account)
	LOOP
		k := k + 1;
		-- The page shows 30 (MSG_PAGE in cgi-bin/message.c); a
		-- 31st row only says there are older.
		IF k <= 30 THEN
			shown := shown || id;
		END IF;
		RETURN NEXT;
	END LOOP;
	PERFORM timeline_viewed(shown, p_account);
END
$$;
ALTER FUNCTION renrakucho.timeline_page(p_team bigint, p_before bigint, p_account bigint) OWNER TO renrakucho_owner;

-- Name: timeline_page_attachments(bigint, bigint); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.timeline_page_attachments(p_team bigint, p_before bigint) RETURNS TABLE(message_id bigint, id bigint, name text, size integer)
    LANGUAGE plpgsql STABLE
    SET search_path TO 'renrakucho'
    AS $$
#variable_conflict use_column
BEGIN
	RETURN QUERY
	SELECT x.message_id, x.id, x.name, x.size
	FROM message_attachment x
	WHERE x.message_id IN (SELECT message.id FROM message
	    WHERE message.team_id = p_team
	    AND message.id < coalesce(p_before, 9223372036854775807)
	    ORDER BY message.id DESC LIMIT 31)
	ORDER BY x.message_id, x.n;
END
$$;
ALTER FUNCTION renrakucho.timeline_page_attachments(p_team bigint, p_before bigint) OWNER TO renrakucho_owner;

-- Name: timeline_view(text, text, text, inet, bigint, bigint); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.timeline_view(p_token_hash text, p_serial text, p_sha256 text, p_addr inet, p_team bigint, p_before bigint) RETURNS TABLE(kind text, session_id bigint, csrf text, account_id bigint, login text, name text, profession text, is_operator boolean, is_facility_admin boolean, facility_id bigint, facility_name text, last_login text, team_patient_id bigint, team_patient_name text, team_lead boolean, id bigint, mine boolean, withdrawn boolean, body text, author text, author_profession text, facility text, created text, likes bigint, liked boolean, likers text, message_id bigint, file_name text, size integer)
    LANGUAGE plpgsql
    SET search_path TO 'renrakucho'
    AS $$
#variable_conflict use_column
DECLARE
	s	record;
	v_below	bigint := coalesce(p_before, 9223372036854775807);
BEGIN
	SELECT * INTO s FROM team_view_session(p_token_hash, p_serial,
	    p_sha256, p_addr, p_team, 'message.view');
	IF NOT FOUND THEN
		RETURN;
	END IF;
	RETURN QUERY SELECT 's', s.session_id, s.csrf, s.account_id,
	    s.login, s.name, s.profession, s.is_operator,
	    s.is_facility_admin, s.facility_id, s.facility_name,
	    s.last_login, s.team_patient_id, s.team_patient_name,
	    s.team_lead, NULL::bigint, NULL::boolean, NULL::boolean, NULL,
	    NULL, NULL, NULL, NULL, NULL::bigint, NULL::boolean, NULL,
	    NULL::bigint, NULL, NULL::integer;
	IF s.team_patient_id IS NULL THEN
		RETURN;
	END IF;
	PERFORM page_audit(s.account_id, s.login, p_serial, p_addr,
	    'message.view', 'team', p_team::text, s.team_patient_id,
	    'success', CASE WHEN p_before IS NOT NULL THEN 'older page' END);
	RETURN QUERY
	WITH m AS MATERIALIZED (SELECT x.id, x.author_id, x.withdrawn_at,
		x.body, x.created_at
	    FROM message x WHERE x.team_id = p_team AND x.id < v_below
	    ORDER BY x.id DESC LIMIT 31),
	-- The page shows 30 (MSG_PAGE in cgi-bin/message.c); a 31st row
	-- only says there are older.
	v AS (INSERT INTO message_view (message_id, account_id)
	    SELECT w.id, s.account_id
	    FROM (SELECT m.id, m.author_id, m.withdrawn_at FROM m
		ORDER BY m.id DESC LIMIT 30) w
	    WHERE w.author_id <> s.account_id AND w.withdrawn_at IS NULL
	    ON CONFLICT DO NOTHING)
	SELECT 'm', NULL::bigint, NULL, NULL::bigint, NULL, NULL, NULL,
	    NULL::boolean, NULL::boolean, NULL::bigint, NULL, NULL,
	    NULL::bigint, NULL, NULL::boolean, m.id,
	    m.author_id = s.account_id, m.withdrawn_at IS NOT NULL,
	    CASE WHEN m.withdrawn_at IS NULL THEN m.body END,
	    au.name, au.profession, f.name, jst_minute(m.created_at),
	    lk.n, coalesce(lk.mine, false), lk.names, NULL::bigint, NULL,
	    NULL::integer
	FROM m
	JOIN account au ON au.id = m.author_id
	JOIN facility f ON f.id = au.facility_id
	CROSS JOIN LATERAL (SELECT count(*) AS n,
		bool_or(l.account_id = s.account_id) AS mine,
		string_agg(la.name, '、' ORDER BY l.at, la.id) AS names
	    FROM message_like l JOIN account la ON la.id = l.account_id
	    WHERE l.message_id = m.id) lk
	ORDER BY m.id DESC;
	RETURN QUERY SELECT 'a', NULL::bigint, NULL, NULL::bigint, NULL,
	    NULL, NULL, NULL::boolean, NULL::boolean, NULL::bigint, NULL,
	    NULL, NULL::bigint, NULL, NULL::boolean, x.id, NULL::boolean,
	    NULL::boolean, NULL, NULL, NULL, NULL, NULL, NULL::bigint,
	    NULL::boolean, NULL, x.message_id, x.name, x.size
	FROM message_attachment x
	WHERE x.message_id IN (SELECT y.id FROM message y
	    WHERE y.team_id = p_team AND y.id < v_below
	    ORDER BY y.id DESC LIMIT 31)
	ORDER BY x.message_id, x.n;
END
$$;
ALTER FUNCTION renrakucho.timeline_view(p_token_hash text, p_serial text, p_sha256 text, p_addr inet, p_team bigint, p_before bigint) OWNER TO renrakucho_owner;

-- Name: timeline_viewed(bigint[], bigint); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.timeline_viewed(p_messages bigint[], p_account bigint) RETURNS void
    LANGUAGE plpgsql
    SET search_path TO 'renrakucho'
    AS $$
BEGIN
	INSERT INTO message_view (message_id, account_id)
	SELECT m.id, p_account FROM message m
	WHERE m.id = ANY (p_messages) AND m.author_id <> p_account
	AND m.withdrawn_at IS NULL ON CONFLICT DO NOTHING;
END
$$;
ALTER FUNCTION renrakucho.timeline_viewed(p_messages bigint[], p_account bigint) OWNER TO renrakucho_owner;

-- Name: unread_on_member(); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.unread_on_member() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'renrakucho'
    AS $$
BEGIN
	NEW.unread := team_unread_count(NEW.team_id, NEW.account_id);
	NEW.last_viewed_at := team_last_view(NEW.team_id, NEW.account_id);
	RETURN NEW;
END
$$;
ALTER FUNCTION renrakucho.unread_on_member() OWNER TO renrakucho_owner;

-- Name: unread_on_message(); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.unread_on_message() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'renrakucho'
    AS $$
BEGIN
	UPDATE team_member t SET unread = t.unread + 1
	FROM (SELECT o.account_id FROM team_member o
	    WHERE o.team_id = NEW.team_id AND o.account_id <> NEW.author_id
	    ORDER BY o.account_id FOR UPDATE) k
	WHERE t.team_id = NEW.team_id AND t.account_id = k.account_id;
	RETURN NULL;
END
$$;
ALTER FUNCTION renrakucho.unread_on_message() OWNER TO renrakucho_owner;

-- Name: unread_on_view(); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.unread_on_view() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'renrakucho'
    AS $$
BEGIN
	UPDATE team_member t
	SET unread = t.unread - CASE WHEN m.author_id <> NEW.account_id
		AND m.withdrawn_at IS NULL THEN 1 ELSE 0 END,
	    last_viewed_at = greatest(t.last_viewed_at, NEW.first_viewed_at)
	FROM message m
	WHERE m.id = NEW.message_id AND t.team_id = m.team_id
	AND t.account_id = NEW.account_id;
	RETURN NULL;
END
$$;
ALTER FUNCTION renrakucho.unread_on_view() OWNER TO renrakucho_owner;

-- Name: unread_on_withdraw(); Type: FUNCTION; Schema: renrakucho; Owner: renrakucho_owner
CREATE FUNCTION renrakucho.unread_on_withdraw() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path TO 'renrakucho'
    AS $$
BEGIN
	UPDATE team_member t SET unread = t.unread - 1
	FROM (SELECT o.account_id FROM team_member o
	    WHERE o.team_id = NEW.team_id AND o.account_id <> NEW.author_id
	    ORDER BY o.account_id FOR UPDATE) k
	WHERE t.team_id = NEW.team_id AND t.account_id = k.account_id
	AND NOT EXISTS (SELECT 1 FROM message_view v
	    WHERE v.message_id = NEW.id AND v.account_id = t.account_id);
	RETURN NULL;
END
$$;
ALTER FUNCTION renrakucho.unread_on_withdraw() OWNER TO renrakucho_owner;

