//! Analytics: [`DailyStats`] (one row per project and day) and the [`StatsIncrement`] that ingestion
//! adds to it, the [`Breakdown`] counters, the [`DateRange`] of a query, and [`zero_fill`] for charts.

mod breakdown;
mod range;
mod series;

pub use breakdown::{Breakdown, BreakdownMap};
pub use range::DateRange;
pub use series::{DayPoint, zero_fill};

use chrono::NaiveDate;

use crate::error::{DomainError, DomainResult};
use crate::ids::{ProjectId, StatsId};

/// The largest count a day can hold: the columns are `INT`.
const MAX_COUNT: u32 = i32::MAX as u32;

/// `count`, if the column can hold it.
fn storable(field: &'static str, count: Option<u32>) -> DomainResult<u32> {
    count
        .filter(|&n| n <= MAX_COUNT)
        .ok_or(DomainError::Overflow { field })
}

/// One project's analytics for one day. `visitors` and `page_views` are at most `i32::MAX`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "DailyStatsParts", into = "DailyStatsParts")
)]
pub struct DailyStats {
    id: StatsId,
    project_id: ProjectId,
    date: NaiveDate,
    visitors: u32,
    page_views: u32,
    breakdown: Breakdown,
}

/// Every field of a [`DailyStats`], unchecked: what storage or a bulk import hands over. Turn it
/// into stats with [`DailyStats::from_parts`] (or `TryFrom`), and back with `From`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct DailyStatsParts {
    /// See [`DailyStats::id`].
    pub id: StatsId,
    /// See [`DailyStats::project_id`].
    pub project_id: ProjectId,
    /// See [`DailyStats::date`].
    pub date: NaiveDate,
    /// See [`DailyStats::visitors`].
    pub visitors: u32,
    /// See [`DailyStats::page_views`].
    pub page_views: u32,
    /// See [`DailyStats::breakdown`] (`meta_breakdown`).
    pub breakdown: Breakdown,
}

/// What one ingestion adds to a day.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct StatsIncrement {
    /// New visitors.
    pub visitors: u32,
    /// New page views.
    pub page_views: u32,
    /// Breakdown counts to add.
    pub breakdown: Breakdown,
}

impl DailyStats {
    /// An empty day.
    pub fn new(id: StatsId, project_id: ProjectId, date: NaiveDate) -> Self {
        Self {
            id,
            project_id,
            date,
            visitors: 0,
            page_views: 0,
            breakdown: Breakdown::default(),
        }
    }

    /// Rebuilds a stored or imported day.
    ///
    /// # Errors
    ///
    /// [`DomainError::Overflow`] on `visitors` or `page_views` above `i32::MAX`.
    pub fn from_parts(parts: DailyStatsParts) -> DomainResult<Self> {
        let DailyStatsParts {
            id,
            project_id,
            date,
            visitors,
            page_views,
            breakdown,
        } = parts;
        let visitors = storable("visitors", Some(visitors))?;
        let page_views = storable("page_views", Some(page_views))?;
        Ok(Self {
            id,
            project_id,
            date,
            visitors,
            page_views,
            breakdown,
        })
    }

    /// Adds an increment: counters and breakdown. On error nothing changes.
    ///
    /// # Errors
    ///
    /// [`DomainError::Overflow`] on `visitors` or `page_views` past `i32::MAX`, or as
    /// [`Breakdown::merge`].
    pub fn apply(&mut self, increment: &StatsIncrement) -> DomainResult<()> {
        let visitors = storable("visitors", self.visitors.checked_add(increment.visitors))?;
        let page_views = storable(
            "page_views",
            self.page_views.checked_add(increment.page_views),
        )?;
        self.breakdown.merge(&increment.breakdown)?;
        self.visitors = visitors;
        self.page_views = page_views;
        Ok(())
    }

    /// The row's id.
    pub const fn id(&self) -> StatsId {
        self.id
    }

    /// The project measured.
    pub const fn project_id(&self) -> ProjectId {
        self.project_id
    }

    /// The day.
    pub const fn date(&self) -> NaiveDate {
        self.date
    }

    /// Visitors that day.
    pub const fn visitors(&self) -> u32 {
        self.visitors
    }

    /// Page views that day.
    pub const fn page_views(&self) -> u32 {
        self.page_views
    }

    /// Breakdown counts that day.
    pub const fn breakdown(&self) -> &Breakdown {
        &self.breakdown
    }
}

impl From<DailyStats> for DailyStatsParts {
    fn from(stats: DailyStats) -> Self {
        let DailyStats {
            id,
            project_id,
            date,
            visitors,
            page_views,
            breakdown,
        } = stats;
        Self {
            id,
            project_id,
            date,
            visitors,
            page_views,
            breakdown,
        }
    }
}

impl TryFrom<DailyStatsParts> for DailyStats {
    type Error = DomainError;

    fn try_from(parts: DailyStatsParts) -> DomainResult<Self> {
        Self::from_parts(parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use breakdown::tests::breakdown;

    fn empty_day() -> DailyStats {
        DailyStats::new(
            StatsId::new_v7(),
            ProjectId::new_v7(),
            NaiveDate::from_ymd_opt(2024, 7, 1).unwrap(),
        )
    }

    fn increment(visitors: u32, page_views: u32, source: &str) -> StatsIncrement {
        StatsIncrement {
            visitors,
            page_views,
            breakdown: breakdown(&[("source", source, 1)]),
        }
    }

    #[test]
    fn apply_adds_counters_and_breakdown() {
        let mut day = empty_day();
        assert_eq!(
            (day.visitors(), day.page_views(), day.breakdown().is_empty()),
            (0, 0, true)
        );
        day.apply(&increment(1, 3, "google")).unwrap();
        day.apply(&increment(2, 5, "google")).unwrap();
        day.apply(&increment(0, 1, "direct")).unwrap();
        assert_eq!((day.visitors(), day.page_views()), (3, 9));
        assert_eq!(day.breakdown().get("source", "google"), Some(2));
        assert_eq!(day.breakdown().get("source", "direct"), Some(1));
    }

    #[test]
    fn apply_stops_at_the_column_maximum_and_changes_nothing() {
        let mut day = empty_day();
        day.apply(&StatsIncrement {
            visitors: MAX_COUNT,
            page_views: MAX_COUNT,
            ..StatsIncrement::default()
        })
        .unwrap();
        let before = day.clone();
        assert_eq!(
            day.apply(&increment(1, 0, "x")),
            Err(DomainError::Overflow { field: "visitors" })
        );
        assert_eq!(
            day.apply(&increment(0, 1, "x")),
            Err(DomainError::Overflow {
                field: "page_views"
            })
        );
        let mut fresh = empty_day();
        assert_eq!(
            fresh.apply(&increment(u32::MAX, 0, "x")),
            Err(DomainError::Overflow { field: "visitors" })
        );
        assert_eq!(day, before);
        assert!(fresh.breakdown().is_empty());
    }

    #[test]
    fn from_parts_checks_the_counters() {
        let parts = DailyStatsParts::from(empty_day());
        let ok = DailyStatsParts {
            visitors: MAX_COUNT,
            page_views: 4,
            ..parts.clone()
        };
        assert_eq!(
            DailyStatsParts::from(DailyStats::from_parts(ok.clone()).unwrap()),
            ok
        );
        let too_many = DailyStatsParts {
            page_views: MAX_COUNT + 1,
            ..parts
        };
        assert_eq!(
            DailyStats::try_from(too_many),
            Err(DomainError::Overflow {
                field: "page_views"
            })
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_goes_through_the_checks() {
        let mut day = empty_day();
        day.apply(&increment(1, 2, "google")).unwrap();
        let json = serde_json::to_value(&day).unwrap();
        assert_eq!(json["breakdown"]["source"]["google"], 1);
        assert_eq!(
            serde_json::from_value::<DailyStats>(json.clone()).unwrap(),
            day
        );
        let mut invalid = json;
        invalid["visitors"] = (u64::from(MAX_COUNT) + 1).into();
        assert!(serde_json::from_value::<DailyStats>(invalid).is_err());
    }
}
