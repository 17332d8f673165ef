#!/usr/bin/env bash
# What `make bench` needs besides cargo: wrk (the HTTP load tool), pgbench (PostgreSQL's), and a
# PostgreSQL server to create the benchmark databases on (DATABASE_URL, default 127.0.0.1:5432).
set -euo pipefail

install_package() {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "installing $1" >&2
        apt-get install -y -qq "$1" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "$1" >/dev/null; }
    else
        echo "error: $2 is missing; install the Debian package $1 (or your system's equivalent)" >&2
        exit 1
    fi
}

command -v wrk >/dev/null 2>&1 || install_package wrk wrk
command -v pgbench >/dev/null 2>&1 || install_package postgresql-client pgbench

url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
if ! pg_isready -q -d "$url" 2>/dev/null; then
    # The machine's own cluster, if it is installed but stopped.
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$version" ] && command -v pg_ctlcluster >/dev/null 2>&1; then
        pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
    fi
    pg_isready -q -d "$url" || {
        echo "error: no PostgreSQL answers at $url; set DATABASE_URL to a server the benchmark may create databases on" >&2
        exit 1
    }
fi
