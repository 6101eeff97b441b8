#!/usr/bin/env bash
# make run: build everything, find PostgreSQL, and serve API + SPA on http://localhost:8080
# with the demo ISP seeded.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
base="$(scripts/ensure-postgres.sh)"
db_name="${ISPBILL_DB_NAME:-ispbill}"
# A DATABASE_URL of your own names its database; we only create ours.
if [ -z "${DATABASE_URL:-}" ]; then
  scripts/create-db.sh "$base" "$db_name"
fi
scripts/ensure-frontend.sh
(cd frontend && npm run build >&2)
cargo build -p api --bin ispbill

# The demo admin's password is generated on the first run and kept in .data/, so that
# every later `make run` can tell you how to log in.
mkdir -p .data
if [ -z "${ADMIN_PASSWORD:-}" ]; then
  if [ ! -s .data/admin-password ]; then
    (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' | head -c 20 > .data/admin-password)
  fi
  ADMIN_PASSWORD="$(cat .data/admin-password)"
fi
export ADMIN_PASSWORD
export ADMIN_EMAIL="${ADMIN_EMAIL:-admin@ispbill.local}"
export DATABASE_URL="${DATABASE_URL:-$base/$db_name}"
export DEMO_DATA="${DEMO_DATA:-1}"
export STATIC_DIR="$root/frontend/dist"
export PORT="${PORT:-8080}"
cat <<MSG

  ispbill is starting on http://localhost:$PORT
  Log in at http://localhost:$PORT/login as $ADMIN_EMAIL with password: $ADMIN_PASSWORD
  (the password is kept in .data/admin-password; it applies when the admin is first created)
  API docs: http://localhost:$PORT/docs/   Database: $DATABASE_URL

MSG
exec target/debug/ispbill
