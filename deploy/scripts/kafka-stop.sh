#!/usr/bin/env bash
# Stop the broker started by kafka-start.sh (via its pid file): SIGTERM for a
# clean shutdown, SIGKILL if it has not exited after $KAFKA_STOP_TIMEOUT (30 s).
# Idempotent; never touches a broker this checkout did not start.
set -euo pipefail
SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$SCRIPTS/_lib.sh"
source "$SCRIPTS/_kafka_env.sh"

STOP_TIMEOUT_S="${KAFKA_STOP_TIMEOUT:-30}"

if ! pid="$(kafka_running_pid)"; then
  rm -f "$KAFKA_PIDFILE" "$KAFKA_READYFILE"
  echo "kafka: not running"
  exit 0
fi

t0="$(now_ms)"
kill -TERM "$pid" 2>/dev/null || true
gone() { ! kill -0 "$pid" 2>/dev/null; }
if ! wait_until "$STOP_TIMEOUT_S" 0.2 gone; then
  note "kafka: pid $pid still alive after ${STOP_TIMEOUT_S}s, sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  # Reaping is the init's job; just wait for the pid to disappear.
  wait_until 5 0.1 gone || true
fi
rm -f "$KAFKA_PIDFILE" "$KAFKA_READYFILE"
echo "kafka: stopped (pid $pid, $(( ($(now_ms) - t0) )) ms)"
