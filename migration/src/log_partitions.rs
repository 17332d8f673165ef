//! The daily partitions of `pipeline_run_logs` (migration 29) made ready ahead of time: every
//! process that writes logs or hands out databases calls [`ensure_log_partitions`], so that a line
//! always finds its partition however long a database sat unused.

use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

/// How many days ahead of today the log partitions are kept ready.
pub const LOG_DAYS_AHEAD: u32 = 7;

/// Creates the missing daily log partitions through [`LOG_DAYS_AHEAD`] days from today (UTC), in
/// one short transaction of the database's `ensure_run_log_partitions`; returns how many it
/// created. Several processes may call it at once.
///
/// # Errors
/// The driver's (say, the lock on `pipeline_run_logs` not granted within the session's
/// `lock_timeout`).
pub async fn ensure_log_partitions(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT ensure_run_log_partitions(((now() AT TIME ZONE 'UTC')::date + $1::int))::bigint",
            [i32::try_from(LOG_DAYS_AHEAD).unwrap_or(i32::MAX).into()],
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("ensure_run_log_partitions returned no row".into()))?;
    let created: i64 = row.try_get_by_index(0)?;
    Ok(u64::try_from(created).unwrap_or(0))
}
