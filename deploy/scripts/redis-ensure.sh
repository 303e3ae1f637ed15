#!/usr/bin/env bash
# Make sure Redis answers PING on 127.0.0.1:$REDIS_PORT (default 6379).
# Starts redis-server (loopback only, no persistence) if it is down and
# installs it if it is missing. Idempotent; prints a single line on success.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_lib.sh"

REDIS_PORT="${REDIS_PORT:-6379}"
READY_TIMEOUT_S="${REDIS_READY_TIMEOUT:-15}"

is_ready() {
  command -v redis-cli >/dev/null &&
    [ "$(timeout 2 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
}

if is_ready; then
  echo "redis: ready on 127.0.0.1:$REDIS_PORT"
  exit 0
fi

if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
  apt_install redis-server
fi

# Same flags the machine uses at boot: loopback only, no RDB/AOF (cache and
# test data only). Directories may be missing on a fresh or cleaned machine.
mkdir -p /var/lib/redis /var/log/redis
logfile=/var/log/redis/ci.log
[ "$REDIS_PORT" = 6379 ] || logfile="/var/log/redis/ci-$REDIS_PORT.log"
redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" \
  --save "" --appendonly no --dir /var/lib/redis --logfile "$logfile" >/dev/null

if ! wait_until "$READY_TIMEOUT_S" 0.1 is_ready; then
  note "redis: not answering PING on 127.0.0.1:$REDIS_PORT after ${READY_TIMEOUT_S}s"
  tail -n 20 "$logfile" >&2 2>/dev/null || true
  exit 1
fi
echo "redis: ready on 127.0.0.1:$REDIS_PORT (started redis-server)"
