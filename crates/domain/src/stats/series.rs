//! Chart series: [`DayPoint`] and [`zero_fill`], one point per day of a range with zeros where no
//! stats were recorded.

use chrono::NaiveDate;

use super::DailyStats;
use super::range::DateRange;

/// One day of a chart: the day's totals (summed over the rows given to [`zero_fill`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct DayPoint {
    /// The day.
    pub date: NaiveDate,
    /// Visitors that day.
    pub visitors: u64,
    /// Page views that day.
    pub page_views: u64,
}

/// One point per day of `range`, in order. Rows on the same day are summed (so one company's
/// projects can be charted together); rows outside the range are ignored; days without rows are 0.
pub fn zero_fill(range: &DateRange, rows: &[DailyStats]) -> Vec<DayPoint> {
    let mut points: Vec<DayPoint> = range
        .days()
        .map(|date| DayPoint {
            date,
            visitors: 0,
            page_views: 0,
        })
        .collect();
    for row in rows.iter().filter(|row| range.contains(row.date())) {
        // In the range, so the offset is 0..366.
        let point = &mut points[(row.date() - range.start()).num_days() as usize];
        point.visitors = point.visitors.saturating_add(u64::from(row.visitors()));
        point.page_views = point.page_views.saturating_add(u64::from(row.page_views()));
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{ProjectId, StatsId};
    use crate::stats::DailyStatsParts;
    use crate::stats::breakdown::Breakdown;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 7, d).unwrap()
    }

    fn row(date: NaiveDate, visitors: u32, page_views: u32) -> DailyStats {
        DailyStats::from_parts(DailyStatsParts {
            id: StatsId::new_v7(),
            project_id: ProjectId::new_v7(),
            date,
            visitors,
            page_views,
            breakdown: Breakdown::default(),
        })
        .unwrap()
    }

    #[test]
    fn fills_missing_days_with_zeros_and_sums_duplicates() {
        let range = DateRange::new(day(1), day(4)).unwrap();
        let rows = [
            row(day(2), 3, 7),
            row(day(4), 1, 1),
            row(day(2), 2, 2),
            row(day(9), 100, 100),
        ];
        let points: Vec<_> = zero_fill(&range, &rows)
            .iter()
            .map(|p| (p.date, p.visitors, p.page_views))
            .collect();
        assert_eq!(
            points,
            [
                (day(1), 0, 0),
                (day(2), 5, 9),
                (day(3), 0, 0),
                (day(4), 1, 1)
            ]
        );
    }

    #[test]
    fn no_rows_means_all_zeros() {
        let range = DateRange::new(day(1), day(30)).unwrap();
        let points = zero_fill(&range, &[]);
        assert_eq!(points.len(), 30);
        assert!(points.iter().all(|p| p.visitors == 0 && p.page_views == 0));
    }
}
