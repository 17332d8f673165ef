//! [`PgPageRepository`]: the pages runs generated (`pipeline_run_pages`) and the site each
//! project publishes (`web_projects.published_run_id`) on PostgreSQL.

use async_trait::async_trait;
use prosektor_application::{PageRepository, RepositoryError, RepositoryResult, TenantScope};
use prosektor_domain::{GeneratedSite, PipelineRun, ProjectId, RunId, SitePage};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, TransactionTrait, Value,
};
use uuid::Uuid;

use super::pipeline::held_by;
use super::shared::{scope_argument, stale_or_missing, statement};
use crate::entities::mapping::found;
use crate::entities::pipeline_runs::int_column;
use crate::entities::{pipeline_run_pages, pipeline_runs};
use crate::error::{map_db_err, map_transaction_err};
use crate::pools::DatabasePools;
use crate::timing::timed;
use crate::unit_of_work::Db;

/// Makes run `$1` the published site of project `$2`.
const PUBLISH_SQL: &str = "UPDATE web_projects SET published_run_id = $1 WHERE id = $2";

/// Page `$2` of run `$1`, if the run's company is `$3` (or `$3` is null: every company).
const RUN_PAGE_SQL: &str = "SELECT g.run_id, g.path, g.title, g.body FROM pipeline_run_pages g \
     JOIN pipeline_runs r ON r.id = g.run_id JOIN web_projects p ON p.id = r.project_id \
     WHERE g.run_id = $1 AND g.path = $2 AND ($3::uuid IS NULL OR p.company_id = $3)";

/// Page `$2` of project `$1`'s published site, if its company is `$3` (or `$3` is null: every
/// company) and, when `$4`, the project is `LIVE`.
const PUBLISHED_PAGE_SQL: &str = "SELECT g.run_id, g.path, g.title, g.body FROM web_projects p \
     JOIN pipeline_run_pages g ON g.run_id = p.published_run_id \
     WHERE p.id = $1 AND g.path = $2 AND ($3::uuid IS NULL OR p.company_id = $3) \
       AND (NOT $4::boolean OR p.status = 'LIVE')";

/// [`PageRepository`] on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgPageRepository {
    db: Db,
}

impl PgPageRepository {
    /// A repository over `pools`.
    pub fn new(pools: impl Into<DatabasePools>) -> Self {
        Self { db: Db::new(pools) }
    }

    /// The one page `sql` selects with `(id, path, scope's company)` and any `more` parameters.
    async fn page(
        &self,
        sql: &str,
        id: Uuid,
        path: &str,
        scope: TenantScope,
        more: impl IntoIterator<Item = Value>,
    ) -> RepositoryResult<SitePage> {
        let values = [id.into(), path.into(), scope_argument(scope)]
            .into_iter()
            .chain(more);
        let row = pipeline_run_pages::Entity::find()
            .from_raw_sql(statement(sql, values))
            .one(&self.db)
            .await
            .map_err(map_db_err)?;
        found(row)
    }
}

#[async_trait]
impl PageRepository for PgPageRepository {
    async fn publish_finished(
        &self,
        run: &PipelineRun,
        worker: &str,
        site: &GeneratedSite,
    ) -> RepositoryResult<()> {
        let _timer = timed!("publish_finished");
        let worker = worker.to_owned();
        let rows: Vec<_> = site
            .pages()
            .iter()
            .map(|page| pipeline_run_pages::new_row(run.id(), page))
            .collect();
        let id = run.id().as_uuid();
        let attempt = int_column(run.attempt());
        let finished = pipeline_runs::changes(run);
        self.db
            .transaction::<_, (), RepositoryError>(|txn| {
                Box::pin(async move {
                    // Holding the run's row keeps a cancel or a recovery waiting until the site
                    // is stored and the run finished; one that came first makes this find nothing.
                    let project = pipeline_runs::Entity::find_by_id(id)
                        .filter(held_by(&worker))
                        .filter(pipeline_runs::Column::Attempt.eq(attempt))
                        .select_only()
                        .column(pipeline_runs::Column::ProjectId)
                        .lock_exclusive()
                        .into_tuple::<Uuid>()
                        .one(txn)
                        .await
                        .map_err(map_db_err)?;
                    let Some(project) = project else {
                        return Err(stale_or_missing::<pipeline_runs::Entity, _>(txn, id).await);
                    };
                    // Replacing, not adding, the run's pages: a redelivered run stores one site.
                    pipeline_run_pages::Entity::delete_many()
                        .filter(pipeline_run_pages::Column::RunId.eq(id))
                        .exec(txn)
                        .await
                        .map_err(map_db_err)?;
                    pipeline_run_pages::Entity::insert_many(rows)
                        .exec_without_returning(txn)
                        .await
                        .map_err(map_db_err)?;
                    txn.execute_raw(statement(PUBLISH_SQL, [id.into(), project.into()]))
                        .await
                        .map_err(map_db_err)?;
                    pipeline_runs::Entity::update_many()
                        .set(finished)
                        .filter(pipeline_runs::Column::Id.eq(id))
                        .exec(txn)
                        .await
                        .map_err(map_db_err)?;
                    Ok(())
                })
            })
            .await
            .map_err(map_transaction_err)
    }

    async fn run_page(
        &self,
        scope: TenantScope,
        run_id: RunId,
        path: &str,
    ) -> RepositoryResult<SitePage> {
        let _timer = timed!("run_page");
        self.page(RUN_PAGE_SQL, run_id.as_uuid(), path, scope, [])
            .await
    }

    async fn published_page(
        &self,
        scope: TenantScope,
        project_id: ProjectId,
        path: &str,
    ) -> RepositoryResult<SitePage> {
        let _timer = timed!("published_page");
        let live_only = false;
        self.page(
            PUBLISHED_PAGE_SQL,
            project_id.as_uuid(),
            path,
            scope,
            [live_only.into()],
        )
        .await
    }

    async fn live_page(&self, project_id: ProjectId, path: &str) -> RepositoryResult<SitePage> {
        let _timer = timed!("live_page");
        let live_only = true;
        self.page(
            PUBLISHED_PAGE_SQL,
            project_id.as_uuid(),
            path,
            TenantScope::All,
            [live_only.into()],
        )
        .await
    }
}
