#!/usr/bin/env bash
# `make cluster-bench`: the benchmark's mix through the loopback fleet (scripts/cluster.sh, release
# build, no demo data), its database seeded with the medium scale on the primary (the replica
# replays it): with one and two API servers, with reads on the replica and every read on the
# primary. Prints a markdown table (docs/benchmarks.md, "Scaling out"). BENCH_SECONDS sets the seconds per load (10), BENCH_SCALE the scale (medium).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bench-prereqs.sh
target_dir=${CARGO_TARGET_DIR:-target}
cargo build --quiet --release -p prosektor-server -p prosektor-bench
export PROSEKTOR_CLUSTER_PROFILE=release PROSEKTOR_CLUSTER_DEMO=false \
    PROSEKTOR_CLUSTER_JWT_SECRET=prosektor-bench-secret-not-for-production
trap 'scripts/cluster.sh down' EXIT
scripts/cluster.sh up
primary=$(scripts/cluster.sh env | sed -n 's/^PROSEKTOR_CLUSTER_PRIMARY_URL=//p')
balancer=$(scripts/cluster.sh env | sed -n 's/^PROSEKTOR_CLUSTER_URL=//p')
measure() {
    "$target_dir/release/prosektor-bench-fleet" --database-url "$primary?sslmode=disable" \
        --target "$balancer" --scale "${BENCH_SCALE:-medium}" --seconds "${BENCH_SECONDS:-10}" \
        --out "$target_dir/bench-fleet" --label "$1"
}
# The first run seeds the database (once per fleet; the seed ends with VACUUM ANALYZE) and warms
# every cache while the replica replays the load; its figures are not kept.
measure "warming up" >/dev/null
rows=()
rows+=("$(measure "2 servers, reads on the replica")")
scripts/cluster.sh servers 1
rows+=("$(measure "1 server, reads on the replica")")
scripts/cluster.sh replica-reads off
rows+=("$(measure "2 servers, every read on the primary")")
scripts/cluster.sh servers 1
rows+=("$(measure "1 server, every read on the primary")")
echo
echo "| fleet | connections | the mix |"
echo "| --- | --- | --- |"
printf '%s\n' "${rows[@]}"
