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
source scripts/test-server.sh
cargo build --release -p api --bin ispbill
mkdir -p artifacts/bench
start_test_server target/release/ispbill artifacts/bench/server.log LOG_LEVEL=warn
url="$SERVER_URL"
token="$(login_token "$url" "$SERVER_ADMIN_EMAIL" "$SERVER_ADMIN_PASSWORD")"

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(uname -sr)"
echo "== GET /healthz (no database), 32 connections, 10 s"
wrk -t2 -c32 -d10s --latency "$url/healthz" | sed -n '/Latency Distribution/,/Requests\/sec/p'
echo "== GET /api/v1/auth/me (JWT check, account still active, one indexed read), 32 connections, 10 s"
wrk -t2 -c32 -d10s --latency -H "Authorization: Bearer $token" "$url/api/v1/auth/me" | sed -n '/Latency Distribution/,/Requests\/sec/p'
echo "== GET /api/v1/audit-log?limit=50 (admin list), 16 connections, 10 s"
wrk -t2 -c16 -d10s --latency -H "Authorization: Bearer $token" "$url/api/v1/audit-log?limit=50" | sed -n '/Latency Distribution/,/Requests\/sec/p'
