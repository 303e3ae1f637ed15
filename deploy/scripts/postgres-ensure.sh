#!/usr/bin/env bash
# Make sure PostgreSQL answers on $PGHOST:$PGPORT (default 127.0.0.1:5432).
# Starts the local cluster if it is down and installs PostgreSQL if it is
# missing entirely. Idempotent; prints a single line on success.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"

PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
READY_TIMEOUT_S="${PG_READY_TIMEOUT:-30}"

is_ready() { command -v pg_isready >/dev/null && pg_isready -q -h "$PGHOST" -p "$PGPORT" -t 2; }

if is_ready; then
  echo "postgres: ready on $PGHOST:$PGPORT"
  exit 0
fi

fresh_install=0
if ! ls /etc/postgresql/*/main/postgresql.conf >/dev/null 2>&1; then
  # Not installed at all (or no cluster): Debian's package creates 'main'.
  apt_install postgresql
  fresh_install=1
fi

# Newest installed major version, in case more than one is present.
PG_VERSION="$(ls /etc/postgresql | sort -V | tail -n 1)"

if [ "$fresh_install" = 1 ]; then
  # Match the documented machine setup: trust auth on loopback for the
  # postgres user, so apps/tests connect without a password. Loopback only.
  hba="/etc/postgresql/$PG_VERSION/main/pg_hba.conf"
  if ! grep -q '^# datebook: loopback trust' "$hba"; then
    tmp="$(mktemp)"
    {
      echo '# datebook: loopback trust (added by deploy/scripts/postgres-ensure.sh)'
      echo 'local all all               trust'
      echo 'host  all all 127.0.0.1/32  trust'
      echo 'host  all all ::1/128       trust'
      cat "$hba"
    } >"$tmp"
    cat "$tmp" >"$hba" && rm -f "$tmp"
  fi
fi

# "already running" exits non-zero; readiness is decided by the poll below.
pg_ctlcluster --skip-systemctl-redirect "$PG_VERSION" main start >/dev/null 2>&1 || true

if ! wait_until "$READY_TIMEOUT_S" 0.2 is_ready; then
  note "postgres: not ready on $PGHOST:$PGPORT after ${READY_TIMEOUT_S}s"
  tail -n 20 "/var/log/postgresql/postgresql-$PG_VERSION-main.log" >&2 2>/dev/null || true
  exit 1
fi
echo "postgres: ready on $PGHOST:$PGPORT (started cluster $PG_VERSION/main)"
