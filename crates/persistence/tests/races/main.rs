//! Race tests against real PostgreSQL, each with at least 32 concurrent tasks (or, for the run
//! queue, 8 workers draining 40 runs).

mod claims;
mod email;
mod invoice_numbers;
mod invoice_pay;
mod publish_cancel;
mod stats_increments;
mod throttle;
// Shared with the conformance suite, which uses fixtures that no race needs.
#[allow(dead_code)]
#[path = "../conformance/support.rs"]
mod support;
