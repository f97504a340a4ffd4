#!/bin/bash
# Helpers for the patient, join and team tests (sourced by them), and, run
# on its own, the test of /home's team list.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

# login_home WHO: a fresh session, then /home; SCSRF = the session's CSRF
# token.
login_home() {
	login_ok "$1"
	http_get "$1" /home
	SCSRF=$(input_value csrf)
}

# rand_kana: a katakana name unlikely to exist (tests share one stack).
rand_kana() {
	local k=アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ s='' i
	for i in 1 2 3 4 5 6; do s+=${k:$((RANDOM % ${#k})):1}; done
	printf '%s' "$s"
}

# step1 WHO KANA BIRTH SEX [NAME] [CODE] [CURL-ARGS...]: the lookup.
step1() {
	local who=$1 kana=$2 birth=$3 sex=$4 name=${5:-テスト 患者} code=${6:-$MUNI_CODE}
	shift 6 2>/dev/null || shift $#
	http_post "$who" /patients/new --data-urlencode "csrf=$SCSRF" \
	    --data-urlencode "name=$name" --data-urlencode "kana=$kana" \
	    --data-urlencode "birth_mode=seireki" --data-urlencode "birth=$birth" \
	    --data-urlencode "sex=$sex" --data-urlencode "muni_code=$code" \
	    --data-urlencode "muni_name=$MUNI_NAME" \
	    --data-urlencode "address=${ADDR:-${MUNI_NAME}今市町1番地}" "$@"
}

# step2 WHO KANA BIRTH SEX NAME FILE [CURL-ARGS...]: consent and document.
step2() {
	local who=$1 kana=$2 birth=$3 sex=$4 name=$5 file=$6
	shift 6
	http_post "$who" /patients/new/consent --form-string "csrf=$SCSRF" \
	    --form-string "name=$name" --form-string "kana=$kana" \
	    --form-string "birth_mode=seireki" --form-string "birth=$birth" \
	    --form-string "sex=$sex" --form-string "muni_code=$MUNI_CODE" \
	    --form-string "muni_name=$MUNI_NAME" \
	    --form-string "address=${ADDR:-${MUNI_NAME}今市町1番地}" \
	    --form-string "consent_date=2024-04-01" --form-string "signer=patient" \
	    --form-string "explainer=説明 太郎" --form-string "explainer_facility=出雲中央クリニック" \
	    --form-string "form_kind=city" --form-string "care_level=要介護1" \
	    --form-string "diseases=高血圧" -F "doc=@$file;type=application/pdf" "$@"
}

# register WHO KANA BIRTH SEX NAME: both steps; PID = the new patient.
register() {
	step1 "$1" "$2" "$3" "$4" "$5"
	step2 "$@" "$PDF"
	PID=$(printf '%s' "$HTTP_LOCATION" | sed -n 's|^/patients/\([0-9]*\)?n=created$|\1|p')
}

MUNI_CODE=${MUNICIPALITY_CODE:-32203}
MUNI_NAME=${MUNICIPALITY_NAME:-島根県出雲市}
PDF=$TEST_TMP/consent.pdf
printf '%%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%%%EOF\n' > "$PDF"

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	login_home STAFF1
	is "$HTTP_STATUS" 200 '/home opens'
	like "$(cat "$HTTP_BODY")" "href=\"/patients/$PATIENT_ID\"" '/home lists the demo patient of STAFF1'
	like "$(cat "$HTTP_BODY")" '担当者' '/home shows my role'
	login_home STAFF2
	unlike "$(cat "$HTTP_BODY")" "href=\"/patients/$PATIENT_ID\"" '/home of a non-member does not list the demo patient'
	done_testing
fi
