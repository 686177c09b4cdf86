#!/usr/bin/env bash
# CI: fetch and start both real backends on free loopback ports, and write their addresses to
# $STRATA_BACKENDS_DIR/env (default /tmp/strata-backends/env), which the store tests read:
#   STRATA_CASSANDRA=127.0.0.1:PORT
#   STRATA_DYNAMODB=http://127.0.0.1:PORT
# Exits non-zero, with the failing backend's log tail, when either does not come up, after
# stopping whatever did start (.ci/run installs its stop trap only once this succeeds).
set -euo pipefail
. "$(dirname "$0")/common.sh"
t0=$(date +%s)

# A previous run's processes (ours, by pid file) and data: every CI run starts clean.
"$BACKENDS_SRC/ci-stop.sh" >/dev/null 2>&1 || true
rm -rf "$BACKENDS_DIR/cassandra/data" "$BACKENDS_DIR/cassandra/logs" "$BACKENDS_ENV"
mkdir -p "$BACKENDS_DIR"

"$BACKENDS_SRC/fetch.sh"

fail() { log "ERROR: $*"; "$BACKENDS_SRC/ci-stop.sh" || true; exit 1; }

# Cassandra takes the longest: start it in the background while DynamoDB Local starts.
"$BACKENDS_SRC/cassandra.sh" start --port "$(free_port)" &
cass=$!
"$BACKENDS_SRC/dynamodb.sh" start --port "$(free_port)" || { wait "$cass" || true; fail "DynamoDB Local did not start"; }
wait "$cass" || fail "Cassandra did not start"

log "backends up in $(( $(date +%s) - t0 ))s; $BACKENDS_ENV:"
cat "$BACKENDS_ENV" >&2
