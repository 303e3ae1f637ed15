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
deadline=$(( t0 + STOP_TIMEOUT_S * 1000 ))
while kill -0 "$pid" 2>/dev/null; do
  if [ "$(now_ms)" -ge "$deadline" ]; then
    note "kafka: pid $pid still alive after ${STOP_TIMEOUT_S}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    # Reaping is the init's job; just wait for the pid to disappear.
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    break
  fi
  sleep 0.2
done
rm -f "$KAFKA_PIDFILE" "$KAFKA_READYFILE"
echo "kafka: stopped (pid $pid, $(( ($(now_ms) - t0) )) ms)"
