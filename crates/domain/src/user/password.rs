//! [`PasswordHash`]: an argon2id PHC string. The plain password never reaches the domain.

use std::fmt;

use crate::error::{DomainError, DomainResult, ValidationReason};

const FIELD: &str = "password_hash";
const PREFIX: &str = "$argon2id$";
/// The column is `VARCHAR(255)`.
const MAX_CHARS: usize = 255;

/// A password hash in PHC string format, produced by the `PasswordHasher` port with argon2id.
///
/// It has no `Display`, and its `Debug` output is redacted, so it cannot end up in logs by accident.
///
/// ```
/// use prosektor_domain::PasswordHash;
///
/// let hash = PasswordHash::parse("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA").unwrap();
/// assert_eq!(format!("{hash:?}"), "PasswordHash(<redacted>)");
/// assert!(PasswordHash::parse("$2b$12$bcrypt-is-not-accepted").is_err());
/// ```
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
pub struct PasswordHash(String);

impl PasswordHash {
    /// Accepts a PHC string that starts with `$argon2id$`, has no whitespace and fits 255
    /// characters. The hash itself is verified by the hasher, not here.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `password_hash`: `Empty`, `TooLong`, or `Format`.
    pub fn parse(phc: &str) -> DomainResult<Self> {
        if phc.is_empty() {
            return Err(DomainError::invalid(FIELD, ValidationReason::Empty));
        }
        if phc.chars().count() > MAX_CHARS {
            return Err(DomainError::invalid(
                FIELD,
                ValidationReason::TooLong { max: MAX_CHARS },
            ));
        }
        if !phc.starts_with(PREFIX)
            || phc.len() == PREFIX.len()
            || phc.chars().any(char::is_whitespace)
        {
            return Err(DomainError::invalid(FIELD, ValidationReason::Format));
        }
        Ok(Self(phc.to_owned()))
    }

    /// The PHC string, for the hasher and for storage.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PasswordHash(<redacted>)")
    }
}

impl TryFrom<String> for PasswordHash {
    type Error = DomainError;

    fn try_from(phc: String) -> DomainResult<Self> {
        Self::parse(&phc)
    }
}

impl From<PasswordHash> for String {
    fn from(hash: PasswordHash) -> Self {
        hash.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$qGJ9u1ZNRlJQ0UmXC2/oZg";

    #[test]
    fn accepts_argon2id_and_redacts_debug() {
        let hash = PasswordHash::parse(HASH).unwrap();
        assert_eq!(hash.as_str(), HASH);
        assert_eq!(format!("{hash:?}"), "PasswordHash(<redacted>)");
        assert!(!format!("{:?}", Some(&hash)).contains("argon2"));
    }

    #[test]
    fn rejects_other_strings() {
        let reason = |input: &str| match PasswordHash::parse(input) {
            Err(DomainError::Validation {
                field: FIELD,
                reason,
            }) => reason,
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(reason(""), ValidationReason::Empty);
        for input in [
            "hunter2",
            "$argon2i$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA",
            "$argon2id$",
            " $argon2id$x",
            "$argon2id$a b",
        ] {
            assert_eq!(reason(input), ValidationReason::Format, "{input}");
        }
        assert_eq!(
            reason(&format!("{PREFIX}{}", "a".repeat(246))),
            ValidationReason::TooLong { max: 255 }
        );
    }
}
