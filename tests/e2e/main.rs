//! End-to-end suites: the real server, in-process on a free port, against its own freshly migrated
//! PostgreSQL database, driven over HTTP; and, opt-in, the loopback fleet of `make cluster-test`.

mod activity;
mod auth;
mod cluster;
mod companies;
mod concurrent_edits;
mod connections;
mod contract;
mod fixtures;
mod health;
mod hostile;
mod idempotency;
mod ingest_keys;
mod invoice_races;
mod invoices;
mod observability;
mod openapi;
mod outages;
mod projects;
mod rollout;
mod runs;
mod session_beside;
mod stats;
mod support;
mod tenants;
mod users;
