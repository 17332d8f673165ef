//! [`Figures`]: what one load run measured, whichever tool drove it.

use std::time::Duration;

/// Throughput, latency and errors of one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Figures {
    /// Completed requests (or transactions).
    pub completed: u64,
    /// How long the run lasted.
    pub elapsed: Duration,
    /// Failed requests: socket errors, timeouts and non-2xx answers (or failed transactions).
    pub errors: u64,
    /// Median latency.
    pub p50: Duration,
    /// 99th percentile latency.
    pub p99: Duration,
}

impl Figures {
    /// Completed requests per second.
    pub fn throughput(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if seconds == 0.0 {
            0.0
        } else {
            self.completed as f64 / seconds
        }
    }
}

impl std::fmt::Display for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:.0}/s, p50 {:.2} ms, p99 {:.2} ms, {} errors",
            self.throughput(),
            self.p50.as_secs_f64() * 1000.0,
            self.p99.as_secs_f64() * 1000.0,
            self.errors
        )
    }
}

/// The `percent` percentile (nearest rank) of `samples`, which it sorts; zero when empty.
pub fn percentile(samples: &mut [Duration], percent: f64) -> Duration {
    if samples.is_empty() {
        return Duration::ZERO;
    }
    samples.sort_unstable();
    let rank = (percent / 100.0 * samples.len() as f64).ceil() as usize;
    samples[rank.clamp(1, samples.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn millis(values: &[u64]) -> Vec<Duration> {
        values.iter().copied().map(Duration::from_millis).collect()
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let mut samples = millis(&(1..=100).rev().collect::<Vec<_>>());
        assert_eq!(percentile(&mut samples, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&mut samples, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&mut samples, 100.0), Duration::from_millis(100));
        assert_eq!(
            percentile(&mut millis(&[7]), 99.0),
            Duration::from_millis(7)
        );
        assert_eq!(percentile(&mut [], 50.0), Duration::ZERO);
    }

    #[test]
    fn throughput_is_completed_per_second() {
        let figures = Figures {
            completed: 500,
            elapsed: Duration::from_secs(2),
            errors: 0,
            p50: Duration::ZERO,
            p99: Duration::ZERO,
        };
        assert!((figures.throughput() - 250.0).abs() < f64::EPSILON);
    }
}
