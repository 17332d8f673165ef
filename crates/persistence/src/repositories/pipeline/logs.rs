//! The log half of [`PgPipelineRunRepository`](super::PgPipelineRunRepository), on the daily
//! partitions of `pipeline_run_logs` (migration 29).
//!
//! - The run's holder appends a batch in one statement ([`APPEND_BATCH_SQL`]), numbered after the
//!   run's last line; a key-share lock on the run's row, taken only to check that the worker
//!   still holds it, orders the batch against a recovery taking the run (which locks the row for
//!   update), so two writers never number from the same last line.
//! - Anyone else appends one line at a time under the run's row lock ([`append_line`]).
//! - A run's lines are read from the partitions since the run was created (a day of margin for
//!   clocks), and from `pipeline_run_logs_kept`, where the lines of a published run go when
//!   their partition expires ([`READ_SQL`]).
//! - Retention ([`expire`]) makes the week ahead's partitions ready and drops expired ones whole,
//!   one short transaction each, after copying the published runs' lines aside.
//!
//! A line whose day has no partition yet (a database left unused for a week) makes the append
//! create the missing partitions and try once more.

use chrono::{DateTime, Duration, Utc};
use prosektor_application::{LogRetention, RepositoryError, RepositoryResult};
use prosektor_domain::{LogLevel, LogLine, NewLogLine, PipelineRun, RunId};
use prosektor_migration::ensure_log_partitions;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QuerySelect, TransactionTrait,
};
use serde_json::json;

use crate::entities::mapping::{IntoDomain, all_to_domain};
use crate::entities::pipeline_run_logs;
use crate::entities::pipeline_runs::{self, Column};
use crate::error::{map_db_err, map_transaction_err};
use crate::repositories::shared::statement;
use crate::unit_of_work::Db;

/// How far before a run's creation its lines are looked for: lines carry the writer's clock,
/// which may lag the clock that stamped the run.
const CLOCK_MARGIN: Duration = Duration::days(1);

/// The holder's batch `$4` (a JSON array of `{at, level, message}`) appended to run `$1` after
/// its last line (looked for since `$3`), if worker `$2` holds the run.
pub const APPEND_BATCH_SQL: &str = r"INSERT INTO pipeline_run_logs (run_id, seq, at, level, message)
SELECT $1, last.seq + line.n, (line.value->>'at')::timestamptz, line.value->>'level',
       line.value->>'message'
FROM jsonb_array_elements($4::jsonb) WITH ORDINALITY AS line (value, n),
     (SELECT coalesce(max(seq), 0) AS seq FROM pipeline_run_logs
      WHERE run_id = $1 AND at >= $3) AS last
WHERE EXISTS (SELECT 1 FROM pipeline_runs
              WHERE id = $1 AND worker = $2 AND status = 'RUNNING' FOR KEY SHARE)";

/// At most `$4` lines of run `$1` after `seq` `$2`, in order: from the partitions since `$3`
/// and from the kept lines of a published run.
pub const READ_SQL: &str = r"(SELECT run_id, seq, at, level, message FROM pipeline_run_logs
  WHERE run_id = $1 AND seq > $2 AND at >= $3 ORDER BY seq LIMIT $4)
UNION ALL
(SELECT run_id, seq, at, level, message FROM pipeline_run_logs_kept
  WHERE run_id = $1 AND seq > $2 ORDER BY seq LIMIT $4)
ORDER BY seq
LIMIT $4";

/// The partitions whose every line was logged before `$1`, oldest first.
const EXPIRED_SQL: &str = r"SELECT c.relname::text
FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'pipeline_run_logs'::regclass
  AND substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \(''([^'']+)''\)')::timestamptz <= $1
ORDER BY substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \(''([^'']+)''\)')::timestamptz";

/// Taken by every transaction that creates or drops log partitions (the same key as
/// `ensure_run_log_partitions`).
const PARTITIONS_LOCK_SQL: &str =
    "SELECT pg_advisory_xact_lock(hashtext('pipeline_run_logs partitions'))";

/// The earliest time a line of `run` may carry.
fn since(run_created_at: DateTime<Utc>) -> DateTime<Utc> {
    run_created_at - CLOCK_MARGIN
}

/// How PostgreSQL says that a row has no partition.
const NO_PARTITION: &str = "no partition of relation";

/// Whether `error` is PostgreSQL finding no partition for a row (mapped as a failure or an
/// outage, both of which carry the driver's message).
fn no_partition(error: &RepositoryError) -> bool {
    matches!(
        error,
        RepositoryError::Failed(message) | RepositoryError::Unavailable(message)
            if message.contains(NO_PARTITION)
    )
}

/// Runs `write`; when a line found no partition, makes the partitions ready and runs it once more.
async fn with_partitions<T, F, Fut>(db: &Db, write: F) -> RepositoryResult<T>
where
    F: Fn() -> Fut,
    Fut: Future<Output = RepositoryResult<T>>,
{
    match write().await {
        Err(error) if no_partition(&error) => {
            ensure_log_partitions(db).await.map_err(map_db_err)?;
            write().await
        }
        other => other,
    }
}

/// Appends the holder's batch (see the port).
pub(super) async fn append_batch(
    db: &Db,
    run: &PipelineRun,
    worker: &str,
    lines: &[NewLogLine],
) -> RepositoryResult<()> {
    if lines.is_empty() {
        return Ok(());
    }
    let batch: Vec<_> = lines
        .iter()
        .map(|line| {
            json!({"at": line.at(), "level": line.level().as_str(), "message": line.message()})
        })
        .collect();
    let values = || {
        [
            run.id().as_uuid().into(),
            worker.into(),
            since(run.created_at()).into(),
            serde_json::Value::Array(batch.clone()).into(),
        ]
    };
    let written = with_partitions(db, || async {
        db.execute_raw(statement(APPEND_BATCH_SQL, values()))
            .await
            .map_err(map_db_err)
    })
    .await?;
    if written.rows_affected() == 0 {
        return Err(RepositoryError::Conflict(
            prosektor_application::Conflict::StaleState,
        ));
    }
    Ok(())
}

/// Appends a log line to run `run_id` with its next `seq`, inside the caller's transaction:
/// appenders of one run take turns on its row, so each reads the last `seq` written by the one
/// before (numbers are distinct and increasing), and a holder's batch waits for them or they
/// for it.
///
/// # Errors
/// `NotFound` when the run does not exist; `Corrupt` for an invalid message; `Unavailable`.
pub(crate) async fn append_line<C: ConnectionTrait>(
    txn: &C,
    run_id: RunId,
    level: LogLevel,
    message: &str,
    at: DateTime<Utc>,
) -> RepositoryResult<LogLine> {
    let created_at = pipeline_runs::Entity::find_by_id(run_id.as_uuid())
        .select_only()
        .column(Column::CreatedAt)
        .lock_exclusive()
        .into_tuple::<DateTime<Utc>>()
        .one(txn)
        .await
        .map_err(map_db_err)?
        .ok_or(RepositoryError::NotFound)?;
    let last = pipeline_run_logs::Entity::find()
        .select_only()
        .expr(Expr::col(pipeline_run_logs::Column::Seq).max())
        .filter(pipeline_run_logs::Column::RunId.eq(run_id.as_uuid()))
        .filter(pipeline_run_logs::Column::At.gte(since(created_at)))
        .into_tuple::<Option<i64>>()
        .one(txn)
        .await
        .map_err(map_db_err)?
        .flatten()
        .unwrap_or(0);
    let line =
        LogLine::new(run_id, last + 1, at, level, message).map_err(RepositoryError::Corrupt)?;
    pipeline_run_logs::new_row(&line)
        .insert(txn)
        .await
        .map_err(map_db_err)?
        .restore()
}

/// [`append_line`] in a transaction of its own, creating missing partitions if need be.
pub(super) async fn append_one(
    db: &Db,
    run_id: RunId,
    level: LogLevel,
    message: &str,
    at: DateTime<Utc>,
) -> RepositoryResult<LogLine> {
    with_partitions(db, || {
        let message = message.to_owned();
        async move {
            db.transaction::<_, LogLine, RepositoryError>(|txn| {
                Box::pin(async move { append_line(txn, run_id, level, &message, at).await })
            })
            .await
            .map_err(map_transaction_err)
        }
    })
    .await
}

/// At most `limit` lines of run `run_id` (created at `created_at`) after `after_seq`.
pub(super) async fn read(
    db: &Db,
    run_id: RunId,
    created_at: DateTime<Utc>,
    after_seq: i64,
    limit: u32,
) -> RepositoryResult<Vec<LogLine>> {
    let values = [
        run_id.as_uuid().into(),
        after_seq.into(),
        since(created_at).into(),
        i64::from(limit).into(),
    ];
    let rows = pipeline_run_logs::Model::find_by_statement(statement(READ_SQL, values))
        .all(db)
        .await
        .map_err(map_db_err)?;
    all_to_domain(rows)
}

/// Log retention (see the port).
pub(super) async fn expire(
    db: &Db,
    expired_before: DateTime<Utc>,
) -> RepositoryResult<LogRetention> {
    let prepared = ensure_log_partitions(db).await.map_err(map_db_err)?;
    let expired: Vec<String> = db
        .query_all_raw(statement(EXPIRED_SQL, [expired_before.into()]))
        .await
        .map_err(map_db_err)?
        .iter()
        .map(|row| row.try_get_by_index(0))
        .collect::<Result<_, _>>()
        .map_err(map_db_err)?;
    let mut retention = LogRetention {
        prepared,
        ..LogRetention::default()
    };
    for partition in expired {
        let kept = db
            .transaction::<_, Option<u64>, DbErr>(|txn| {
                Box::pin(async move { drop_partition(txn, &partition).await })
            })
            .await
            .map_err(|error| match error {
                sea_orm::TransactionError::Connection(error)
                | sea_orm::TransactionError::Transaction(error) => map_db_err(error),
            })?;
        if let Some(kept) = kept {
            retention.expired += 1;
            retention.kept_lines += kept;
        }
    }
    Ok(retention)
}

/// Copies the published runs' lines out of `partition`, then detaches and drops it; `None` when
/// another process dropped it first.
async fn drop_partition(
    txn: &sea_orm::DatabaseTransaction,
    partition: &str,
) -> Result<Option<u64>, DbErr> {
    txn.execute_unprepared(PARTITIONS_LOCK_SQL).await?;
    let table = format!("\"{}\"", partition.replace('"', "\"\""));
    let exists = txn
        .query_one_raw(statement(
            "SELECT to_regclass($1) IS NOT NULL",
            [table.clone().into()],
        ))
        .await?
        .map(|row| row.try_get_by_index::<bool>(0))
        .transpose()?
        .unwrap_or(false);
    if !exists {
        return Ok(None);
    }
    let kept = txn
        .execute_unprepared(&format!(
            "INSERT INTO pipeline_run_logs_kept (run_id, seq, at, level, message) \
             SELECT l.run_id, l.seq, l.at, l.level, l.message \
             FROM web_projects p JOIN {table} l ON l.run_id = p.published_run_id \
             ON CONFLICT (run_id, seq) DO NOTHING"
        ))
        .await?
        .rows_affected();
    txn.execute_unprepared(&format!(
        "ALTER TABLE pipeline_run_logs DETACH PARTITION {table}; DROP TABLE {table}"
    ))
    .await?;
    Ok(Some(kept))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_partition_is_told_from_other_errors() {
        let missing = RepositoryError::Unavailable(
            "error returned from database: no partition of relation \"pipeline_run_logs\" found for row".into(),
        );
        assert!(no_partition(&missing));
        assert!(!no_partition(&RepositoryError::Unavailable(
            "deadlock detected".into()
        )));
        assert!(!no_partition(&RepositoryError::NotFound));
    }
}
