#!/bin/sh
# Payments through the gateway: a signed-in user sees their own payments only;
# charging and refunding are internal and never reachable from outside.
set -eu
. "$(dirname "$0")/http.sh"
email="payer-$(date +%s)-$$@example.com"

expect 201 "$(request POST /api/auth/register "{\"email\":\"$email\",\"password\":\"correct horse battery\",\"name\":\"P\"}")" "register"
expect 200 "$(request POST /api/auth/login "{\"email\":\"$email\",\"password\":\"correct horse battery\"}")" "login"
token=$(sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p' /tmp/body)

order=00000000-0000-7000-8000-000000000001
expect 401 "$(request GET "/api/payments?order_id=$order")" "payments without a token"
expect 200 "$(request GET "/api/payments?order_id=$order" "" "$token")" "my payments for an order"
grep -q '"items":\[\]' /tmp/body || { echo "FAIL expected no payments: $(cat /tmp/body)"; exit 1; }
expect 404 "$(request GET "/api/payments/$order" "" "$token")" "an unknown payment"
expect 400 "$(request GET /api/payments "" "$token")" "payments without order_id"
body='{"order_id":"'$order'","user_id":"'$order'","amount_cents":100,"method":{"type":"wallet"}}'
status=$(curl -s -o /tmp/body -w '%{http_code}' --max-time 10 -X POST -H 'X-Internal-Token: dev-internal-token-change-me' \
  -H "Authorization: Bearer $token" -H 'content-type: application/json' -d "$body" "$gw/internal/payments")
expect 404 "$status" "charging through the gateway is impossible"
