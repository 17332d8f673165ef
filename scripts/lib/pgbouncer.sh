# Sourced by the scripts that put PgBouncer (Debian's, 1.18) in front of PostgreSQL
# (`make test-pooler`, `scripts/cluster.sh`).
#
# `start_pgbouncer DIR PORT DATABASES` writes DIR/pgbouncer.ini and starts PgBouncer in transaction
# mode on 127.0.0.1:PORT, as the `postgres` user when run as root; DATABASES is the `[databases]`
# section's body (e.g. `* = host=127.0.0.1 port=5432`). `stop_pgbouncer DIR` stops it.
#
# What ProSektor needs of it (docs/operations.md, "Behind PgBouncer"): pool_mode = transaction,
# with the servers started with PROSEKTOR_DB_POOLING=transaction (which sets its timeouts per
# transaction with SET LOCAL, sends no startup options and prepares nothing outside a
# transaction); and DEALLOCATE ALL after every transaction: sqlx names the statements it prepares
# inside a transaction per client connection, so two clients would otherwise meet each other's
# names on one server connection (PgBouncer 1.21+ tracks prepared statements itself; 1.18 does
# not).

ensure_pgbouncer() {
    if ! command -v pgbouncer >/dev/null 2>&1 && ! [ -x /usr/sbin/pgbouncer ]; then
        echo "installing pgbouncer" >&2
        apt-get install -y -qq pgbouncer >/dev/null 2>&1 ||
            { apt-get update -qq && apt-get install -y -qq pgbouncer >/dev/null; }
    fi
    # Debian's package starts a system-wide instance on 6432; ours run on ports of their own.
    pgbouncer_bin=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
}

start_pgbouncer() {
    local dir="$1" port="$2" databases="$3"
    ensure_pgbouncer
    mkdir -p "$dir"
    cat >"$dir/pgbouncer.ini" <<EOF
[databases]
$databases

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir = $dir
pidfile = $dir/pgbouncer.pid
logfile = $dir/pgbouncer.log
auth_type = trust
auth_file = $dir/userlist.txt
admin_users = postgres
pool_mode = transaction
max_client_conn = 2000
default_pool_size = 40
server_reset_query = DEALLOCATE ALL
server_reset_query_always = 1
ignore_startup_parameters = extra_float_digits
server_check_delay = 1
# A server that was down is tried again after a second, not fifteen (a replica back from a restart).
server_login_retry = 1
EOF
    echo '"postgres" ""' >"$dir/userlist.txt"
    if [ "$(id -u)" = 0 ]; then
        chown -R postgres "$dir"
        runuser -u postgres -- "$pgbouncer_bin" -d "$dir/pgbouncer.ini"
    else
        "$pgbouncer_bin" -d "$dir/pgbouncer.ini"
    fi
    for _ in $(seq 1 50); do
        pg_isready -q -h 127.0.0.1 -p "$port" && return 0
        sleep 0.1
    done
    echo "PgBouncer did not start on $port; its log is $dir/pgbouncer.log" >&2
    return 1
}

stop_pgbouncer() {
    local dir="$1"
    if [ -f "$dir/pgbouncer.pid" ]; then
        kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null || true
    fi
}
