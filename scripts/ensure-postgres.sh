#!/usr/bin/env bash
# Finds a PostgreSQL server for ispbill and prints its base URL (without a database name),
# e.g. postgres://postgres@127.0.0.1:5432
#
#   1. DATABASE_URL, when set: its server is used as it is.
#   2. Else the server on 127.0.0.1:5432, when it answers (user postgres, trust auth).
#   3. Else a project-local cluster under .data/pg on port 5433, created with initdb and
#      started with the system's PostgreSQL binaries (installed with apt-get when absent).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
log() { echo "ensure-postgres: $*" >&2; }

as_root_or_say() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  else
    log "please run: sudo $*"
    exit 1
  fi
}

install_postgres() {
  log "installing PostgreSQL from Debian packages"
  as_root_or_say apt-get update -qq >&2
  as_root_or_say env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-client >&2
  # The package may start its own cluster; that is fine, we will use ours or it.
}

if [ -n "${DATABASE_URL:-}" ]; then
  echo "${DATABASE_URL%/*}"
  exit 0
fi

command -v psql >/dev/null 2>&1 || install_postgres

if psql "postgres://postgres@127.0.0.1:5432/postgres" -tAc 'SELECT 1' >/dev/null 2>&1; then
  echo "postgres://postgres@127.0.0.1:5432"
  exit 0
fi

# A project-local cluster.
pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
if [ -z "$pgbin" ] || [ ! -x "$pgbin/initdb" ]; then
  install_postgres
  pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
fi
data="$root/.data/pg"
port=5433
url="postgres://postgres@127.0.0.1:$port"
run_pg() {
  # initdb and postgres refuse to run as root.
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}
if [ ! -f "$data/PG_VERSION" ]; then
  log "creating a local cluster in $data"
  mkdir -p "$data"
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$root/.data"
  run_pg "$pgbin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >&2
fi
if ! psql "$url/postgres" -tAc 'SELECT 1' >/dev/null 2>&1; then
  log "starting the local cluster on port $port"
  run_pg "$pgbin/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" start >&2
fi
echo "$url"
