#!/usr/bin/env bash
# Runs a command with a reachable PostgreSQL, Redis and S3-compatible store:
#   .ci/test-services.sh COMMAND [ARGS...]
# It exports TEST_DATABASE_URL (a role that may create databases),
# TEST_REDIS_URL and TEST_S3_ENDPOINT (moto in server mode, from PyPI into
# target/moto-venv, unless TEST_S3_ENDPOINT answers already). Servers named by TEST_DATABASE_URL/DATABASE_URL and
# TEST_REDIS_URL/REDIS_URL are used when they answer; otherwise a throwaway
# PostgreSQL (initdb + pg_ctl, as a non-root user, on a free port) and a
# throwaway Redis are started, and stopped again when the command ends. When
# the Debian packages are missing and this runs as root, they are installed.
# TEST_PG_OPTIONS adds server options to the throwaway PostgreSQL (e.g.
# "-c shared_preload_libraries=pg_stat_statements" to see where a bench spends).
set -euo pipefail

log() { echo "test-services: $*" >&2; }

work=$(mktemp -d /tmp/shop-test-services.XXXXXX)
chmod 755 "$work"
pg_bin=""
pg_data=""
redis_pid=""
s3_pid=""

cleanup() {
  if [ -n "$pg_data" ] && [ -f "$pg_data/postmaster.pid" ]; then
    as_pg "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true
  fi
  if [ -n "$redis_pid" ]; then kill "$redis_pid" 2>/dev/null || true; fi
  if [ -n "$s3_pid" ]; then kill "$s3_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

as_pg() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() {
  local port
  for port in $(seq "$1" $(( $1 + 200 ))); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  log "no free port from $1"; exit 1
}

apt_install() {
  if [ "$(id -u)" != 0 ]; then
    log "missing $*: install them (Debian: apt-get install $*) or set TEST_DATABASE_URL / TEST_REDIS_URL"
    exit 1
  fi
  log "installing $*"
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

pg_reachable() { command -v pg_isready >/dev/null && pg_isready -q -t 2 -d "$1"; }
redis_reachable() { command -v redis-cli >/dev/null && [ "$(timeout 2 redis-cli -u "$1" ping 2>/dev/null)" = PONG ]; }

# --- PostgreSQL ---------------------------------------------------------------
db_url=""
for candidate in "${TEST_DATABASE_URL:-}" "${DATABASE_URL:-}"; do
  if [ -n "$candidate" ] && pg_reachable "$candidate"; then db_url=$candidate; break; fi
done
if [ -z "$db_url" ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    apt_install postgresql
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  pg_port=$(free_port 55432)
  pg_data="$work/pg"
  mkdir -p "$pg_data"
  [ "$(id -u)" = 0 ] && chown postgres "$pg_data"
  as_pg "$pg_bin/initdb" -D "$pg_data" -U postgres --auth=trust -E UTF8 --no-sync >"$work/initdb.log" 2>&1 \
    || { cat "$work/initdb.log" >&2; exit 1; }
  # Durability is pointless for a throwaway test server; speed is not.
  as_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$pg_data/server.log" -w -t 60 \
    -o "-p $pg_port -k $pg_data -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 ${TEST_PG_OPTIONS:-}" \
    start >/dev/null || { cat "$pg_data/server.log" >&2; exit 1; }
  db_url="postgres://postgres@127.0.0.1:$pg_port/postgres"
  log "started PostgreSQL on 127.0.0.1:$pg_port"
fi

# --- Redis --------------------------------------------------------------------
redis_url=""
for candidate in "${TEST_REDIS_URL:-}" "${REDIS_URL:-}"; do
  if [ -n "$candidate" ] && redis_reachable "$candidate"; then redis_url=$candidate; break; fi
done
if [ -z "$redis_url" ]; then
  command -v redis-server >/dev/null || apt_install redis-server
  redis_port=$(free_port 56379)
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$work" --daemonize no --loglevel warning >"$work/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 50); do
    redis_reachable "redis://127.0.0.1:$redis_port" && break
    sleep 0.1
  done
  redis_reachable "redis://127.0.0.1:$redis_port" || { cat "$work/redis.log" >&2; exit 1; }
  redis_url="redis://127.0.0.1:$redis_port"
  log "started Redis on 127.0.0.1:$redis_port"
fi

# --- S3 (moto) ------------------------------------------------------------------
s3_reachable() { curl -s -o /dev/null --max-time 2 "$1"; }
s3_url=${TEST_S3_ENDPOINT:-}
if [ -z "$s3_url" ] || ! s3_reachable "$s3_url"; then
  venv=${MOTO_VENV:-target/moto-venv}
  if [ ! -x "$venv/bin/moto_server" ]; then
    python3 -c 'import ensurepip, venv' 2>/dev/null || apt_install python3-venv
    log "installing moto into $venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q 'moto[server]==5.2.5' >"$work/pip.log" 2>&1 || { cat "$work/pip.log" >&2; exit 1; }
  fi
  s3_port=$(free_port 55500)
  "$venv/bin/moto_server" -H 127.0.0.1 -p "$s3_port" >"$work/moto.log" 2>&1 &
  s3_pid=$!
  s3_url="http://127.0.0.1:$s3_port"
  for _ in $(seq 100); do
    s3_reachable "$s3_url" && break
    sleep 0.1
  done
  s3_reachable "$s3_url" || { cat "$work/moto.log" >&2; exit 1; }
  log "started moto (S3) on 127.0.0.1:$s3_port"
fi

export TEST_DATABASE_URL=$db_url TEST_REDIS_URL=$redis_url TEST_S3_ENDPOINT=$s3_url
"$@"
