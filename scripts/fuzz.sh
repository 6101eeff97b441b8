#!/usr/bin/env bash
# Property-based fuzzing of the whole API from its OpenAPI document (schemathesis): no
# generated request may get a 5xx, a status or content type the document does not declare,
# or a body that does not match its schema.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
source scripts/test-server.sh
version="4.32.5"
venv="$root/.data/venv"
if [ ! -x "$venv/bin/st" ] || ! "$venv/bin/st" --version 2>/dev/null | grep -q "$version"; then
  if ! python3 -m venv --help >/dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
    else
      echo "fuzz: please run: sudo apt-get install -y python3-venv" >&2; exit 1
    fi
  fi
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" >&2
fi
cargo build -p api --bin ispbill
mkdir -p artifacts/fuzz
start_test_server target/debug/ispbill artifacts/fuzz/server.log
token="$(login_token "$SERVER_URL" "$SERVER_ADMIN_EMAIL" "$SERVER_ADMIN_PASSWORD")"
# Logins and token grants are left out: fuzzing them only trips the rate limiter.
"$venv/bin/st" run "$SERVER_URL/api/v1/openapi.json" --url "$SERVER_URL" \
  -H "Authorization: Bearer $token" \
  --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
  --exclude-path /api/v1/auth/login --exclude-path /api/v1/auth/token \
  --max-examples "${FUZZ_EXAMPLES:-30}" --seed 1 --no-color
