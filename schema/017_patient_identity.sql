-- 017_patient_identity.sql: two different people with the same kana,
-- birth date and sex.  The first registered keeps identity_seq 0, so two
-- staff registering the same person at the same moment still end with
-- one row (the second insert fails on patient_identity and is offered
-- the join).  Another person with the same three is registered only
-- when the registering staff member confirms that this is someone else
-- and the address given differs from that of every person already
-- registered with them (address_key, functions/patients.sql); that row
-- takes the next identity_seq.
SET LOCAL ROLE renrakucho_owner;
SET LOCAL search_path = renrakucho;

ALTER TABLE patient ADD COLUMN identity_seq integer NOT NULL DEFAULT 0
    CHECK (identity_seq >= 0);
COMMENT ON COLUMN patient.identity_seq IS
	'0 for the first person registered with this kana_key, birth_date and sex; 1, 2, ... for each further person with the same three whom the registering staff member confirmed to be someone else (at a different address).';

DROP INDEX patient_identity;
CREATE UNIQUE INDEX patient_identity
    ON patient (kana_key, birth_date, sex, identity_seq);
