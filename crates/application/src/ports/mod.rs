//! Ports: the traits adapters implement, in domain types only. Each method documents, under
//! `# Errors`, exactly what an implementation returns.
//!
//! Atomicity lives in the ports: every repository method is one transaction, and what must change
//! together (a user and its profile, an invoice and its number, a status and the check that it was
//! still the expected one) is changed by one method. Services therefore never hold a transaction
//! open across calls, and a port's contract says what is atomic. The one exception is
//! [`idempotency::IdempotencyStore`], which runs a whole request as one unit of work.

pub mod activity;
pub mod changes;
pub mod clock;
pub mod company;
pub mod connection_scope;
pub mod dashboard;
pub mod error;
pub mod idempotency;
pub mod ids;
pub mod invoice;
pub mod pages;
pub mod paging;
pub mod password;
pub mod pipeline;
pub mod project;
pub mod readiness;
pub mod scope;
pub mod site_generator;
pub mod stats;
pub mod throttle;
pub mod token;
pub mod user;
