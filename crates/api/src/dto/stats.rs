//! Daily analytics on the wire: a day's counts (what ingestion adds, or what an import writes) and
//! the series a range query answers.

use poem_openapi::Object;
use prosektor_application::services::StatsSeries;
use prosektor_domain::{
    Breakdown, BreakdownMap, DailyStats, DailyStatsParts, DateRange, ProjectId, StatsId,
    StatsIncrement,
};
use serde::Serialize;

use super::date::ApiDate;
use crate::convert::field;
use crate::error::ApiResult;

/// One day's counts of a project's website.
#[derive(Debug, Clone, Object)]
#[oai(rename = "StatsDay", deny_unknown_fields)]
pub struct StatsDayDto {
    /// The day (UTC).
    pub date: ApiDate,
    /// Visitors.
    #[oai(validator(maximum(value = "2147483647")))]
    pub visitors: u32,
    /// Page views.
    #[oai(validator(maximum(value = "2147483647")))]
    pub page_views: u32,
    /// Counts per dimension and key, e.g. `{"source": {"google": 10, "direct": 5}}`: at most 32
    /// dimensions of at most 256 keys, names of 1 to 64 characters. Absent: no breakdown (`{}`).
    #[oai(default)]
    pub breakdown: BreakdownMap,
}

impl StatsDayDto {
    fn breakdown(&self) -> ApiResult<Breakdown> {
        field("breakdown", Breakdown::new(self.breakdown.clone()))
    }

    /// What ingesting this day adds to the stored day.
    ///
    /// # Errors
    /// `422` for a breakdown the domain refuses.
    pub fn increment(&self) -> ApiResult<StatsIncrement> {
        Ok(StatsIncrement {
            visitors: self.visitors,
            page_views: self.page_views,
            breakdown: self.breakdown()?,
        })
    }

    /// The whole day, as an import writes it for `project_id`.
    ///
    /// The row id is only used when the day has no row yet (an existing row keeps its id).
    ///
    /// # Errors
    /// `422` for a breakdown or count the domain refuses.
    pub fn day(&self, project_id: ProjectId) -> ApiResult<DailyStats> {
        field(
            "days",
            DailyStats::from_parts(DailyStatsParts {
                id: StatsId::new_v7(),
                project_id,
                date: self.date.get(),
                visitors: self.visitors,
                page_views: self.page_views,
                breakdown: self.breakdown()?,
            }),
        )
    }
}

/// Whole days to write (replacing what is stored for those days).
#[derive(Debug, Clone, Object)]
#[oai(rename = "StatsImport", deny_unknown_fields)]
pub struct StatsImportDto {
    /// The days, 1 to 366 per request; a date given twice keeps the last.
    #[oai(validator(min_items = 1, max_items = 366))]
    pub days: Vec<StatsDayDto>,
}

/// How many days an import wrote.
#[derive(Debug, Clone, Object)]
pub struct StatsImported {
    /// Days written (distinct dates).
    pub written: u64,
}

/// One day of a series.
#[derive(Debug, Clone, Object, Serialize)]
pub struct StatsPointDto {
    /// The day.
    pub date: ApiDate,
    /// Visitors.
    pub visitors: u64,
    /// Page views.
    pub page_views: u64,
    /// The day's breakdown; absent in a zero-filled series.
    #[oai(skip_serializing_if_is_none)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub breakdown: Option<BreakdownMap>,
}

// Answered as `crate::payload::Serialized` (a long range is the API's largest read answer), so
// serde writes it: its test checks that serde and the document agree.
/// A project's analytics over a range.
#[derive(Debug, Clone, Object, Serialize)]
#[oai(rename = "StatsSeries")]
pub struct StatsSeriesDto {
    /// The first day (included).
    pub from: ApiDate,
    /// The last day (included).
    pub to: ApiDate,
    /// Whether every day of the range is present, with zeros where nothing was recorded
    /// (otherwise only recorded days are listed).
    pub filled: bool,
    /// The days, in date order.
    pub days: Vec<StatsPointDto>,
}

impl StatsSeriesDto {
    /// The series of `range`.
    pub fn new(range: DateRange, series: StatsSeries) -> Self {
        let (filled, days) = match series {
            StatsSeries::Days(days) => (
                false,
                // Each day is taken apart rather than copied: its breakdown moves into the answer.
                days.into_iter()
                    .map(DailyStatsParts::from)
                    .map(|day| StatsPointDto {
                        date: day.date.into(),
                        visitors: day.visitors.into(),
                        page_views: day.page_views.into(),
                        breakdown: Some(day.breakdown.into()),
                    })
                    .collect(),
            ),
            StatsSeries::ZeroFilled(points) => (
                true,
                points
                    .iter()
                    .map(|point| StatsPointDto {
                        date: point.date.into(),
                        visitors: point.visitors,
                        page_views: point.page_views,
                        breakdown: None,
                    })
                    .collect(),
            ),
        };
        Self {
            from: range.start().into(),
            to: range.end().into(),
            filled,
            days,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use chrono::NaiveDate;
    use prosektor_domain::zero_fill;

    use super::*;
    use crate::payload::tests::serializes_as_documented;

    fn day(number: u32, breakdown: BreakdownMap) -> DailyStats {
        DailyStats::from_parts(DailyStatsParts {
            id: StatsId::new_v7(),
            project_id: ProjectId::new_v7(),
            date: NaiveDate::from_ymd_opt(2025, 12, number).expect("a day of December"),
            visitors: number * 10,
            page_views: number * 30,
            breakdown: Breakdown::new(breakdown).expect("a valid breakdown"),
        })
        .expect("a valid day")
    }

    #[tokio::test]
    async fn a_series_answers_as_the_document_describes_it_listed_or_zero_filled() {
        let range = DateRange::new(
            NaiveDate::from_ymd_opt(2025, 12, 1).expect("a day"),
            NaiveDate::from_ymd_opt(2025, 12, 4).expect("a day"),
        )
        .expect("a range");
        let sources = BTreeMap::from([
            ("direct".to_owned(), 3),
            ("google".to_owned(), 7),
            ("quoted \"name\"".to_owned(), 1),
        ]);
        let days = vec![
            day(2, BTreeMap::from([("source".to_owned(), sources)])),
            day(3, BTreeMap::new()),
        ];
        let filled = zero_fill(&range, &days);
        for series in [
            StatsSeries::Days(days),
            StatsSeries::ZeroFilled(filled),
            StatsSeries::Days(Vec::new()),
        ] {
            serializes_as_documented(&StatsSeriesDto::new(range, series)).await;
        }
    }
}
