//! [`PgDailyStatsRepository`]: per-project daily analytics on PostgreSQL. Ingestion is one atomic
//! upsert that adds counters and merges the breakdown (`stats_breakdown_add`, migration 11), so
//! concurrent increments are never lost; ranges read access pattern 5 ([`STATS_RANGE_SQL`]).

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::NaiveDate;
use prosektor_application::{DailyStatsRepository, RepositoryError, RepositoryResult, TenantScope};
use prosektor_domain::{DailyStats, DateRange, ProjectId, StatsId, StatsIncrement};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, TransactionTrait, Value};
use uuid::Uuid;

use super::shared::{scope_argument, statement};
use crate::entities::daily_stats::{self, Column, StoredDay};
use crate::entities::mapping::all_to_domain;
use crate::error::{map_db_err, map_transaction_err};
use crate::pools::DatabasePools;
use crate::timing::timed;
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

/// Access pattern 5: project `$1`'s days from `$2` to `$3` (inclusive) in date order, if the
/// project is in the scope (`$4` `NULL` for an admin's, else the company's): the project by its
/// key, then its days from `daily_stats_project_date_key (project_id, date)`, in one round trip.
/// No row when the project is missing or outside the scope; one row of `NULL`s when it has no
/// day in the range. The day's columns come in the table's order: they are read by position
/// (`StoredDay::by_position`).
pub const STATS_RANGE_SQL: &str = "SELECT s.id, s.project_id, s.date, s.visitors, \
     s.page_views, s.meta_breakdown FROM web_projects p \
     LEFT JOIN daily_stats s ON s.project_id = p.id AND s.date BETWEEN $2 AND $3 \
     WHERE p.id = $1 AND ($4::uuid IS NULL OR p.company_id = $4) ORDER BY s.date";

/// The arguments of [`STATS_RANGE_SQL`] (public for tools that replay the SQL).
pub fn stats_range_arguments(
    scope: TenantScope,
    project_id: ProjectId,
    range: DateRange,
) -> [Value; 4] {
    [
        project_id.as_uuid().into(),
        range.start().into(),
        range.end().into(),
        scope_argument(scope),
    ]
}

/// Rows per `INSERT` of an import (6 parameters each, far below PostgreSQL's 65535).
const IMPORT_CHUNK: usize = 1000;

/// [`DailyStatsRepository`] on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgDailyStatsRepository {
    db: Db,
}

impl PgDailyStatsRepository {
    /// A repository over `pools`.
    pub fn new(pools: impl Into<DatabasePools>) -> Self {
        Self { db: Db::new(pools) }
    }
}

#[async_trait]
impl DailyStatsRepository for PgDailyStatsRepository {
    async fn ingest(
        &self,
        new_id: StatsId,
        project_id: ProjectId,
        date: NaiveDate,
        increment: &StatsIncrement,
    ) -> RepositoryResult<()> {
        let _timer = timed!("ingest");
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

    async fn import_days(&self, days: &[DailyStats]) -> RepositoryResult<u64> {
        let _timer = timed!("import_days");
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

    async fn range(
        &self,
        scope: TenantScope,
        project_id: ProjectId,
        range: DateRange,
    ) -> RepositoryResult<Vec<DailyStats>> {
        let _timer = timed!("range");
        let rows = self
            .db
            .stale_ok()
            .query_all_raw(statement(
                STATS_RANGE_SQL,
                stats_range_arguments(scope, project_id, range),
            ))
            .await
            .map_err(map_db_err)?;
        if rows.is_empty() {
            return Err(RepositoryError::NotFound);
        }
        let mut days = Vec::with_capacity(rows.len());
        for row in &rows {
            // The project's one row without a day has a NULL id.
            if let Some(day) = StoredDay::by_position(row)? {
                days.push(day);
            }
        }
        all_to_domain(days)
    }
}
