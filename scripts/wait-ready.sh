#!/usr/bin/env bash
# wait-ready.sh URL PID SECONDS: waits until URL answers 2xx; fails if PID exits or time runs out.
set -euo pipefail
url="$1"; pid="$2"; seconds="$3"
exec node -e '
const [url, pid, seconds] = process.argv.slice(1);
const deadline = Date.now() + Number(seconds) * 1000;
const alive = () => { try { process.kill(Number(pid), 0); return true; } catch { return false; } };
(async () => {
  while (Date.now() < deadline) {
    try { const r = await fetch(url); if (r.ok) process.exit(0); } catch {}
    if (!alive()) { console.error(`wait-ready: process ${pid} exited`); process.exit(1); }
    await new Promise((r) => setTimeout(r, 250));
  }
  console.error(`wait-ready: ${url} not ready after ${seconds} s`);
  process.exit(1);
})();
' "$url" "$pid" "$seconds"
