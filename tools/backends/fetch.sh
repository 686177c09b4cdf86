#!/usr/bin/env bash
# Fetches Apache Cassandra (cassandra-all + runtime dependencies) and DynamoDB Local (+ the
# sqlite4java native library) with mvn into the backends cache. mvn keeps its downloads in ~/.m2;
# the copy in the cache carries a stamp of the pom it came from, so a second run costs nothing.
# Usage: fetch.sh [cassandra] [dynamodb]   (both when none is named)
set -euo pipefail
. "$(dirname "$0")/common.sh"

command -v mvn >/dev/null || die "mvn not found (install Debian's maven)"
command -v java >/dev/null || die "java not found (install a JDK 17)"

fetch_one() {
  local name="$1" pom="$2" lib="$3" stamp want t0
  stamp="$lib/.fetched"
  want="$(sha256sum "$BACKENDS_SRC/$pom" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    log "$name: cached in $lib"
    return 0
  fi
  t0=$(date +%s)
  log "$name: fetching with mvn ($pom)"
  rm -rf "$lib.tmp"
  mkdir -p "$lib.tmp"
  # -B: no progress bars in CI logs; runtime scope is what the server needs on its classpath.
  if ! mvn -B -q -f "$BACKENDS_SRC/$pom" dependency:copy-dependencies \
      -DoutputDirectory="$lib.tmp" -DincludeScope=runtime >"$lib.tmp.log" 2>&1; then
    cat "$lib.tmp.log" >&2
    die "$name: mvn failed"
  fi
  echo "$want" > "$lib.tmp/.fetched"
  rm -rf "$lib"
  mv "$lib.tmp" "$lib"
  rm -f "$lib.tmp.log"
  log "$name: $(ls "$lib" | wc -l) files in $lib ($(( $(date +%s) - t0 ))s)"
}

targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(cassandra dynamodb)
for t in "${targets[@]}"; do
  case "$t" in
    cassandra) fetch_one cassandra pom-cassandra.xml "$(cassandra_lib)" ;;
    dynamodb)
      fetch_one dynamodb pom-dynamodb.xml "$(dynamodb_lib)"
      ls "$(dynamodb_lib)"/libsqlite4java-linux-amd64-*.so >/dev/null 2>&1 || die "sqlite4java native library missing in $(dynamodb_lib)"
      ;;
    *) die "unknown backend '$t' (cassandra|dynamodb)" ;;
  esac
done
