//! Conformance suites, one per port, against real PostgreSQL through `prosektor-testkit`: every
//! method, every mapping, tenancy scoping, pagination, soft delete and restore.

mod activity;
mod company;
mod dashboard;
mod held_connection;
mod idempotency;
mod invoice;
mod pages;
mod pipeline;
mod pipeline_logs;
mod pipeline_queue;
mod pool_waiters;
mod project;
mod replica;
mod stats;
mod support;
mod throttle;
mod user;
mod worker;
