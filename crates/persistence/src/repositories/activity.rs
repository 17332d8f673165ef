//! [`PgActivityFeed`]: the activity feed that migration 27's triggers record, read newest first.
//! The admin's feed of every company is one backward range of `idx_activity_events_newest`
//! `(occurred_at, id)`; a company's, of `idx_activity_events_company`
//! `(company_id, occurred_at, id)`; the keyset cursor makes every page the same short range.

use async_trait::async_trait;
use prosektor_application::{ActivityFeed, Page, PageRequest, RepositoryResult, TenantScope};
use prosektor_domain::Activity;
use sea_orm::{EntityTrait, Select};

use super::shared::{NewestFirst, scoped};
use crate::entities::activity_events::{self, Column};
use crate::entities::mapping::all_to_domain;
use crate::error::map_db_err;
use crate::pools::DatabasePools;
use crate::timing::timed;
use crate::unit_of_work::Db;

/// The listing's name inside its cursors.
pub(crate) const NEWEST: NewestFirst = NewestFirst("activity_newest");

/// The query of one page of the feed in `scope` (public for tools that replay the SQL, such as
/// the benchmark).
///
/// # Errors
/// `InvalidCursor` for a cursor of another listing.
pub fn feed_page(
    scope: TenantScope,
    page: &PageRequest,
) -> RepositoryResult<Select<activity_events::Entity>> {
    let select = scoped(activity_events::Entity::find(), Column::CompanyId, scope);
    NEWEST.select(select, Column::OccurredAt, Column::Id, page)
}

/// [`ActivityFeed`] on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgActivityFeed {
    db: Db,
}

impl PgActivityFeed {
    /// A feed read through `pools`.
    pub fn new(pools: impl Into<DatabasePools>) -> Self {
        Self { db: Db::new(pools) }
    }
}

#[async_trait]
impl ActivityFeed for PgActivityFeed {
    async fn recent(
        &self,
        scope: TenantScope,
        page: &PageRequest,
    ) -> RepositoryResult<Page<Activity>> {
        let _timer = timed!("recent");
        let rows = feed_page(scope, page)?
            .all(&self.db.stale_ok())
            .await
            .map_err(map_db_err)?;
        Ok(NEWEST.page(all_to_domain(rows)?, page, |event| {
            (event.occurred_at(), event.id().as_uuid())
        }))
    }
}
