#!/usr/bin/env bash
# Installs the SPA's npm packages when they are missing or stale. Needs Node.js >= 20.19.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if ! command -v node >/dev/null 2>&1; then
  echo "ensure-frontend: Node.js 20.19+ is required (e.g. apt-get install nodejs npm on a recent Debian)" >&2
  exit 1
fi
major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$major" -lt 20 ]; then
  echo "ensure-frontend: Node.js $(node --version) is too old; 20.19 or newer is required" >&2
  exit 1
fi
cd "$root/frontend"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund >&2
fi
