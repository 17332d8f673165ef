//! [`PgDailyStatsRepository`]: per-project daily analytics on PostgreSQL. Ingestion is one atomic
//! upsert that adds counters and merges the breakdown (`stats_breakdown_add`, migration 11), so
//! concurrent increments are never lost; ranges read access pattern 5 ([`STATS_RANGE_SQL`]).

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::NaiveDate;
use prosektor_application::{DailyStatsRepository, RepositoryError, RepositoryResult, TenantScope};
use prosektor_domain::{DailyStats, DateRange, ProjectId, StatsId, StatsIncrement};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, EntityTrait, FromQueryResult, QuerySelect, Select,
    TransactionTrait,
};
use uuid::Uuid;

use super::shared::{scoped, statement};
use crate::entities::daily_stats::{self, Column};
use crate::entities::mapping::all_to_domain;
use crate::entities::web_projects;
use crate::error::{map_db_err, map_transaction_err};
use crate::unit_of_work::Db;

/// Adds one ingestion (`$4` visitors, `$5` page views, `$6` breakdown) to project `$2`'s day `$3`,
/// creating the row (id `$1`) if needed, in one statement: the conflicting row is locked and updated
/// from its current values, so concurrent ingestions add up. An `INT` counter pushed past its
/// maximum raises an error; nothing wraps.
const INGEST_SQL: &str = "INSERT INTO daily_stats \
     (id, project_id, date, visitors, page_views, meta_breakdown) \
     VALUES ($1, $2, $3, $4, $5, $6) \
     ON CONFLICT (project_id, date) DO UPDATE SET \
     visitors = daily_stats.visitors + EXCLUDED.visitors, \
     page_views = daily_stats.page_views + EXCLUDED.page_views, \
     meta_breakdown = stats_breakdown_add(daily_stats.meta_breakdown, EXCLUDED.meta_breakdown)";

/// Access pattern 5, project `$1`'s days from `$2` to `$3` (inclusive) in date order, read from
/// `daily_stats_project_date_key (project_id, date)`.
pub const STATS_RANGE_SQL: &str = "SELECT id, project_id, date, visitors, page_views, \
     meta_breakdown FROM daily_stats \
     WHERE project_id = $1 AND date BETWEEN $2 AND $3 ORDER BY date";

/// The id of project `id` if the scope may read it: the check before a range is read (public for
/// tools that replay the SQL).
pub fn project_in_scope(scope: TenantScope, id: ProjectId) -> Select<web_projects::Entity> {
    scoped(
        web_projects::Entity::find_by_id(id.as_uuid()),
        web_projects::Column::CompanyId,
        scope,
    )
    .select_only()
    .column(web_projects::Column::Id)
}

/// Rows per `INSERT` of an import (6 parameters each, far below PostgreSQL's 65535).
const IMPORT_CHUNK: usize = 1000;

/// [`DailyStatsRepository`] on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgDailyStatsRepository {
    db: Db,
}

impl PgDailyStatsRepository {
    /// A repository using the pool `db`.
    pub const fn new(db: DatabaseConnection) -> Self {
        Self { db: Db::new(db) }
    }
}

#[async_trait]
impl DailyStatsRepository for PgDailyStatsRepository {
    #[tracing::instrument(skip_all)]
    async fn ingest(
        &self,
        new_id: StatsId,
        project_id: ProjectId,
        date: NaiveDate,
        increment: &StatsIncrement,
    ) -> RepositoryResult<()> {
        // Counters go as `bigint`: PostgreSQL's assignment to `INT` refuses what does not fit.
        self.db
            .execute_raw(statement(
                INGEST_SQL,
                [
                    new_id.as_uuid().into(),
                    project_id.as_uuid().into(),
                    date.into(),
                    i64::from(increment.visitors).into(),
                    i64::from(increment.page_views).into(),
                    daily_stats::breakdown_json(&increment.breakdown).into(),
                ],
            ))
            .await
            .map_err(map_db_err)?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn import_days(&self, days: &[DailyStats]) -> RepositoryResult<u64> {
        // One row per project and day (the last given wins): a statement may not update a row twice.
        let days: BTreeMap<(Uuid, NaiveDate), &DailyStats> = days
            .iter()
            .map(|day| ((day.project_id().as_uuid(), day.date()), day))
            .collect();
        let rows: Vec<daily_stats::ActiveModel> =
            days.values().map(|day| daily_stats::new_row(day)).collect();
        let written = rows.len() as u64;
        self.db
            .transaction::<_, (), RepositoryError>(|txn| {
                Box::pin(async move {
                    for chunk in rows.chunks(IMPORT_CHUNK) {
                        daily_stats::Entity::insert_many(chunk.to_vec())
                            .on_conflict(
                                OnConflict::columns([Column::ProjectId, Column::Date])
                                    .update_columns([
                                        Column::Visitors,
                                        Column::PageViews,
                                        Column::MetaBreakdown,
                                    ])
                                    .to_owned(),
                            )
                            .exec_without_returning(txn)
                            .await
                            .map_err(map_db_err)?;
                    }
                    Ok(())
                })
            })
            .await
            .map_err(map_transaction_err)?;
        Ok(written)
    }

    #[tracing::instrument(skip_all)]
    async fn range(
        &self,
        scope: TenantScope,
        project_id: ProjectId,
        range: DateRange,
    ) -> RepositoryResult<Vec<DailyStats>> {
        let project = project_in_scope(scope, project_id)
            .into_tuple::<Uuid>()
            .one(&self.db)
            .await
            .map_err(map_db_err)?;
        if project.is_none() {
            return Err(RepositoryError::NotFound);
        }
        let rows = daily_stats::Model::find_by_statement(statement(
            STATS_RANGE_SQL,
            [
                project_id.as_uuid().into(),
                range.start().into(),
                range.end().into(),
            ],
        ))
        .all(&self.db)
        .await
        .map_err(map_db_err)?;
        all_to_domain(rows)
    }
}
