//! The queue half of [`PgPipelineRunRepository`](super::PgPipelineRunRepository): claiming with
//! `FOR UPDATE SKIP LOCKED`, heartbeats and finishes guarded by the holding worker, and recovery of
//! runs whose worker died. State changes go through the domain ([`PipelineRun::start`],
//! [`PipelineRun::fail_or_retry`]); the SQL only makes them conditional and atomic.
//!
//! A queued row the domain cannot read (written by hand, or by an older version under other rules)
//! never blocks the queue: the claim fails it with the reason and takes the next one.

use chrono::{DateTime, Utc};
use prosektor_application::{RepositoryError, RepositoryResult};
use prosektor_domain::{DomainError, LogLevel, PipelineRun, RunId, RunInput, RunStatus};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Select, TransactionTrait,
};

use super::append_line;
use crate::entities::mapping::{IntoDomain, all_to_domain};
use crate::entities::pipeline_runs::{self, Column, changes, claimed_by, int_column};
use crate::error::{map_db_err, map_transaction_err};
use crate::repositories::shared::{conditional_update, save_if, statement};
use crate::unit_of_work::Db;

/// The most unreadable rows one claim fails before it gives up for this poll.
const UNREADABLE_PER_CLAIM: usize = 16;

/// Fails the queued run `$1` that the domain cannot read, at `$3`, with reason `$2`, as a
/// started-and-failed attempt (so that the row satisfies the domain's rules for `FAILED`); when
/// `$4`, its unreadable input is kept as a string under `unreadable_input`.
const FAIL_UNREADABLE_SQL: &str = "UPDATE pipeline_runs SET status = 'FAILED', \
     attempt = LEAST(attempt + 1, max_attempts), error = $2, started_at = $3, heartbeat_at = $3, \
     finished_at = $3, worker = NULL, \
     input = CASE WHEN $4 THEN jsonb_build_object('unreadable_input', left(input::text, 60000)) \
                  ELSE input END \
     WHERE id = $1 AND status = 'QUEUED'";

/// Claims the oldest runnable run for `worker` (see the port).
pub(super) async fn claim_next(
    db: &Db,
    worker: &str,
    now: DateTime<Utc>,
) -> RepositoryResult<Option<PipelineRun>> {
    let worker = worker.to_owned();
    db.transaction::<_, Option<PipelineRun>, RepositoryError>(|txn| {
        Box::pin(async move {
            for _ in 0..UNREADABLE_PER_CLAIM {
                // Rows locked by a concurrent claim are skipped, not waited for: N workers take
                // N different runs, and none takes a run twice.
                let oldest = unclaimed(
                    pipeline_runs::Entity::find()
                        .filter(Column::Status.eq(RunStatus::Queued.as_str()))
                        .filter(Column::RunAfter.lte(now))
                        .order_by_asc(Column::RunAfter)
                        .order_by_asc(Column::CreatedAt),
                )
                .one(txn)
                .await
                .map_err(map_db_err)?;
                let Some(row) = oldest else {
                    return Ok(None);
                };
                let id = RunId::from_uuid(row.id);
                let input_readable = RunInput::parse(&row.input).is_ok();
                let run = match row.into_domain().and_then(|run| started(run, now)) {
                    Ok(run) => run,
                    Err(error) => {
                        fail_unreadable(txn, id, &error, input_readable, now).await?;
                        continue;
                    }
                };
                // The row is locked by this transaction, so the status is still the one read.
                save_queued(txn, claimed_by(&run, &worker), run.id()).await?;
                return Ok(Some(run));
            }
            Ok(None)
        })
    })
    .await
    .map_err(map_transaction_err)
}

/// `run`, started at `now` (a queued run the domain read).
fn started(mut run: PipelineRun, now: DateTime<Utc>) -> Result<PipelineRun, DomainError> {
    run.start(now)?;
    Ok(run)
}

/// Fails the queued run `id` that the domain refused (`error`), so the queue moves past it; keeps
/// its input as a string when the input was what the domain could not read.
async fn fail_unreadable(
    txn: &DatabaseTransaction,
    id: RunId,
    error: &DomainError,
    input_readable: bool,
    now: DateTime<Utc>,
) -> RepositoryResult<()> {
    tracing::error!(run_id = %id.as_uuid(), %error, "failed a queued run the domain cannot read");
    let reason = format!("the stored run cannot be read: {error}");
    txn.execute_raw(statement(
        FAIL_UNREADABLE_SQL,
        [
            id.as_uuid().into(),
            reason.into(),
            now.into(),
            (!input_readable).into(),
        ],
    ))
    .await
    .map_err(map_db_err)?;
    Ok(())
}

/// `heartbeat_at = now` on run `id`, if `worker` still holds it (see the port).
pub(super) async fn heartbeat(
    db: &Db,
    id: RunId,
    worker: &str,
    now: DateTime<Utc>,
) -> RepositoryResult<()> {
    let update = pipeline_runs::Entity::update_many()
        .col_expr(Column::HeartbeatAt, Expr::value(now))
        .filter(Column::Id.eq(id.as_uuid()))
        .filter(held_by(worker));
    conditional_update(db, update, id.as_uuid()).await
}

/// Saves `run` as `worker` leaves it, if `worker` still holds that attempt (see the port).
pub(super) async fn finish(db: &Db, run: &PipelineRun, worker: &str) -> RepositoryResult<()> {
    let update = pipeline_runs::Entity::update_many()
        .set(changes(run))
        .filter(Column::Id.eq(run.id().as_uuid()))
        .filter(held_by(worker))
        .filter(Column::Attempt.eq(int_column(run.attempt())));
    conditional_update(db, update, run.id().as_uuid()).await
}

/// Fails or requeues every run whose heartbeat is older than `stale_before` (see the port).
pub(super) async fn recover_stale(
    db: &Db,
    stale_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> RepositoryResult<u64> {
    // Served by `idx_pipeline_runs_heartbeat`.
    let stale = Condition::all().add(Column::HeartbeatAt.lt(stale_before));
    fail_running(db, stale, PipelineRun::WORKER_LOST, now).await
}

/// Fails or requeues every run held by a worker named `worker_prefix...` (see the port).
pub(super) async fn release_held(
    db: &Db,
    worker_prefix: &str,
    now: DateTime<Utc>,
) -> RepositoryResult<u64> {
    let held = Condition::all().add(Column::Worker.starts_with(worker_prefix));
    fail_running(db, held, PipelineRun::WORKER_STOPPED, now).await
}

/// Fails (or requeues, while attempts remain) with `reason` every `RUNNING` run that also meets
/// `condition`, with a log line saying so, in one transaction; returns how many. A run a worker is finishing right now is
/// locked by that finish and skipped (it is not lost, it is being saved).
async fn fail_running(
    db: &Db,
    condition: Condition,
    reason: &'static str,
    now: DateTime<Utc>,
) -> RepositoryResult<u64> {
    db.transaction::<_, u64, RepositoryError>(|txn| {
        Box::pin(async move {
            let running = RunStatus::Running.as_str();
            let rows = unclaimed(
                pipeline_runs::Entity::find()
                    .filter(Column::Status.eq(running))
                    .filter(condition),
            )
            .all(txn)
            .await
            .map_err(map_db_err)?;
            let mut failed = 0;
            for mut run in all_to_domain(rows)? {
                let attempt = run.attempt();
                run.fail_or_retry(reason, now)
                    .map_err(RepositoryError::Corrupt)?;
                save_if(
                    txn,
                    changes(&run),
                    (Column::Id, run.id().as_uuid()),
                    Column::Status.eq(running),
                )
                .await?;
                let next = if run.status() == RunStatus::Queued {
                    format!("retrying from {}", run.run_after().format("%H:%M:%S UTC"))
                } else {
                    "no attempt left".to_owned()
                };
                let line = format!("attempt {attempt} failed: {reason}; {next}");
                append_line(txn, run.id(), LogLevel::Error, &line, now).await?;
                failed += 1;
            }
            Ok(failed)
        })
    })
    .await
    .map_err(map_transaction_err)
}

/// `select ... FOR UPDATE SKIP LOCKED`: the rows no other transaction is changing, locked.
fn unclaimed(select: Select<pipeline_runs::Entity>) -> Select<pipeline_runs::Entity> {
    select.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked)
}

/// `status = 'RUNNING' AND worker = $worker`.
pub(crate) fn held_by(worker: &str) -> Condition {
    Condition::all()
        .add(Column::Status.eq(RunStatus::Running.as_str()))
        .add(Column::Worker.eq(worker))
}

/// Saves `changes` to the queued run `id` (locked by the caller's transaction).
async fn save_queued(
    txn: &DatabaseTransaction,
    changes: pipeline_runs::ActiveModel,
    id: RunId,
) -> RepositoryResult<()> {
    save_if(
        txn,
        changes,
        (Column::Id, id.as_uuid()),
        Column::Status.eq(RunStatus::Queued.as_str()),
    )
    .await
}
