#!/bin/sh
# The catalogue through the gateway: demo data, search and filters, admin CRUD
# with validation, and a cache that shows every write at once.
set -eu
. "$(dirname "$0")/http.sh"

cache_header() { tr -d '\r' </tmp/headers | sed -n 's/^[Xx]-[Cc]ache: //p'; }

expect 200 "$(request GET '/api/products?limit=100')" "the demo catalogue"
contains '"total":55' "55 demo products"
# Every demo product has a picture, and every link answers through the gateway.
links=$(grep -oE '"(url|thumb_url)":"[^"]*"' /tmp/body | sed 's/^"[a-z_]*":"//; s/"$//')
[ "$(echo "$links" | grep -c '^/media/products/')" -eq 110 ] || { echo "FAIL 55 pictures and 55 thumbnails: $links"; exit 1; }
for link in $links; do
  got=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' --max-time 10 "$gw$link")
  [ "$got" = "200 image/jpeg" ] || { echo "FAIL $link: $got"; exit 1; }
done
echo "ok   every demo product's picture and thumbnail answer 200 image/jpeg"
tampered=$(echo "$links" | head -n 1 | sed 's/sig=/sig=A/')
[ "$(curl -s -o /dev/null -w '%{http_code}' "$gw$tampered")" = 403 ] || { echo "FAIL a tampered link is not 403"; exit 1; }
echo "ok   a tampered link is 403"
expect 200 "$(request GET '/api/products?category=books&sort=price&limit=100')" "books by price"
contains '"total":11' "11 books"
expect 200 "$(request GET '/api/products?q=mug')" "search for mug"
contains 'Stoneware Mug' "the mug is found"
expect 200 "$(request GET '/api/products?min_price_cents=1450&max_price_cents=1450')" "an exact price, both bounds inclusive"
contains '"sku":"KIT-001"' "the 14.50 mug is in"
expect 200 "$(request GET /api/categories)" "categories"
contains '"slug":"outdoor"' "the outdoor category"
expect 422 "$(request GET '/api/products?sort=cheapest')" "an unknown sort"

expect 200 "$(request POST /api/auth/login "{\"email\":\"admin@shop.local\",\"password\":\"$ADMIN_PASSWORD\"}")" "the admin signs in"
admin=$(field access_token)
sku="E2E-$(date +%s)"
expect 201 "$(request POST /api/products "{\"sku\":\"$sku\",\"name\":\"E2E Lamp\",\"price_cents\":4200,\"category\":\"home\",\"stock_on_hand\":8}" "$admin")" "create a product"
id=$(field id)
expect 409 "$(request POST /api/products "{\"sku\":\"$sku\",\"name\":\"Again\",\"price_cents\":100,\"category\":\"home\"}" "$admin")" "the same sku again"
expect 422 "$(request POST /api/products "{\"sku\":\"$sku-2\",\"name\":\"Free\",\"price_cents\":0,\"category\":\"home\"}" "$admin")" "a price of 0"
expect 422 "$(request POST /api/products "{\"sku\":\"$sku-3\",\"name\":\"\",\"price_cents\":100,\"category\":\"home\"}" "$admin")" "an empty name"
expect 404 "$(request GET /api/products/00000000-0000-7000-8000-000000000000)" "an unknown id"
expect 404 "$(request GET '/api/products/not%20an%20id')" "a malformed id"

expect 200 "$(request GET "/api/products/$id")" "read the new product"
[ "$(cache_header)" = MISS ] || { echo "FAIL the first read should miss: $(cache_header)"; exit 1; }
expect 200 "$(request GET "/api/products/$id")" "read it again"
[ "$(cache_header)" = HIT ] || { echo "FAIL the second read should hit: $(cache_header)"; exit 1; }
echo "ok   MISS then HIT"
expect 200 "$(request PATCH "/api/products/$id" '{"price_cents":4300}' "$admin")" "change the price"
expect 200 "$(request GET "/api/products/$id")" "read after the change"
contains '"price_cents":4300' "the new price shows at once"
expect 200 "$(request PUT "/api/products/$id/stock" '{"stock_on_hand":0}' "$admin")" "sell out"
expect 200 "$(request GET "/api/products/$sku")" "read by sku"
contains '"stock_hint":"out_of_stock"' "out of stock shows at once"
expect 200 "$(request POST /api/auth/login '{"email":"bob@shop.local","password":"demo-password"}')" "a customer signs in"
customer=$(field access_token)
expect 403 "$(request DELETE "/api/products/$id" "" "$customer")" "a customer cannot delete"
expect 204 "$(request DELETE "/api/products/$id" "" "$admin")" "the admin deactivates it"
expect 404 "$(request GET "/api/products/$id")" "gone for shoppers"
expect 200 "$(request GET /api/cache/stats "" "$admin")" "cache stats"
contains '"hit_ratio"' "stats carry the hit ratio"
