#!/usr/bin/env bash
# `make cluster-test`: brings the loopback fleet up (scripts/cluster.sh), runs the cluster suite
# (tests/e2e/cluster/, ignored by `make test`) one test at a time, since its tests stop and start
# parts of the one fleet, and tears the fleet down whatever happened.
set -euo pipefail
cd "$(dirname "$0")/.."
trap 'scripts/cluster.sh down' EXIT
cargo build --quiet -p prosektor-server
scripts/cluster.sh up
cargo nextest run -p prosektor-tests --test e2e --run-ignored only -E 'test(/^cluster::/)' \
    --test-threads 1 --no-fail-fast "$@"
