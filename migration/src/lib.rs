//! # prosektor-migration
//!
//! ProSektor's whole schema history for PostgreSQL, as sea-orm-migration migrations, in the order the
//! schema evolved (SPEC §7): the first schema (one migration per aggregate), then the evolutions of
//! the design document's Migration Plan: `user_profiles.middle_name`, the `company_details` split
//! as expand (create, sync, then a batched backfill) and contract (drop the sync and the old
//! columns), and the invoice's buyer snapshot in all four phases of "adding a field".
//!
//! Every migration is plain SQL run in its own transaction with a `lock_timeout`, and every one has a
//! working `down`. Each has a [`Phase`], named by its verb: expand migrations run while servers of
//! the previous release still serve, contract migrations only once none does (the runner is the
//! persistence adapter's `migrate`). `docs/migrations.md` is the playbook for writing the next one.
//!
//! May depend on: `sea-orm-migration` (and thiserror) only. Nothing in the workspace depends on the Rust types of
//! this crate except the composition root, the test kit and the persistence adapter, which run
//! [`Migrator`].
//!
//! ```no_run
//! use prosektor_migration::Migrator;
//! use sea_orm_migration::MigratorTrait;
//!
//! # async fn example(db: &sea_orm_migration::sea_orm::DatabaseConnection) -> Result<(), sea_orm_migration::sea_orm::DbErr> {
//! Migrator::up(db, None).await?; // apply everything pending
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]

mod backfill;
mod company_details_sync;
mod invoice_buyer_fill;
mod log_partitions;
mod phase;
mod rollout;
mod sql;

mod m20261124_000001_create_search_support;
mod m20261124_000002_create_companies;
mod m20261124_000003_create_users;
mod m20261124_000004_create_invoices;
mod m20261124_000005_create_web_projects;
mod m20261124_000006_create_pipeline_runs;
mod m20261124_000007_create_daily_stats;
mod m20261124_000008_add_profile_middle_name;
mod m20261124_000009_expand_company_details;
mod m20261124_000010_contract_company_details;
mod m20261125_000011_create_breakdown_merge;
mod m20261125_000012_add_project_ingest_key;
mod m20261125_000013_add_run_scheduling;
mod m20261125_000014_create_run_artifacts;
mod m20261125_000015_add_company_name_fold;
mod m20261201_000016_add_breakdown_caps;
mod m20261201_000017_create_throttle_counters;
mod m20261201_000018_add_row_versions;
mod m20261201_000019_create_idempotency_keys;
mod m20261201_000020_create_service_instances;
mod m20261201_000021_expand_company_version_scope;
mod m20261201_000022_add_invoice_buyer_snapshot;
mod m20261201_000023_contract_invoice_buyer_fill;
mod m20261201_000024_contract_invoice_buyer_not_null;
mod m20261201_000025_create_company_name_prefix_index;
mod m20261201_000026_create_user_email_index;
mod m20261201_000027_create_activity_events;
mod m20261201_000028_add_run_log_time_bound;
mod m20261201_000029_expand_run_log_partitions;
mod m20261202_000030_add_user_wrote_at;

pub use backfill::{
    BACKFILLS, Backfill, BackfillObserver, BackfillProgress, BackfillSettings, run_backfills,
};
pub use log_partitions::{LOG_DAYS_AHEAD, ensure_log_partitions};
pub use phase::Phase;
pub use rollout::{
    INSTANCE_EXPIRES_AFTER, Migrated, Rollout, RolloutError, latest_migration, roll_out,
};
pub use sea_orm_migration::MigratorTrait;
use sea_orm_migration::prelude::*;

/// ProSektor's migration history, oldest first.
#[derive(Debug)]
pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_create_search_support::Migration),
            Box::new(m20261124_000002_create_companies::Migration),
            Box::new(m20261124_000003_create_users::Migration),
            Box::new(m20261124_000004_create_invoices::Migration),
            Box::new(m20261124_000005_create_web_projects::Migration),
            Box::new(m20261124_000006_create_pipeline_runs::Migration),
            Box::new(m20261124_000007_create_daily_stats::Migration),
            Box::new(m20261124_000008_add_profile_middle_name::Migration),
            Box::new(m20261124_000009_expand_company_details::Migration),
            Box::new(m20261124_000010_contract_company_details::Migration),
            Box::new(m20261125_000011_create_breakdown_merge::Migration),
            Box::new(m20261125_000012_add_project_ingest_key::Migration),
            Box::new(m20261125_000013_add_run_scheduling::Migration),
            Box::new(m20261125_000014_create_run_artifacts::Migration),
            Box::new(m20261125_000015_add_company_name_fold::Migration),
            Box::new(m20261201_000016_add_breakdown_caps::Migration),
            Box::new(m20261201_000017_create_throttle_counters::Migration),
            Box::new(m20261201_000018_add_row_versions::Migration),
            Box::new(m20261201_000019_create_idempotency_keys::Migration),
            Box::new(m20261201_000020_create_service_instances::Migration),
            Box::new(m20261201_000021_expand_company_version_scope::Migration),
            Box::new(m20261201_000022_add_invoice_buyer_snapshot::Migration),
            Box::new(m20261201_000023_contract_invoice_buyer_fill::Migration),
            Box::new(m20261201_000024_contract_invoice_buyer_not_null::Migration),
            Box::new(m20261201_000025_create_company_name_prefix_index::Migration),
            Box::new(m20261201_000026_create_user_email_index::Migration),
            Box::new(m20261201_000027_create_activity_events::Migration),
            Box::new(m20261201_000028_add_run_log_time_bound::Migration),
            Box::new(m20261201_000029_expand_run_log_partitions::Migration),
            Box::new(m20261202_000030_add_user_wrote_at::Migration),
        ]
    }
}

/// A fingerprint of this crate's migration sources, different whenever any migration changes.
///
/// Test kits use it to name a migrated template database, so that a template built from an older
/// history is never reused.
pub const SCHEMA_FINGERPRINT: &str = env!("PROSEKTOR_SCHEMA_FINGERPRINT");
