#!/usr/bin/env bash
# `make clients`: generates clients from docs/openapi.json with third-party generators (pinned
# versions), fails on any warning they print, and drives a fresh server through each generated
# client with a scenario (tests/clients/). The generated code goes to target/clients/, never into
# the repository.
#
# Generators: openapi-python-client (Python); openapi-typescript with openapi-fetch, compiled by
# `tsc --strict` (TypeScript; versions in tests/clients/typescript/package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON_GENERATOR="openapi-python-client==0.29.1"
PYTHON_RUNTIME=("httpx==0.28.1" "attrs==25.4.0" "python-dateutil==2.9.0.post0")

if ! command -v npm >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    echo "installing Node.js and npm (the TypeScript client)" >&2
    apt-get install -y -qq nodejs npm >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; }
fi

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

typescript="$out/typescript"
cp -r tests/clients/typescript "$typescript"
(cd "$typescript" && npm ci --silent --no-audit --no-fund)
"$typescript/node_modules/.bin/openapi-typescript" docs/openapi.json \
    -o "$typescript/schema.d.ts" >"$out/typescript-generation.log" 2>&1
if grep -qi "warn" "$out/typescript-generation.log"; then
    cat "$out/typescript-generation.log" >&2
    echo "openapi-typescript warned about docs/openapi.json" >&2
    exit 1
fi
(cd "$typescript" && node_modules/.bin/tsc -p tsconfig.json)
echo "typescript types generated and the scenario compiled under tsc --strict, no warning"

start_test_server clients "${PROSEKTOR_CLIENTS_PORT:-18090}"
PROSEKTOR_URL="$server_url" PYTHONPATH="$out/python" "$venv/bin/python" tests/clients/python/scenario.py
PROSEKTOR_URL="$server_url" node "$typescript/dist/scenario.js"
