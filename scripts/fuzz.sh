#!/usr/bin/env bash
# `make fuzz`: schemathesis against the real server, authenticated as the demo admin, driven by the
# committed spec (docs/openapi.json). Fails on any 5xx or any response that does not match the spec.
# Uses a fresh database: on DATABASE_URL's server when set, else an embedded PostgreSQL in target/.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${PROSEKTOR_FUZZ_VENV:-$HOME/.cache/prosektor/fuzz-venv}"
if [ ! -x "$venv/bin/schemathesis" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "schemathesis==4.32.5"
fi

target="${CARGO_TARGET_DIR:-target}"
cargo build --quiet -p prosektor-server
port="${PROSEKTOR_FUZZ_PORT:-18080}"
log="$target/fuzz-server.log"

export PROSEKTOR_LISTEN="127.0.0.1:$port" PROSEKTOR_DEMO_SEED=true
if [ -n "${DATABASE_URL:-}" ]; then
    database="prosektor_fuzz_$$"
    admin_url="$DATABASE_URL"
    psql "$admin_url" -qc "CREATE DATABASE $database" >/dev/null
    export DATABASE_URL="${admin_url%/*}/$database"
else
    export PROSEKTOR_DATA_DIR="$target/fuzz-data" PROSEKTOR_EMBEDDED_PG_PORT=54339
    rm -rf "$PROSEKTOR_DATA_DIR"
fi

"$target/debug/prosektor-server" serve >"$log" 2>&1 &
server=$!
cleanup() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    if [ -n "${database:-}" ]; then
        psql "$admin_url" -qc "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null || true
    fi
}
trap cleanup EXIT

for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.5
done
token=$(curl -sf -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"admin@prosektor.demo","password":"demo-admin-password"}' |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')

# Logging out everywhere and changing the password would invalidate the fuzzer's own token mid-run:
# both are tested end to end. One check is excluded, with its reason:
# - `positive_data_acceptance`: a schema-valid value may still break a domain rule that a JSON
#   schema cannot state (a phone number's format, a VKN's check digit), which answers 422 by design.
fuzz() {
    "$venv/bin/schemathesis" run docs/openapi.json \
        --url "http://127.0.0.1:$port" \
        --header "Authorization: Bearer $token" \
        --checks all \
        --exclude-checks positive_data_acceptance \
        --exclude-operation-id logoutEverywhere \
        --exclude-operation-id changePassword \
        --max-examples "${PROSEKTOR_FUZZ_EXAMPLES:-30}" \
        --seed 20261125 \
        --workers 2 \
        --request-timeout 10 \
        --generation-deterministic \
        "$@"
}

# A crash inside the fuzzer itself (hypothesis' "Runtime Error" in the coverage phase, not a finding
# about the API) gets one more run without that phase; a failure the API caused never does.
report="$target/fuzz-report.txt"
if fuzz 2>&1 | tee "$report"; then
    exit 0
fi
if grep -q "Runtime Error" "$report" && ! grep -q "^Failures:" "$report"; then
    echo "schemathesis crashed internally; running it once more without the coverage phase" >&2
    fuzz --phases examples,fuzzing,stateful
else
    exit 1
fi
