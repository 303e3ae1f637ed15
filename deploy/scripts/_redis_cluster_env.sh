# Redis Cluster paths and settings shared by redis-cluster-ensure.sh / redis-cluster-stop.sh. Sourced.
# Each node keeps its files (cluster config, pid, log) under $REDIS_CLUSTER_DIR/<port> (git-ignored).

# Masters of the scale-out profile's cluster, one port each (comma or space separated); no replicas.
REDIS_CLUSTER_PORTS="${REDIS_CLUSTER_PORTS:-7001 7002 7003}"
read -r -a CLUSTER_PORTS <<<"${REDIS_CLUSTER_PORTS//,/ }"
REDIS_CLUSTER_DIR="${REDIS_CLUSTER_DIR:-$DATEBOOK_ROOT/.redis-cluster}"

node_dir() { echo "$REDIS_CLUSTER_DIR/$1"; }

# Pid from the node's pid file if that process is alive and really is our node on that port.
cluster_node_pid() {
  local pidfile pid
  pidfile="$(node_dir "$1")/redis.pid"
  [ -s "$pidfile" ] || return 1
  pid="$(cat "$pidfile")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qE "redis-server .*:$1( |$)" || return 1
  echo "$pid"
}

# `redis-cli` against one node, with the CR of its replies removed.
node_cli() {
  local port="$1"
  shift
  timeout 5 redis-cli -h 127.0.0.1 -p "$port" "$@" 2>/dev/null | tr -d '\r'
}

# One field of CLUSTER INFO (e.g. cluster_state) as the node on that port reports it.
cluster_info_field() { node_cli "$1" cluster info | sed -n "s/^$2://p"; }
