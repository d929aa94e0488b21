#!/usr/bin/env bash
# A token issued before users restarts is still accepted after it: the
# signing key is generated once into the users-keys volume, not kept in the
# process. Signs in through the gateway, restarts the users container, and
# calls GET /api/users/me with the old token.
set -euo pipefail
source "$E2E_ROOT/integration_tests/lib.sh"

email="signing-key-$(date +%s)-$$@example.com"
password="correct horse battery"

# gateway METHOD PATH [BODY] [TOKEN]: the status on the first line, the body
# after it (http.sh's request(), in a curl container on the stack's network).
# BODY and TOKEN must hold no single quote.
gateway() {
  in_net ". /tests/http.sh; status=\$(request '$1' '$2' '${3:-}' '${4:-}'); echo \"\$status\"; cat /tmp/body"
}
status_of() { head -n 1 <<<"$1"; }
body_of() { tail -n +2 <<<"$1"; }
token_in() { body_of "$1" | sed -n 's/.*"access_token":"\([^"]*\)".*/\1/p'; }

answer=$(gateway POST /api/auth/register "{\"email\":\"$email\",\"password\":\"$password\",\"name\":\"Key\"}")
[ "$(status_of "$answer")" = 201 ] || fail "register answered: $answer"
answer=$(gateway POST /api/auth/login "{\"email\":\"$email\",\"password\":\"$password\"}")
[ "$(status_of "$answer")" = 200 ] || fail "login answered: $answer"
old_token=$(token_in "$answer")
[ -n "$old_token" ] || fail "no access_token in: $answer"
answer=$(gateway GET /api/users/me "" "$old_token")
[ "$(status_of "$answer")" = 200 ] || fail "me before the restart answered: $answer"
echo "ok   signed in as $email through the gateway"

users=$(container_of users)
[ -n "$users" ] || fail "no users container"
listing=$(docker exec "$users" ls -ln /var/lib/shop/keys) || fail "cannot list the key volume"
grep -q -- '^-rw------- .* 10001 .*jwt-ed25519\.pem$' <<<"$listing" \
  || fail "the key file should be 0600 and owned by 10001: $listing"
echo "ok   the key file is 0600, owned by the service's uid"

started_before=$(docker inspect -f '{{.State.StartedAt}}' "$users")
docker restart "$users" >/dev/null
[ "$(docker inspect -f '{{.State.StartedAt}}' "$users")" != "$started_before" ] || fail "users did not restart"
wait_healthy 120 || { logs_of_unhealthy; fail "the stack is not healthy after restarting users"; }
echo "ok   users restarted"

# Until the gateway reaches the new process a 502-504 may come; never a 401.
for _ in $(seq 30); do
  answer=$(gateway GET /api/users/me "" "$old_token")
  case "$(status_of "$answer")" in
    502 | 503 | 504) sleep 1 ;;
    *) break ;;
  esac
done
[ "$(status_of "$answer")" = 200 ] || fail "after the restart the old token got: $answer"
grep -q "\"email\":\"$email\"" <<<"$answer" || fail "me names someone else: $answer"
echo "ok   the token issued before the restart is still accepted on GET /api/users/me"

answer=$(gateway POST /api/auth/login "{\"email\":\"$email\",\"password\":\"$password\"}")
[ "$(status_of "$answer")" = 200 ] || fail "login after the restart answered: $answer"
new_token=$(token_in "$answer")
# The JOSE header names the key (kid): the same header means the same key.
[ "${new_token%%.*}" = "${old_token%%.*}" ] || fail "after the restart tokens are signed with another key"
echo "ok   tokens after the restart are signed with the same key"
