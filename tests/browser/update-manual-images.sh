#!/bin/bash
# Refreshes the manual's screenshots (www/manual/images/*.png) from the
# browser tests' latest run: one tablet-size (768 px) screenshot for each
# manual section that shows a screen, made small with pngquant and optipng
# (Debian packages; installed when missing and run as root).
#
#   tests/browser/run.sh && tests/browser/update-manual-images.sh
#
# Environment: SCREENSHOT_DIR (default var/screenshots, as run.sh).
# Fails if a screenshot is missing or an image stays above 200 KB.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
SRC=${SCREENSHOT_DIR:-$TOP/var/screenshots}
DST=$TOP/www/manual/images
MAX=204800

# manual image            <- flow/step (tablet size; the step number may change)
# (a name with a "/" is a path under www/: the portal's images)
IMAGES="
login-form.png            login-logout/login-form
home.png                  login-logout/home
profile-devices.png       profile-certificate/profile
certificate-issued.png    profile-certificate/issued
patient-required.png      patient-register/required-data
patient-consent.png       patient-register/consent
patient-page.png          patient-register/patient
patient-edit.png          patient-edit/edit-form
patient-history.png       patient-edit/history
patient-sheet.png         patient-sheet/sheet
join-request.png          join-request/found
join-approve.png          join-approve/requests
messages.png              messages/writer-sees-like
receipts.png              read-receipts/receipts
facility-staff-list.png   facility-staff/staff-list
facility-staff-new.png    facility-staff/new-staff-form
operator-stats.png        operator-stats/stats
portal/login-help/images/cert-none.png     cert-errors/cert-none
portal/login-help/images/cert-refused.png  cert-errors/cert-refused
operator-teams.png        team-orphans/teams
"

if ! command -v pngquant > /dev/null || ! command -v optipng > /dev/null; then
	[ "$(id -u)" = 0 ] || { echo "install pngquant and optipng" >&2; exit 1; }
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends pngquant optipng > /dev/null
fi

mkdir -p "$DST"
status=0
while read -r name shot; do
	[ -n "$name" ] || continue
	src=$(ls "$SRC/${shot%%/*}"/tablet-[0-9][0-9]-"${shot#*/}".png 2> /dev/null |
	    tail -n 1 || true)
	if [ -z "$src" ]; then
		echo "missing: $SRC/${shot%%/*}/tablet-NN-${shot#*/}.png" >&2
		status=1
		continue
	fi
	case $name in
	*/*) out=$TOP/www/$name; mkdir -p "$(dirname "$out")" ;;
	*) out=$DST/$name ;;
	esac
	# Screens are a few flat colours: 64 colours keep the text sharp.
	pngquant --force --strip --speed 1 --quality 50-90 --output "$out" \
	    -- "$src" 2> /dev/null ||
	    pngquant --force --strip --speed 1 --output "$out" 64 -- "$src"
	optipng -quiet -o2 "$out"
	size=$(stat -c %s "$out")
	printf '%-26s %6d KB  <- %s\n' "$name" $((size / 1024)) "${src#"$TOP"/}"
	if [ "$size" -gt "$MAX" ]; then
		echo "too large (> $((MAX / 1024)) KB): $out" >&2
		status=1
	fi
done <<< "$IMAGES"
du -ch "$DST"/*.png | tail -n 1
exit $status
