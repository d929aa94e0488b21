#!/bin/sh
# The gateway reaches every service through a real route, and the answer came
# from the right service. Stops at the first failure.
set -eu
gateway=http://gateway:9000

# Asks the gateway for $path and checks that $service answered it (every
# service stamps X-Served-By) with a status that is not a gateway error.
served_by() {
  service=$1 path=$2
  curl -s -D /tmp/headers -o /tmp/body --max-time 5 -H "Authorization: Bearer $token" "$gateway$path" >/dev/null || true
  status=$(head -n 1 /tmp/headers | cut -d' ' -f2)
  by=$(grep -i '^x-served-by:' /tmp/headers | tr -d '\r' | cut -d' ' -f2)
  case "$status" in
    ''|502|503|504) echo "FAIL $service: GET $path -> ${status:-no answer} $(cat /tmp/body)"; exit 1 ;;
  esac
  if [ "$by" != "$service" ]; then
    echo "FAIL $service: GET $path was answered by '${by}' ($status)"
    exit 1
  fi
  echo "ok   $service: GET $path -> $status, served by $service"
}

# Each service's OpenAPI document names it, and the gateway's merged one has
# every service's public paths.
for pair in users:9001 catalogue:9002 orders:9003 payments:9004 fulfilment:9005; do
  name=${pair%%:*} port=${pair#*:}
  status=$(curl -s -o /tmp/doc -w '%{http_code}' --max-time 5 "http://$name:$port/openapi.json" || echo 000)
  [ "$status" = 200 ] && grep -q "\"title\":\"$name\"" /tmp/doc || { echo "FAIL $name: /openapi.json -> $status"; exit 1; }
done

# A signed-in customer, so protected routes get past the gateway's guard.
email="connectivity-$(date +%s)-$$@example.com"
curl -s -o /dev/null --max-time 10 -H 'content-type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"correct horse battery\",\"name\":\"C\"}" "$gateway/api/auth/register"
token=$(curl -s --max-time 10 -H 'content-type: application/json' \
  -d "{\"email\":\"$email\",\"password\":\"correct horse battery\"}" "$gateway/api/auth/login" \
  | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p')
[ -n "$token" ] || { echo "FAIL could not sign in through the gateway"; exit 1; }

# Real routes through the gateway, one or more per service.
served_by users /api/users/me
served_by catalogue /api/categories
served_by catalogue /api/products
served_by orders /api/cart
served_by orders /api/orders
served_by payments /api/payments
served_by fulfilment /api/orders/00000000-0000-0000-0000-000000000000/shipment
served_by fulfilment /api/returns

# /internal/* is never routed: the gateway itself answers 404.
status=$(curl -s -o /tmp/body -w '%{http_code}' --max-time 5 -X POST -H 'X-Internal-Token: guess' "$gateway/internal/reservations")
[ "$status" = 404 ] || { echo "FAIL /internal/reservations through the gateway -> $status"; exit 1; }
echo "ok   gateway: /internal/* -> 404"

# The gateway's health names every service as up: each was reached.
curl -s --max-time 5 "$gateway/health" >/tmp/health
for name in users catalogue orders payments fulfilment; do
  grep -q "\"$name\":{\"status\":\"up\"" /tmp/health || { echo "FAIL gateway -> $name: $(cat /tmp/health)"; exit 1; }
  echo "ok   gateway -> $name is up"
done
