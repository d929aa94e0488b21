#!/usr/bin/env bash
# `make bench-users`: BENCH_USERS (1000) sign-ups, then as many logins,
# BENCH_CONCURRENCY (16) at a time, straight at a release users binary on
# the PostgreSQL and Redis that .ci/test-services.sh provides; prints the
# rate, p50/p99 latency and the process's peak RSS (VmHWM) and final RSS.
# PASSWORD_HASHERS (default 2, as in compose) and PASSWORD_HASH_WAIT_MS are
# passed to users.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p users --bin users -p shop-bench --bin bench-users

free_port() {
  local port
  for port in $(seq "$1" $(( $1 + 200 ))); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  echo "bench-users: no free port from $1" >&2; exit 1
}

db="bench_users_$$"
server=${TEST_DATABASE_URL%/*}
port=$(free_port 19101)
log=$(mktemp /tmp/bench-users.XXXXXX.log)
psql -q "$TEST_DATABASE_URL" -c "CREATE DATABASE $db"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  psql -q "$TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" || true
  rm -f "$log"
}
trap cleanup EXIT

DATABASE_URL="$server/$db" REDIS_URL=$TEST_REDIS_URL REDIS_KEY_PREFIX="bench:$$:" \
  HOST=127.0.0.1 PORT=$port LOG_FORMAT=json RUST_LOG=warn \
  PASSWORD_HASHERS=${PASSWORD_HASHERS:-2} PASSWORD_HASH_WAIT_MS=${PASSWORD_HASH_WAIT_MS:-2000} \
  target/release/users >"$log" 2>&1 &
pid=$!
for _ in $(seq 150); do
  if curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then break; fi
  kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "bench-users: users exited" >&2; exit 1; }
  sleep 0.2
done
curl -fs "http://127.0.0.1:$port/health/ready" >/dev/null || { cat "$log" >&2; echo "bench-users: users did not come up" >&2; exit 1; }

USERS_URL="http://127.0.0.1:$port" USERS_PID=$pid target/release/bench-users \
  || { tail -n 50 "$log" >&2; exit 1; }
