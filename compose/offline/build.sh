#!/usr/bin/env bash
# Builds every image the compose stack needs without a container registry,
# from Debian's packages (debootstrap + docker import) and the release
# binaries built on this host (Debian bookworm, so the same glibc):
#   shop-offline/base:bookworm     minbase + ca-certificates + curl: the runtime and curl image
#   shop-offline/postgres:15       behaves like the official postgres image
#   shop-offline/redis:7
#   shop/<service>:latest          compose/Dockerfile --target prebuilt
# The base image is reused once it exists; the others are rebuilt (from the
# layer cache when nothing changed). SHOP_SKIP_CARGO=1 skips the release build.
# compose/offline/offline.env points compose at these images.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOCKER_BUILDKIT=0

base=shop-offline/base:bookworm
services=(gateway users catalogue orders payments fulfilment)
have() { docker image inspect "$1" >/dev/null 2>&1; }
# docker build, quiet unless it fails.
build() {
  local out
  if ! out=$(docker build -q "$@" 2>&1); then
    echo "$out" >&2
    return 1
  fi
}
log() { echo "images-offline: $*" >&2; }

if ! have "$base"; then
  if ! command -v debootstrap >/dev/null; then
    [ "$(id -u)" = 0 ] || { log "debootstrap is missing (apt-get install debootstrap)"; exit 1; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
  fi
  rootfs=$(mktemp -d /tmp/shop-rootfs.XXXXXX)
  trap 'rm -rf "$rootfs"' EXIT
  log "debootstrap bookworm (minbase)"
  debootstrap --variant=minbase --include=ca-certificates,curl bookworm "$rootfs" \
    "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar -C "$rootfs" -c . | docker import -c 'CMD ["/bin/bash"]' - "$base" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
fi

# Built every time: the layer cache makes an unchanged image a no-op, and a
# changed entrypoint is never left behind in a stale image.
build -t shop-offline/postgres:15 --build-arg BASE="$base" \
  -f compose/offline/postgres.Dockerfile compose/offline
build -t shop-offline/redis:7 --build-arg BASE="$base" \
  -f compose/offline/redis.Dockerfile compose/offline

if [ "${SHOP_SKIP_CARGO:-0}" != 1 ]; then
  log "cargo build --release"
  cargo build --release --locked --bins -q
fi
for service in "${services[@]}"; do
  # The COPY layer is cached by content: an unchanged binary reuses its image.
  build --target prebuilt --build-arg SERVICE="$service" --build-arg RUNTIME_IMAGE="$base" \
    -t "shop/$service:latest" -f compose/Dockerfile .
done
log "done: $(docker images --format '{{.Repository}}:{{.Tag}}' | grep -E '^shop(-offline)?/' | tr '\n' ' ')"
