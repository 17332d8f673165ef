//! [`PgWebProjectRepository`]: web projects on PostgreSQL, and the dashboard's active projects
//! (access pattern 2, [`ACTIVE_PROJECTS_SQL`]).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use prosektor_application::{
    Page, PageRequest, ProjectChanges, RepositoryError, RepositoryResult, TenantScope, Transition,
    WebProjectRepository,
};
use prosektor_domain::{CompanyId, ProjectId, ProjectStatus, RowVersion, WebProject};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryTrait,
};
use uuid::Uuid;

use super::row_update::RowUpdate;
use super::shared::{NewestFirst, find_one, scoped, statement};
use crate::entities::mapping::{all_to_domain, text};
use crate::entities::web_projects::{self, Column};
use crate::error::map_db_err;
use crate::pools::DatabasePools;
use crate::timing::timed;
use crate::unit_of_work::Db;

/// Access pattern 2, one page of company `$1`'s active projects, newest first, after the cursor
/// `($2 created_at, $3 id)` (both `NULL` for the first page), at most `$4` rows. The status
/// predicate is written literally, exactly as in `idx_web_projects_active`'s `WHERE`, so that
/// PostgreSQL can use that partial index even in a generic plan.
pub const ACTIVE_PROJECTS_SQL: &str = "SELECT id, company_id, name, domain, status, created_at, \
     updated_at, version FROM web_projects \
     WHERE company_id = $1 AND status NOT IN ('DRAFT', 'ARCHIVED') \
     AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid)) \
     ORDER BY created_at DESC, id DESC LIMIT $4";

/// Replaces project `$1`'s ingestion key hash with `$2`.
const SET_INGEST_KEY_SQL: &str = "UPDATE web_projects SET ingest_key_hash = $2 WHERE id = $1";

/// The project whose ingestion key hash is `$1` (through `web_projects_ingest_key_hash_key`).
const FIND_BY_INGEST_KEY_SQL: &str = "SELECT id FROM web_projects WHERE ingest_key_hash = $1";

/// The listings' names inside their cursors.
const NEWEST: NewestFirst = NewestFirst("projects_newest");
const ACTIVE_NEWEST: NewestFirst = NewestFirst("active_projects_newest");

/// [`WebProjectRepository`] on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgWebProjectRepository {
    db: Db,
}

impl PgWebProjectRepository {
    /// A repository over `pools`.
    pub fn new(pools: impl Into<DatabasePools>) -> Self {
        Self { db: Db::new(pools) }
    }
}

/// A project's position in a newest-first listing.
fn position(project: &WebProject) -> (DateTime<Utc>, Uuid) {
    (project.created_at(), project.id().as_uuid())
}

#[async_trait]
impl WebProjectRepository for PgWebProjectRepository {
    async fn create(&self, project: &WebProject) -> RepositoryResult<()> {
        let _timer = timed!("create");
        web_projects::new_row(project)
            .insert(&self.db)
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    async fn get(&self, scope: TenantScope, id: ProjectId) -> RepositoryResult<WebProject> {
        let _timer = timed!("get");
        let select = web_projects::Entity::find_by_id(id.as_uuid());
        find_one(&self.db, scoped(select, Column::CompanyId, scope)).await
    }

    async fn list(
        &self,
        scope: TenantScope,
        company_id: Option<CompanyId>,
        page: &PageRequest,
    ) -> RepositoryResult<Page<WebProject>> {
        let _timer = timed!("list");
        let select = scoped(web_projects::Entity::find(), Column::CompanyId, scope)
            .apply_if(company_id, |q, id| {
                q.filter(Column::CompanyId.eq(id.as_uuid()))
            });
        let rows = NEWEST
            .select(select, Column::CreatedAt, Column::Id, page)?
            .all(&self.db.stale_ok())
            .await
            .map_err(map_db_err)?;
        let projects = all_to_domain(rows)?;
        Ok(NEWEST.page(projects, page, position))
    }

    async fn list_active(
        &self,
        company_id: CompanyId,
        page: &PageRequest,
    ) -> RepositoryResult<Page<WebProject>> {
        let _timer = timed!("list_active");
        let after = ACTIVE_NEWEST.after(page)?;
        let rows = self
            .db
            .stale_ok()
            .query_all_raw(statement(
                ACTIVE_PROJECTS_SQL,
                [
                    company_id.as_uuid().into(),
                    after.map(|(at, _)| at).into(),
                    after.map(|(_, id)| id).into(),
                    (i64::from(page.limit()) + 1).into(),
                ],
            ))
            .await
            .map_err(map_db_err)?;
        let rows = rows
            .iter()
            .map(web_projects::Model::by_position)
            .collect::<Result<Vec<_>, _>>()
            .map_err(map_db_err)?;
        let projects = all_to_domain(rows)?;
        Ok(ACTIVE_NEWEST.page(projects, page, position))
    }

    async fn set_ingest_key_hash(&self, id: ProjectId, hash: &str) -> RepositoryResult<()> {
        let _timer = timed!("set_ingest_key_hash");
        let updated = self
            .db
            .execute_raw(statement(
                SET_INGEST_KEY_SQL,
                [id.as_uuid().into(), hash.into()],
            ))
            .await
            .map_err(map_db_err)?;
        if updated.rows_affected() == 0 {
            return Err(RepositoryError::NotFound);
        }
        Ok(())
    }

    async fn find_by_ingest_key_hash(&self, hash: &str) -> RepositoryResult<Option<ProjectId>> {
        let _timer = timed!("find_by_ingest_key_hash");
        let row = self
            .db
            .query_one_raw(statement(FIND_BY_INGEST_KEY_SQL, [hash.into()]))
            .await
            .map_err(map_db_err)?;
        row.map(|row| row.try_get_by_index::<Uuid>(0).map(ProjectId::from_uuid))
            .transpose()
            .map_err(map_db_err)
    }

    async fn update(
        &self,
        scope: TenantScope,
        id: ProjectId,
        changes: &ProjectChanges,
        at: DateTime<Utc>,
        if_match: Option<RowVersion>,
    ) -> RepositoryResult<WebProject> {
        let _timer = timed!("update");
        let mut update = RowUpdate::<web_projects::Entity>::of(Column::Id, id.as_uuid())
            .set_some(Column::Name, changes.name.as_ref(), |name| {
                name.as_str().into()
            })
            .set_some(Column::Domain, changes.domain.as_ref(), |domain| {
                text(domain.as_ref()).into()
            });
        if changes.name.is_some() || changes.domain.is_some() {
            update = update.set(Column::UpdatedAt, at);
        }
        if let Some(own) = scope.company() {
            update = update.within(Column::CompanyId.eq(own.as_uuid()));
        }
        update.apply(&self.db, Column::Version, if_match).await
    }

    async fn change_status(
        &self,
        id: ProjectId,
        Transition { from, to }: Transition<ProjectStatus>,
        at: DateTime<Utc>,
        if_match: Option<RowVersion>,
    ) -> RepositoryResult<WebProject> {
        let _timer = timed!("change_status");
        RowUpdate::<web_projects::Entity>::of(Column::Id, id.as_uuid())
            .requiring(Column::Status.eq(from.as_str()))
            .set(Column::Status, to.as_str())
            .set(Column::UpdatedAt, at)
            .apply(&self.db, Column::Version, if_match)
            .await
    }
}
