#!/bin/sh
# Fulfilment through the gateway: a paid order becomes a packing task; packed
# books the courier (a tracking number); delivered reaches the order; a return
# is received once: restocked, refunded, credited.
set -eu
. "$(dirname "$0")/http.sh"
run=$(date +%s)-$$

card='{"type":"card","card_number":"4242424242424242","exp_month":12,"exp_year":2031,"cvc":"123"}'
address='{"name":"Ada Lovelace","line1":"12 St James Square","city":"London","postal_code":"SW1Y 4JH","country":"GB"}'

expect 200 "$(request POST /api/auth/login "{\"email\":\"admin@shop.local\",\"password\":\"$ADMIN_PASSWORD\"}")" "the admin signs in"
admin=$(field access_token)
expect 201 "$(request POST /api/products "{\"sku\":\"E2E-FUL-$run\",\"name\":\"E2E Teapot\",\"price_cents\":1800,\"category\":\"home\",\"stock_on_hand\":10}" "$admin")" "a product"
product=$(field id)
for who in buyer other; do
  expect 201 "$(request POST /api/auth/register "{\"email\":\"$who-$run@example.com\",\"password\":\"correct horse battery\",\"name\":\"$who\"}")" "$who signs up"
  expect 200 "$(request POST /api/auth/login "{\"email\":\"$who-$run@example.com\",\"password\":\"correct horse battery\"}")" "$who signs in"
  eval "${who}_token=\$(field access_token)"
done
token=$buyer_token

expect 201 "$(request POST /api/cart/items "{\"product_id\":\"$product\",\"quantity\":2}" "$token")" "two teapots in the cart"
expect 201 "$(request POST /api/orders "{\"shipping_address\":$address,\"payment\":$card}" "$token" "Idempotency-Key: ful-$run")" "card checkout"
order=$(field order_id)

# The packing task appears (the outbox relay delivered order.paid).
i=0
task=""
while [ -z "$task" ] && [ $i -lt 75 ]; do
  request GET '/api/admin/packing-tasks?status=pending&limit=100' "" "$admin" >/dev/null
  task=$(grep -o "\"id\":\"[^\"]*\",\"order_id\":\"$order\"" /tmp/body | sed 's/"id":"\([^"]*\)".*/\1/' || true)
  [ -n "$task" ] || sleep 0.2
  i=$((i + 1))
done
[ -n "$task" ] || { echo "FAIL no packing task for $order: $(cat /tmp/body)"; exit 1; }
echo "ok   the paid order is a pending packing task"
expect 403 "$(request GET /api/admin/packing-tasks "" "$token")" "packing tasks are for staff"
expect 409 "$(request POST /api/returns "{\"order_id\":\"$order\",\"lines\":[{\"product_id\":\"$product\",\"quantity\":1}],\"reason\":\"early\"}" "$token")" "a return before delivery"

# Packed: the courier is booked; then delivered.
expect 200 "$(request POST "/api/admin/packing-tasks/$task/packed" "" "$admin")" "packed"
contains '"status":"shipped"' "the courier is booked"
contains '"tracking_number":"MC' "with a tracking number"
shipment=$(sed -n 's/.*"shipment":{"id":"\([^"]*\)".*/\1/p' /tmp/body)
eventually "/api/orders/$order" "$token" '"status":"shipped"' "the order is shipped"
expect 200 "$(request GET "/api/orders/$order/shipment" "" "$token")" "my shipment"
contains "\"id\":\"$shipment\"" "the shipment of my order"
expect 404 "$(request GET "/api/orders/$order/shipment" "" "$other_token")" "someone else's shipment"
expect 200 "$(request POST "/api/admin/shipments/$shipment/delivered" "" "$admin")" "delivered"
eventually "/api/orders/$order" "$token" '"status":"delivered"' "the order is delivered"

# A return: validated, then received once.
expect 422 "$(request POST /api/returns "{\"order_id\":\"$order\",\"lines\":[{\"product_id\":\"$product\",\"quantity\":3}],\"reason\":\"greedy\"}" "$token")" "returning more than was bought"
expect 404 "$(request POST /api/returns "{\"order_id\":\"$order\",\"lines\":[{\"product_id\":\"$product\",\"quantity\":1}],\"reason\":\"not mine\"}" "$other_token")" "returning someone else's order"
request GET "/api/products/$product" "" "$admin" >/dev/null
on_hand=$(number stock_on_hand)
expect 201 "$(request POST /api/returns "{\"order_id\":\"$order\",\"lines\":[{\"product_id\":\"$product\",\"quantity\":1}],\"reason\":\"chipped\"}" "$token")" "a return of one teapot"
contains '"number":"RMA-' "an RMA number"
rma=$(sed -n 's/^{"id":"\([^"]*\)".*/\1/p' /tmp/body)
expect 200 "$(request POST "/api/admin/returns/$rma/receive" "" "$admin")" "received"
contains '"status":"refunded"' "the return is refunded"
expect 200 "$(request POST "/api/admin/returns/$rma/receive" "" "$admin")" "received again"
request GET "/api/products/$product" "" "$admin" >/dev/null
[ "$(number stock_on_hand)" = $((on_hand + 1)) ] || { echo "FAIL stock: $(number stock_on_hand), wanted $((on_hand + 1))"; exit 1; }
echo "ok   one teapot back on the shelf, once"
expect 200 "$(request GET "/api/payments?order_id=$order" "" "$token")" "the payment"
contains '"refunded_cents":1800' "18.00 refunded, once"
eventually "/api/orders/$order" "$token" '"status":"partially_refunded"' "the order is partially refunded"
expect 200 "$(request GET "/api/orders/$order/invoice" "" "$token")" "the invoice"
contains '"number":"CN-' "a credit note against it"
expect 200 "$(request GET "/api/returns/$rma" "" "$token")" "my return"
expect 404 "$(request GET "/api/returns/$rma" "" "$other_token")" "someone else's return"
