//! [`RowVersion`]: how many times a stored resource has changed, for optimistic concurrency.

use std::fmt;

use crate::error::{DomainError, DomainResult, ValidationReason};

/// The version of a stored resource: 1 when created, one more after every change, whoever makes
/// it. A client that read version `n` can ask for a change "only if it is still `n`" (HTTP's
/// `If-Match`), so that it never overwrites a change it has not seen.
///
/// ```
/// use prosektor_domain::RowVersion;
///
/// let read = RowVersion::new(3).unwrap();
/// assert_eq!(read.to_string(), "3");
/// assert!(RowVersion::new(0).is_err());
/// assert_eq!(RowVersion::FIRST.get(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "i64", into = "i64"))]
pub struct RowVersion(i64);

impl RowVersion {
    /// The version of a resource that has just been created.
    pub const FIRST: Self = Self(1);

    /// Wraps a stored or client-sent version.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `version` with `OutOfRange` below 1.
    pub const fn new(version: i64) -> DomainResult<Self> {
        if version < 1 {
            return Err(DomainError::invalid(
                "version",
                ValidationReason::OutOfRange,
            ));
        }
        Ok(Self(version))
    }

    /// The version number.
    pub const fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for RowVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl TryFrom<i64> for RowVersion {
    type Error = DomainError;

    fn try_from(version: i64) -> DomainResult<Self> {
        Self::new(version)
    }
}

impl From<RowVersion> for i64 {
    fn from(version: RowVersion) -> Self {
        version.0
    }
}
