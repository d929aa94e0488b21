#!/usr/bin/env bash
# docker compose for this project, with or without a registry:
#   compose/compose.sh up -d --build      compose/compose.sh logs -f gateway
#   compose/compose.sh down               compose/compose.sh down -v   (also deletes the data)
# Uses Compose v2 when installed, docker-compose v1.29 otherwise. Where no
# registry answers, `up` first builds every image from Debian packages and the
# host's release binaries (compose/offline/), and runs them instead.
set -euo pipefail
cd "$(dirname "$0")/.."

if docker compose version >/dev/null 2>&1; then cmd=(docker compose); else cmd=(docker-compose); fi
args=("$@")
if [ "${1:-}" = up ]; then
  # shellcheck source=compose/offline/detect.sh
  source compose/offline/detect.sh
  if [ "$SHOP_OFFLINE" = 1 ]; then
    # The images were just built here; there is nothing compose could build.
    args=(up --no-build)
    for arg in "${@:2}"; do [ "$arg" = --build ] || args+=("$arg"); done
  fi
fi
exec "${cmd[@]}" -p "${COMPOSE_PROJECT_NAME:-shop}" -f compose/docker-compose.yml "${args[@]}"
