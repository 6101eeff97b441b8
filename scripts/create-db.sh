#!/usr/bin/env bash
# create-db.sh BASE_URL NAME [--fresh]: makes sure database NAME exists on the server.
set -euo pipefail
base="$1"; name="$2"; fresh="${3:-}"
if [ "$fresh" = "--fresh" ]; then
  psql "$base/postgres" -qtAc "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null
fi
exists="$(psql "$base/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")"
if [ "$exists" != "1" ]; then
  psql "$base/postgres" -qtAc "CREATE DATABASE \"$name\"" >/dev/null
fi
