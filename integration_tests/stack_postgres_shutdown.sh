#!/usr/bin/env bash
# `docker stop` shuts PostgreSQL down cleanly: the server itself gets the
# stop signal, finishes within the grace period with exit code 0, and the
# next start finds a cleanly shut down cluster (no crash recovery). Runs
# PostgreSQL alone from the base compose file (named volume) on its own
# project, and removes it with its volume.
set -euo pipefail
source "$E2E_ROOT/integration_tests/lib.sh"

COMPOSE_PROJECT=shop-e2e-pgstop
COMPOSE_FILES=(-f "$E2E_ROOT/compose/docker-compose.yml")
trap 'compose down -v --remove-orphans >/dev/null 2>&1 || true' EXIT

wait_postgres() {
  local id=$1 deadline=$(( $(date +%s) + 120 ))
  until [ "$(health_of "$id")" = healthy ]; do
    [ "$(date +%s)" -lt "$deadline" ] || { docker logs --tail 50 "$id" >&2; fail "postgres did not become healthy"; }
    sleep 1
  done
}

compose up -d --no-build postgres >/dev/null 2>&1
id=$(container_of postgres)
wait_postgres "$id"
pid1=$(docker exec "$id" cat /proc/1/comm)
[ "$pid1" = postgres ] || fail "PID 1 in the postgres container is $pid1, not postgres: the stop signal would not reach the server"
echo "ok   PID 1 is postgres"

started=$(date +%s)
docker stop -t 60 "$id" >/dev/null
took=$(( $(date +%s) - started ))
code=$(docker inspect -f '{{.State.ExitCode}}' "$id")
[ "$code" = 0 ] || { docker logs --tail 20 "$id" >&2; fail "postgres exited with $code after docker stop (137 means it was killed)"; }
[ "$took" -lt 30 ] || fail "docker stop took $took s"
docker logs "$id" 2>&1 | grep -q "database system is shut down" \
  || { docker logs --tail 20 "$id" >&2; fail "the log does not say the database shut down"; }
echo "ok   docker stop: exit code 0 after $took s, the log says 'database system is shut down'"

since=$(date -u +%Y-%m-%dT%H:%M:%S)
docker start "$id" >/dev/null
wait_postgres "$id"
after=$(docker logs --since "$since" "$id" 2>&1)
if echo "$after" | grep -Eq "was interrupted|not properly shut down|automatic recovery in progress"; then
  echo "$after" >&2
  fail "the restart ran crash recovery"
fi
echo "$after" | grep -q "database system was shut down at" \
  || { echo "$after" >&2; fail "the restart does not report a clean shutdown"; }
echo "ok   the restart found a cleanly shut down cluster (no recovery)"
