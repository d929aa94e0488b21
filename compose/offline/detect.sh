# Sourced by compose/compose.sh and integration_tests/run.sh. Decides whether
# the public images can be had; where they cannot (no registry answers), builds
# local stand-ins from Debian packages and exports the variables that point
# compose at them. Sets SHOP_OFFLINE to 1 or 0 (an explicit value is kept).
if [ -z "${SHOP_OFFLINE:-}" ]; then
  probe_image=${POSTGRES_IMAGE:-postgres:15-bookworm}
  if docker image inspect "$probe_image" >/dev/null 2>&1 \
    || timeout 60 docker pull -q "$probe_image" >/dev/null 2>&1; then
    SHOP_OFFLINE=0
  else
    SHOP_OFFLINE=1
  fi
fi
export SHOP_OFFLINE
if [ "$SHOP_OFFLINE" = 1 ]; then
  echo "compose: no registry answers; building the images from Debian packages" >&2
  "$(dirname "${BASH_SOURCE[0]}")/build.sh"
  set -a
  # shellcheck source=compose/offline/offline.env
  source "$(dirname "${BASH_SOURCE[0]}")/offline.env"
  set +a
fi
