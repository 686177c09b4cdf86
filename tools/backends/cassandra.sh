#!/usr/bin/env bash
# Apache Cassandra 5.0, one node on 127.0.0.1, run from the jars fetch.sh copied out of ~/.m2 as
# org.apache.cassandra.service.CassandraDaemon on JDK 17 with the options of Cassandra's
# conf/jvm17-server.options (the JPMS list below) and the essentials of conf/jvm-server.options.
# Usage: cassandra.sh start|stop|status [--port N] [--storage-port M]
#   N: CQL native port (default 9042); M: internode port (default: a free one). A node restarted
#   on the same data keeps its address only with the same M: pass it when restarting.
set -euo pipefail
. "$(dirname "$0")/common.sh"

STATE="$BACKENDS_DIR/cassandra"
PIDFILE="$STATE/pid"
PORTFILE="$STATE/port"
LOG="$STATE/cassandra.log"
HEAP="${STRATA_CASSANDRA_HEAP:-1G}"
DEADLINE_S="${STRATA_CASSANDRA_START_TIMEOUT:-240}"

cmd="${1:-}"; shift || true
port=""
storage_port=""
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --port=*) port="${1#--port=}"; shift ;;
    --storage-port) storage_port="$2"; shift 2 ;;
    --storage-port=*) storage_port="${1#--storage-port=}"; shift ;;
    *) die "unknown argument $1" ;;
  esac
done

probe() { node "$BACKENDS_SRC/cql-probe.js" "$1" 2>/dev/null; }

# conf/jvm17-server.options of Cassandra 5.0: G1 settings and the module exports/opens that
# Cassandra's internals (jamm, Netty, JMX, Chronicle) need on JDK 17.
JVM17_OPTS=(
  -XX:+UseG1GC -XX:+ParallelRefProcEnabled -XX:MaxTenuringThreshold=1 -XX:G1HeapRegionSize=16m
  -XX:G1RSetUpdatingPauseTimePercent=5 -XX:MaxGCPauseMillis=300 -XX:InitiatingHeapOccupancyPercent=70
  -Djdk.attach.allowAttachSelf=true
  --add-exports java.base/jdk.internal.misc=ALL-UNNAMED
  --add-exports java.management.rmi/com.sun.jmx.remote.internal.rmi=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.registry=ALL-UNNAMED
  --add-exports java.rmi/sun.rmi.server=ALL-UNNAMED
  --add-exports java.sql/java.sql=ALL-UNNAMED
  --add-exports java.base/java.lang.ref=ALL-UNNAMED
  --add-exports jdk.unsupported/sun.misc=ALL-UNNAMED
  --add-exports jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
  --add-exports jdk.attach/sun.tools.attach=ALL-UNNAMED
  --add-opens java.base/java.lang.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.loader=ALL-UNNAMED
  --add-opens java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/jdk.internal.reflect=ALL-UNNAMED
  --add-opens java.base/jdk.internal.math=ALL-UNNAMED
  --add-opens java.base/jdk.internal.module=ALL-UNNAMED
  --add-opens java.base/jdk.internal.util.jar=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.base/java.io=ALL-UNNAMED
  --add-opens java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens jdk.compiler/com.sun.tools.javac=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED
  --add-opens java.base/java.util=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true
  -Dio.netty.allocator.useCacheForAllThreads=true
  -Dio.netty.allocator.maxOrder=11
)

# conf/jvm-server.options essentials. Left out on purpose: -XX:+AlwaysPreTouch (would commit the
# whole heap at once on a shared machine) and -XX:+UseNUMA.
JVM_SERVER_OPTS=(
  -ea -da:net.openhft... -XX:+UseThreadPriorities -XX:+HeapDumpOnOutOfMemoryError -XX:+ExitOnOutOfMemoryError -Xss256k
  -XX:+UseTLAB -XX:+ResizeTLAB -XX:+PerfDisableSharedMem -Djava.net.preferIPv4Stack=true
)

start() {
  if pid_alive "$PIDFILE"; then log "cassandra already running (pid $(cat "$PIDFILE"), port $(cat "$PORTFILE"))"; return 0; fi
  local lib jamm
  lib="$(cassandra_lib)"
  [ -f "$lib/.fetched" ] || "$BACKENDS_SRC/fetch.sh" cassandra
  [ -n "$port" ] || port=9042
  port_open "$port" && die "port $port is already taken"
  [ -n "$storage_port" ] || storage_port="$(free_port)"
  jamm="$(ls "$lib"/jamm-*.jar | head -n1)"
  mkdir -p "$STATE/data" "$STATE/logs" "$STATE/triggers"
  log "starting Cassandra $(pom_prop pom-cassandra.xml cassandra.version) on 127.0.0.1:$port (storage port $storage_port, heap $HEAP, log $LOG)"
  # setsid: its own process group, so the caller's Ctrl-C or CI's teardown does not race stop.
  (cd "$STATE" && exec setsid java \
      -Xms"$HEAP" -Xmx"$HEAP" -XX:ParallelGCThreads=2 -XX:ConcGCThreads=1 \
      "${JVM_SERVER_OPTS[@]}" "${JVM17_OPTS[@]}" \
      -javaagent:"$jamm" \
      -XX:HeapDumpPath="$STATE/logs" \
      -Dcassandra.config="file://$BACKENDS_SRC/cassandra.yaml" \
      -Dlogback.configurationFile="$BACKENDS_SRC/cassandra-logback.xml" \
      -Dcassandra.storagedir="$STATE/data" \
      -Dcassandra.logdir="$STATE/logs" \
      -Dcassandra.triggers_dir="$STATE/triggers" \
      -Dcassandra.native_transport_port="$port" \
      -Dcassandra.storage_port="$storage_port" \
      -Dcassandra.skip_wait_for_gossip_to_settle=0 \
      -Dcassandra.superuser_setup_delay_ms=0 \
      -Dcassandra.available_processors=2 \
      -Dcassandra-foreground=yes \
      -cp "$lib/*" org.apache.cassandra.service.CassandraDaemon >"$LOG" 2>&1 < /dev/null) &
  echo $! > "$PIDFILE"
  echo "$port" > "$PORTFILE"
  local t0 deadline next version; t0=$(date +%s); deadline=$(( t0 + DEADLINE_S )); next=$(( t0 + 15 ))
  until version="$(probe "$port")"; do
    if ! pid_alive "$PIDFILE"; then tail -n 60 "$LOG" >&2; rm -f "$PIDFILE"; die "Cassandra exited during start"; fi
    if [ "$(date +%s)" -ge "$deadline" ]; then tail -n 60 "$LOG" >&2; stop_pidfile "$PIDFILE" cassandra; die "Cassandra did not answer CQL within ${DEADLINE_S}s"; fi
    if [ "$(date +%s)" -ge "$next" ]; then
      log "cassandra: waiting ($(( $(date +%s) - t0 ))s): $(grep -E 'INFO|WARN|ERROR' "$LOG" | tail -n1 | cut -c1-160)"
      next=$(( $(date +%s) + 15 ))
    fi
    sleep 1
  done
  env_set STRATA_CASSANDRA "127.0.0.1:$port"
  log "cassandra $version up at 127.0.0.1:$port after $(( $(date +%s) - t0 ))s (pid $(cat "$PIDFILE"))"
}

status() {
  local version
  if pid_alive "$PIDFILE" && version="$(probe "$(cat "$PORTFILE")")"; then
    echo "cassandra: running $version, pid $(cat "$PIDFILE"), 127.0.0.1:$(cat "$PORTFILE")"
  else
    echo "cassandra: not running"; return 1
  fi
}

case "$cmd" in
  start) start ;;
  stop) stop_pidfile "$PIDFILE" cassandra; env_unset STRATA_CASSANDRA ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status [--port N] [--storage-port M]" >&2; exit 2 ;;
esac
