# Shared by run.sh and the stack_*.sh tests: how to reach the compose stack.
# Expects E2E_ROOT, COMPOSE_PROJECT, SHOP_NETWORK and CURL_IMAGE in the environment.

if docker compose version >/dev/null 2>&1; then COMPOSE_CMD=(docker compose); else COMPOSE_CMD=(docker-compose); fi
COMPOSE_FILES=(-f "$E2E_ROOT/compose/docker-compose.yml" -f "$E2E_ROOT/compose/docker-compose.ci.yml")

compose() {
  "${COMPOSE_CMD[@]}" -p "$COMPOSE_PROJECT" "${COMPOSE_FILES[@]}" "$@"
}

# Runs a shell snippet or script in a curl container on the stack's network.
in_net() {
  docker run --rm --network "$SHOP_NETWORK" -e ADMIN_PASSWORD -v "$E2E_ROOT/integration_tests:/tests:ro" "$CURL_IMAGE" sh -c "$1"
}

# The id of a service's container.
container_of() {
  compose ps -q "$1"
}

health_of() {
  docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$1" 2>/dev/null || echo missing
}

# Waits until every container of the stack is healthy, at most $1 seconds.
wait_healthy() {
  local deadline=$(( $(date +%s) + $1 )) id status pending
  while :; do
    pending=""
    for id in $(compose ps -q); do
      status=$(health_of "$id")
      [ "$status" = healthy ] || pending="$pending $(docker inspect -f '{{.Name}}' "$id")=$status"
    done
    if [ -z "$pending" ] && [ -n "$(compose ps -q)" ]; then return 0; fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      echo "e2e: not healthy after $1 s:$pending" >&2
      return 1
    fi
    sleep 2
  done
}

# Prints the logs of every container that is not healthy.
logs_of_unhealthy() {
  local id
  for id in $(compose ps -q); do
    if [ "$(health_of "$id")" != healthy ]; then
      echo "----- logs of $(docker inspect -f '{{.Name}}' "$id") ($(health_of "$id")) -----" >&2
      docker logs --tail 200 "$id" >&2 2>&1 || true
    fi
  done
}

fail() {
  echo "FAIL $*" >&2
  exit 1
}
