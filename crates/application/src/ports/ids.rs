//! [`IdGenerator`]: new ids, as a port so that tests can predict them.

use uuid::Uuid;

/// Makes new, unique ids.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait IdGenerator: Send + Sync {
    /// A new id; UUID v7 in production, so ids sort by creation time.
    fn new_id(&self) -> Uuid;
}

/// UUID v7 ids (time-ordered, so B-tree inserts stay at the right edge).
#[derive(Debug, Clone, Copy, Default)]
pub struct UuidV7Generator;

impl IdGenerator for UuidV7Generator {
    fn new_id(&self) -> Uuid {
        Uuid::now_v7()
    }
}
