#!/usr/bin/env bash
# With Redis stopped the catalogue still answers through the gateway (from
# Postgres) and says it is degraded; with Redis back, caching resumes.
set -euo pipefail
source "$E2E_ROOT/integration_tests/lib.sh"

compose stop redis >/dev/null 2>&1
trap 'compose start redis >/dev/null 2>&1 || true' EXIT
answer=$(in_net 'for p in "/api/products?limit=5" /api/products/KIT-001; do
    curl -s -o /dev/null -w "%{http_code} " --max-time 10 "http://gateway:9000$p"; done
  curl -s --max-time 10 http://catalogue:9002/health')
echo "$answer" | grep -q '^200 200 ' || fail "with Redis stopped: $answer"
echo "$answer" | grep -q '"status":"degraded"' || fail "catalogue health should be degraded: $answer"
echo "$answer" | grep -q '"redis":{"status":"down"' || fail "catalogue health should name redis: $answer"
echo "ok   redis stopped: list and get answer 200, catalogue is degraded"

compose start redis >/dev/null 2>&1
wait_healthy 120
answer=$(in_net 'curl -s -o /dev/null -w "%{http_code}" --max-time 10 http://catalogue:9002/health/ready')
[ "$answer" = 200 ] || fail "after Redis came back: $answer"
echo "ok   redis back: healthy again"
