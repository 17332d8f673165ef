//! Which pooled connections may still be trusted after the database broke some of them.
//!
//! A PostgreSQL restart, a terminated backend or a session left read-only (SQLSTATE `25006` after
//! a read-only spell set per database) breaks every connection opened before it, but each pooled
//! connection only finds out when next used: after a restart in a quiet spell, every request would
//! meet one dead connection until each had failed once. Instead, the first error that shows a
//! broken session records the moment ([`note_broken`]), and the pool discards, when next handed
//! out, every connection opened before that moment ([`distrusted`]): at most the
//! requests in flight at the break fail. A check costs an atomic load, no round trip.
//!
//! A read-only spell needs more: every session opened *during* it is read-only too, and stays so
//! after the spell ends, so a write refused as read-only ([`note_read_only`]) also marks the
//! spell as suspected. While it is, no pooled connection is trusted (each caller gets a new
//! session), and each new session asks whether it may write (one round trip, only while
//! suspected); the first that may ends the suspicion and breaks every older connection
//! ([`note_writable`]). So the first write after a spell succeeds, whichever connection it gets.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The origin of the recorded moments (the first use in this process).
static ORIGIN: LazyLock<Instant> = LazyLock::new(Instant::now);

/// Microseconds after [`ORIGIN`] of the last error that broke a session; 0: none yet.
static LAST_BREAK_MICROS: AtomicU64 = AtomicU64::new(0);

/// Whether a write was refused as read-only since a new session was last found writable.
static READ_ONLY_SUSPECTED: AtomicBool = AtomicBool::new(false);

/// Records that a connection-level error or a session-poisoning SQLSTATE was just seen.
pub(crate) fn note_broken() {
    let now = micros_since_origin(Instant::now());
    LAST_BREAK_MICROS.fetch_max(now.max(1), Ordering::Relaxed);
}

/// Records that a write was just refused because the session is read-only (SQLSTATE `25006`).
pub(crate) fn note_read_only() {
    note_broken();
    READ_ONLY_SUSPECTED.store(true, Ordering::Release);
}

/// Whether a read-only spell may be going on: new sessions should ask whether they may write.
pub(crate) fn read_only_suspected() -> bool {
    READ_ONLY_SUSPECTED.load(Ordering::Acquire)
}

/// Records that a new session may write: a suspected read-only spell is over, and every
/// connection opened before now (perhaps during it) is broken.
pub(crate) fn note_writable() {
    if READ_ONLY_SUSPECTED.swap(false, Ordering::AcqRel) {
        note_broken();
    }
}

/// Whether a pooled connection opened (or shelved) `ago` must be discarded rather than used:
/// it dates from before the last recorded break, or a read-only spell is suspected.
pub(crate) fn distrusted(ago: Duration) -> bool {
    read_only_suspected() || opened_before_last_break(ago)
}

fn opened_before_last_break(age: Duration) -> bool {
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

    #[test]
    fn while_a_read_only_spell_is_suspected_no_pooled_connection_is_trusted() {
        LazyLock::force(&ORIGIN);
        note_read_only();
        std::thread::sleep(Duration::from_millis(5));
        let during_the_spell = Instant::now();
        assert!(read_only_suspected());
        assert!(distrusted(Duration::ZERO));

        std::thread::sleep(Duration::from_millis(5));
        note_writable();
        std::thread::sleep(Duration::from_millis(5));
        let after_it = Instant::now();
        std::thread::sleep(Duration::from_millis(5));
        assert!(!read_only_suspected());
        assert!(distrusted(during_the_spell.elapsed()));
        assert!(!distrusted(after_it.elapsed()));
    }
}
