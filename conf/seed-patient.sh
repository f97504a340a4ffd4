#!/bin/bash
# The demo patient of the demo.env contract: a resident of the service
# area, consent with a tiny signed PDF, a support team whose only member
# (and 担当者) is the given account.  SQL through the owner DSN only; the
# kana key comes from renrakucho.kana_key(), the one normaliser.
#
#   . conf/seed-patient.sh; seed_patient OWNER_DSN LOGIN MUNICIPALITY_CODE
#   bash conf/seed-patient.sh OWNER_DSN LOGIN MUNICIPALITY_CODE
#
# Prints PATIENT_ID='…' and TEAM_ID='…' lines (for seed.env).

seed_patient() {
	local dsn=$1 login=$2 code=$3 out
	# Passed as psql variables: no value is ever spliced into the SQL.
	out=$(psql "$dsn" -X -q -tA -v ON_ERROR_STOP=1 -v login="$login" \
	    -v code="$code" <<'SQL'
BEGIN;
WITH a AS (SELECT id FROM renrakucho.account
	WHERE lower(login) = lower(:'login') AND deleted_at IS NULL),
p AS (INSERT INTO renrakucho.patient (name, kana, kana_key, birth_date,
	sex, address, municipality_code, phone, care_level, main_diseases,
	emergency_contact, registered_by)
	SELECT 'デモ 太郎', 'デモ タロウ', renrakucho.kana_key('デモ タロウ'),
	'1935-03-04', 'male', '島根県出雲市今市町100番地', :'code',
	'0853-00-0000', '要介護2', '高血圧症', '出雲 花子（長女）0853-00-0001',
	a.id FROM a RETURNING id, registered_by),
c AS (INSERT INTO renrakucho.consent (patient_id, obtained_by, obtained_on,
	signer, explainer_name, explainer_facility, form_kind, doc_type,
	doc_name, doc_size, doc_sha256, doc)
	SELECT p.id, p.registered_by, (now() AT TIME ZONE 'Asia/Tokyo')::date, 'patient', 'デモ説明者',
	'出雲中央クリニック', 'city', 'application/pdf', 'demo-consent.pdf',
	length(d.b), encode(sha256(d.b), 'hex'), d.b
	FROM p, (SELECT convert_to('%PDF-1.4' || E'\n%%EOF\n', 'UTF8') AS b) d),
t AS (INSERT INTO renrakucho.team (patient_id) SELECT id FROM p
	RETURNING id, patient_id),
m AS (INSERT INTO renrakucho.team_member (team_id, account_id, role)
	SELECT t.id, p.registered_by, 'lead' FROM t, p)
SELECT 'PATIENT_ID=''' || t.patient_id || '''', 'TEAM_ID=''' || t.id || ''''
FROM t;
COMMIT;
SQL
	) || return 1
	case $out in *PATIENT_ID=*TEAM_ID=*) ;; *) return 1 ;; esac
	printf '%s\n' "$out" | tr '|' '\n'
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	[ $# = 3 ] || { echo "usage: $0 OWNER_DSN LOGIN MUNICIPALITY_CODE" >&2; exit 2; }
	seed_patient "$@"
fi
