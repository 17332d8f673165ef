//! [`PgPipelineRunRepository`]: pipeline runs, their queue and their append-only logs on
//! PostgreSQL. A run is scoped through its project's company; log lines are numbered under a lock
//! on the run's row; the queue's SQL lives in the `queue` submodule.

mod queue;

pub(crate) use queue::held_by;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use prosektor_application::{
    Page, PageRequest, PipelineRunRepository, QueueDepth, RepositoryError, RepositoryResult,
    TenantScope,
};
use prosektor_domain::{LogLevel, LogLine, PipelineRun, ProjectId, RunId, RunStatus};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use super::shared::{NewestFirst, save_if_status, scoped_through_project, statement};
use crate::entities::mapping::{IntoDomain, all_to_domain};
use crate::entities::pipeline_run_logs;
use crate::entities::pipeline_runs::{self, Column};
use crate::error::{map_db_err, map_transaction_err};
use crate::unit_of_work::Db;

/// Retention's batch: up to `$2` runs finished before `$1` (through `idx_pipeline_runs_finished`),
/// none a project's published site (through `idx_web_projects_published_run`), rows locked
/// elsewhere skipped. Logs and pages cascade.
const PURGE_SQL: &str = "DELETE FROM pipeline_runs WHERE id IN (\
     SELECT r.id FROM pipeline_runs r \
     WHERE r.finished_at < $1 AND r.status IN ('SUCCEEDED', 'FAILED', 'CANCELLED') \
       AND NOT EXISTS (SELECT 1 FROM web_projects p WHERE p.published_run_id = r.id) \
     ORDER BY r.finished_at LIMIT $2 FOR UPDATE SKIP LOCKED)";

/// Appends a log line to run `run_id` with its next `seq`, inside the caller's transaction:
/// appenders of one run take turns on its row, so each reads the last `seq` written by the one
/// before (numbers are distinct and increasing).
///
/// # Errors
/// `NotFound` when the run does not exist; `Corrupt` for an invalid message; `Unavailable`.
pub(super) async fn append_line<C: ConnectionTrait>(
    txn: &C,
    run_id: RunId,
    level: LogLevel,
    message: &str,
    at: DateTime<Utc>,
) -> RepositoryResult<LogLine> {
    pipeline_runs::Entity::find_by_id(run_id.as_uuid())
        .select_only()
        .column(Column::Id)
        .lock_exclusive()
        .into_tuple::<Uuid>()
        .one(txn)
        .await
        .map_err(map_db_err)?
        .ok_or(RepositoryError::NotFound)?;
    let last = pipeline_run_logs::Entity::find()
        .select_only()
        .expr(Expr::col(pipeline_run_logs::Column::Seq).max())
        .filter(pipeline_run_logs::Column::RunId.eq(run_id.as_uuid()))
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

/// The queue's backlog: how many runs wait and the oldest one's creation (through the partial
/// `idx_pipeline_runs_queue`, which holds exactly the queued runs).
const QUEUE_DEPTH_SQL: &str =
    "SELECT count(*), min(created_at) FROM pipeline_runs WHERE status = 'QUEUED'";

/// The listing's name inside its cursors.
const NEWEST: NewestFirst = NewestFirst("runs_newest");

/// [`PipelineRunRepository`] on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgPipelineRunRepository {
    db: Db,
}

impl PgPipelineRunRepository {
    /// A repository using the pool `db`.
    pub const fn new(db: DatabaseConnection) -> Self {
        Self { db: Db::new(db) }
    }

    /// Whether run `id` exists and its project's company is visible in `scope`.
    async fn visible(&self, scope: TenantScope, id: RunId) -> RepositoryResult<bool> {
        let found = scoped_through_project(pipeline_runs::Entity::find_by_id(id.as_uuid()), scope)
            .select_only()
            .column(Column::Id)
            .into_tuple::<Uuid>()
            .one(&self.db)
            .await
            .map_err(map_db_err)?;
        Ok(found.is_some())
    }
}

#[async_trait]
impl PipelineRunRepository for PgPipelineRunRepository {
    #[tracing::instrument(skip_all)]
    async fn enqueue(&self, run: &PipelineRun) -> RepositoryResult<()> {
        pipeline_runs::new_row(run)
            .insert(&self.db)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn get(&self, scope: TenantScope, id: RunId) -> RepositoryResult<PipelineRun> {
        scoped_through_project(pipeline_runs::Entity::find_by_id(id.as_uuid()), scope)
            .one(&self.db)
            .await
            .map_err(map_db_err)?
            .ok_or(RepositoryError::NotFound)?
            .restore()
    }

    #[tracing::instrument(skip_all)]
    async fn list_for_project(
        &self,
        scope: TenantScope,
        project_id: ProjectId,
        page: &PageRequest,
    ) -> RepositoryResult<Page<PipelineRun>> {
        let select = scoped_through_project(
            pipeline_runs::Entity::find().filter(Column::ProjectId.eq(project_id.as_uuid())),
            scope,
        );
        let rows = NEWEST
            .select(select, Column::CreatedAt, Column::Id, page)?
            .all(&self.db)
            .await
            .map_err(map_db_err)?;
        let runs = all_to_domain(rows)?;
        Ok(NEWEST.page(runs, page, |run| (run.created_at(), run.id().as_uuid())))
    }

    #[tracing::instrument(skip_all)]
    async fn save(&self, run: &PipelineRun, expected: RunStatus) -> RepositoryResult<()> {
        save_if_status(
            &self.db,
            pipeline_runs::changes(run),
            (Column::Id, run.id().as_uuid()),
            (Column::Status, expected.as_str()),
        )
        .await
    }

    #[tracing::instrument(skip_all)]
    async fn claim_next(
        &self,
        worker: &str,
        now: DateTime<Utc>,
    ) -> RepositoryResult<Option<PipelineRun>> {
        queue::claim_next(&self.db, worker, now).await
    }

    #[tracing::instrument(skip_all)]
    async fn heartbeat(&self, id: RunId, worker: &str, now: DateTime<Utc>) -> RepositoryResult<()> {
        queue::heartbeat(&self.db, id, worker, now).await
    }

    #[tracing::instrument(skip_all)]
    async fn finish(&self, run: &PipelineRun, worker: &str) -> RepositoryResult<()> {
        queue::finish(&self.db, run, worker).await
    }

    #[tracing::instrument(skip_all)]
    async fn recover_stale(
        &self,
        stale_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> RepositoryResult<u64> {
        queue::recover_stale(&self.db, stale_before, now).await
    }

    #[tracing::instrument(skip_all)]
    async fn queue_depth(&self) -> RepositoryResult<QueueDepth> {
        let row = self
            .db
            .query_one_raw(statement(QUEUE_DEPTH_SQL, []))
            .await
            .map_err(map_db_err)?
            .ok_or_else(|| RepositoryError::Failed("the queue count returned no row".into()))?;
        let queued: i64 = row.try_get_by_index(0).map_err(map_db_err)?;
        Ok(QueueDepth {
            queued: u64::try_from(queued).unwrap_or(0),
            oldest_created_at: row.try_get_by_index(1).map_err(map_db_err)?,
        })
    }

    #[tracing::instrument(skip_all)]
    async fn release_held(&self, worker_prefix: &str, now: DateTime<Utc>) -> RepositoryResult<u64> {
        queue::release_held(&self.db, worker_prefix, now).await
    }

    #[tracing::instrument(skip_all)]
    async fn purge_finished(
        &self,
        finished_before: DateTime<Utc>,
        batch: u32,
    ) -> RepositoryResult<u64> {
        let values = [finished_before.into(), i64::from(batch).into()];
        let deleted = self
            .db
            .execute_raw(statement(PURGE_SQL, values))
            .await
            .map_err(map_db_err)?;
        Ok(deleted.rows_affected())
    }

    #[tracing::instrument(skip_all)]
    async fn append_log(
        &self,
        run_id: RunId,
        level: LogLevel,
        message: &str,
        at: DateTime<Utc>,
    ) -> RepositoryResult<LogLine> {
        let message = message.to_owned();
        self.db
            .transaction::<_, LogLine, RepositoryError>(|txn| {
                Box::pin(async move { append_line(txn, run_id, level, &message, at).await })
            })
            .await
            .map_err(map_transaction_err)
    }

    #[tracing::instrument(skip_all)]
    async fn logs(
        &self,
        scope: TenantScope,
        run_id: RunId,
        after_seq: i64,
        limit: u32,
    ) -> RepositoryResult<Vec<LogLine>> {
        if !self.visible(scope, run_id).await? {
            return Err(RepositoryError::NotFound);
        }
        let rows = pipeline_run_logs::Entity::find()
            .filter(pipeline_run_logs::Column::RunId.eq(run_id.as_uuid()))
            .filter(pipeline_run_logs::Column::Seq.gt(after_seq))
            .order_by_asc(pipeline_run_logs::Column::Seq)
            .limit(u64::from(limit))
            .all(&self.db)
            .await
            .map_err(map_db_err)?;
        all_to_domain(rows)
    }
}
