#!/usr/bin/env bash
# A ProSektor fleet on loopback, from the installed PostgreSQL binaries and Debian's PgBouncer and
# HAProxy (docs/architecture.md, "Scaling out"):
#
#   HAProxy :15410 --> API server 1 :15411, API server 2 :15412 (no workers of their own)
#   worker 1, worker 2 (two pipeline loops each)
#   all of them --> PgBouncer :15403 (transaction mode) --> primary :15401 (database prosektor)
#                                                       --> streaming replica :15402 (reads)
#   migrations and shutdown cancellation --> primary directly
#
# The ports sit below Linux's ephemeral range (32768-60999): a port in it can be taken at any
# moment as the local end of an outgoing connection, and a server bound there fails to start.
#
# Usage: scripts/cluster.sh up | down | status | env
#        scripts/cluster.sh stop-api N | kill-api N | start-api N | restart-api N
#        scripts/cluster.sh stop-replica | start-replica | replica-sql SQL | primary-sql SQL
#        scripts/cluster.sh servers 1|2 | replica-reads on|off | heal
# `up` builds the server (PROSEKTOR_CLUSTER_PROFILE=release for a release build) unless
# PROSEKTOR_SERVER_BIN names one. Everything lives under PROSEKTOR_CLUSTER_DIR
# (/tmp/prosektor-cluster); `down` removes it. `restart-api N` is a rolling restart's step: the
# balancer drains the server, it stops gracefully, starts again and is enabled once ready.
# `servers 1` takes server 2 out of the balancer (`2` puts it back); `replica-reads off` restarts
# both servers, one after the other, without DATABASE_READ_URL (`on` with it). For benchmarks:
# `heal` undoes whatever an interrupted test left behind (a server stopped or out of the balancer,
# the replica stopped or paused, replica reads off), so that every test starts on a whole fleet.
# For benchmarks: PROSEKTOR_CLUSTER_DEMO=false skips the demo data, PROSEKTOR_CLUSTER_JWT_SECRET
# sets the secret.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/pgbouncer.sh

dir=${PROSEKTOR_CLUSTER_DIR:-/tmp/prosektor-cluster}
primary_port=15401
replica_port=15402
bouncer_port=15403
balancer_port=15410
api_port() { echo $((15410 + $1)); }
metrics_port() { echo $((15420 + $1)); }
secret=${PROSEKTOR_CLUSTER_JWT_SECRET:-prosektor-cluster-secret-not-for-production}
demo=${PROSEKTOR_CLUSTER_DEMO:-true}
profile=${PROSEKTOR_CLUSTER_PROFILE:-debug}
target_dir=${CARGO_TARGET_DIR:-target}
server_bin=${PROSEKTOR_SERVER_BIN:-$target_dir/$profile/prosektor-server}

bin_dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg() { local tool="$1"; shift; as_postgres "$bin_dir/$tool" "$@"; }
psql_at() { "$bin_dir/psql" -qAtX "postgres://postgres@127.0.0.1:$1/${2:-prosektor}" -c "$3"; }

start_postgres() {
    local name="$1" port="$2"
    pg pg_ctl start -D "$dir/$name" -l "$dir/$name.log" -w -o \
        "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c max_connections=200 -c shared_buffers=128MB" \
        >/dev/null
}

# The environment every process of the fleet shares (reads on the replica unless
# `replica-reads off` left its mark).
fleet_env() {
    [ -e "$dir/no-replica-reads" ] ||
        echo DATABASE_READ_URL="postgres://postgres@127.0.0.1:$bouncer_port/prosektor_replica"
    echo DATABASE_URL="postgres://postgres@127.0.0.1:$bouncer_port/prosektor" \
        DATABASE_DIRECT_URL="postgres://postgres@127.0.0.1:$primary_port/prosektor" \
        PROSEKTOR_DB_POOLING=transaction \
        PROSEKTOR_JWT_SECRET="$secret" \
        PROSEKTOR_TRUSTED_PROXIES=127.0.0.1 \
        RUST_LOG="${RUST_LOG:-warn}"
}

start_api() {
    local n="$1"
    env $(fleet_env) PROSEKTOR_LISTEN="127.0.0.1:$(api_port "$n")" \
        PROSEKTOR_METRICS_LISTEN="127.0.0.1:$(metrics_port "$n")" PROSEKTOR_WORKERS=0 \
        PROSEKTOR_DEMO_SEED="$([ "$n" = 1 ] && echo "$demo" || echo false)" \
        "$server_bin" serve >>"$dir/api$n.log" 2>&1 &
    local pid=$!
    echo "$pid" >"$dir/api$n.pid"
    for _ in $(seq 1 300); do
        curl -sf "http://127.0.0.1:$(api_port "$n")/readyz" >/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    # The fleet's directory goes with `down`: the log's end is printed while it is still there.
    echo "API server $n did not become ready; the end of its log ($dir/api$n.log):" >&2
    tail -n 20 "$dir/api$n.log" >&2
    return 1
}

start_worker() {
    local n="$1"
    env $(fleet_env) PROSEKTOR_WORKERS=2 "$server_bin" worker >>"$dir/worker$n.log" 2>&1 &
    echo $! >"$dir/worker$n.pid"
}

# Stops process NAME (its pid file) with SIGNAL and waits for it.
stop_process() {
    local name="$1" signal="${2:-TERM}" pid
    [ -f "$dir/$name.pid" ] || return 0
    pid=$(cat "$dir/$name.pid")
    kill -"$signal" "$pid" 2>/dev/null || true
    for _ in $(seq 1 200); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    rm -f "$dir/$name.pid"
}

# Sends one command to HAProxy's runtime API.
balancer() {
    echo "$1" | socat stdio "unix-connect:$dir/haproxy.sock" >/dev/null
}

start_balancer() {
    cat >"$dir/haproxy.cfg" <<EOF
global
    stats socket $dir/haproxy.sock mode 600 level admin
    pidfile $dir/haproxy.pid
    maxconn 4000

defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    option forwardfor
    option redispatch
    retries 3
    # Only a request that never reached a server is retried (on the other one): never a write
    # a server may have executed.
    retry-on conn-failure

frontend api
    bind 127.0.0.1:$balancer_port
    default_backend servers

backend servers
    balance roundrobin
    option httpchk GET /readyz
    default-server inter 500ms fall 2 rise 1
    server api1 127.0.0.1:$(api_port 1) check
    server api2 127.0.0.1:$(api_port 2) check
EOF
    haproxy -D -f "$dir/haproxy.cfg"
}

ensure_tools() {
    local missing=()
    command -v haproxy >/dev/null 2>&1 || missing+=(haproxy)
    command -v socat >/dev/null 2>&1 || missing+=(socat)
    command -v pgbouncer >/dev/null 2>&1 || [ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing ${missing[*]}" >&2
        apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 ||
            { apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null; }
    fi
    if [ -z "${PROSEKTOR_SERVER_BIN:-}" ]; then
        if [ "$profile" = release ]; then
            cargo build --quiet --release -p prosektor-server
        else
            cargo build --quiet -p prosektor-server
        fi
    fi
}

up() {
    ensure_tools
    [ -e "$dir" ] && down
    local started=$SECONDS
    mkdir -p "$dir"
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    pg initdb -D "$dir/primary" -U postgres -A trust >/dev/null
    start_postgres primary "$primary_port"
    psql_at "$primary_port" postgres "CREATE DATABASE prosektor"
    pg pg_basebackup -h 127.0.0.1 -p "$primary_port" -U postgres -D "$dir/replica" -R -X stream -c fast
    start_postgres replica "$replica_port"
    env $(fleet_env) "$server_bin" migrate >"$dir/migrate.log" 2>&1
    start_pgbouncer "$dir/bouncer" "$bouncer_port" \
        "prosektor = host=127.0.0.1 port=$primary_port dbname=prosektor
prosektor_replica = host=127.0.0.1 port=$replica_port dbname=prosektor"
    start_api 1
    start_api 2
    start_worker 1
    start_worker 2
    start_balancer
    for _ in $(seq 1 50); do
        curl -sf "http://127.0.0.1:$balancer_port/readyz" >/dev/null && break
        sleep 0.1
    done
    echo "cluster up in $((SECONDS - started)) s: http://127.0.0.1:$balancer_port (logs in $dir)"
}

down() {
    [ -e "$dir" ] || return 0
    [ -f "$dir/haproxy.pid" ] && kill "$(cat "$dir/haproxy.pid")" 2>/dev/null || true
    for name in api1 api2 worker1 worker2; do stop_process "$name" TERM; done
    stop_pgbouncer "$dir/bouncer"
    for name in replica primary; do
        [ -d "$dir/$name" ] && pg pg_ctl stop -D "$dir/$name" -m fast -w >/dev/null 2>&1 || true
    done
    rm -rf "$dir"
}

restart_api() {
    local n="$1"
    balancer "set server servers/api$n state drain"
    # Requests already on their way finish; no new one arrives (the balancer's view first).
    sleep 1
    stop_process "api$n" TERM
    start_api "$n"
    balancer "set server servers/api$n state ready"
    sleep 1
}

heal() {
    local restarted=false
    if [ -e "$dir/no-replica-reads" ]; then
        rm -f "$dir/no-replica-reads"
        for n in 1 2; do stop_process "api$n" TERM; done
    fi
    for n in 1 2; do
        if ! curl -sf "http://127.0.0.1:$(api_port "$n")/readyz" >/dev/null; then
            stop_process "api$n" KILL
            start_api "$n"
            restarted=true
        fi
        balancer "set server servers/api$n state ready"
    done
    pg pg_ctl status -D "$dir/replica" >/dev/null 2>&1 || start_postgres replica "$replica_port"
    psql_at "$replica_port" prosektor "SELECT pg_wal_replay_resume()" >/dev/null
    # The balancer checks every 500 ms and needs one good check to send traffic again.
    if [ "$restarted" = true ]; then sleep 1; fi
}

case "${1:-}" in
    up) up ;;
    heal) heal ;;
    down) down ;;
    status)
        for n in 1 2; do
            printf 'api%s: ' "$n"
            curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$(api_port "$n")/readyz" || echo down
        done
        psql_at "$replica_port" prosektor "SELECT 'replica in recovery: ' || pg_is_in_recovery()"
        ;;
    env)
        echo "PROSEKTOR_CLUSTER_URL=http://127.0.0.1:$balancer_port"
        echo "PROSEKTOR_CLUSTER_PRIMARY_URL=postgres://postgres@127.0.0.1:$primary_port/prosektor"
        echo "PROSEKTOR_CLUSTER_REPLICA_URL=postgres://postgres@127.0.0.1:$replica_port/prosektor"
        echo "PROSEKTOR_CLUSTER_API_URLS=http://127.0.0.1:$(api_port 1),http://127.0.0.1:$(api_port 2)"
        echo "PROSEKTOR_CLUSTER_METRICS_URLS=http://127.0.0.1:$(metrics_port 1)/metrics,http://127.0.0.1:$(metrics_port 2)/metrics"
        ;;
    stop-api) stop_process "api$2" TERM ;;
    kill-api) stop_process "api$2" KILL ;;
    start-api) start_api "$2" ;;
    restart-api) restart_api "$2" ;;
    servers)
        case "$2" in
            1) balancer "set server servers/api2 state maint" ;;
            2) balancer "set server servers/api2 state ready" ;;
        esac
        ;;
    replica-reads)
        case "$2" in
            off) touch "$dir/no-replica-reads" ;;
            on) rm -f "$dir/no-replica-reads" ;;
        esac
        restart_api 1
        restart_api 2
        ;;
    stop-replica) pg pg_ctl stop -D "$dir/replica" -m fast -w >/dev/null ;;
    start-replica) start_postgres replica "$replica_port" ;;
    replica-sql) psql_at "$replica_port" prosektor "$2" ;;
    primary-sql) psql_at "$primary_port" prosektor "$2" ;;
    *)
        sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
