#!/usr/bin/env bash
# End-to-end tests: the real server (built SPA + API) on a fresh database, driven by real
# Chromium through playwright-core. Screenshots and the server log land in artifacts/e2e/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
base="$(scripts/ensure-postgres.sh)"
scripts/ensure-chromium.sh
scripts/ensure-frontend.sh
(cd frontend && npm run build >&2)
cargo build -p api --bin ispbill

artifacts="$root/artifacts/e2e"
mkdir -p "$artifacts"
db="ispbill_e2e_$$"
scripts/create-db.sh "$base" "$db" --fresh
port="$(scripts/free-port.sh)"
admin_email="e2e-admin@ispbill.local"
admin_password="e2e-admin-password-$$"

DATABASE_URL="$base/$db" PORT="$port" HOST=127.0.0.1 DEMO_DATA=1 \
  ADMIN_EMAIL="$admin_email" ADMIN_PASSWORD="$admin_password" \
  STATIC_DIR="$root/frontend/dist" LOG_FORMAT=json \
  target/debug/ispbill >"$artifacts/server.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  psql -w -X "$base/postgres" -qtAc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Wait for readiness (the server migrates and seeds first).
if ! scripts/wait-ready.sh "http://127.0.0.1:$port/readyz" "$server" 60; then
  echo "e2e: the server did not become ready; see $artifacts/server.log" >&2
  tail -n 20 "$artifacts/server.log" >&2
  exit 1
fi

cd frontend
E2E_BASE_URL="http://127.0.0.1:$port" E2E_ADMIN_EMAIL="$admin_email" \
  E2E_ADMIN_PASSWORD="$admin_password" E2E_ARTIFACTS="$artifacts" npm run e2e

# Structured logs: the failed login above was logged as JSON inside its request's span.
if ! grep '"failed login"' "$artifacts/server.log" | grep -q '"request_id"'; then
  echo "e2e: the server's log lines do not carry the request id" >&2
  exit 1
fi
