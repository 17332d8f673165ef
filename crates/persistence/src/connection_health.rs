//! Which pooled connections may still be trusted after the database broke some of them.
//!
//! A PostgreSQL restart, a terminated backend or a session left read-only (SQLSTATE `25006` after
//! a read-only spell set per database) breaks every connection opened before it, but each pooled
//! connection only finds out when next used: after a restart in a quiet spell, every request would
//! meet one dead connection until each had failed once. Instead, the first error that shows a
//! broken session records the moment ([`note_broken`]), and the pool discards, when next handed
//! out, every connection opened before that moment ([`opened_before_last_break`]): at most the
//! requests in flight at the break fail. A check costs an atomic load, no round trip.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The origin of the recorded moments (the first use in this process).
static ORIGIN: LazyLock<Instant> = LazyLock::new(Instant::now);

/// Microseconds after [`ORIGIN`] of the last error that broke a session; 0: none yet.
static LAST_BREAK_MICROS: AtomicU64 = AtomicU64::new(0);

/// Records that a connection-level error or a session-poisoning SQLSTATE was just seen.
pub(crate) fn note_broken() {
    let now = micros_since_origin(Instant::now());
    LAST_BREAK_MICROS.fetch_max(now.max(1), Ordering::Relaxed);
}

/// Whether a connection of this `age` was opened before the last recorded break (discard it).
pub(crate) fn opened_before_last_break(age: Duration) -> bool {
    let last_break = LAST_BREAK_MICROS.load(Ordering::Relaxed);
    if last_break == 0 {
        return false;
    }
    let opened = Instant::now().checked_sub(age).unwrap_or(*ORIGIN);
    micros_since_origin(opened) <= last_break
}

fn micros_since_origin(moment: Instant) -> u64 {
    u64::try_from(moment.saturating_duration_since(*ORIGIN).as_micros()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_opened_before_a_break_are_discarded_and_later_ones_kept() {
        LazyLock::force(&ORIGIN);
        std::thread::sleep(Duration::from_millis(5));
        let old = Instant::now();
        std::thread::sleep(Duration::from_millis(5));
        note_broken();
        std::thread::sleep(Duration::from_millis(5));
        let young = Instant::now();
        std::thread::sleep(Duration::from_millis(5));
        assert!(opened_before_last_break(old.elapsed()));
        assert!(!opened_before_last_break(young.elapsed()));
    }
}
