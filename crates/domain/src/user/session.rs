//! [`SessionVersion`]: the counter that invalidates every token issued before it was bumped.

use std::fmt;

use crate::error::{DomainError, DomainResult, ValidationReason};

/// A user's session version (`curr_session_version`, an `INT`), starting at 1. Tokens carry the
/// version they were issued under and are accepted only while it is still current.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "i32", into = "i32"))]
pub struct SessionVersion(i32);

impl SessionVersion {
    /// The version of a new user.
    pub const INITIAL: Self = Self(1);

    /// Wraps a stored or token-borne version.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `session_version` with `OutOfRange` below 1.
    pub const fn new(version: i32) -> DomainResult<Self> {
        if version < 1 {
            return Err(DomainError::invalid(
                "session_version",
                ValidationReason::OutOfRange,
            ));
        }
        Ok(Self(version))
    }

    /// The version number.
    pub const fn get(self) -> i32 {
        self.0
    }

    /// The next version.
    ///
    /// # Errors
    ///
    /// [`DomainError::Overflow`] on field `session_version` at `i32::MAX`.
    pub const fn next(self) -> DomainResult<Self> {
        match self.0.checked_add(1) {
            Some(next) => Ok(Self(next)),
            None => Err(DomainError::Overflow {
                field: "session_version",
            }),
        }
    }
}

impl fmt::Display for SessionVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl TryFrom<i32> for SessionVersion {
    type Error = DomainError;

    fn try_from(version: i32) -> DomainResult<Self> {
        Self::new(version)
    }
}

impl From<SessionVersion> for i32 {
    fn from(version: SessionVersion) -> Self {
        version.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_at_one_and_counts_up() {
        assert_eq!(SessionVersion::INITIAL.get(), 1);
        assert_eq!(SessionVersion::INITIAL.next().unwrap().get(), 2);
        assert_eq!(SessionVersion::new(7).unwrap().to_string(), "7");
    }

    #[test]
    fn rejects_non_positive_versions() {
        for version in [0, -1, i32::MIN] {
            assert_eq!(
                SessionVersion::new(version),
                Err(DomainError::invalid(
                    "session_version",
                    ValidationReason::OutOfRange
                ))
            );
        }
    }

    #[test]
    fn overflows_at_the_column_maximum() {
        let last = SessionVersion::new(i32::MAX).unwrap();
        assert_eq!(
            last.next(),
            Err(DomainError::Overflow {
                field: "session_version"
            })
        );
    }
}
