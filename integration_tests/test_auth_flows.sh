#!/bin/sh
# Accounts and sign-in through the gateway: register, login, me; the errors a
# client can meet; roles; and /internal/* never reachable from outside.
set -eu
. "$(dirname "$0")/http.sh"
email="e2e-$(date +%s)-$$@example.com"
password="correct horse battery"


expect 201 "$(request POST /api/auth/register "{\"email\":\"$email\",\"password\":\"$password\",\"name\":\"E2E\"}")" "register"
expect 409 "$(request POST /api/auth/register "{\"email\":\"$email\",\"password\":\"$password\",\"name\":\"E2E\"}")" "register the same email again"
expect 422 "$(request POST /api/auth/register "{\"email\":\"x-$email\",\"password\":\"short\",\"name\":\"E2E\"}")" "a weak password"
grep -q '"password"' /tmp/body || { echo "FAIL the 422 does not name the password"; exit 1; }
expect 422 "$(request POST /api/auth/register "{\"email\":\"not-an-email\",\"password\":\"$password\",\"name\":\"E2E\"}")" "an invalid email"
grep -q '"email"' /tmp/body || { echo "FAIL the 422 does not name the email"; exit 1; }

expect 200 "$(request POST /api/auth/login "{\"email\":\"$email\",\"password\":\"$password\"}")" "login"
token=$(field access_token)
[ -n "$token" ] || { echo "FAIL no access_token in $(cat /tmp/body)"; exit 1; }
expect 200 "$(request GET /api/users/me "" "$token")" "me with the token"
grep -q "\"email\":\"$email\"" /tmp/body || { echo "FAIL me is someone else: $(cat /tmp/body)"; exit 1; }

expect 401 "$(request POST /api/auth/login "{\"email\":\"$email\",\"password\":\"wrong password\"}")" "a wrong password"
sed 's/"request_id":"[^"]*"//' /tmp/body >/tmp/wrong
expect 401 "$(request POST /api/auth/login "{\"email\":\"nobody-$email\",\"password\":\"wrong password\"}")" "an unknown email"
sed 's/"request_id":"[^"]*"//' /tmp/body >/tmp/unknown
cmp -s /tmp/wrong /tmp/unknown || { echo "FAIL the two 401 bodies differ"; exit 1; }
echo "ok   both 401s have the same body"

expect 401 "$(request GET /api/users/me)" "me without a token"
expect 401 "$(request GET /api/users/me "" "${token}x")" "me with a tampered token"
expect 403 "$(request GET /api/users "" "$token")" "a customer on an admin route"

expect 200 "$(request POST /api/auth/login '{"email":"alice@shop.local","password":"demo-password"}')" "demo customer alice signs in"
alice=$(field access_token)
expect 200 "$(request GET /api/users/me/wallet "" "$alice")" "alice's wallet"
grep -q '"balance_cents":50000' /tmp/body || { echo "FAIL alice should start with 500.00: $(cat /tmp/body)"; exit 1; }
echo "ok   alice starts with 500.00"

expect 200 "$(request POST /api/auth/login "{\"email\":\"admin@shop.local\",\"password\":\"$ADMIN_PASSWORD\"}")" "the admin signs in"
admin=$(field access_token)
expect 200 "$(request GET '/api/users?limit=100' "" "$admin")" "the admin lists users"
grep -q "\"email\":\"$email\"" /tmp/body || { echo "FAIL the new account is not in the list"; exit 1; }

for path in /internal/users/00000000-0000-0000-0000-000000000000 /internal/wallets/x/debit; do
  status=$(curl -s -o /tmp/body -w '%{http_code}' --max-time 10 -X POST -H 'X-Internal-Token: dev-internal-token-change-me' \
    -H "Authorization: Bearer $token" "$gw$path")
  expect 404 "$status" "POST $path through the gateway, with the internal token"
done

# Five failures for one email, then the sixth is throttled.
victim="throttle-$email"
request POST /api/auth/register "{\"email\":\"$victim\",\"password\":\"$password\",\"name\":\"T\"}" >/dev/null
for i in 1 2 3 4 5; do
  expect 401 "$(request POST /api/auth/login "{\"email\":\"$victim\",\"password\":\"wrong password\"}")" "failed login $i"
done
expect 429 "$(request POST /api/auth/login "{\"email\":\"$victim\",\"password\":\"wrong password\"}")" "failed login 6"
