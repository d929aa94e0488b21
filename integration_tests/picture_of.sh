#!/bin/sh
# Prints the id of a product's first picture and the SHA-256 of its bytes,
# fetched through its signed link: `picture_of.sh SKU` (in a curl container
# on the compose network).
set -eu
gw=${GATEWAY_URL:-http://gateway:9000}
body=$(curl -sf --max-time 10 "$gw/api/products/$1")
first=$(echo "$body" | grep -o '"images":\[{"id":"[^"]*","url":"[^"]*"' | head -n 1)
id=$(echo "$first" | sed 's/.*"id":"\([^"]*\)".*/\1/')
url=$(echo "$first" | sed 's/.*"url":"\([^"]*\)".*/\1/')
[ -n "$id" ] && [ -n "$url" ] || { echo "no picture"; exit 0; }
hash=$(curl -sf --max-time 10 "$gw$url" | sha256sum | cut -d' ' -f1)
echo "$id $hash"
