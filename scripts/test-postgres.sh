#!/usr/bin/env bash
# The suites' own PostgreSQL: a throwaway cluster from the installed binaries, its data directory
# in memory (tmpfs, /dev/shm) and durability off, on 127.0.0.1:15499 (below the ephemeral port
# range, as scripts/cluster.sh explains). Every test creates and drops a database of its own
# (hundreds per run); on a disk filesystem creating and unlinking their files costs the kernel
# more CPU than PostgreSQL spends on the tests' queries. The data is disposable by design: nothing
# here survives a reboot, and nothing needs to.
#
# Usage: scripts/test-postgres.sh url    start the cluster unless it runs; print its URL
#        scripts/test-postgres.sh stop   stop it and remove its directory
# PROSEKTOR_TEST_PG_DIR moves the directory (default /dev/shm/prosektor-test-postgres, or under
# /tmp where there is no /dev/shm); PROSEKTOR_TEST_PG_PORT the port.
set -euo pipefail

port=${PROSEKTOR_TEST_PG_PORT:-15499}
default_root=/dev/shm
[ -d "$default_root" ] && [ -w "$default_root" ] || default_root=${TMPDIR:-/tmp}
dir=${PROSEKTOR_TEST_PG_DIR:-$default_root/prosektor-test-postgres}
url="postgres://postgres@127.0.0.1:$port/postgres"

bin_dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bin_dir" ] || bin_dir=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg() { local tool="$1"; shift; as_postgres "$bin_dir/$tool" "$@"; }

running() {
    "$bin_dir/pg_isready" -q -h 127.0.0.1 -p "$port" 2>/dev/null
}

start() {
    if [ ! -x "$bin_dir/initdb" ]; then
        echo "test-postgres: no PostgreSQL binaries (initdb) found" >&2
        return 1
    fi
    running && return 0
    # One starter at a time (make may run several targets, each asking for the URL).
    exec 9>"${TMPDIR:-/tmp}/prosektor-test-postgres.lock"
    flock 9
    running && return 0
    [ -d "$dir/data" ] && pg pg_ctl stop -D "$dir/data" -m immediate >/dev/null 2>&1 || true
    rm -rf "$dir"
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    pg initdb -D "$dir/data" -U postgres -A trust --no-sync >/dev/null
    # The server must not inherit the lock's descriptor: it would hold the lock for its lifetime.
    pg pg_ctl start -D "$dir/data" -l "$dir/log" -w -o \
        "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir \
         -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        >/dev/null 9>&-
}

case "${1:-}" in
    url)
        start >&2
        echo "$url"
        ;;
    stop)
        [ -d "$dir/data" ] && pg pg_ctl stop -D "$dir/data" -m fast -w >/dev/null 2>&1 || true
        rm -rf "$dir"
        ;;
    *)
        sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
