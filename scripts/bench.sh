#!/usr/bin/env bash
# make bench: load the release server over loopback with wrk and print latency figures.
# Targets and recorded results live in docs/PERFORMANCE.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >&2
  else
    echo "bench: please run: sudo apt-get install -y wrk" >&2; exit 1
  fi
fi
base="$(scripts/ensure-postgres.sh)"
cargo build --release -p api --bin ispbill
db="ispbill_bench"
scripts/create-db.sh "$base" "$db" --fresh
port="$(scripts/free-port.sh)"
password="bench-admin-password"
mkdir -p artifacts/bench
DATABASE_URL="$base/$db" PORT="$port" HOST=127.0.0.1 ADMIN_EMAIL=bench@ispbill.local \
  ADMIN_PASSWORD="$password" DEMO_DATA=1 LOG_LEVEL=warn STATIC_DIR=/nonexistent \
  target/release/ispbill >artifacts/bench/server.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
scripts/wait-ready.sh "http://127.0.0.1:$port/readyz" "$server" 60

url="http://127.0.0.1:$port"
token="$(curl -fsS -X POST "$url/api/v1/auth/login" -H 'content-type: application/json' \
  -d "{\"email\":\"bench@ispbill.local\",\"password\":\"$password\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')"

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(uname -sr)"
echo "== GET /healthz (no database), 32 connections, 10 s"
wrk -t2 -c32 -d10s --latency "$url/healthz" | sed -n '/Latency Distribution/,/Requests\/sec/p'
echo "== GET /api/v1/auth/me (JWT check, account still active, one indexed read), 32 connections, 10 s"
wrk -t2 -c32 -d10s --latency -H "Authorization: Bearer $token" "$url/api/v1/auth/me" | sed -n '/Latency Distribution/,/Requests\/sec/p'
echo "== GET /api/v1/audit-log?limit=50 (admin list), 16 connections, 10 s"
wrk -t2 -c16 -d10s --latency -H "Authorization: Bearer $token" "$url/api/v1/audit-log?limit=50" | sed -n '/Latency Distribution/,/Requests\/sec/p'
psql "$base/postgres" -qtAc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null 2>&1 || true
