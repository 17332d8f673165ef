//! [`StatsService`]: analytics ingestion and import (admin) and range queries (tenant read, access
//! pattern 5).

use std::sync::Arc;

use chrono::NaiveDate;
use prosektor_domain::{
    DailyStats, DateRange, DayPoint, ProjectId, StatsId, StatsIncrement, zero_fill,
};

use super::actor::Actor;
use super::error::{ServiceError, ServiceResult};
use super::ingest_key::IngestKey;
use super::limits::reserve;
use crate::ports::clock::Clock;
use crate::ports::ids::IdGenerator;
use crate::ports::project::WebProjectRepository;
use crate::ports::stats::DailyStatsRepository;
use crate::ports::throttle::{Throttle, ThrottleKey, ThrottleRule};

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
    projects: Arc<dyn WebProjectRepository>,
    ids: Arc<dyn IdGenerator>,
    throttle: Arc<dyn Throttle>,
    clock: Arc<dyn Clock>,
    ingestion_limit: ThrottleRule,
}

impl StatsService {
    /// A service over these ports; ingestion with a project's key is limited by
    /// `ingestion_limit` per project.
    pub fn new(
        stats: Arc<dyn DailyStatsRepository>,
        projects: Arc<dyn WebProjectRepository>,
        ids: Arc<dyn IdGenerator>,
        throttle: Arc<dyn Throttle>,
        clock: Arc<dyn Clock>,
        ingestion_limit: ThrottleRule,
    ) -> Self {
        Self {
            stats,
            projects,
            ids,
            throttle,
            clock,
            ingestion_limit,
        }
    }

    /// Adds `increment` to the project's counters of `date`, atomically (admin).
    ///
    /// A project's website ingests with its key instead: [`Self::ingest_with_key`].
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
        self.add(project_id, date, increment).await
    }

    /// Adds `increment` to the counters of `date` of the project whose ingestion key is `key`
    /// (SPEC §5: any caller holding the key may ingest). The key is public (it ships in the
    /// project's website), so each project's ingestions are limited per minute.
    ///
    /// # Errors
    /// `Unauthenticated` when no project has this key; `TooManyAttempts` past the project's limit;
    /// `Domain` when the merged day would break a rule (a breakdown past its caps, a counter past
    /// its maximum); `Internal`.
    pub async fn ingest_with_key(
        &self,
        key: &str,
        date: NaiveDate,
        increment: &StatsIncrement,
    ) -> ServiceResult<()> {
        let project_id = self
            .projects
            .find_by_ingest_key_hash(&IngestKey::hash_of(key))
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        let attempt = [(ThrottleKey::ingestion(project_id), self.ingestion_limit)];
        reserve(
            self.throttle.as_ref(),
            self.clock.as_ref(),
            "ingestion",
            &attempt,
        )
        .await?;
        self.add(project_id, date, increment).await
    }

    async fn add(
        &self,
        project_id: ProjectId,
        date: NaiveDate,
        increment: &StatsIncrement,
    ) -> ServiceResult<()> {
        let new_id = StatsId::from_uuid(self.ids.new_id());
        let ingested = self.stats.ingest(new_id, project_id, date, increment).await;
        let outcome = if ingested.is_ok() {
            "stored"
        } else {
            "refused"
        };
        metrics::counter!("stats_ingestions_total", "outcome" => outcome).increment(1);
        Ok(ingested?)
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
