#!/bin/sh
# Checkout through the gateway: a guest cart merged at sign-in, a card
# checkout that pays, invoices and sells the stock, replays by Idempotency-Key,
# a declined card, out of stock, a wallet checkout and a cancellation.
set -eu
. "$(dirname "$0")/http.sh"
run=$(date +%s)-$$

card='{"type":"card","card_number":"4242424242424242","exp_month":12,"exp_year":2031,"cvc":"123"}'
declined='{"type":"card","card_number":"4000000000000002","exp_month":12,"exp_year":2031,"cvc":"123"}'
address='{"name":"Ada Lovelace","line1":"12 St James Square","city":"London","postal_code":"SW1Y 4JH","country":"GB"}'

expect 200 "$(request POST /api/auth/login "{\"email\":\"admin@shop.local\",\"password\":\"$ADMIN_PASSWORD\"}")" "the admin signs in"
admin=$(field access_token)
expect 201 "$(request POST /api/products "{\"sku\":\"E2E-CHK-$run\",\"name\":\"E2E Kettle\",\"price_cents\":2500,\"category\":\"home\",\"stock_on_hand\":5}" "$admin")" "a product with 5 in stock"
product=$(field id)
stock() {
  request GET "/api/products/$product" "" "$admin" >/dev/null
  echo "$(number stock_on_hand)/$(number stock_reserved)"
}

# A guest fills a cart, then signs up, signs in and merges it.
expect 201 "$(request POST /api/cart/items "{\"product_id\":\"$product\",\"quantity\":2}")" "a guest adds to a new cart"
cart=$(header x-cart-id)
[ -n "$cart" ] || { echo "FAIL no X-Cart-Id: $(cat /tmp/headers)"; exit 1; }
header set-cookie | grep -q "cart_id=$cart" || { echo "FAIL no cart cookie"; exit 1; }
echo "ok   the guest cart travels as X-Cart-Id and a cookie"
expect 422 "$(request POST /api/cart/items "{\"product_id\":\"$product\",\"quantity\":0}" "" "X-Cart-Id: $cart")" "quantity 0 is refused"
email="buyer-$run@example.com"
expect 201 "$(request POST /api/auth/register "{\"email\":\"$email\",\"password\":\"correct horse battery\",\"name\":\"Buyer\"}")" "sign up"
user_id=$(field id)
expect 200 "$(request POST /api/auth/login "{\"email\":\"$email\",\"password\":\"correct horse battery\"}")" "sign in"
token=$(field access_token)
expect 200 "$(request POST /api/cart/merge "" "$token" "X-Cart-Id: $cart")" "merge the guest cart"
contains '"quantity":2' "the merged cart holds the guest's 2 kettles"

# Checkout: a key is required; then 201 paid with an invoice.
expect 400 "$(request POST /api/orders "{\"shipping_address\":$address,\"payment\":$card}" "$token")" "checkout without an Idempotency-Key"
key="e2e-$run-1"
expect 201 "$(request POST /api/orders "{\"shipping_address\":$address,\"payment\":$card}" "$token" "Idempotency-Key: $key")" "card checkout"
contains '"status":"paid"' "the order is paid"
contains '"total_cents":5000' "2 x 25.00"
contains '"invoice_number":"INV-' "it has an invoice number"
order=$(field order_id)
cp /tmp/body /tmp/first
expect 201 "$(request POST /api/orders "{\"shipping_address\":$address,\"payment\":$card}" "$token" "Idempotency-Key: $key")" "the same key again"
cmp -s /tmp/body /tmp/first || { echo "FAIL the replay differs"; exit 1; }
echo "ok   the replay is identical"
expect 409 "$(request POST /api/orders "{\"shipping_address\":$address,\"payment\":{\"type\":\"wallet\"}}" "$token" "Idempotency-Key: $key")" "the same key with another body"
contains '"code":"idempotency_key_reused"' "named idempotency_key_reused"
[ "$(stock)" = "3/0" ] || { echo "FAIL stock after the sale: $(stock)"; exit 1; }
echo "ok   2 kettles sold, none held"
expect 200 "$(request GET /api/cart "" "$token")" "the cart"
contains '"items":\[\]' "the cart is empty after checkout"
expect 200 "$(request GET "/api/orders/$order/invoice" "" "$token")" "the invoice"
contains '"number":"INV-' "the invoice is numbered"
expect 200 "$(request GET "/api/payments?order_id=$order" "" "$token")" "the payment"
contains '"status":"succeeded"' "the card was charged"
expect 200 "$(request GET /api/orders "" "$token")" "my orders"
contains '"total":1' "one order, whatever was retried"

# A declined card: 402, the stock comes back.
expect 201 "$(request POST /api/cart/items "{\"product_id\":\"$product\",\"quantity\":1}" "$token")" "another kettle in the cart"
expect 402 "$(request POST /api/orders "{\"shipping_address\":$address,\"payment\":$declined}" "$token" "Idempotency-Key: e2e-$run-2")" "a declined card"
contains '"code":"payment_declined"' "named payment_declined"
[ "$(stock)" = "3/0" ] || { echo "FAIL stock after the decline: $(stock)"; exit 1; }
echo "ok   the declined checkout held nothing"

# Out of stock: 409 naming the product, nothing charged.
expect 200 "$(request GET /api/cart "" "$token")" "the cart still holds the kettle"
item=$(field id)
expect 200 "$(request PATCH "/api/cart/items/$item" '{"quantity":4}' "$token")" "4 kettles wanted, 3 left"
expect 409 "$(request POST /api/orders "{\"shipping_address\":$address,\"payment\":$card}" "$token" "Idempotency-Key: e2e-$run-3")" "more than is in stock"
contains '"code":"out_of_stock"' "named out_of_stock"
contains "\"product_id\":\"$product\"" "naming the kettle"

# A wallet checkout: 500.00 in the wallet, 299.99 spent, 200.01 left.
expect 201 "$(request POST /api/products "{\"sku\":\"E2E-WAL-$run\",\"name\":\"E2E Bike Lamp\",\"price_cents\":29999,\"category\":\"home\",\"stock_on_hand\":3}" "$admin")" "a 299.99 product"
lamp=$(field id)
email2="wallet-$run@example.com"
expect 201 "$(request POST /api/auth/register "{\"email\":\"$email2\",\"password\":\"correct horse battery\",\"name\":\"Wallet\"}")" "another shopper"
wallet_user=$(field id)
expect 201 "$(request POST "/api/users/$wallet_user/wallet/credit" '{"amount_cents":50000,"reason":"e2e"}' "$admin" "Idempotency-Key: e2e-credit-$run")" "500.00 into the wallet"
expect 200 "$(request POST /api/auth/login "{\"email\":\"$email2\",\"password\":\"correct horse battery\"}")" "the shopper signs in"
wallet_token=$(field access_token)
expect 201 "$(request POST /api/cart/items "{\"product_id\":\"$lamp\",\"quantity\":1}" "$wallet_token")" "the lamp in the cart"
expect 201 "$(request POST /api/orders "{\"shipping_address\":$address,\"payment\":{\"type\":\"wallet\"}}" "$wallet_token" "Idempotency-Key: e2e-$run-4")" "wallet checkout"
contains '"status":"paid"' "paid from the wallet"
wallet_order=$(field order_id)
expect 200 "$(request GET /api/users/me/wallet "" "$wallet_token")" "the wallet"
contains '"balance_cents":20001' "200.01 left"

# Cancelling before packing refunds the wallet.
expect 200 "$(request POST "/api/orders/$wallet_order/cancel" "" "$wallet_token")" "cancel the wallet order"
contains '"status":"cancelled"' "the order is cancelled"
expect 200 "$(request GET /api/users/me/wallet "" "$wallet_token")" "the wallet again"
contains '"balance_cents":50000' "the 299.99 came back"
expect 404 "$(request GET "/api/orders/$wallet_order" "" "$token")" "someone else's order"
echo "user $user_id done"
