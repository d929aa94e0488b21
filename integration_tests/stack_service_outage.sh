#!/usr/bin/env bash
# Stopping one service turns the gateway's /health to 503 naming it; starting
# it again brings /health back to 200.
set -euo pipefail
source "$E2E_ROOT/integration_tests/lib.sh"

gateway_health() {
  in_net 'curl -s -o /tmp/h -w "%{http_code}" --max-time 10 http://gateway:9000/health; echo; cat /tmp/h'
}

compose stop payments >/dev/null 2>&1
answer=$(gateway_health)
[ "$(head -n 1 <<<"$answer")" = 503 ] || fail "with payments stopped /health answered: $answer"
grep -q '"payments":{"status":"down"' <<<"$answer" || fail "503 does not name payments: $answer"
grep -q '"orders":{"status":"up"' <<<"$answer" || fail "other services should stay up: $answer"
echo "ok   payments stopped: gateway /health -> 503 naming payments"

compose start payments >/dev/null 2>&1
wait_healthy 120
answer=$(gateway_health)
[ "$(head -n 1 <<<"$answer")" = 200 ] || fail "after restart /health answered: $answer"
echo "ok   payments started again: gateway /health -> 200"
