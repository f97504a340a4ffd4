#!/bin/bash
# Hostile input in every field of the forms hostile-input.sh does not
# cover: the portal's certificate pickup, a staff member's edit, delete
# and password reset, devices, join requests and their decisions, likes
# and withdrawals, a team's members, the operator's facility edit, its
# administrators, an account's certificate and password, certificates,
# notices, a patient's registration (both steps, every field), and every
# form of My Profile.  One driver (hostile/forms.py, hostile/driver.py)
# over kept-alive connections and one psql: each check is a request and
# a query or two, not a curl and psql process each.
. "$(dirname "$0")/../lib.sh"
[ -n "${ADMIN:-}" ] || bail "no ADMIN: source demo.env"
exec python3 "$(dirname "$0")/hostile/forms.py"
