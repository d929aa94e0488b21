#!/usr/bin/env bash
# `make bench-catalogue`: wrk against a cached product GET and a list query,
# through the gateway and straight at the catalogue, with release binaries
# against the PostgreSQL and Redis that .ci/test-services.sh provides.
#   BENCH_SECONDS (default 15), BENCH_CONNECTIONS (default 64)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${BENCH_SECONDS:-15}
connections=${BENCH_CONNECTIONS:-64}

if ! command -v wrk >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "install wrk (apt-get install wrk)" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
cargo build --release --bins -q

server=${TEST_DATABASE_URL%/*}
db="bench_catalogue_$$"
psql -q "$TEST_DATABASE_URL" -c "CREATE DATABASE $db"
export REDIS_URL=$TEST_REDIS_URL REDIS_KEY_PREFIX="bench:$$:" LOG_FORMAT=json RUST_LOG=warn
pids=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  psql -q "$TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
}
trap cleanup EXIT

DATABASE_URL="$server/$db" SEED_DEMO_DATA=true PORT=9002 target/release/catalogue &
pids+=($!)
CATALOGUE_URL=http://127.0.0.1:9002 RATE_LIMIT_PER_IP_PER_MIN=0 RATE_LIMIT_PER_USER_PER_MIN=0 PORT=9000 \
  target/release/gateway &
pids+=($!)
until curl -fs http://127.0.0.1:9002/health/ready >/dev/null && curl -fs http://127.0.0.1:9000/health/live >/dev/null; do
  sleep 0.2
done

id=$(curl -fs 'http://127.0.0.1:9002/api/products?sort=name&limit=1' | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
list='/api/products?category=books&sort=price&limit=20'
for path in "/api/products/$id" "$list"; do
  curl -fs -o /dev/null "http://127.0.0.1:9002$path"   # the first read fills the cache
  curl -fs -D - -o /dev/null "http://127.0.0.1:9000$path" | grep -i "^x-cache"
done

run() {
  echo "== $1: $2"
  wrk -t2 -c"$connections" -d"${seconds}s" --latency "$2" | grep -E 'Requests/sec|Latency|50%|90%|99%|Non-2xx|Socket errors'
}
run "cached product, through the gateway" "http://127.0.0.1:9000/api/products/$id"
run "cached product, direct" "http://127.0.0.1:9002/api/products/$id"
run "cached list, through the gateway" "http://127.0.0.1:9000$list"
run "cached list, direct" "http://127.0.0.1:9002$list"
