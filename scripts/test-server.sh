# Sourced by e2e.sh, fuzz.sh and bench.sh: start_test_server BINARY LOG [ENV=VALUE ...]
# starts the server on a free port with a fresh database, waits until it is ready, and
# stops it and drops the database when the calling script exits. Sets SERVER_URL,
# SERVER_ADMIN_EMAIL and SERVER_ADMIN_PASSWORD.
start_test_server() {
  local binary="$1" log="$2"; shift 2
  local base port
  base="$(scripts/ensure-postgres.sh)"
  _test_db="ispbill_t_$(basename "$0" .sh)_$$"
  _test_base="$base"
  scripts/create-db.sh "$base" "$_test_db" --fresh
  port="$(scripts/free-port.sh)"
  SERVER_URL="http://127.0.0.1:$port"
  SERVER_ADMIN_EMAIL="test-admin@ispbill.local"
  SERVER_ADMIN_PASSWORD="test-admin-password-$$"
  env DATABASE_URL="$base/$_test_db" PORT="$port" HOST=127.0.0.1 DEMO_DATA=1 \
    ADMIN_EMAIL="$SERVER_ADMIN_EMAIL" ADMIN_PASSWORD="$SERVER_ADMIN_PASSWORD" \
    STATIC_DIR="${STATIC_DIR:-/nonexistent}" LOG_FORMAT=json "$@" \
    "$binary" >"$log" 2>&1 &
  _test_server=$!
  trap stop_test_server EXIT
  if ! scripts/wait-ready.sh "$SERVER_URL/readyz" "$_test_server" 60; then
    echo "$(basename "$0"): the server did not become ready; see $log" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
}

stop_test_server() {
  kill "$_test_server" 2>/dev/null || true
  wait "$_test_server" 2>/dev/null || true
  psql -w -X "$_test_base/postgres" -qtAc "DROP DATABASE IF EXISTS \"$_test_db\" WITH (FORCE)" >/dev/null 2>&1 || true
}

# login_token URL EMAIL PASSWORD: prints an access token.
login_token() {
  node -e '
const [url, email, password] = process.argv.slice(1);
fetch(url + "/api/v1/auth/login", { method: "POST", headers: { "content-type": "application/json" },
  body: JSON.stringify({ email, password }) })
  .then(async (r) => { if (!r.ok) throw new Error(`login: ${r.status} ${await r.text()}`); return r.json(); })
  .then((b) => console.log(b.access_token))
  .catch((e) => { console.error(e.message); process.exit(1); });
' "$1" "$2" "$3"
}
