//! [`PgPipelineRunRepository`]: pipeline runs, their queue and their append-only logs on
//! PostgreSQL. A run is scoped through its project's company; the queue's SQL lives in the `queue`
//! submodule, the logs' (daily partitions, batches, retention) in `logs`.

mod logs;
mod queue;

pub(crate) use logs::append_line;
pub(crate) use queue::held_by;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use prosektor_application::{
    LogRetention, Page, PageRequest, PipelineRunRepository, QueueDepth, RepositoryError,
    RepositoryResult, TenantScope,
};
use prosektor_domain::{LogLevel, LogLine, NewLogLine, PipelineRun, ProjectId, RunId, RunStatus};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect,
};

use super::shared::{NewestFirst, save_if, scoped_through_project, statement};
use crate::entities::mapping::{IntoDomain, all_to_domain};
use crate::entities::pipeline_runs::{self, Column};
use crate::error::map_db_err;
use crate::pools::DatabasePools;
use crate::timing::timed;
use crate::unit_of_work::Db;

/// Retention's batch: up to `$2` runs finished before `$1` (through `idx_pipeline_runs_finished`),
/// none a project's published site (through `idx_web_projects_published_run`), rows locked
/// elsewhere skipped. Pages (and kept log lines) cascade; log lines go with their partition.
const PURGE_SQL: &str = "DELETE FROM pipeline_runs WHERE id IN (\
     SELECT r.id FROM pipeline_runs r \
     WHERE r.finished_at < $1 AND r.status IN ('SUCCEEDED', 'FAILED', 'CANCELLED') \
       AND NOT EXISTS (SELECT 1 FROM web_projects p WHERE p.published_run_id = r.id) \
     ORDER BY r.finished_at LIMIT $2 FOR UPDATE SKIP LOCKED)";

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
    /// A repository over `pools`.
    pub fn new(pools: impl Into<DatabasePools>) -> Self {
        Self { db: Db::new(pools) }
    }

    /// When run `id` was created, if it exists and its project's company is visible in `scope`.
    async fn visible(
        &self,
        scope: TenantScope,
        id: RunId,
    ) -> RepositoryResult<Option<DateTime<Utc>>> {
        scoped_through_project(pipeline_runs::Entity::find_by_id(id.as_uuid()), scope)
            .select_only()
            .column(Column::CreatedAt)
            .into_tuple::<DateTime<Utc>>()
            .one(&self.db)
            .await
            .map_err(map_db_err)
    }
}

#[async_trait]
impl PipelineRunRepository for PgPipelineRunRepository {
    async fn enqueue(&self, run: &PipelineRun) -> RepositoryResult<()> {
        let _timer = timed!("enqueue");
        pipeline_runs::new_row(run)
            .insert(&self.db)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn get(&self, scope: TenantScope, id: RunId) -> RepositoryResult<PipelineRun> {
        let _timer = timed!("get");
        scoped_through_project(pipeline_runs::Entity::find_by_id(id.as_uuid()), scope)
            .one(&self.db)
            .await
            .map_err(map_db_err)?
            .ok_or(RepositoryError::NotFound)?
            .restore()
    }

    async fn list_for_project(
        &self,
        scope: TenantScope,
        project_id: ProjectId,
        page: &PageRequest,
    ) -> RepositoryResult<Page<PipelineRun>> {
        let _timer = timed!("list_for_project");
        let select = scoped_through_project(
            pipeline_runs::Entity::find().filter(Column::ProjectId.eq(project_id.as_uuid())),
            scope,
        );
        let rows = NEWEST
            .select(select, Column::CreatedAt, Column::Id, page)?
            .all(&self.db.stale_ok())
            .await
            .map_err(map_db_err)?;
        let runs = all_to_domain(rows)?;
        Ok(NEWEST.page(runs, page, |run| (run.created_at(), run.id().as_uuid())))
    }

    async fn save(&self, run: &PipelineRun, expected: RunStatus) -> RepositoryResult<()> {
        let _timer = timed!("save");
        save_if(
            &self.db,
            pipeline_runs::changes(run),
            (Column::Id, run.id().as_uuid()),
            Column::Status.eq(expected.as_str()),
        )
        .await
    }

    async fn claim_next(
        &self,
        worker: &str,
        now: DateTime<Utc>,
    ) -> RepositoryResult<Option<PipelineRun>> {
        let _timer = timed!("claim_next");
        queue::claim_next(&self.db, worker, now).await
    }

    async fn heartbeat(&self, id: RunId, worker: &str, now: DateTime<Utc>) -> RepositoryResult<()> {
        let _timer = timed!("heartbeat");
        queue::heartbeat(&self.db, id, worker, now).await
    }

    async fn finish(&self, run: &PipelineRun, worker: &str) -> RepositoryResult<()> {
        let _timer = timed!("finish");
        queue::finish(&self.db, run, worker).await
    }

    async fn recover_stale(
        &self,
        stale_before: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> RepositoryResult<u64> {
        let _timer = timed!("recover_stale");
        queue::recover_stale(&self.db, stale_before, now).await
    }

    async fn queue_depth(&self) -> RepositoryResult<QueueDepth> {
        let _timer = timed!("queue_depth");
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

    async fn release_held(&self, worker_prefix: &str, now: DateTime<Utc>) -> RepositoryResult<u64> {
        let _timer = timed!("release_held");
        queue::release_held(&self.db, worker_prefix, now).await
    }

    async fn purge_finished(
        &self,
        finished_before: DateTime<Utc>,
        batch: u32,
    ) -> RepositoryResult<u64> {
        let _timer = timed!("purge_finished");
        let values = [finished_before.into(), i64::from(batch).into()];
        let deleted = self
            .db
            .execute_raw(statement(PURGE_SQL, values))
            .await
            .map_err(map_db_err)?;
        Ok(deleted.rows_affected())
    }

    async fn append_logs(
        &self,
        run: &PipelineRun,
        worker: &str,
        lines: &[NewLogLine],
    ) -> RepositoryResult<()> {
        let _timer = timed!("append_logs");
        logs::append_batch(&self.db, run, worker, lines).await
    }

    async fn append_log(
        &self,
        run_id: RunId,
        level: LogLevel,
        message: &str,
        at: DateTime<Utc>,
    ) -> RepositoryResult<LogLine> {
        let _timer = timed!("append_log");
        logs::append_one(&self.db, run_id, level, message, at).await
    }

    async fn expire_logs(&self, expired_before: DateTime<Utc>) -> RepositoryResult<LogRetention> {
        let _timer = timed!("expire_logs");
        logs::expire(&self.db, expired_before).await
    }

    async fn logs(
        &self,
        scope: TenantScope,
        run_id: RunId,
        after_seq: i64,
        limit: u32,
    ) -> RepositoryResult<Vec<LogLine>> {
        let _timer = timed!("logs");
        let created_at = self
            .visible(scope, run_id)
            .await?
            .ok_or(RepositoryError::NotFound)?;
        logs::read(&self.db, run_id, created_at, after_seq, limit).await
    }
}
