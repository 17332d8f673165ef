#!/usr/bin/env bash
# `make clients`: generates clients from docs/openapi.json with third-party generators (pinned
# versions), fails on any warning they print, and drives a fresh server through each generated
# client with a scenario (tests/clients/). The generated code goes to target/clients/, never into
# the repository.
#
# Generators: openapi-python-client (Python).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON_GENERATOR="openapi-python-client==0.29.1"
PYTHON_RUNTIME=("httpx==0.28.1" "attrs==25.4.0" "python-dateutil==2.9.0.post0")

. scripts/lib/test-server.sh
out="$target/clients"
rm -rf "$out"
mkdir -p "$out"

venv="${PROSEKTOR_CLIENTS_VENV:-$HOME/.cache/prosektor/clients-venv}"
if [ ! -x "$venv/bin/openapi-python-client" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "$PYTHON_GENERATOR" "${PYTHON_RUNTIME[@]}"
fi

# Generation must be silent about the document: any warning fails the step.
generated="$out/python-generation.log"
"$venv/bin/openapi-python-client" generate --path docs/openapi.json \
    --config scripts/clients/openapi-python-client.yaml \
    --output-path "$out/python/prosektor_client" --meta none >"$generated" 2>&1
if grep -qi "warning" "$generated"; then
    cat "$generated" >&2
    echo "openapi-python-client warned about docs/openapi.json" >&2
    exit 1
fi
echo "python client generated with $PYTHON_GENERATOR, no warning"

start_test_server clients "${PROSEKTOR_CLIENTS_PORT:-18090}"
PROSEKTOR_URL="$server_url" PYTHONPATH="$out/python" "$venv/bin/python" tests/clients/python/scenario.py
