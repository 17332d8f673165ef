//! [`PlainPassword`]: a password as typed, checked against the password policy, on its way to the
//! hasher. It never reaches storage or logs.

use std::fmt;

use crate::error::{DomainError, DomainResult, ValidationReason};

const FIELD: &str = "password";

/// A password that satisfies the policy: 10 to 128 characters (NIST SP 800-63B and OWASP favour
/// length over composition rules; the upper bound keeps hashing cost bounded), not only whitespace.
///
/// It has no `Display`, and its `Debug` output is redacted.
///
/// ```
/// use prosektor_domain::PlainPassword;
///
/// let password = PlainPassword::new("correct horse battery").unwrap();
/// assert_eq!(format!("{password:?}"), "PlainPassword(<redacted>)");
/// assert!(PlainPassword::new("short").is_err());
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PlainPassword(String);

impl PlainPassword {
    /// The fewest characters a password may have.
    pub const MIN_CHARS: usize = 10;
    /// The most characters a password may have.
    pub const MAX_CHARS: usize = 128;

    /// Checks `password` against the policy. It is kept exactly as typed (not trimmed).
    ///
    /// # Errors
    /// [`DomainError::Validation`] on field `password`: `Empty` (blank), `TooShort`, or `TooLong`.
    pub fn new(password: &str) -> DomainResult<Self> {
        let chars = password.chars().count();
        if password.trim().is_empty() {
            return Err(DomainError::invalid(FIELD, ValidationReason::Empty));
        }
        if chars < Self::MIN_CHARS {
            return Err(DomainError::invalid(
                FIELD,
                ValidationReason::TooShort {
                    min: Self::MIN_CHARS,
                },
            ));
        }
        if chars > Self::MAX_CHARS {
            return Err(DomainError::invalid(
                FIELD,
                ValidationReason::TooLong {
                    max: Self::MAX_CHARS,
                },
            ));
        }
        Ok(Self(password.to_owned()))
    }

    /// The password, for the hasher only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PlainPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PlainPassword(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(input: &str) -> ValidationReason {
        match PlainPassword::new(input) {
            Err(DomainError::Validation { field, reason }) => {
                assert_eq!(field, FIELD);
                reason
            }
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn accepts_the_policy_bounds_exactly_as_typed() {
        let ten = "ğüşiöçĞÜŞİ";
        assert_eq!(PlainPassword::new(ten).unwrap().expose(), ten);
        let spaced = "  padded password  ";
        assert_eq!(PlainPassword::new(spaced).unwrap().expose(), spaced);
        assert!(PlainPassword::new(&"x".repeat(128)).is_ok());
    }

    #[test]
    fn rejects_blank_short_and_long_passwords() {
        assert_eq!(reason("          "), ValidationReason::Empty);
        assert_eq!(reason("123456789"), ValidationReason::TooShort { min: 10 });
        assert_eq!(
            reason(&"x".repeat(129)),
            ValidationReason::TooLong { max: 128 }
        );
    }

    #[test]
    fn never_prints_the_password() {
        let password = PlainPassword::new("hunter2hunter2").unwrap();
        assert!(!format!("{password:?}").contains("hunter2"));
    }
}
