#!/usr/bin/env bash
# `make fuzz`: schemathesis against the shop's merged OpenAPI document, with
# every check, as a customer and as an admin, bounded in time.
#
# Starts the six services natively (release builds: offline, `make e2e` has
# built them already; a debug build answers several times slower, and the
# fuzzer sends fewer requests) on their own databases and ports (the gateway
# on FUZZ_PORT, default 19500, the services on the five ports after it), with
# demo data and the rate limits off (the fuzzer is one client sending
# thousands of requests), signs in a customer and the admin, checks the
# document (OpenAPI 3.1, a generated client that checks out), then runs
# schemathesis as each of them, both at once, for FUZZ_SECONDS (default 300)
# in every phase (examples, coverage, fuzzing, stateful). JUnit and HAR
# reports, each run's output and the services' logs go to FUZZ_REPORT_DIR
# (default target/fuzz/<port>). Extra arguments go to both runs (for example
# `--include-path-regex '^/api/products'`). The summary (requests,
# operations, failures) comes last. Any failure or error exits non-zero, and
# so do fewer requests in both runs together than FUZZ_MIN_REQUESTS (CI sets
# 20000).
# Needs TEST_DATABASE_URL and TEST_REDIS_URL (`make fuzz` provides them).
set -euo pipefail
cd "$(dirname "$0")/.."

port=${FUZZ_PORT:-19500}
seconds=${FUZZ_SECONDS:-300}
reports=${FUZZ_REPORT_DIR:-target/fuzz/$port}
venv=${FUZZ_VENV:-target/fuzz-venv}
prefix="fuzz_${port}_"
services=(users catalogue orders payments fulfilment)
log() { echo "fuzz: $*" >&2; }

if [ ! -x "$venv/bin/schemathesis" ]; then
  log "installing schemathesis into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q 'schemathesis==4.32.5' 'openapi-spec-validator==0.9.0' \
    'openapi-python-client==0.29.1'
fi
cargo build -q --release --locked --bins

server=${TEST_DATABASE_URL%/*}
pids=()
stop() {
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  for s in "${services[@]}"; do
    psql -q "$TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS ${prefix}${s} WITH (FORCE)" 2>/dev/null || true
  done
}
trap stop EXIT INT TERM
for s in "${services[@]}"; do
  psql -q "$TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS ${prefix}${s} WITH (FORCE)" 2>/dev/null
  psql -q "$TEST_DATABASE_URL" -c "CREATE DATABASE ${prefix}${s}"
done

mkdir -p "$reports"
export REDIS_URL=$TEST_REDIS_URL REDIS_KEY_PREFIX="fuzz:${port}:"
export LOG_FORMAT=json RUST_LOG=${FUZZ_LOG:-error}
export SEED_DEMO_DATA=true ADMIN_PASSWORD=fuzz-admin-password
export MEDIA_STORE_URL="file://$(realpath "$reports")/media/"
export INTERNAL_API_TOKEN=fuzz-internal-token-0123456789
export RATE_LIMIT_PER_IP_PER_MIN=0 RATE_LIMIT_PER_USER_PER_MIN=0 RATE_LIMIT_LOGIN_PER_IP_PER_MIN=0
export LOGIN_MAX_FAILURES_PER_EMAIL=1000000 LOGIN_MAX_FAILURES_PER_IP=1000000
export HOST=127.0.0.1 HTTP_WORKERS=2
export USERS_URL="http://127.0.0.1:$((port + 1))" CATALOGUE_URL="http://127.0.0.1:$((port + 2))"
export ORDERS_URL="http://127.0.0.1:$((port + 3))" PAYMENTS_URL="http://127.0.0.1:$((port + 4))"
export FULFILMENT_URL="http://127.0.0.1:$((port + 5))"
i=1
for s in "${services[@]}"; do
  PORT=$((port + i)) DATABASE_URL="$server/${prefix}${s}" "target/release/$s" >"$reports/$s.log" 2>&1 &
  pids+=($!)
  i=$((i + 1))
done
PORT=$port target/release/gateway >"$reports/gateway.log" 2>&1 &
pids+=($!)
gw="http://127.0.0.1:$port"
for _ in $(seq 150); do
  curl -fsS "$gw/health" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "$gw/health" >/dev/null || { log "the shop did not become healthy"; tail -n 20 "$reports"/*.log >&2; exit 1; }

token() {
  curl -fsS -XPOST "$gw/api/auth/login" -H 'content-type: application/json' -d "$1" |
    sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'
}
customer=$(token '{"email":"alice@shop.local","password":"demo-password"}')
admin=$(token "{\"email\":\"admin@shop.local\",\"password\":\"$ADMIN_PASSWORD\"}")
[ -n "$customer" ] && [ -n "$admin" ] || { log "could not sign in"; exit 1; }

# The document is one valid OpenAPI 3.1 document, and a client generated
# from it by an off-the-shelf generator builds and checks out.
curl -fsS "$gw/openapi.json" >"$reports/openapi.json"
"$venv/bin/openapi-spec-validator" "$reports/openapi.json"
rm -rf "$reports/client"
"$venv/bin/openapi-python-client" generate --path "$reports/openapi.json" \
  --output-path "$reports/client/shop_api" --meta none --fail-on-warning \
  --config integration_tests/client/generator.yml
PYTHONPATH="$reports/client" "$venv/bin/python" integration_tests/client/checkout.py "$gw" \
  || { log "the generated client could not check out"; exit 1; }

# One config from each service's fragment (.ci/schemathesis/*.toml): what a
# schema cannot say about an operation (a business rule's 409 or 422).
config="$reports/schemathesis.toml"
cat .ci/schemathesis/*.toml >"$config"
# Requests the gateway answered so far (its own counter, every route).
served() {
  curl -fsS "$gw/metrics" | awk '/^http_requests_total/ { n += $NF } END { printf "%d\n", n }'
}
# The two runs go at once: schemathesis spends most of its time generating
# (one core each), and the shop is mostly idle while it does.
fuzz() {
  local who=$1 bearer=$2
  "$venv/bin/schemathesis" --no-color --config-file "$config" run "$gw/openapi.json" \
    --url "$gw" -H "Authorization: Bearer $bearer" \
    --max-time "$seconds" --report junit,har --report-dir "$reports/$who" \
    "${extra[@]}" >"$reports/$who.txt" 2>&1
}
extra=("$@")
rm -rf "$reports/customer" "$reports/admin"
before=$(served)
log "schemathesis as the customer and as the admin, $seconds s each, at once"
fuzz customer "$customer" & customer_run=$!
fuzz admin "$admin" & admin_run=$!
status=0
wait "$customer_run" || status=1
wait "$admin_run" || status=1
total=$(( $(served) - before ))
# Each run's requests, from its HAR (every request schemathesis sent).
requests() {
  "$venv/bin/python" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["log"]["entries"]))' \
    "$(ls "$reports/$1"/har-*.json | head -n 1)"
}
for who in customer admin; do
  sed -n '/^=* FAILURES =*$/,/^=* SUMMARY =*$/p' "$reports/$who.txt" | sed '$d'
done
for who in customer admin; do
  echo "== fuzz summary ($who): $(requests "$who") requests sent (log: $reports/$who.txt)"
  sed -n '/^=* SUMMARY =*$/,$p' "$reports/$who.txt"
done
sent=$(( $(requests customer) + $(requests admin) ))
minimum=${FUZZ_MIN_REQUESTS:-0}
if [ "$sent" -lt "$minimum" ]; then
  log "only $sent requests were sent, fewer than FUZZ_MIN_REQUESTS=$minimum"
  status=1
fi
echo "== fuzz: $sent requests sent in both runs ($total answered by the gateway meanwhile); exit $status"
exit $status
