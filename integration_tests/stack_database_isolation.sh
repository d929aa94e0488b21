#!/usr/bin/env bash
# Each service's role reaches its own database and no other one.
set -euo pipefail
source "$E2E_ROOT/integration_tests/lib.sh"

pg=$(container_of postgres)
services=(users catalogue orders payments fulfilment)
psql_as() {
  local role=$1 db=$2 var="${1^^}_DB_PASSWORD"
  docker exec -e PGPASSWORD="${!var:-$role-dev-password}" "$pg" \
    psql -h 127.0.0.1 -U "$role" -d "$db" -tAc 'SELECT current_user' 2>&1
}

for i in "${!services[@]}"; do
  role=${services[$i]}
  other=${services[$(( (i + 1) % ${#services[@]} ))]}
  [ "$(psql_as "$role" "${role}_db")" = "$role" ] || fail "$role cannot reach its own ${role}_db"
  if out=$(psql_as "$role" "${other}_db"); then
    fail "$role could read ${other}_db"
  fi
  grep -q "permission denied for database" <<<"$out" || fail "$role on ${other}_db: unexpected error: $out"
  echo "ok   $role: own database yes, ${other}_db -> permission denied"
done
