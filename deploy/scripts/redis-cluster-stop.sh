#!/usr/bin/env bash
# Stop the Redis Cluster nodes redis-cluster-ensure.sh started (by their pid files); each node's
# cluster config stays, so the next ensure re-forms the same cluster. REDIS_CLUSTER_RESET=1 also
# removes $REDIS_CLUSTER_DIR (the next ensure creates a new cluster). Idempotent; never touches a
# Redis this checkout did not start.
set -euo pipefail
SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$SCRIPTS/_lib.sh"
source "$SCRIPTS/_redis_cluster_env.sh"

stopped=0
for port in "${CLUSTER_PORTS[@]}"; do
  pid="$(cluster_node_pid "$port")" || continue
  kill -TERM "$pid" 2>/dev/null || true
  gone() { ! kill -0 "$pid" 2>/dev/null; }
  wait_until 10 0.05 gone || { kill -KILL "$pid" 2>/dev/null || true; wait_until 5 0.05 gone || true; }
  rm -f "$(node_dir "$port")/redis.pid"
  stopped=$((stopped + 1))
done
if [ "${REDIS_CLUSTER_RESET:-0}" = 1 ]; then
  rm -rf "$REDIS_CLUSTER_DIR"
fi
echo "redis-cluster: stopped $stopped node(s)"
