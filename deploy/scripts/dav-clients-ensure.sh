#!/usr/bin/env bash
# Make sure the real calendar clients the CalDAV tests and the bench drive are installed, from Debian's
# packages: python3-caldav (a CalDAV client library), vdirsyncer (two-way sync to a folder of .ics files),
# khal (a terminal calendar reading that folder) and radicale (the peer server the bench compares with).
# Debian's Python packages go into Debian's own interpreter (/usr/bin/python3), whatever python3 comes first
# on PATH. Idempotent, and quick when nothing is missing (dpkg -s only); prints a single line on success.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"

PACKAGES=(python3-caldav vdirsyncer khal radicale)

installed() {
  dpkg -s "$1" 2>/dev/null | grep -q '^Status: install ok installed$'
}

missing=()
for package in "${PACKAGES[@]}"; do
  installed "$package" || missing+=("$package")
done

if [ "${#missing[@]}" -gt 0 ]; then
  note "dav clients: installing ${missing[*]}"
  apt_install "${missing[@]}"
fi

# What the tests call, checked where they call it: an installed package whose entry point is missing is broken.
for binary in /usr/bin/python3 /usr/bin/vdirsyncer /usr/bin/khal; do
  [ -x "$binary" ] || die "dav clients: $binary is missing after installing ${PACKAGES[*]}"
done
/usr/bin/python3 -c 'import caldav, radicale' 2>/dev/null || die "dav clients: /usr/bin/python3 cannot import caldav and radicale"

echo "dav clients: ready (${PACKAGES[*]})"
