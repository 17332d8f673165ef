//! SeaORM models, one module per table, and their mapping to and from domain types. A row that
//! violates a domain invariant maps to `RepositoryError::Corrupt`, never to a panic. The hot rows
//! are read by position, straight from the driver (`positional`).

pub(crate) mod activity_events;
pub(crate) mod companies;
pub(crate) mod company_details;
pub(crate) mod daily_stats;
pub(crate) mod invoice_counters;
pub(crate) mod invoices;
pub(crate) mod mapping;
pub(crate) mod pipeline_run_logs;
pub(crate) mod pipeline_run_pages;
pub(crate) mod pipeline_runs;
pub(crate) mod positional;
pub(crate) mod user_profiles;
pub(crate) mod users;
pub(crate) mod web_projects;
