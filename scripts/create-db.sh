#!/usr/bin/env bash
# create-db.sh BASE_URL NAME [--fresh]: makes sure database NAME exists on the server.
set -euo pipefail
export PGCONNECT_TIMEOUT=3
base="$1"; name="$2"; fresh="${3:-}"
if [ "$fresh" = "--fresh" ]; then
  psql -w -X "$base/postgres" -qtAc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null
fi
exists="$(psql -w -X "$base/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")"
if [ "$exists" != "1" ]; then
  psql -w -X "$base/postgres" -qtAc "CREATE DATABASE \"$name\"" >/dev/null
fi
