#!/usr/bin/env bash
# Fails when prosektor-domain (without optional features) depends on a runtime, database or web crate.
set -euo pipefail
forbidden='^(tokio|sea-orm|sea-query|sqlx|poem|poem-openapi|hyper|serde_json|async-trait) '
tree=$(cargo tree -p prosektor-domain -e normal --prefix none --no-dedupe)
if offenders=$(grep -E "$forbidden" <<<"$tree"); then
    echo "prosektor-domain must stay pure, but depends on:" >&2
    echo "$offenders" | sort -u >&2
    exit 1
fi
echo "prosektor-domain is pure: $(sort -u <<<"$tree" | wc -l) crates, none of tokio, sea-orm, sqlx, poem, hyper"
