#!/usr/bin/env bash
# Start a local single-node Kafka (KRaft) on 127.0.0.1:$KAFKA_PORT and wait
# until it really serves requests. Idempotent: returns at once if our broker is
# already up, fetches jars and formats storage only the first time.
#
# Env: KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (KAFKA_PORT+1),
#      KAFKA_HEAP_OPTS (-Xms256m -Xmx512m), KAFKA_READY_TIMEOUT (90 s),
#      KAFKA_DIR (<repo>/.kafka).
set -euo pipefail
SCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$SCRIPTS/_lib.sh"
source "$SCRIPTS/_kafka_env.sh"

POM="$DATEBOOK_ROOT/deploy/kafka/pom.xml"
TEMPLATE="$DATEBOOK_ROOT/deploy/kafka/server.properties"
READY_TIMEOUT_S="${KAFKA_READY_TIMEOUT:-90}"
# Small heap: 2 cores and Postgres/Redis/Node share the box.
read -r -a HEAP_OPTS <<<"${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
# Short-lived tool JVMs (StorageTool, probe): start fast, use little.
TOOL_JVM=(-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn)

t0="$(now_ms)"
elapsed() { echo "$(( ($(now_ms) - t0) / 100 ))" | sed 's/.$/.&/;s/^\./0./'; }

mkdir -p "$KAFKA_DIR"

# Serialise concurrent starts (e.g. parallel test tasks). fd 9 is closed for
# the broker below so it does not hold the lock forever.
exec 9>"$KAFKA_DIR/start.lock"
flock 9

# --- fast path: our broker already passed the probe ---------------------------
if pid="$(kafka_running_pid)"; then
  # Port our running broker was configured with (props are only re-rendered
  # when it is down), so a different KAFKA_PORT cannot be mistaken for it.
  running_port="$(sed -n "s/^listeners=PLAINTEXT:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p" "$KAFKA_PROPS")"
  if [ "$running_port" != "$KAFKA_PORT" ]; then
    die "kafka: this checkout's broker (pid $pid) runs on port $running_port, not $KAFKA_PORT; run kafka-stop.sh first"
  fi
  if [ "$(cat "$KAFKA_READYFILE" 2>/dev/null)" = "$pid" ] && port_open 127.0.0.1 "$KAFKA_PORT"; then
    echo "kafka: already running on 127.0.0.1:$KAFKA_PORT (pid $pid)"
    exit 0
  fi
fi

# --- tools --------------------------------------------------------------------
if ! command -v mvn >/dev/null || ! command -v java >/dev/null; then
  note "kafka: installing java/maven via apt"
  apt_install maven openjdk-17-jdk-headless
fi

# --- jars: fetched via Maven, skipped while the stamp matches the pom --------
stamp="$(sha256sum "$POM" | cut -d' ' -f1)"
if [ "$(cat "$KAFKA_LIBS/.stamp" 2>/dev/null)" != "$stamp" ]; then
  note "kafka: fetching broker jars from Maven Central (deploy/kafka/pom.xml)"
  tmp_libs="$KAFKA_DIR/libs.tmp.$$"
  rm -rf "$tmp_libs"
  if ! mvn -B -q -Dstyle.color=never -f "$POM" dependency:copy-dependencies \
    -Dkafka.libs.dir="$tmp_libs" >"$KAFKA_DIR/mvn.log" 2>&1; then
    tail -n 30 "$KAFKA_DIR/mvn.log" >&2
    rm -rf "$tmp_libs"
    die "kafka: Maven could not fetch the jars (log: $KAFKA_DIR/mvn.log)"
  fi
  # Swap in whole so a failed/partial fetch never mixes jar versions.
  echo "$stamp" >"$tmp_libs/.stamp"
  rm -rf "$KAFKA_LIBS"
  mv "$tmp_libs" "$KAFKA_LIBS"
  note "kafka: jars ready ($(ls "$KAFKA_LIBS" | grep -c '\.jar$') jars, $(elapsed)s)"
fi
CP="$KAFKA_LIBS/*"

# --- probe: a real Metadata round trip through the Admin client --------------
cat >"$KAFKA_DIR/probe.properties" <<PROPS
request.timeout.ms=5000
default.api.timeout.ms=8000
socket.connection.setup.timeout.ms=2000
socket.connection.setup.timeout.max.ms=2000
PROPS
probe() {
  timeout 30 java "${TOOL_JVM[@]}" -cp "$CP" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "127.0.0.1:$KAFKA_PORT" --command-config "$KAFKA_DIR/probe.properties" \
    --list >/dev/null 2>"$KAFKA_DIR/probe.err"
}

# Something already listens on the port but is not our confirmed broker:
# another checkout's broker, or ours still starting. Accept it if it answers.
if port_open 127.0.0.1 "$KAFKA_PORT" && ! kafka_running_pid >/dev/null; then
  if probe; then
    echo "kafka: a broker is already answering on 127.0.0.1:$KAFKA_PORT (not started by this checkout)"
    exit 0
  fi
  sed 's/^/  /' "$KAFKA_DIR/probe.err" | tail -n 5 >&2
  die "kafka: port 127.0.0.1:$KAFKA_PORT is in use by something that is not a working Kafka broker"
fi

# --- config (only while our broker is down) + one-time storage format ------
if ! kafka_running_pid >/dev/null; then
  tpl="$(cat "$TEMPLATE")"
  tpl="${tpl//'${KAFKA_PORT}'/$KAFKA_PORT}"
  tpl="${tpl//'${KAFKA_CONTROLLER_PORT}'/$KAFKA_CONTROLLER_PORT}"
  tpl="${tpl//'${KAFKA_DATA_DIR}'/$KAFKA_DATA_DIR}"
  printf '%s\n' "$tpl" >"$KAFKA_PROPS"
fi

if [ ! -f "$KAFKA_DATA_DIR/meta.properties" ]; then
  # Cluster id is generated once and kept, so a re-format keeps the same id.
  if [ ! -s "$KAFKA_DIR/cluster-id" ]; then
    java "${TOOL_JVM[@]}" -cp "$CP" kafka.tools.StorageTool random-uuid >"$KAFKA_DIR/cluster-id.tmp"
    mv "$KAFKA_DIR/cluster-id.tmp" "$KAFKA_DIR/cluster-id"
  fi
  # Static controller.quorum.voters => plain format (no --standalone needed).
  java "${TOOL_JVM[@]}" -cp "$CP" kafka.tools.StorageTool format \
    -t "$(cat "$KAFKA_DIR/cluster-id")" -c "$KAFKA_PROPS" >"$KAFKA_DIR/format.log" 2>&1 ||
    { cat "$KAFKA_DIR/format.log" >&2; die "kafka: storage format failed"; }
  note "kafka: formatted $KAFKA_DATA_DIR (cluster id $(cat "$KAFKA_DIR/cluster-id"))"
fi

# --- launch (unless our broker is already up but not yet probed) -------------
if ! pid="$(kafka_running_pid)"; then
  rm -f "$KAFKA_READYFILE"
  [ -s "$KAFKA_LOG" ] && mv -f "$KAFKA_LOG" "$KAFKA_LOG.1"   # keep one previous log
  JVM=(-server "${HEAP_OPTS[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent
    -XX:MaxDirectMemorySize=256m -Djava.awt.headless=true
    -Dorg.slf4j.simpleLogger.showDateTime=true
    "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss,SSS"
    -Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients=warn)
  # setsid + nohup: the broker outlives this script and the caller's terminal.
  setsid nohup java "${JVM[@]}" -cp "$CP" kafka.Kafka "$KAFKA_PROPS" \
    </dev/null >>"$KAFKA_LOG" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$KAFKA_PIDFILE"
fi

# --- wait for readiness: port first (cheap), then a real request -------------
fail() {
  note "kafka: $1"
  # The root cause is usually an early ERROR line, not the shutdown noise at the end.
  note "---- first errors in $KAFKA_LOG ----"
  grep -m 6 -E "\] (ERROR|FATAL) |^Caused by: " "$KAFKA_LOG" | cut -c1-400 >&2 || true
  note "---- last lines of $KAFKA_LOG ----"
  tail -n 15 "$KAFKA_LOG" | cut -c1-400 >&2 || true
  exit 1
}
broker_ready() {
  port_open 127.0.0.1 "$KAFKA_PORT" && probe && return 0
  kill -0 "$pid" 2>/dev/null || { rm -f "$KAFKA_PIDFILE"; fail "broker process $pid exited during startup"; }
  return 1
}
if ! wait_until "$READY_TIMEOUT_S" 0.3 broker_ready; then
  # Do not leave a half-started broker behind; the next run starts clean.
  "$SCRIPTS/kafka-stop.sh" >/dev/null 2>&1 || true
  fail "not ready on 127.0.0.1:$KAFKA_PORT after ${READY_TIMEOUT_S}s (stopped it)"
fi
echo "$pid" >"$KAFKA_READYFILE"
echo "kafka: ready on 127.0.0.1:$KAFKA_PORT (pid $pid, $(elapsed)s)"
