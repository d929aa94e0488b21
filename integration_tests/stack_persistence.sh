#!/usr/bin/env bash
# Data survives `down` followed by `up` with the named volume. This runs a
# second stack from the base compose file (the CI variant keeps nothing), on
# its own project, network and gateway port, and removes it with its volume.
set -euo pipefail
source "$E2E_ROOT/integration_tests/lib.sh"

COMPOSE_PROJECT=shop-e2e-volume
COMPOSE_FILES=(-f "$E2E_ROOT/compose/docker-compose.yml")
SHOP_NETWORK=${COMPOSE_PROJECT}_default
export GATEWAY_PORT=${PERSISTENCE_GATEWAY_PORT:-19000}
trap 'compose down -v --remove-orphans >/dev/null 2>&1 || true' EXIT

register() {
  in_net "curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H 'content-type: application/json' \
    -d '{\"email\":\"$1\",\"password\":\"correct horse battery\",\"name\":\"Persistent\"}' \
    http://gateway:9000/api/auth/register"
}

# The demo mug's first picture: its id and the hash of its bytes.
picture() { in_net "sh /tests/picture_of.sh KIT-001"; }

email="persist-$(date +%s)@example.com"
compose up -d --no-build >/dev/null 2>&1
wait_healthy 300 || { logs_of_unhealthy; fail "the volume stack did not become healthy"; }
[ "$(register "$email")" = 201 ] || fail "could not register $email"
echo "ok   registered $email through the gateway"
before=$(picture)
case "$before" in *-*" "????????????????????????????????????????????????????????????????) ;;
  *) fail "the demo mug has no picture that answers: $before" ;; esac
echo "ok   the demo mug's picture answers ($before)"

compose down >/dev/null 2>&1
[ -n "$(docker volume ls -q --filter "name=${COMPOSE_PROJECT}_pgdata")" ] || fail "the named volume is gone after down"
[ -n "$(docker volume ls -q --filter "name=${COMPOSE_PROJECT}_media")" ] || fail "the media volume is gone after down"
compose up -d --no-build >/dev/null 2>&1
wait_healthy 300 || { logs_of_unhealthy; fail "the volume stack did not come back"; }

# Registering again must find the account that outlived the restart.
status=$(register "$email")
[ "$status" = 409 ] || fail "after down + up, registering $email again answered $status, not 409: the data was lost"
echo "ok   after down + up the account is still there (409 on registering it again)"
after=$(picture)
[ "$after" = "$before" ] || fail "after down + up the mug's picture changed or is gone: $before -> $after"
echo "ok   after down + up the same picture is served, byte for byte (the media volume)"
