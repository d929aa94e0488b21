#!/bin/sh
# What an attacker or a careless client sends, through the gateway: dot
# segments and encoded slashes (sent as-is) never reach a service's metrics,
# health or internal routes; a NUL byte in any text is a 422, never a 500; a
# card number sent as a JSON number never comes back; admins list every order.
set -eu
. "$(dirname "$0")/http.sh"
run=$(date +%s)-$$

# raw PATH -> the status of GET PATH sent exactly as written.
raw() {
  curl -s --path-as-is -o /tmp/body -w '%{http_code}' --max-time 10 "$gw$1"
}
for path in \
  /api/products/../../metrics \
  /api/products/%2e%2e/%2e%2e/metrics \
  /api/categories/../../health/ready \
  /api/users/%2e%2e/%2e%2e/internal/users/00000000-0000-0000-0000-000000000000 \
  /api/products/%252e%252e/%252e%252e/metrics \
  /api/products/..%2f..%2fmetrics \
  /api/products/..%5c..%5cmetrics \
  /api/products/%c0%ae%c0%ae/%c0%ae%c0%ae/metrics \
  /api//internal/users/00000000-0000-0000-0000-000000000000; do
  expect 400 "$(raw "$path")" "GET $path is refused"
  contains '"code":"invalid_path"' "$path: invalid_path"
  if grep -q 'http_requests_total\|"checks"' /tmp/body; then echo "FAIL $path leaked: $(cat /tmp/body)"; exit 1; fi
done

# A NUL byte (\u0000 in JSON, %00 in a query) in any text.
nul='\u0000'
expect 422 "$(request POST /api/auth/register "{\"email\":\"nul-$run@example.com\",\"password\":\"correct horse battery\",\"name\":\"Da${nul}na\"}")" "a NUL in a sign-up name"
contains '"name"' "the field is named"
expect 422 "$(request POST /api/auth/register "{\"email\":\"nul${nul}-$run@example.com\",\"password\":\"correct horse battery\",\"name\":\"Dana\"}")" "a NUL in a sign-up email"
expect 422 "$(request POST /api/auth/login "{\"email\":\"a${nul}@example.com\",\"password\":\"whatever-it-is\"}")" "a NUL in a login email"
expect 422 "$(request GET "/api/products?q=mu%00g")" "a NUL in the search"
contains '"q"' "the search parameter is named"

email="hostile-$run@example.com"
expect 201 "$(request POST /api/auth/register "{\"email\":\"$email\",\"password\":\"correct horse battery\",\"name\":\"Hostile\"}")" "sign up"
expect 200 "$(request POST /api/auth/login "{\"email\":\"$email\",\"password\":\"correct horse battery\"}")" "sign in"
token=$(field access_token)
bad_address="{\"name\":\"Ada\",\"line1\":\"1 Main${nul} St\",\"city\":\"London\",\"postal_code\":\"SW1\",\"country\":\"GB\"}"
expect 422 "$(request POST /api/users/me/addresses "$bad_address" "$token")" "a NUL in an address"
contains '"line1"' "the address field is named"

expect 200 "$(request POST /api/auth/login "{\"email\":\"admin@shop.local\",\"password\":\"$ADMIN_PASSWORD\"}")" "the admin signs in"
admin=$(field access_token)
expect 422 "$(request POST /api/products "{\"sku\":\"E2E-NUL-$run\",\"name\":\"Mu${nul}g\",\"price_cents\":100,\"category\":\"home\"}" "$admin")" "a NUL in a product name"
expect 201 "$(request POST /api/products "{\"sku\":\"E2E-HOST-$run\",\"name\":\"E2E Mug\",\"price_cents\":900,\"category\":\"home\",\"stock_on_hand\":5}" "$admin")" "a product"
product=$(field id)
expect 201 "$(request POST /api/cart/items "{\"product_id\":\"$product\",\"quantity\":1}" "$token")" "into the cart"
expect 422 "$(request POST /api/orders "{\"shipping_address\":$bad_address,\"payment\":{\"type\":\"wallet\"}}" "$token" "Idempotency-Key: nul-$run")" "a NUL in a checkout address"
expect 422 "$(request POST /api/returns "{\"order_id\":\"$product\",\"lines\":[{\"product_id\":\"$product\",\"quantity\":1}],\"reason\":\"broken${nul}\"}" "$token")" "a NUL in a return reason"

# A card number as a JSON number: named, never echoed.
address='{"name":"Ada","line1":"1 Main St","city":"London","postal_code":"SW1","country":"GB"}'
expect 422 "$(request POST /api/orders "{\"shipping_address\":$address,\"payment\":{\"type\":\"card\",\"card_number\":4111111111111111,\"exp_month\":12,\"exp_year\":2031,\"cvc\":\"123\"}}" "$token" "Idempotency-Key: card-$run")" "a card number sent as a number"
if grep -q 411111 /tmp/body; then echo "FAIL the card number came back: $(cat /tmp/body)"; exit 1; fi
echo "ok   the card number is not in the answer"

# Admins list every order; a customer only their own.
expect 201 "$(request POST /api/orders "{\"shipping_address\":$address,\"payment\":{\"type\":\"card\",\"card_number\":\"4242424242424242\",\"exp_month\":12,\"exp_year\":2031,\"cvc\":\"123\"}}" "$token" "Idempotency-Key: order-$run")" "a checkout"
order=$(field order_id)
expect 200 "$(request GET "/api/orders?status=paid&limit=100" "" "$admin")" "the admin lists paid orders"
contains "\"id\":\"$order\"" "the customer's order is in the admin's list"
expect 409 "$(request POST "/api/orders/$order/status" '{"status":"shipped"}' "$admin")" "staff cannot mark an order shipped by hand"
contains '"code":"invalid_transition"' "invalid_transition"
expect 403 "$(request POST "/api/orders/$order/status" '{"status":"cancelled"}' "$token")" "a customer cannot use the staff route"
expect 200 "$(request POST "/api/orders/$order/status" '{"status":"cancelled"}' "$admin")" "staff cancel the paid order"
contains '"status":"cancelled"' "the order is cancelled"
