# Shared settings for the backend scripts (sourced, not run).
# STRATA_BACKENDS_CACHE: fetched jars (a copy out of ~/.m2, so a second fetch is a stamp check).
# STRATA_BACKENDS_DIR:   run state: data, logs, pid files, and the env file tests read.
BACKENDS_SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BACKENDS_CACHE="${STRATA_BACKENDS_CACHE:-$HOME/.cache/strata-backends}"
BACKENDS_DIR="${STRATA_BACKENDS_DIR:-/tmp/strata-backends}"
BACKENDS_ENV="$BACKENDS_DIR/env"

log() { echo "[backends $(date +%H:%M:%S)] $*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# The version a pom pins, read from its <properties> so the pom stays the single source.
pom_prop() { sed -n "s:.*<$2>\(.*\)</$2>.*:\1:p" "$BACKENDS_SRC/$1" | head -n1; }

cassandra_lib() { echo "$BACKENDS_CACHE/cassandra-$(pom_prop pom-cassandra.xml cassandra.version)/lib"; }
dynamodb_lib() { echo "$BACKENDS_CACHE/dynamodb-$(pom_prop pom-dynamodb.xml dynamodb-local.version)/lib"; }

# A TCP port nobody listens on now, from the kernel (bind to port 0).
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})'; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Stops the process of a pid file: TERM, then KILL after a deadline; waits until it is gone.
stop_pidfile() {
  local pidfile="$1" name="$2" deadline pid
  if ! pid_alive "$pidfile"; then rm -f "$pidfile"; log "$name not running"; return 0; fi
  pid="$(cat "$pidfile")"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$(( $(date +%s) + 30 ))
  while kill -0 "$pid" 2>/dev/null; do
    if [ "$(date +%s)" -ge "$deadline" ]; then log "$name (pid $pid) ignored TERM, killing"; kill -KILL "$pid" 2>/dev/null || true; fi
    sleep 0.2
  done
  rm -f "$pidfile"
  log "$name stopped (pid $pid)"
}

# Writes KEY=VALUE into the env file, replacing an earlier line of the same key.
env_set() {
  mkdir -p "$BACKENDS_DIR"
  touch "$BACKENDS_ENV"
  grep -v "^$1=" "$BACKENDS_ENV" > "$BACKENDS_ENV.tmp" || true
  echo "$1=$2" >> "$BACKENDS_ENV.tmp"
  mv "$BACKENDS_ENV.tmp" "$BACKENDS_ENV"
}
env_unset() {
  [ -f "$BACKENDS_ENV" ] || return 0
  grep -v "^$1=" "$BACKENDS_ENV" > "$BACKENDS_ENV.tmp" || true
  mv "$BACKENDS_ENV.tmp" "$BACKENDS_ENV"
}
