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
  url="${DATABASE_URL%%\?*}"
  echo "${url%/*}"
  exit 0
fi

# Never stop at a password prompt, never wait long for a server that is not there.
export PGCONNECT_TIMEOUT=3
pg_answers() { psql -w -X -q "$1" -tAc 'SELECT 1' >/dev/null 2>&1; }

command -v psql >/dev/null 2>&1 || install_postgres

if pg_answers "postgres://postgres@127.0.0.1:5432/postgres"; then
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
# The cluster runs as the postgres user, which must be able to reach the folder; a clone
# under a private home (/root is 0700) cannot host it, so it goes under /var/tmp instead.
if [ "$(id -u)" -eq 0 ] && ! runuser -u postgres -- test -x "$(dirname "$root")" 2>/dev/null; then
  data="/var/tmp/ispbill-$(echo "$root" | sha1sum | cut -c1-8)/pg"
  log "$root is not reachable by the postgres user; using $data"
fi
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
  if [ "$(id -u)" -eq 0 ]; then chown -R postgres:postgres "$(dirname "$data")"; fi
  run_pg "$pgbin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 >&2
fi
if ! pg_answers "$url/postgres"; then
  log "starting the local cluster on port $port"
  run_pg "$pgbin/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off" start >&2
fi
echo "$url"
