#!/usr/bin/env bash
# `make metrics-check`: drives a fresh server through a small workload, scrapes `GET /metrics` and
# checks the exposition with Prometheus's own `promtool check metrics` (from Debian's `prometheus`
# package, unpacked under the target directory: nothing is installed or started).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/test-server.sh

promtool="$target/promtool/usr/bin/promtool"
if [ ! -x "$promtool" ]; then
    work=$(mktemp -d)
    chmod 777 "$work" # apt downloads as its own `_apt` user
    (cd "$work" && apt-get download prometheus >/dev/null)
    mkdir -p "$target/promtool"
    dpkg-deb -x "$work"/prometheus_*.deb "$target/promtool"
    rm -rf "$work"
fi

metrics_port="${PROSEKTOR_METRICS_CHECK_PORT:-18094}"
export PROSEKTOR_METRICS_LISTEN="127.0.0.1:$metrics_port"
start_test_server metrics "${PROSEKTOR_METRICS_CHECK_SERVER_PORT:-18093}"

token=$(curl -sf -X POST "$server_url/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"admin@prosektor.demo","password":"demo-admin-password"}' |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["access_token"])')
curl -sf "$server_url/api/v1/me" -H "authorization: Bearer $token" >/dev/null
curl -s "$server_url/api/v1/companies/00000000-0000-7000-8000-000000000000" \
    -H "authorization: Bearer $token" >/dev/null
curl -s -X POST "$server_url/api/v1/auth/login" -H 'content-type: application/json' \
    -d '{"email":"admin@prosektor.demo","password":"wrong password"}' >/dev/null

exposition="$target/metrics-exposition.txt"
curl -sf "http://127.0.0.1:$metrics_port/metrics" >"$exposition"
"$promtool" check metrics <"$exposition"
echo "metrics: $(grep -c -v '^#' "$exposition") samples, promtool check metrics: no problem"
