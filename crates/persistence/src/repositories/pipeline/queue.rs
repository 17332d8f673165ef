//! The queue half of [`PgPipelineRunRepository`](super::PgPipelineRunRepository): claiming with
//! `FOR UPDATE SKIP LOCKED`, heartbeats and finishes guarded by the holding worker, and recovery of
//! runs whose worker died. State changes go through the domain ([`PipelineRun::start`],
//! [`PipelineRun::fail_or_retry`]); the SQL only makes them conditional and atomic.

use chrono::{DateTime, Utc};
use prosektor_application::{RepositoryError, RepositoryResult};
use prosektor_domain::{PipelineRun, RunId, RunStatus};
use sea_orm::sea_query::{Expr, LockBehavior, LockType};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Select, TransactionTrait,
};

use crate::entities::mapping::{IntoDomain, all_to_domain};
use crate::entities::pipeline_runs::{self, Column, changes, claimed_by, int_column};
use crate::error::{map_db_err, map_transaction_err};
use crate::repositories::shared::{conditional_update, save_if_status};

/// Claims the oldest runnable run for `worker` (see the port).
pub(super) async fn claim_next(
    db: &DatabaseConnection,
    worker: &str,
    now: DateTime<Utc>,
) -> RepositoryResult<Option<PipelineRun>> {
    let worker = worker.to_owned();
    db.transaction::<_, Option<PipelineRun>, RepositoryError>(|txn| {
        Box::pin(async move {
            // Rows locked by a concurrent claim are skipped, not waited for: N workers take N
            // different runs, and none takes a run twice.
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
            let mut run = row.restore()?;
            run.start(now).map_err(RepositoryError::Corrupt)?;
            // The row is locked by this transaction, so the status is still the one read.
            save_queued(txn, claimed_by(&run, &worker), run.id()).await?;
            Ok(Some(run))
        })
    })
    .await
    .map_err(map_transaction_err)
}

/// `heartbeat_at = now` on run `id`, if `worker` still holds it (see the port).
pub(super) async fn heartbeat(
    db: &DatabaseConnection,
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
pub(super) async fn finish(
    db: &DatabaseConnection,
    run: &PipelineRun,
    worker: &str,
) -> RepositoryResult<()> {
    let update = pipeline_runs::Entity::update_many()
        .set(changes(run))
        .filter(Column::Id.eq(run.id().as_uuid()))
        .filter(held_by(worker))
        .filter(Column::Attempt.eq(int_column(run.attempt())));
    conditional_update(db, update, run.id().as_uuid()).await
}

/// Fails or requeues every run whose heartbeat is older than `stale_before` (see the port).
pub(super) async fn recover_stale(
    db: &DatabaseConnection,
    stale_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> RepositoryResult<u64> {
    db.transaction::<_, u64, RepositoryError>(|txn| {
        Box::pin(async move {
            let running = RunStatus::Running.as_str();
            // Served by `idx_pipeline_runs_heartbeat`; a run a worker is finishing right now is
            // locked by that finish and skipped (it is not lost, it is being saved).
            let rows = unclaimed(
                pipeline_runs::Entity::find()
                    .filter(Column::Status.eq(running))
                    .filter(Column::HeartbeatAt.lt(stale_before)),
            )
            .all(txn)
            .await
            .map_err(map_db_err)?;
            let mut recovered = 0;
            for mut run in all_to_domain(rows)? {
                run.fail_or_retry(PipelineRun::WORKER_LOST, now)
                    .map_err(RepositoryError::Corrupt)?;
                save_if_status(
                    txn,
                    changes(&run),
                    (Column::Id, run.id().as_uuid()),
                    (Column::Status, running),
                )
                .await?;
                recovered += 1;
            }
            Ok(recovered)
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
    save_if_status(
        txn,
        changes,
        (Column::Id, id.as_uuid()),
        (Column::Status, RunStatus::Queued.as_str()),
    )
    .await
}
