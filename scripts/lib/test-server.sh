# Sourced by the scripts that drive a real server over HTTP (`make fuzz`, `make clients`):
# `start_test_server NAME PORT` builds and starts `prosektor-server serve` with the demo data on a
# fresh database (on DATABASE_URL's server when set, else an embedded PostgreSQL in a fresh
# directory under /tmp, which the `postgres` user can reach when the script runs as root), waits until it is ready, and stops it (dropping the database) when the script exits.
# It sets `server_url` and `target`.

target="${CARGO_TARGET_DIR:-target}"

start_test_server() {
    local name="$1" port="$2"
    cargo build --quiet -p prosektor-server
    local log="$target/$name-server.log"
    export PROSEKTOR_LISTEN="127.0.0.1:$port" PROSEKTOR_DEMO_SEED=true
    if [ -n "${DATABASE_URL:-}" ]; then
        database="prosektor_${name}_$$"
        admin_url="$DATABASE_URL"
        psql "$admin_url" -qc "CREATE DATABASE $database" >/dev/null
        export DATABASE_URL="${admin_url%/*}/$database"
    else
        data_dir=$(mktemp -d "/tmp/prosektor-$name.XXXXXX")
        chmod 755 "$data_dir"
        export PROSEKTOR_DATA_DIR="$data_dir" PROSEKTOR_EMBEDDED_PG_PORT=$((port + 1000))
    fi
    "$target/debug/prosektor-server" serve >"$log" 2>&1 &
    server=$!
    trap stop_test_server EXIT
    server_url="http://127.0.0.1:$port"
    for _ in $(seq 1 120); do
        curl -sf "$server_url/readyz" >/dev/null && return 0
        sleep 0.5
    done
    echo "the server did not become ready; its log is $log" >&2
    return 1
}

stop_test_server() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    if [ -n "${database:-}" ]; then
        psql "$admin_url" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null || true
    fi
    if [ -n "${data_dir:-}" ]; then
        rm -rf "$data_dir"
    fi
}
