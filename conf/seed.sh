#!/bin/bash
# Seeds a running stack (conf/stack.sh start DIR) with the demo facilities
# and accounts, once (marker DIR/.seeded), through the admin CLI; used by
# run-demo and run-tests.  Each account gets a random password and its own
# device certificate (DIR/certs/<who>.p12 and .pem).  Writes DIR/seed.env
# and then DIR/demo.env (conf/stack.sh env).  The demo's content (more
# patients, messages, a notice, a sheet) is conf/seed-demo.sh's, which
# run-demo runs after this and the test stacks do not.
#
#   conf/seed.sh DIR
#
# Accounts (the <WHO> names of the demo.env contract):
#   出雲中央クリニック (島根県出雲市 32203): OPERATOR, FACILITY_ADMIN, STAFF1, STAFF2
#   松江訪問看護ステーション (島根県松江市 32201, outside the city): OUTSIDE
set -euo pipefail
umask 077

CONF_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ $# = 1 ] || { echo "usage: $0 DIR" >&2; exit 2; }
RUN_DIR=$(readlink -f "$1")
die() { printf 'seed: error: %s\n' "$*" >&2; exit 1; }

[ -f "$RUN_DIR/stack.env" ] || die "no stack in $1 (conf/stack.sh start first)"
if [ -f "$RUN_DIR/.seeded" ]; then
	bash "$CONF_SRC/stack.sh" env "$RUN_DIR"
	exit 0
fi
# shellcheck disable=SC1091
. "$RUN_DIR/stack.env"
CERTS=$RUN_DIR/certs
mkdir -p "$CERTS"
OUT=$RUN_DIR/seed.env.tmp
: > "$OUT"

admin() {
	# shellcheck disable=SC2086
	$ADMIN "$@"
}

# facility NAME CODE MUNICIPALITY EMAIL ADDRESS PHONE -> id on stdout
facility() {
	local id
	id=$(admin facility add --name "$1" --municipality-code "$2" \
	    --municipality "$3" --email "$4" --address "$5" --phone "$6" |
	    tail -n 1 | tr -d '[:space:]')
	case $id in ''|*[!0-9]*) die "facility add $1 printed no id: '$id'" ;; esac
	echo "$id"
}

# account WHO FACILITY LOGIN NAME KANA PROFESSION EMAIL ROLE...
account() {
	local who=$1 fid=$2 login=$3 name=$4 kana=$5 prof=$6 email=$7
	shift 7
	local roles=() r pw p12pw
	for r in "$@"; do roles+=(--role "$r"); done
	# Upper, lower, digit and symbol, 19 characters; letters and digits
	# at random rather than hex, which cracklib may find systematic
	# (runs like 89ab).
	pw="Rk-$(openssl rand -base64 24 | tr -dc 'A-Za-z0-9' | head -c 15)X"
	# --own-password: the demo's accounts log in without the first
	# login's change.
	printf '%s\n' "$pw" | admin account add --own-password --facility "$fid" \
	    --login "$login" --name "$name" --kana "$kana" \
	    --profession "$prof" --email "$email" "${roles[@]}" > /dev/null ||
	    die "account add $login failed"
	p12pw=$(admin cert issue --login "$login" --label "デモ端末 ($login)" \
	    --p12 "$CERTS/$(echo "$who" | tr 'A-Z' 'a-z').p12" \
	    --pem "$CERTS/$(echo "$who" | tr 'A-Z' 'a-z').pem" |
	    tail -n 1 | tr -d '\r\n')
	[ -n "$p12pw" ] || die "cert issue $login printed no password"
	case $pw$p12pw in *"'"*) die "quote in a password" ;; esac
	{
		echo "${who}_LOGIN='$login'"
		echo "${who}_PASSWORD='$pw'"
		echo "${who}_P12='$CERTS/$(echo "$who" | tr 'A-Z' 'a-z').p12'"
		echo "${who}_P12_PASSWORD='$p12pw'"
		echo "${who}_PEM='$CERTS/$(echo "$who" | tr 'A-Z' 'a-z').pem'"
	} >> "$OUT"
}

inside=$(facility 出雲中央クリニック "$MUNICIPALITY_CODE" "$MUNICIPALITY_NAME" \
    info@izumo-chuo-clinic.example.jp "${MUNICIPALITY_NAME}今市町1-1" 0853-11-1111)
outside=$(facility 松江訪問看護ステーション 32201 島根県松江市 \
    info@matsue-houkan.example.jp 島根県松江市殿町2-2 0852-22-2222)

account OPERATOR "$inside" operator '出雲 一郎' 'イズモ イチロウ' 事務 \
    operator@izumo-chuo-clinic.example.jp operator
account FACILITY_ADMIN "$inside" fadmin '今市 花子' 'イマイチ ハナコ' 医師 \
    fadmin@izumo-chuo-clinic.example.jp facility-admin staff
account STAFF1 "$inside" staff1 '斐川 次郎' 'ヒカワ ジロウ' 看護師 \
    staff1@izumo-chuo-clinic.example.jp staff
account STAFF2 "$inside" staff2 '大社 三枝' 'タイシャ ミエ' 介護支援専門員 \
    staff2@izumo-chuo-clinic.example.jp staff
account OUTSIDE "$outside" outside '松江 四郎' 'マツエ シロウ' 看護師 \
    outside@matsue-houkan.example.jp staff

. "$CONF_SRC/seed-patient.sh"
{
	echo "INSIDE_FACILITY_ID='$inside'"
	echo "OUTSIDE_FACILITY_ID='$outside'"
	# The demo patient: STAFF1 is the team's person in charge; neither
	# STAFF2 nor OUTSIDE is a member.
	seed_patient "$OWNER_DSN" staff1 "$MUNICIPALITY_CODE" ||
	    die "seeding the demo patient failed"
} >> "$OUT"
mv -f "$OUT" "$RUN_DIR/seed.env"
touch "$RUN_DIR/.seeded"
bash "$CONF_SRC/stack.sh" env "$RUN_DIR"
