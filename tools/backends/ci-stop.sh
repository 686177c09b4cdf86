#!/usr/bin/env bash
# Stops the backends ci-start.sh (or cassandra.sh/dynamodb.sh) started; leaves logs in place.
set -uo pipefail
dir="$(dirname "$0")"
status=0
"$dir/cassandra.sh" stop || status=1
"$dir/dynamodb.sh" stop || status=1
exit $status
