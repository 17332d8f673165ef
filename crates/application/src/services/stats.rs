//! [`StatsService`]: analytics ingestion and import (admin) and range queries (tenant read, access
//! pattern 5).

use std::sync::Arc;

use chrono::NaiveDate;
use prosektor_domain::{
    DailyStats, DateRange, DayPoint, ProjectId, StatsId, StatsIncrement, zero_fill,
};

use super::actor::Actor;
use super::error::ServiceResult;
use crate::ports::ids::IdGenerator;
use crate::ports::stats::DailyStatsRepository;

/// A project's analytics over a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatsSeries {
    /// The stored days, by date; days without data are absent.
    Days(Vec<DailyStats>),
    /// One point per day of the range, in order, with zeros for days without data (for charts).
    ZeroFilled(Vec<DayPoint>),
}

/// Daily analytics.
#[derive(Clone)]
pub struct StatsService {
    stats: Arc<dyn DailyStatsRepository>,
    ids: Arc<dyn IdGenerator>,
}

impl StatsService {
    /// A service over these ports.
    pub fn new(stats: Arc<dyn DailyStatsRepository>, ids: Arc<dyn IdGenerator>) -> Self {
        Self { stats, ids }
    }

    /// Adds `increment` to the project's counters of `date`, atomically (admin).
    ///
    /// SPEC §5 also lets a caller holding the project's ingestion key (a rotatable per-project
    /// secret used by the project's website) ingest; that key, and the entry point that accepts it
    /// instead of an actor, come with the analytics API.
    ///
    /// # Errors
    /// `Forbidden` for a client; `NotFound` when the project does not exist; `Internal`.
    pub async fn ingest(
        &self,
        actor: &Actor,
        project_id: ProjectId,
        date: NaiveDate,
        increment: &StatsIncrement,
    ) -> ServiceResult<()> {
        actor.require_admin()?;
        let new_id = StatsId::from_uuid(self.ids.new_id());
        self.stats
            .ingest(new_id, project_id, date, increment)
            .await?;
        Ok(())
    }

    /// Replaces whole days with `days` (idempotent, atomic); returns the number of days written
    /// (admin).
    ///
    /// # Errors
    /// `Forbidden` for a client; `NotFound` when a project does not exist; `Internal`.
    pub async fn import_days(&self, actor: &Actor, days: &[DailyStats]) -> ServiceResult<u64> {
        actor.require_admin()?;
        Ok(self.stats.import_days(days).await?)
    }

    /// The project's analytics within `range` (inclusive, at most 366 days by construction of
    /// [`DateRange`]), optionally with missing days filled with zeros. The repository scopes the
    /// read by the actor's tenancy (the rows carry no company to check here).
    ///
    /// # Errors
    /// `NotFound` for another tenant's or a missing project; `Internal`.
    pub async fn range(
        &self,
        actor: &Actor,
        project_id: ProjectId,
        range: DateRange,
        fill_missing_days: bool,
    ) -> ServiceResult<StatsSeries> {
        let days = self.stats.range(actor.scope(), project_id, range).await?;
        Ok(if fill_missing_days {
            StatsSeries::ZeroFilled(zero_fill(&range, &days))
        } else {
            StatsSeries::Days(days)
        })
    }
}

#[cfg(test)]
mod tests;
