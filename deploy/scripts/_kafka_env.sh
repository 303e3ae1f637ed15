# Kafka paths and settings shared by kafka-start.sh / kafka-stop.sh. Sourced.
# Everything lives under <repo>/.kafka (git-ignored): jars, data, log, pid.

KAFKA_PORT="${KAFKA_PORT:-9092}"
# Controller listener defaults to the port right above the client port.
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 1))}"
KAFKA_DIR="${KAFKA_DIR:-$DATEBOOK_ROOT/.kafka}"
KAFKA_LIBS="$KAFKA_DIR/libs"
KAFKA_DATA_DIR="$KAFKA_DIR/data"
KAFKA_PROPS="$KAFKA_DIR/server.properties"
KAFKA_LOG="$KAFKA_DIR/kafka.log"
KAFKA_PIDFILE="$KAFKA_DIR/kafka.pid"
# Holds the pid that passed the readiness probe, so repeat starts can skip it.
KAFKA_READYFILE="$KAFKA_DIR/kafka.ready"

# Pid from the pid file if that process is alive and really is our broker
# (guards against a stale file whose pid was reused by something else).
kafka_running_pid() {
  local pid
  [ -s "$KAFKA_PIDFILE" ] || return 1
  pid="$(cat "$KAFKA_PIDFILE")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $KAFKA_PROPS" || return 1
  echo "$pid"
}
