//! [`Clock`]: the time, as a port so that tests can fix it.

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};

/// Tells the time (UTC).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Clock: Send + Sync {
    /// Now.
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in UTC.
    fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }
}

/// The system clock, at PostgreSQL's precision (microseconds), so that a time the application
/// returns is the time a later read returns.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now().trunc_subsecs(6)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Timelike;

    use super::*;

    #[test]
    fn the_system_clock_has_microsecond_precision() {
        assert_eq!(SystemClock.now().nanosecond() % 1_000, 0);
    }
}
