#!/usr/bin/env bash
# End-to-end tests: the real server (built SPA + API) on a fresh database, driven by real
# Chromium through playwright-core. Screenshots and the server log land in artifacts/e2e/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/test-server.sh
scripts/ensure-chromium.sh
scripts/ensure-frontend.sh
(cd frontend && npm run build >&2)
cargo build -p api --bin ispbill

artifacts="$root/artifacts/e2e"
mkdir -p "$artifacts"
STATIC_DIR="$root/frontend/dist" start_test_server target/debug/ispbill "$artifacts/server.log"

(cd frontend && E2E_BASE_URL="$SERVER_URL" E2E_ADMIN_EMAIL="$SERVER_ADMIN_EMAIL" \
  E2E_ADMIN_PASSWORD="$SERVER_ADMIN_PASSWORD" E2E_ARTIFACTS="$artifacts" npm run e2e)

# Structured logs: the failed login above was logged as JSON inside its request's span.
if ! grep '"failed login"' "$artifacts/server.log" | grep -q '"request_id"'; then
  echo "e2e: the server's log lines do not carry the request id" >&2
  exit 1
fi
