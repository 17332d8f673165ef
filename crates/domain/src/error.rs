//! The one error type of the domain, [`DomainError`], and why a value was rejected,
//! [`ValidationReason`].
//!
//! Every fallible constructor and state change in this crate returns [`DomainResult`]. Callers are
//! expected to `match` exhaustively (the enums are deliberately not `#[non_exhaustive]`), and adapters
//! translate [`DomainError::code`] into their own wire format (the HTTP API puts it in the problem
//! document's `code` member).

use std::fmt;

/// Shorthand for results whose error is a [`DomainError`].
pub type DomainResult<T> = Result<T, DomainError>;

/// Why a single field was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ValidationReason {
    /// Empty, or only whitespace.
    Empty,
    /// Shorter than `min` characters.
    TooShort {
        /// The smallest accepted length.
        min: usize,
    },
    /// Longer than `max` (characters for text, days for a date range).
    TooLong {
        /// The largest accepted length.
        max: usize,
    },
    /// Larger than `max_bytes` bytes (opaque payloads such as JSON documents).
    TooLarge {
        /// The largest accepted size in bytes.
        max_bytes: usize,
    },
    /// More than `max` entries in a collection.
    TooMany {
        /// The largest accepted number of entries.
        max: usize,
    },
    /// Nested more than `max` levels deep (structured documents such as JSON).
    TooDeep {
        /// The deepest accepted nesting.
        max: usize,
    },
    /// Not in the expected syntax.
    Format,
    /// Well formed, but a check digit is wrong.
    Checksum,
    /// A number or date outside the accepted range.
    OutOfRange,
    /// More decimal places than allowed.
    Precision,
    /// Not one of the enumerated values.
    UnknownValue,
    /// Disagrees with the related values it must be derived from (e.g. a total that is not the sum).
    Mismatch,
    /// Present or absent where the entity's status says otherwise (e.g. `paid_at` on a draft).
    Inconsistent,
}

impl fmt::Display for ValidationReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("must not be empty"),
            Self::TooShort { min } => write!(f, "is too short (at least {min})"),
            Self::TooLong { max } => write!(f, "is too long (at most {max})"),
            Self::TooLarge { max_bytes } => write!(f, "is too large (at most {max_bytes} bytes)"),
            Self::TooMany { max } => write!(f, "has too many entries (at most {max})"),
            Self::TooDeep { max } => write!(f, "is nested too deeply (at most {max} levels)"),
            Self::Format => f.write_str("has an invalid format"),
            Self::Checksum => f.write_str("has an invalid check digit"),
            Self::OutOfRange => f.write_str("is out of range"),
            Self::Precision => f.write_str("has too many decimal places"),
            Self::UnknownValue => f.write_str("is not one of the allowed values"),
            Self::Mismatch => f.write_str("does not match the related values"),
            Self::Inconsistent => f.write_str("is inconsistent with the status"),
        }
    }
}

/// Everything the domain can refuse.
///
/// Each variant has a stable machine code, see [`DomainError::code`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// A value failed validation. `field` names the field as stored (e.g. `"amount_total"`), or the
    /// value object's own name (e.g. `"email"`) when the object cannot know where it is used.
    #[error("{field} {reason}")]
    Validation {
        /// The offending field.
        field: &'static str,
        /// Why it was rejected.
        reason: ValidationReason,
    },
    /// A status change that the entity's state machine does not allow.
    #[error("{entity} cannot move from {from} to {to}")]
    InvalidTransition {
        /// The entity, in snake case (`"invoice"`).
        entity: &'static str,
        /// The current status, as its wire name.
        from: &'static str,
        /// The requested status, as its wire name.
        to: &'static str,
    },
    /// The entity cannot be changed in its current status (e.g. editing a sent invoice).
    #[error("{entity} cannot be changed in status {status}")]
    NotEditable {
        /// The entity, in snake case.
        entity: &'static str,
        /// The current status, as its wire name.
        status: &'static str,
    },
    /// Soft-deleting a user that is already deleted.
    #[error("the user is already deleted")]
    AlreadyDeleted,
    /// Restoring a user that is not deleted.
    #[error("the user is not deleted")]
    NotDeleted,
    /// An `ADMIN` with a company, or a `CLIENT` without one.
    #[error("an ADMIN must have no company and a CLIENT must have one")]
    RoleCompanyMismatch,
    /// A counter or sum would pass its storable maximum.
    #[error("{field} would overflow")]
    Overflow {
        /// The counter or amount that would overflow.
        field: &'static str,
    },
}

impl DomainError {
    /// The stable machine code of this error, part of the public API: adapters expose it unchanged
    /// and clients may rely on it.
    ///
    /// | variant | code |
    /// | --- | --- |
    /// | `Validation` | `validation_failed` |
    /// | `InvalidTransition` | `invalid_transition` |
    /// | `NotEditable` | `not_editable` |
    /// | `AlreadyDeleted` | `already_deleted` |
    /// | `NotDeleted` | `not_deleted` |
    /// | `RoleCompanyMismatch` | `role_company_mismatch` |
    /// | `Overflow` | `overflow` |
    pub const fn code(&self) -> &'static str {
        match self {
            Self::Validation { .. } => "validation_failed",
            Self::InvalidTransition { .. } => "invalid_transition",
            Self::NotEditable { .. } => "not_editable",
            Self::AlreadyDeleted => "already_deleted",
            Self::NotDeleted => "not_deleted",
            Self::RoleCompanyMismatch => "role_company_mismatch",
            Self::Overflow { .. } => "overflow",
        }
    }

    /// Shorthand for [`DomainError::Validation`].
    pub const fn invalid(field: &'static str, reason: ValidationReason) -> Self {
        Self::Validation { field, reason }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_snake_case() {
        let cases = [
            (
                DomainError::invalid("email", ValidationReason::Format),
                "validation_failed",
            ),
            (
                DomainError::InvalidTransition {
                    entity: "invoice",
                    from: "PAID",
                    to: "DRAFT",
                },
                "invalid_transition",
            ),
            (
                DomainError::NotEditable {
                    entity: "invoice",
                    status: "SENT",
                },
                "not_editable",
            ),
            (DomainError::AlreadyDeleted, "already_deleted"),
            (DomainError::NotDeleted, "not_deleted"),
            (DomainError::RoleCompanyMismatch, "role_company_mismatch"),
            (DomainError::Overflow { field: "visitors" }, "overflow"),
        ];
        for (error, code) in cases {
            assert_eq!(error.code(), code);
        }
    }

    #[test]
    fn messages_name_the_field_and_reason() {
        let error = DomainError::invalid("name", ValidationReason::TooLong { max: 255 });
        assert_eq!(error.to_string(), "name is too long (at most 255)");
        let error = DomainError::InvalidTransition {
            entity: "invoice",
            from: "PAID",
            to: "DRAFT",
        };
        assert_eq!(error.to_string(), "invoice cannot move from PAID to DRAFT");
        assert_eq!(
            DomainError::invalid("x", ValidationReason::TooLarge { max_bytes: 4 }).to_string(),
            "x is too large (at most 4 bytes)"
        );
    }
}
