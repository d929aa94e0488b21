#!/bin/bash
# Runs once, when the data directory is new: one database and one role per
# service. A role owns its database; no other role may connect to it.
set -euo pipefail

for service in users catalogue orders payments fulfilment; do
  var="${service^^}_DB_PASSWORD"
  password="${!var:-${service}-dev-password}"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v role="$service" -v db="${service}_db" -v password="$password" <<'SQL'
CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"db" OWNER :"role";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
SQL
done
# Nobody but the superuser needs the maintenance database.
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -c "REVOKE CONNECT ON DATABASE postgres FROM PUBLIC"
