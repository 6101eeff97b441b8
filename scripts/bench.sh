#!/usr/bin/env bash
# make bench: load the release server over loopback with wrk and print latency figures,
# then time the usage poller and ingest, and a full bill run of a million subscriptions.
# `scripts/bench.sh billing` runs only the bill run. Targets and recorded results live in
# docs/PERFORMANCE.md.
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
cargo build --release -p api --bin ispbill --bin bench_seed --bin loadgen --bin usage_bench --bin billing_bench
mkdir -p artifacts/bench
# The usage poller is timed by usage_bench itself: the server's own worker stays out of it;
# so does the server's daily bill run (the bill-run case queues its own).
start_test_server target/release/ispbill artifacts/bench/server.log LOG_LEVEL=warn USAGE_POLL_MS=86400000 \
  BILLING_SCHEDULE=off
url="$SERVER_URL"
token="$(login_token "$url" "$SERVER_ADMIN_EMAIL" "$SERVER_ADMIN_PASSWORD")"

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; $(uname -sr); load $(cut -d' ' -f1-3 /proc/loadavg)"

# The full issue run through the server: seeded apart (not timed), then POST /bill-runs and
# polled to the end; the COPY floor of the same invoices and lines is measured right after.
bill_run_case() {
  local subs="${BENCH_BILLING_SUBSCRIPTIONS:-1000000}"
  echo "== bill run (issue 5): $subs active subscriptions due today, ~3 lines each, full issue run through the API (targets: <= 30 s, stretch 20 s; <= 1.5x the COPY floor; API peak memory <= 200 MB)"
  target/release/billing_bench "$_test_base/$_test_db" "$subs" \
    --server "$url" "$SERVER_ADMIN_EMAIL" "$SERVER_ADMIN_PASSWORD" "$_test_server"
  echo "== load after the bill run: $(cut -d' ' -f1-3 /proc/loadavg)"
}
if [ "${1:-}" = billing ]; then
  bill_run_case
  exit 0
fi
customers="${BENCH_CUSTOMERS:-100000}"
echo "== seeding $customers customers (contacts, addresses, orders, leads, interactions, ledger, events)"
target/release/bench_seed "$_test_base/$_test_db" "$customers"
# A fresh token: seeding may take longer than a short-lived one lasts.
token="$(login_token "$url" "$SERVER_ADMIN_EMAIL" "$SERVER_ADMIN_PASSWORD")"
ids="$(psql -w -X "$_test_base/$_test_db" -qtAc "SELECT id FROM customers ORDER BY md5(id::text) LIMIT 2000")"
echo "$ids" | sed "s|^|$url/api/v1/customers/|; s|\$|/overview|" > artifacts/bench/overview-urls.txt
# What agents type: surnames, full names, account numbers, phones, e-mails, streets, typos.
psql -w -X "$_test_base/$_test_db" -qtAc "
  (SELECT split_part(name, ' ', 2) FROM customers ORDER BY md5(id::text) LIMIT 200)
  UNION ALL (SELECT name FROM customers ORDER BY md5(id::text || 'n') LIMIT 200)
  UNION ALL (SELECT account_number FROM customers ORDER BY md5(id::text || 'a') LIMIT 200)
  UNION ALL (SELECT substr(phone, 3) FROM customers ORDER BY md5(id::text || 'p') LIMIT 200)
  UNION ALL (SELECT email FROM customers ORDER BY md5(id::text || 'e') LIMIT 200)
  UNION ALL (SELECT line1 FROM customer_addresses ORDER BY md5(id::text) LIMIT 200)
  UNION ALL (SELECT overlay(name placing 'x' from 3 for 1) FROM customers ORDER BY md5(id::text || 't') LIMIT 200)" \
  | node -e 'const lines = require("fs").readFileSync(0, "utf8").split("\n").filter(Boolean);
      const u = process.argv[1]; const shuffled = lines.map((l, i) => [(i * 7919) % lines.length, l]).sort((a, b) => a[0] - b[0]);
      console.log(shuffled.map(([, l]) => u + "/api/v1/search?q=" + encodeURIComponent(l)).join("\n"));' "$url" \
  > artifacts/bench/search-urls.txt

pid="$_test_server"
rss() { awk '/VmRSS|VmHWM/{printf "%s %d MB  ", $1, $2/1024}' "/proc/$pid/status"; echo; }
echo "== API memory after seeding: $(rss)"
echo "== GET /api/v1/customers/{id}/overview, $customers customers, open loop at 1,000 req/s for 20 s (target p99 <= 5 ms)"
target/release/loadgen 1000 20 "$token" artifacts/bench/overview-urls.txt
echo "== same at 3,000 req/s for 20 s (target: sustained, p99 <= 15 ms)"
target/release/loadgen 3000 20 "$token" artifacts/bench/overview-urls.txt
echo "== overview, closed loop (wrk, 32 connections, 10 s): the ceiling"
wrk -t2 -c32 -d10s --latency -H "Authorization: Bearer $token" \
  -s scripts/bench-urls.lua "$url" -- artifacts/bench/overview-urls.txt | sed -n '/Latency Distribution/,/Requests\/sec/p'
echo "== API memory after the overview load (target <= 64 MB): $(rss)"
echo "== GET /api/v1/search?q=… (names, account numbers, phones, e-mails, streets, typos), open loop at 200 req/s for 20 s (target well under 100 ms)"
target/release/loadgen 200 20 "$token" artifacts/bench/search-urls.txt
echo "== search, closed loop (wrk, 8 connections, 10 s)"
wrk -t2 -c8 -d10s --latency -H "Authorization: Bearer $token" \
  -s scripts/bench-urls.lua "$url" -- artifacts/bench/search-urls.txt | sed -n '/Latency Distribution/,/Requests\/sec/p'
echo "== GET /healthz (no database), 32 connections, 10 s"
wrk -t2 -c32 -d10s --latency "$url/healthz" | sed -n '/Latency Distribution/,/Requests\/sec/p'
echo "== GET /api/v1/auth/me (JWT check, account still active, one indexed read), 32 connections, 10 s"
wrk -t2 -c32 -d10s --latency -H "Authorization: Bearer $token" "$url/api/v1/auth/me" | sed -n '/Latency Distribution/,/Requests\/sec/p'
echo "== GET /api/v1/audit-log?limit=50 (admin list), 16 connections, 10 s"
wrk -t2 -c16 -d10s --latency -H "Authorization: Bearer $token" "$url/api/v1/audit-log?limit=50" | sed -n '/Latency Distribution/,/Requests\/sec/p'

usage_subs="${BENCH_USAGE_SUBSCRIPTIONS:-100000}" usage_rows="${BENCH_USAGE_ROWS:-1000000}"
echo "== usage poller: one pass over $usage_rows changed accounting rows of $usage_subs subscriptions (target >= 200,000 rows/s)"
target/release/usage_bench poller "$_test_base/$_test_db" "$usage_subs" "$usage_rows"
echo "== POST /api/v1/usage-records, batches of 1,000 records, 4 connections, 10 s (target >= 100,000 records/s)"
target/release/usage_bench ingest "$_test_base/$_test_db" "$url" "$SERVER_ADMIN_EMAIL" "$SERVER_ADMIN_PASSWORD" 10 4

bill_run_case

echo "== API memory at the end: $(rss)"
