//! Conformance suites, one per port, against real PostgreSQL through `prosektor-testkit`: every
//! method, every mapping, tenancy scoping, pagination, soft delete and restore.

mod company;
mod invoice;
mod password;
mod pipeline;
mod project;
mod stats;
// Fixtures serve every suite; a suite still being written may leave one unused.
#[allow(dead_code)]
mod support;
mod user;
