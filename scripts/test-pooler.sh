#!/usr/bin/env bash
# `make test-pooler`: the end-to-end suite again, every server it starts on the shared PostgreSQL
# going through PgBouncer in transaction mode (PROSEKTOR_DB_POOLING=transaction), so that any
# session state leaking between transactions, or any statement the pooler cannot carry, fails a
# test. Needs DATABASE_URL's server (CI: 127.0.0.1:5432).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/pgbouncer.sh

if [ -z "${DATABASE_URL:-}" ]; then
    if pg_isready -q -h 127.0.0.1 -p 5432; then
        export DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres"
    else
        echo "make test-pooler needs DATABASE_URL (PgBouncer is put in front of that server)" >&2
        exit 1
    fi
fi
server=${DATABASE_URL#*@}
server=${server%%/*}
host=${server%:*}
port=${server##*:}

dir=$(mktemp -d /tmp/prosektor-pooler.XXXXXX)
chmod 755 "$dir"
pooler_port=${PROSEKTOR_POOLER_PORT:-6439}
trap 'stop_pgbouncer "$dir"; rm -rf "$dir"' EXIT
start_pgbouncer "$dir" "$pooler_port" "* = host=$host port=$port"

PROSEKTOR_TEST_POOLER_URL="postgres://postgres@127.0.0.1:$pooler_port" \
    cargo nextest run --workspace --all-features --no-fail-fast -E 'package(prosektor-tests)' "$@"
