//! [`DateRange`]: an inclusive range of calendar days for analytics queries, at most 366 days long.

use chrono::{Days, NaiveDate};

use crate::error::{DomainError, DomainResult, ValidationReason};

/// An inclusive range of days, `start..=end`, 1..=366 days long (a leap year).
///
/// ```
/// use chrono::NaiveDate;
/// use prosektor_domain::DateRange;
///
/// let today = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
/// let range = DateRange::last_n_days(today, 30).unwrap();
/// assert_eq!(range.start(), NaiveDate::from_ymd_opt(2024, 2, 1).unwrap());
/// assert_eq!(range.len_days(), 30);
/// assert_eq!(range.days().last(), Some(today));
/// assert!(DateRange::new(today, NaiveDate::from_ymd_opt(2025, 3, 2).unwrap()).is_err()); // 367 days
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RangeBounds"))]
pub struct DateRange {
    start: NaiveDate,
    end: NaiveDate,
}

impl DateRange {
    /// The longest range, in days.
    pub const MAX_DAYS: u32 = 366;

    /// The days from `start` to `end`, both included.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`]: field `end` with `OutOfRange` when `end < start`; field
    /// `date_range` with `TooLong { max: 366 }` for a longer range.
    pub fn new(start: NaiveDate, end: NaiveDate) -> DomainResult<Self> {
        if end < start {
            return Err(DomainError::invalid("end", ValidationReason::OutOfRange));
        }
        if (end - start).num_days() >= i64::from(Self::MAX_DAYS) {
            return Err(DomainError::invalid(
                "date_range",
                ValidationReason::TooLong {
                    max: Self::MAX_DAYS as usize,
                },
            ));
        }
        Ok(Self { start, end })
    }

    /// The `n` days ending with `today` (e.g. the dashboard's last 30 days).
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `days` with `OutOfRange` unless `1 <= n <= 366`.
    pub fn last_n_days(today: NaiveDate, n: u32) -> DomainResult<Self> {
        let out_of_range = || DomainError::invalid("days", ValidationReason::OutOfRange);
        if !(1..=Self::MAX_DAYS).contains(&n) {
            return Err(out_of_range());
        }
        let start = today
            .checked_sub_days(Days::new(u64::from(n - 1)))
            .ok_or_else(out_of_range)?;
        Self::new(start, today)
    }

    /// The first day.
    pub const fn start(&self) -> NaiveDate {
        self.start
    }

    /// The last day (included).
    pub const fn end(&self) -> NaiveDate {
        self.end
    }

    /// How many days the range holds, 1..=366.
    pub fn len_days(&self) -> u32 {
        // At most 365 by construction, so the narrowing cannot truncate.
        (self.end - self.start).num_days() as u32 + 1
    }

    /// Whether `date` is in the range.
    pub fn contains(&self, date: NaiveDate) -> bool {
        (self.start..=self.end).contains(&date)
    }

    /// Every day of the range, in order.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + use<> {
        self.start.iter_days().take(self.len_days() as usize)
    }
}

/// The deserialized shape, checked by [`DateRange::new`] on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RangeBounds {
    start: NaiveDate,
    end: NaiveDate,
}

#[cfg(feature = "serde")]
impl TryFrom<RangeBounds> for DateRange {
    type Error = DomainError;

    fn try_from(bounds: RangeBounds) -> DomainResult<Self> {
        Self::new(bounds.start, bounds.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn single_day_and_full_leap_year() {
        let one = DateRange::new(day(2024, 5, 5), day(2024, 5, 5)).unwrap();
        assert_eq!(
            (one.len_days(), one.days().collect::<Vec<_>>()),
            (1, vec![day(2024, 5, 5)])
        );
        let leap = DateRange::new(day(2024, 1, 1), day(2024, 12, 31)).unwrap();
        assert_eq!(leap.len_days(), 366);
        assert_eq!(leap.days().count(), 366);
        assert!(leap.contains(day(2024, 2, 29)) && !leap.contains(day(2025, 1, 1)));
    }

    #[test]
    fn rejects_reversed_and_long_ranges() {
        assert_eq!(
            DateRange::new(day(2024, 5, 6), day(2024, 5, 5)),
            Err(DomainError::invalid("end", ValidationReason::OutOfRange))
        );
        assert_eq!(
            DateRange::new(day(2023, 1, 1), day(2024, 1, 2)),
            Err(DomainError::invalid(
                "date_range",
                ValidationReason::TooLong { max: 366 }
            ))
        );
    }

    #[test]
    fn last_n_days_ends_today() {
        let range = DateRange::last_n_days(day(2024, 1, 10), 10).unwrap();
        assert_eq!(
            (range.start(), range.end(), range.len_days()),
            (day(2024, 1, 1), day(2024, 1, 10), 10)
        );
        assert_eq!(
            DateRange::last_n_days(day(2024, 1, 10), 1).unwrap().start(),
            day(2024, 1, 10)
        );
        assert_eq!(
            DateRange::last_n_days(day(2024, 12, 31), 366)
                .unwrap()
                .start(),
            day(2024, 1, 1)
        );
        for n in [0, 367] {
            assert_eq!(
                DateRange::last_n_days(day(2024, 1, 10), n),
                Err(DomainError::invalid("days", ValidationReason::OutOfRange))
            );
        }
        assert!(DateRange::last_n_days(NaiveDate::MIN, 2).is_err());
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_checks_the_bounds() {
        let range = DateRange::new(day(2024, 1, 1), day(2024, 1, 31)).unwrap();
        let json = serde_json::to_string(&range).unwrap();
        assert_eq!(json, r#"{"start":"2024-01-01","end":"2024-01-31"}"#);
        assert_eq!(serde_json::from_str::<DateRange>(&json).unwrap(), range);
        assert!(
            serde_json::from_str::<DateRange>(r#"{"start":"2024-02-01","end":"2024-01-31"}"#)
                .is_err()
        );
    }
}
