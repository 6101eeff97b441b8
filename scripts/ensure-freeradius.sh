#!/usr/bin/env bash
# Makes sure FreeRADIUS 3.2 with its PostgreSQL driver and client tools is installed, from
# Debian's packages; stops the daemon the package starts (the tests run their own).
set -euo pipefail
if command -v freeradius >/dev/null && command -v radclient >/dev/null \
   && [ -e /usr/lib/freeradius/rlm_sql_postgresql.so ]; then
  exit 0
fi
packages="freeradius freeradius-postgresql freeradius-utils"
if [ "$(id -u)" -ne 0 ]; then
  echo "FreeRADIUS is needed: please run: sudo apt-get install -y $packages" >&2
  exit 1
fi
echo "installing $packages" >&2
apt-get update -qq >&2
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $packages >&2
systemctl stop freeradius >/dev/null 2>&1 || service freeradius stop >/dev/null 2>&1 || true
pkill -x freeradius 2>/dev/null || true
