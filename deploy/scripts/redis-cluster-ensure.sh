#!/usr/bin/env bash
# Make sure a Redis Cluster of $REDIS_CLUSTER_PORTS masters (default 7001 7002 7003, no replicas)
# answers on 127.0.0.1 with every slot served: the scale-out profile's calendar views and counters.
# Starts the nodes this checkout owns (loopback only, no persistence: the views are a cache the
# projector copies again) and creates the cluster with `redis-cli --cluster create` the first time.
# Each node's cluster config stays under $REDIS_CLUSTER_DIR/<port>, so nodes started again re-form the
# same cluster by themselves. Idempotent; prints a single line on success.
#
# Env: REDIS_CLUSTER_PORTS, REDIS_CLUSTER_DIR (<repo>/.redis-cluster), REDIS_CLUSTER_READY_TIMEOUT (20 s).
set -euo pipefail
SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$SCRIPTS/_lib.sh"
source "$SCRIPTS/_redis_cluster_env.sh"

READY_TIMEOUT_S="${REDIS_CLUSTER_READY_TIMEOUT:-20}"
[ "${#CLUSTER_PORTS[@]}" -ge 3 ] || die "redis-cluster: a cluster needs at least 3 masters (REDIS_CLUSTER_PORTS=$REDIS_CLUSTER_PORTS)"
addresses="$(printf '127.0.0.1:%s,' "${CLUSTER_PORTS[@]}")"
addresses="${addresses%,}"

if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
  apt_install redis-server
fi

mkdir -p "$REDIS_CLUSTER_DIR"
# Serialise concurrent ensures (parallel test files, a stack starting): one creates, the others find it made.
exec 9>"$REDIS_CLUSTER_DIR/ensure.lock"
flock 9

# Every node answers, knows every other one, every slot is served, and the cluster says ok.
cluster_ready() {
  local port
  for port in "${CLUSTER_PORTS[@]}"; do
    [ "$(cluster_info_field "$port" cluster_state)" = ok ] || return 1
    [ "$(cluster_info_field "$port" cluster_known_nodes)" = "${#CLUSTER_PORTS[@]}" ] || return 1
    [ "$(cluster_info_field "$port" cluster_slots_ok)" = 16384 ] || return 1
  done
}

if cluster_ready; then
  echo "redis-cluster: ready on $addresses"
  exit 0
fi

# --- nodes: start the ones that are down; refuse a port held by anything but a cluster node --------
started=0
for port in "${CLUSTER_PORTS[@]}"; do
  if [ "$(node_cli "$port" ping)" = PONG ]; then
    [ "$(node_cli "$port" info cluster | sed -n 's/^cluster_enabled://p')" = 1 ] ||
      die "redis-cluster: 127.0.0.1:$port is a Redis without cluster mode; choose other REDIS_CLUSTER_PORTS"
    continue
  fi
  port_open 127.0.0.1 "$port" && die "redis-cluster: port 127.0.0.1:$port is in use by something that is not Redis"
  dir="$(node_dir "$port")"
  mkdir -p "$dir"
  # `--cluster-config-file` is the node's identity and slot map, rewritten by the node itself: kept across
  # restarts. fd 9 (the lock) is closed for the daemon, or it would hold the lock for as long as it runs.
  redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --protected-mode yes \
    --cluster-enabled yes --cluster-config-file "$dir/nodes.conf" --cluster-node-timeout 5000 \
    --save "" --appendonly no --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null 9>&-
  started=$((started + 1))
done

node_up() { [ "$(node_cli "$1" ping)" = PONG ]; }
for port in "${CLUSTER_PORTS[@]}"; do
  wait_until "$READY_TIMEOUT_S" 0.05 node_up "$port" || {
    tail -n 20 "$(node_dir "$port")/redis.log" >&2 2>/dev/null || true
    die "redis-cluster: node 127.0.0.1:$port not answering PING after ${READY_TIMEOUT_S}s"
  }
done

# --- cluster: create it when every node is new; nodes that met before re-form on their own -----------
fresh=1
for port in "${CLUSTER_PORTS[@]}"; do
  [ "$(cluster_info_field "$port" cluster_known_nodes)" = 1 ] && [ "$(cluster_info_field "$port" cluster_slots_assigned)" = 0 ] || fresh=0
done
created=""
if [ "$fresh" = 1 ]; then
  if ! out="$(redis-cli --cluster create $(printf '127.0.0.1:%s ' "${CLUSTER_PORTS[@]}") --cluster-replicas 0 --cluster-yes 2>&1)"; then
    echo "$out" | tail -n 20 >&2
    die "redis-cluster: redis-cli --cluster create failed"
  fi
  created=", created the cluster"
fi

if ! wait_until "$READY_TIMEOUT_S" 0.1 cluster_ready; then
  for port in "${CLUSTER_PORTS[@]}"; do note "  127.0.0.1:$port: $(node_cli "$port" cluster info | grep -E '^cluster_(state|known_nodes|slots_ok)' | tr '\n' ' ')"; done
  die "redis-cluster: the nodes do not form one cluster serving every slot; stop them (redis-cluster-stop.sh) and remove $REDIS_CLUSTER_DIR to start over (the views are a cache: the projector copies them again)"
fi
echo "redis-cluster: ready on $addresses (started $started node(s)$created)"
