#!/usr/bin/env bash
# `make bench-checkout`: full checkouts (cart + card checkout) through the
# gateway at rising fixed rates, with release binaries of all six services
# against the PostgreSQL and Redis that .ci/test-services.sh provides.
#   BENCH_RATES (default 50,100,200,300), BENCH_SECONDS per rate (default 10),
#   BENCH_SHOPPERS (default 300)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --bins -q

server=${TEST_DATABASE_URL%/*}
services=(users catalogue orders payments fulfilment)
for s in "${services[@]}"; do
  psql -q "$TEST_DATABASE_URL" -c "CREATE DATABASE bench_${s}_$$"
done
export REDIS_URL=$TEST_REDIS_URL REDIS_KEY_PREFIX="bench:$$:" LOG_FORMAT=json RUST_LOG=warn
export ADMIN_PASSWORD=bench-admin-password SEED_DEMO_DATA=true
pids=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  for s in "${services[@]}"; do
    psql -q "$TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS bench_${s}_$$ WITH (FORCE)" || true
  done
}
trap cleanup EXIT

for s in "${services[@]}"; do
  DATABASE_URL="$server/bench_${s}_$$" "target/release/$s" &
  pids+=($!)
done
RATE_LIMIT_PER_IP_PER_MIN=0 RATE_LIMIT_PER_USER_PER_MIN=0 RATE_LIMIT_LOGIN_PER_IP_PER_MIN=0 target/release/gateway &
pids+=($!)
for _ in $(seq 150); do
  if curl -fs http://127.0.0.1:9000/health >/dev/null 2>&1; then break; fi
  sleep 0.2
done
curl -fs http://127.0.0.1:9000/health >/dev/null || { echo "bench: the shop did not come up" >&2; exit 1; }

ADMIN_PASSWORD=$ADMIN_PASSWORD target/release/bench-checkout
