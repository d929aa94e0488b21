#!/usr/bin/env bash
# `make bench-catalogue`: one wrk run per target, side by side, with release
# binaries against the PostgreSQL and Redis that .ci/test-services.sh provides:
#   - the ceiling of one hop: actix-web answering a product's JSON, no I/O
#     (bench-ceiling-raw);
#   - the ceiling of a Redis-backed read: actix-web answering one Redis GET
#     per request through deadpool-redis (bench-ceiling-redis);
#   - a cached product GET and a cached list page, straight at the catalogue
#     and through the gateway (its rate limits on, set too high to trip).
# Each row prints req/s, p50 and p99, and req/s as a share of both ceilings.
#   BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 64), BENCH_THREADS (2),
#   BENCH_RUST_LOG (default warn: the services' log filter)
#   BENCH_PROFILE=1: afterwards, a second pass over the cached product GET
#     (direct, then through the gateway) under `perf record -g` (Debian
#     linux-perf), printing where the CPU time goes; those numbers are not
#     the table's (perf takes its share of the cores).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${BENCH_SECONDS:-10}
connections=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}

if ! command -v wrk >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "install wrk (apt-get install wrk)" >&2; exit 1; }
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
cargo build --release -q --bin catalogue --bin gateway --bin bench-ceiling-raw --bin bench-ceiling-redis

server=${TEST_DATABASE_URL%/*}
db="bench_catalogue_$$"
work=$(mktemp -d)
psql -q "$TEST_DATABASE_URL" -c "CREATE DATABASE $db"
export REDIS_URL=$TEST_REDIS_URL REDIS_KEY_PREFIX="bench:$$:" LOG_FORMAT=json RUST_LOG=${BENCH_RUST_LOG:-warn}
pids=()
cleanup() {
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  psql -q "$TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  rm -rf "$work"
}
trap cleanup EXIT

catalogue=http://127.0.0.1:9002
gateway=http://127.0.0.1:9000
DATABASE_URL="$server/$db" SEED_DEMO_DATA=true PORT=9002 target/release/catalogue &
pids+=($!)
CATALOGUE_URL=$catalogue RATE_LIMIT_PER_IP_PER_MIN=100000000 RATE_LIMIT_PER_USER_PER_MIN=100000000 PORT=9000 \
  target/release/gateway &
pids+=($!)
until curl -fs $catalogue/health/ready >/dev/null && curl -fs $gateway/health/live >/dev/null; do
  sleep 0.2
done

id=$(curl -fs "$catalogue/api/products?sort=name&limit=1" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')
list='/api/products?category=books&sort=price&limit=20'
curl -fs -o "$work/product.json" "$catalogue/api/products/$id"
sku=$(sed -n 's/.*"sku":"\([^"]*\)".*/\1/p' "$work/product.json")
CEILING_BODY=$work/product.json PORT=9100 target/release/bench-ceiling-raw &
pids+=($!)
CEILING_BODY=$work/product.json PORT=9101 target/release/bench-ceiling-redis &
pids+=($!)
until curl -fs -o /dev/null http://127.0.0.1:9100/ && curl -fs -o /dev/null http://127.0.0.1:9101/; do
  sleep 0.2
done
for path in "/api/products/$id" "/api/products/$sku" "$list"; do
  curl -fs -o /dev/null "$catalogue$path"   # the first read fills the caches
  curl -fs -o /dev/null "$gateway$path"
done

# wrk's summary as "req/s p50_ms p99_ms errors".
measure() {
  wrk -t"$threads" -c"$connections" -d"${seconds}s" --latency "$1" | awk '
    function ms(v) {
      if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
      if (v ~ /ms$/) { sub(/ms$/, "", v); return v }
      if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000 }
      return v
    }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 }
    /Non-2xx or 3xx responses:/ { errors += $NF }
    /Socket errors:/ { errors += $4 + $6 + $8 + $10 }
    END { printf "%d %.2f %.2f %d\n", rps, p50, p99, errors }'
}

targets=(
  "raw actix-web, fixed product JSON (ceiling of one hop)|http://127.0.0.1:9100/"
  "actix-web + one Redis GET (ceiling of a Redis read)|http://127.0.0.1:9101/"
  "cached product GET, direct|$catalogue/api/products/$id"
  "cached product GET, through the gateway|$gateway/api/products/$id"
  "cached product GET by SKU, through the gateway (proxied: SKUs are the catalogue's)|$gateway/api/products/$sku"
  "cached list page, direct|$catalogue$list"
  "cached list page, through the gateway|$gateway$list"
)
results=()
for target in "${targets[@]}"; do
  echo "measuring ${target%%|*} (${seconds}s, ${connections} connections)" >&2
  results+=("$(measure "${target#*|}")")
done

read -r raw _ <<<"${results[0]}"
read -r redis _ <<<"${results[1]}"
echo
echo "wrk -t$threads -c$connections -d${seconds}s on $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
echo "| target | req/s | p50 ms | p99 ms | % of raw | % of Redis read | errors |"
echo "|---|---|---|---|---|---|---|"
for i in "${!targets[@]}"; do
  read -r rps p50 p99 errors <<<"${results[$i]}"
  awk -v name="${targets[$i]%%|*}" -v rps="$rps" -v p50="$p50" -v p99="$p99" -v errors="$errors" \
      -v raw="$raw" -v redis="$redis" 'BEGIN {
    printf "| %s | %d | %.2f | %.2f | %.0f%% | %.0f%% | %d |\n", name, rps, p50, p99,
      100 * rps / (raw > 0 ? raw : 1), 100 * rps / (redis > 0 ? redis : 1), errors }'
done

if [ "${BENCH_PROFILE:-}" = 1 ]; then
  command -v perf >/dev/null || { echo "BENCH_PROFILE=1 needs perf (apt-get install linux-perf)" >&2; exit 1; }
  mkdir -p target/bench
  profile() { # name pid url
    echo
    echo "== profile: $1 (perf record -g, ${seconds}s)"
    perf record -q -F 999 -g -o "target/bench/perf-$1.data" -p "$2" -- sleep "$seconds" >/dev/null 2>&1 &
    local perf_pid=$!
    wrk -t"$threads" -c"$connections" -d"${seconds}s" "$3" >/dev/null
    wait "$perf_pid" || true
    perf report -i "target/bench/perf-$1.data" --no-children --sort dso,symbol --percent-limit 1.5 --stdio 2>/dev/null \
      | grep -E '^ +[0-9.]+%' | head -30
  }
  profile catalogue "${pids[0]}" "$catalogue/api/products/$id"
  profile gateway "${pids[1]}" "$gateway/api/products/$id"
  profile gateway-proxy "${pids[1]}" "$gateway/api/products/$sku"
fi
