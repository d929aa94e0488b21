#!/usr/bin/env bash
# `make e2e`: build the images (offline, from Debian packages, where no registry
# answers), start the CI variant of the stack, wait for it to be healthy
# (bounded), run every black-box test, print the logs of any unhealthy
# container on failure, and always tear the stack down with its volumes.
#
#   test_*.sh   run inside a curl container on the compose network
#   web/        the browser journeys: Chromium on the host, through the published gateway
#   stack_*.sh  run on the host; they may stop and start containers
set -euo pipefail
export E2E_ROOT
E2E_ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$E2E_ROOT"

export COMPOSE_PROJECT=${COMPOSE_PROJECT:-shop-e2e}
export SHOP_CI_NETWORK=${SHOP_CI_NETWORK:-shop-ci}
export SHOP_NETWORK=$SHOP_CI_NETWORK
export GATEWAY_PORT=${GATEWAY_PORT:-9000}
# The stack seeds demo data and an admin with this password.
export ADMIN_PASSWORD=${ADMIN_PASSWORD:-e2e-admin-password}
export SEED_DEMO_DATA=true
# shellcheck source=integration_tests/lib.sh
source integration_tests/lib.sh

# shellcheck source=compose/offline/detect.sh
source compose/offline/detect.sh
if [ "$SHOP_OFFLINE" = 1 ]; then
  export CURL_IMAGE
  up_flags=(--no-build)
else
  export CURL_IMAGE=${CURL_IMAGE:-curlimages/curl:8.11.1}
  up_flags=(--build)
fi

failed=0
finish() {
  local status=$?
  if [ $status -ne 0 ] || [ $failed -ne 0 ]; then
    echo "e2e: FAILED; logs of unhealthy containers follow" >&2
    logs_of_unhealthy
  fi
  compose down -v --remove-orphans >/dev/null 2>&1 || true
  [ $failed -eq 0 ] || exit 1
  exit $status
}
trap finish EXIT

echo "e2e: starting the stack (project $COMPOSE_PROJECT, network $SHOP_NETWORK)"
compose up -d "${up_flags[@]}"
started=$(date +%s)
wait_healthy 300
echo "e2e: healthy after $(( $(date +%s) - started )) s"

passed=0
for test in integration_tests/test_*.sh; do
  echo "== $test"
  if in_net "sh /tests/$(basename "$test")"; then passed=$((passed + 1)); else failed=$((failed + 1)); break; fi
done
if [ $failed -eq 0 ]; then
  echo "== integration_tests/web (Chromium)"
  if SHOP_URL="http://localhost:$GATEWAY_PORT" integration_tests/web/run.sh; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
fi
if [ $failed -eq 0 ]; then
  for test in integration_tests/stack_*.sh; do
    [ -e "$test" ] || continue
    echo "== $test"
    if bash "$test"; then passed=$((passed + 1)); else failed=$((failed + 1)); break; fi
  done
fi
echo "e2e: $passed passed, $failed failed"
