#!/usr/bin/env bash
# Measures each release binary's time from exec to /health/ready 200 and its
# idle RSS, against the servers .ci/test-services.sh provides:
#   cargo build --release --bins && .ci/test-services.sh .ci/measure-startup.sh
set -euo pipefail
cd "$(dirname "$0")/.."
server=${TEST_DATABASE_URL%/*}
declare -A port=([users]=9001 [catalogue]=9002 [orders]=9003 [payments]=9004 [fulfilment]=9005)
export REDIS_URL=$TEST_REDIS_URL LOG_FORMAT=json RUST_LOG=warn HTTP_WORKERS=2
printf '%-11s %10s %10s\n' service ready_ms idle_rss_kb
for s in users catalogue orders payments fulfilment; do
  db="measure_${s}_$$"
  psql -q "$TEST_DATABASE_URL" -c "CREATE DATABASE $db"
  start=$(date +%s%N)
  DATABASE_URL="$server/$db" PORT=${port[$s]} "target/release/$s" >/dev/null 2>&1 &
  pid=$!
  until curl -fs "http://127.0.0.1:${port[$s]}/health/ready" >/dev/null 2>&1; do sleep 0.005; done
  ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
  sleep 2
  rss=$(ps -o rss= -p "$pid" | tr -d ' ')
  printf '%-11s %10s %10s\n' "$s" "$ready_ms" "$rss"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  psql -q "$TEST_DATABASE_URL" -c "DROP DATABASE $db WITH (FORCE)"
done
start=$(date +%s%N)
PORT=9000 target/release/gateway >/dev/null 2>&1 &
pid=$!
until curl -fs http://127.0.0.1:9000/health/live >/dev/null 2>&1; do sleep 0.005; done
ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
sleep 2
printf '%-11s %10s %10s\n' gateway "$ready_ms" "$(ps -o rss= -p "$pid" | tr -d ' ')"
kill "$pid"; wait "$pid" 2>/dev/null || true
