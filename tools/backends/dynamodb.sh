#!/usr/bin/env bash
# DynamoDB Local on 127.0.0.1, one shared database for every credential and region; in memory,
# or in DIR with --db-path (survives a restart: the fault tests stop and start it).
# Usage: dynamodb.sh start|stop|status [--port N] [--db-path DIR]   (default port 8000)
set -euo pipefail
. "$(dirname "$0")/common.sh"

STATE="$BACKENDS_DIR/dynamodb"
PIDFILE="$STATE/pid"
PORTFILE="$STATE/port"
LOG="$STATE/dynamodb.log"
HEAP="${STRATA_DYNAMODB_HEAP:-384m}"
DEADLINE_S="${STRATA_DYNAMODB_START_TIMEOUT:-90}"

cmd="${1:-}"; shift || true
port=""
db_path=""
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port="$2"; shift 2 ;;
    --port=*) port="${1#--port=}"; shift ;;
    --db-path) db_path="$2"; shift 2 ;;
    --db-path=*) db_path="${1#--db-path=}"; shift ;;
    *) die "unknown argument $1" ;;
  esac
done

probe() { node --no-warnings "$BACKENDS_SRC/dynamodb-probe.js" "http://127.0.0.1:$1"; }

start() {
  if pid_alive "$PIDFILE"; then log "dynamodb already running (pid $(cat "$PIDFILE"), port $(cat "$PORTFILE"))"; return 0; fi
  local lib; lib="$(dynamodb_lib)"
  [ -f "$lib/.fetched" ] || "$BACKENDS_SRC/fetch.sh" dynamodb
  [ -n "$port" ] || port=8000
  port_open "$port" && die "port $port is already taken"
  mkdir -p "$STATE"
  local storage=(-inMemory)
  if [ -n "$db_path" ]; then mkdir -p "$db_path"; storage=(-dbPath "$db_path"); fi
  log "starting DynamoDB Local on 127.0.0.1:$port (heap $HEAP, log $LOG)"
  # cwd = state dir: keeps anything DynamoDB Local writes by itself out of the repository.
  # setsid: its own process group, so the caller's Ctrl-C or CI's teardown does not race stop.
  (cd "$STATE" && exec setsid java -Xms64m -Xmx"$HEAP" -XX:+UseSerialGC \
      -Dsqlite4java.library.path="$lib" -Dstrata.dynamodb.host=127.0.0.1 \
      -cp "$lib/*" "$BACKENDS_SRC/LoopbackDynamoDB.java" \
      "${storage[@]}" -sharedDb -disableTelemetry -port "$port" >"$LOG" 2>&1 < /dev/null) &
  echo $! > "$PIDFILE"
  echo "$port" > "$PORTFILE"
  local t0 deadline; t0=$(date +%s); deadline=$(( t0 + DEADLINE_S ))
  until probe "$port"; do
    if ! pid_alive "$PIDFILE"; then tail -n 40 "$LOG" >&2; rm -f "$PIDFILE"; die "DynamoDB Local exited during start"; fi
    if [ "$(date +%s)" -ge "$deadline" ]; then tail -n 40 "$LOG" >&2; stop_pidfile "$PIDFILE" dynamodb; die "DynamoDB Local did not answer within ${DEADLINE_S}s"; fi
    sleep 0.5
  done
  env_set STRATA_DYNAMODB "http://127.0.0.1:$port"
  log "dynamodb up at http://127.0.0.1:$port after $(( $(date +%s) - t0 ))s (pid $(cat "$PIDFILE"))"
}

status() {
  if pid_alive "$PIDFILE" && probe "$(cat "$PORTFILE")"; then
    echo "dynamodb: running, pid $(cat "$PIDFILE"), http://127.0.0.1:$(cat "$PORTFILE")"
  else
    echo "dynamodb: not running"; return 1
  fi
}

case "$cmd" in
  start) start ;;
  stop) stop_pidfile "$PIDFILE" dynamodb; env_unset STRATA_DYNAMODB ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status [--port N]" >&2; exit 2 ;;
esac
