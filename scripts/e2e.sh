#!/usr/bin/env bash
# End-to-end tests: the real server (built SPA + API) on a fresh database, driven by real
# Chromium through playwright-core. Screenshots and the server log land in artifacts/e2e/.
#
#   scripts/e2e.sh                          every test file in frontend/e2e/
#   scripts/e2e.sh e2e/billing.test.js ...  only these (paths relative to frontend/)
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
# The usage poller runs every half second, so accounting shows up while a test looks.
STATIC_DIR="$root/frontend/dist" start_test_server target/debug/ispbill "$artifacts/server.log" \
  USAGE_POLL_MS=500

# A real FreeRADIUS on the server's database: tests send accounting to it with radclient.
radius_work="$(mktemp -d)"
radius="$(scripts/freeradius.sh "$_test_base/$_test_db" "$radius_work")"
radius_pid="$(sed -n 's/.*PID=\([0-9]*\).*/\1/p' <<<"$radius")"
radius_acct="$(sed -n 's/.*ACCT_PORT=\([0-9]*\).*/\1/p' <<<"$radius")"
trap 'kill "$radius_pid" 2>/dev/null || true; rm -rf "$radius_work"; stop_test_server' EXIT

tests=(npm run e2e)
if [ "$#" -gt 0 ]; then tests=(node --test "$@"); fi
(cd frontend && E2E_BASE_URL="$SERVER_URL" E2E_ADMIN_EMAIL="$SERVER_ADMIN_EMAIL" \
  E2E_ADMIN_PASSWORD="$SERVER_ADMIN_PASSWORD" E2E_ARTIFACTS="$artifacts" \
  E2E_RADIUS_ACCT_PORT="$radius_acct" "${tests[@]}")

# Structured logs: the failed login in auth.test.js was logged as JSON inside its request's
# span (only checked when that file ran).
if [ "$#" -gt 0 ] && ! printf '%s\n' "$@" | grep -q 'auth.test.js'; then
  exit 0
fi
if ! grep '"failed login"' "$artifacts/server.log" | grep -q '"request_id"'; then
  echo "e2e: the server's log lines do not carry the request id" >&2
  exit 1
fi
