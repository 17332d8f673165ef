# ProSektor: the commands. `make run` serves; `make test` runs every test; `make lint` is CI's gate.
# Tests use DATABASE_URL when set, else a throwaway PostgreSQL cluster from the installed binaries,
# else a testcontainers container (see crates/testkit).

CARGO ?= cargo
SERVER = $(CARGO) run --quiet -p prosektor-server --

CARGO_TARGET ?= $(or $(CARGO_TARGET_DIR),target)

# The server `make test` and `make test-expanded` create their databases on: the suites' own
# in-memory cluster (scripts/test-postgres.sh, started on first use and left running), unless
# TEST_DATABASE_URL names another (`make test TEST_DATABASE_URL=$$DATABASE_URL`).
TEST_DATABASE_URL ?= $(shell scripts/test-postgres.sh url)

.PHONY: run test-all test test-expanded test-postgres-down crate-map crate-map-check test-pooler cluster cluster-down cluster-test cluster-bench proof rolling-upgrade fuzz clients metrics-check bench bench-logs lint fmt fmt-check clippy domain-purity migrate migrate-contract migrate-down openapi doc build test-prereqs

## Start the server (embedded PostgreSQL under ./.data unless DATABASE_URL is set).
run:
	$(SERVER) serve

## The whole suite, as CI runs it: `make test`, then the expanded-schema pass, then the index proof.
test-all: test test-expanded proof

## The everyday suite: unit, property, migration, adapter and end-to-end tests, then doctests
## (about 50 s on a warm build here).
test: test-prereqs
	DATABASE_URL=$(TEST_DATABASE_URL) $(CARGO) nextest run --workspace --all-features --no-fail-fast
	$(CARGO) test --workspace --all-features --doc

## The adapter and end-to-end suites again on the expanded schema (every contract migration
## pending, as while servers of the previous release run).
test-expanded: test-prereqs
	DATABASE_URL=$(TEST_DATABASE_URL) PROSEKTOR_TEST_SCHEMA=expanded $(CARGO) nextest run --workspace --all-features --no-fail-fast -E 'package(prosektor-persistence) | package(prosektor-tests)'

## The end-to-end suite again with every server behind PgBouncer in transaction mode
## (PROSEKTOR_DB_POOLING=transaction; needs DATABASE_URL's server, which PgBouncer fronts).
test-pooler: test-prereqs
	@scripts/test-pooler.sh

## A fleet on loopback (scripts/cluster.sh): a primary and its streaming replica, PgBouncer, two
## API servers behind HAProxy on 127.0.0.1:15410, two worker processes. `make cluster-down` ends it.
cluster:
	@scripts/cluster.sh up

cluster-down:
	@scripts/cluster.sh down

## The cluster suite (tests/e2e/cluster/) on a fleet brought up for it and torn down after.
cluster-test: test-prereqs
	@scripts/cluster-test.sh

## The benchmark's mix through the fleet (release build, medium scale seeded on first use): two
## servers with reads on the replica, one server, two servers with every read on the primary.
cluster-bench:
	@scripts/cluster-bench.sh

## Stop the suites' in-memory PostgreSQL (the next `make test` starts it again).
test-postgres-down:
	@scripts/test-postgres.sh stop

## The index proof: SPEC §6 volumes loaded, EXPLAIN of every access pattern in custom and generic
## plans, and the small dataset read back through the repositories (about four minutes; `make test`
## leaves them out).
proof: test-prereqs
	$(CARGO) nextest run --workspace --all-features --run-ignored only -E 'test(every_access_pattern_uses_its_index) | test(the_small_scale_loads_every_table_deterministically)'

## Evolution 3 (the invoice's buyer) rolled out under concurrent writes over the medium scale's
## 1M invoices: rows backfilled per second, the longest write, failed writes (`make test` runs it
## over 20 000).
rolling-upgrade: test-prereqs
	ROLLING_UPGRADE_INVOICES=$${ROLLING_UPGRADE_INVOICES:-1000000} $(CARGO) nextest run -p prosektor-migration --no-capture -E 'test(evolution_3_rolls_out_under_load)'

## Fuzz the running server against docs/openapi.json with schemathesis (no 5xx, responses match).
fuzz:
	@scripts/fuzz.sh

## Generate clients from docs/openapi.json with third-party generators (no warning allowed) and
## drive a fresh server through each (tests/clients/).
clients:
	@scripts/clients.sh

## Scrape /metrics after a small workload and check it with Prometheus's promtool
metrics-check:
	@scripts/metrics-check.sh

## Benchmark the release server beside the same SQL through pgbench (wrk, at every scale; first run
## seeds the databases). BENCH_ARGS passes options, e.g. BENCH_ARGS="--scales medium --seconds 5".
bench:
	@scripts/bench-prereqs.sh
	$(CARGO) build --release -p prosektor-server -p prosektor-bench
	$(CARGO_TARGET)/release/prosektor-bench --server $(CARGO_TARGET)/release/prosektor-server $(BENCH_ARGS)

## The run logs at volume: 1M lines over 1 000 runs with 4 workers, one line per statement and then
## in batches, and a month of them expired (docs/benchmarks.md). BENCH_LOGS_ARGS passes options,
## e.g. BENCH_LOGS_ARGS="--lines 100000".
bench-logs:
	$(CARGO) build --release -p prosektor-bench --bin prosektor-bench-logs
	$(CARGO_TARGET)/release/prosektor-bench-logs $(BENCH_LOGS_ARGS)

test-prereqs:
	@scripts/test-prereqs.sh

## fmt check, clippy with -D warnings (with and without optional features), the domain's purity.
lint: fmt-check clippy domain-purity crate-map-check doc

fmt:
	$(CARGO) fmt --all

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings
	$(CARGO) clippy -p prosektor-domain -p prosektor-application --all-targets -- -D warnings

## docs/crate-map.dot and .svg: the workspace's crates and their dependencies, from `cargo metadata`.
crate-map:
	scripts/crate-map.py > docs/crate-map.dot
	dot -Tsvg docs/crate-map.dot > docs/crate-map.svg

## The committed crate map says what the manifests say.
crate-map-check:
	@scripts/crate-map.py --check docs/crate-map.dot

## The domain crate must not depend on a runtime, database or web crate.
domain-purity:
	@scripts/check-domain-purity.sh

## Apply pending expand migrations (to DATABASE_URL, or the embedded PostgreSQL).
migrate:
	$(SERVER) migrate

## Apply contract migrations too, once no server or worker of an older release runs.
migrate-contract:
	$(SERVER) migrate --contract

## Roll back the newest migration (needs DATABASE_URL).
migrate-down:
	$(CARGO) run --quiet -p prosektor-migration -- down -n 1

## Regenerate the committed OpenAPI document from the server.
openapi:
	$(SERVER) openapi > docs/openapi.json

## API docs of every crate (warnings are errors).
doc:
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc --workspace --all-features --no-deps

build:
	$(CARGO) build --workspace --all-targets --all-features
