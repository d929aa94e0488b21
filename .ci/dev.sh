#!/usr/bin/env bash
# Runs the six services natively against the PostgreSQL and Redis named by
# TEST_DATABASE_URL and TEST_REDIS_URL (`make dev` starts throwaway ones).
# Each service gets its own database; the gateway listens on :9000.
set -euo pipefail
cd "$(dirname "$0")/.."

services=(users catalogue orders payments fulfilment)
cargo build --bins

server=${TEST_DATABASE_URL%/*}
for s in "${services[@]}"; do
  psql -q "$TEST_DATABASE_URL" -c "CREATE DATABASE ${s}_db" 2>/dev/null || true
done

export REDIS_URL=$TEST_REDIS_URL
export LOG_FORMAT=${LOG_FORMAT:-pretty}
export SEED_DEMO_DATA=${SEED_DEMO_DATA:-true}
export ADMIN_PASSWORD=${ADMIN_PASSWORD:-admin-dev-password}

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

for s in "${services[@]}"; do
  DATABASE_URL="$server/${s}_db" "target/debug/$s" &
  pids+=($!)
done
target/debug/gateway &
pids+=($!)

for _ in $(seq 100); do
  if curl -fsS http://127.0.0.1:9000/health >/dev/null 2>&1; then break; fi
  sleep 0.3
done
curl -fsS http://127.0.0.1:9000/health || { echo "dev: the shop did not become healthy" >&2; exit 1; }
echo
echo "dev: the shop is up: http://127.0.0.1:9000 (docs: http://127.0.0.1:9000/docs/). Ctrl-C stops it."
wait -n
