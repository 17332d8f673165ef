#!/usr/bin/env bash
# What `make test` needs besides cargo: cargo-nextest, and a way to reach PostgreSQL.
set -euo pipefail
if ! cargo nextest --version >/dev/null 2>&1; then
    echo "installing cargo-nextest" >&2
    cargo install cargo-nextest --locked
fi
if [ -n "${DATABASE_URL:-}" ]; then
    exit 0
fi
# Without DATABASE_URL the test kit starts throwaway clusters with pgtemp, which runs PostgreSQL as
# the `postgres` user through sudo when we are root.
if [ "$(id -u)" = 0 ] && ! command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    echo "installing sudo (pgtemp runs PostgreSQL as the postgres user when run as root)" >&2
    apt-get install -y -qq sudo >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq sudo >/dev/null; }
fi
