//! [`ServiceError`]: the one error type of the use-case services, with a stable machine
//! [`code`](ServiceError::code) that the API puts into its problem documents.
//!
//! Every conversion from a port's error lives here, so that "what does a repository failure mean to
//! a caller" is decided in one place.

use prosektor_domain::DomainError;

use crate::ports::error::{Conflict, RepositoryError};
use crate::ports::password::HasherError;

/// Shorthand for service results.
pub type ServiceResult<T> = Result<T, ServiceError>;

/// Why a use case refused or failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// No such resource, or one of another tenant (the two are indistinguishable on purpose).
    #[error("not found")]
    NotFound,
    /// The actor's role may not perform this action (SPEC §5 permissions), or an admin tried to
    /// delete their own account.
    #[error("forbidden")]
    Forbidden,
    /// The token's user no longer exists, is deleted, or its session version is stale.
    #[error("unauthenticated")]
    Unauthenticated,
    /// Login or password check failed; never says whether the email or the password was wrong.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// A uniqueness rule refused the write, or a concurrent request won the race.
    #[error("conflict: {0}")]
    Conflict(Conflict),
    /// The domain refused the change: validation, an invalid transition, a non-editable entity...
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// A pagination cursor that was not issued by this listing.
    #[error("invalid pagination cursor")]
    InvalidCursor,
    /// The caller asked for a change only if the resource is still at the version it read
    /// (`If-Match`), and it is not: nothing was changed.
    #[error("the resource changed since the version the caller read")]
    PreconditionFailed,
    /// Too many attempts (failed logins or password checks, ingestions of one project); the
    /// caller may try again after `retry_after_secs`.
    #[error("too many attempts; retry after {retry_after_secs} s")]
    TooManyAttempts {
        /// Seconds until an attempt is accepted again (at least 1).
        retry_after_secs: u64,
    },
    /// The actor's company is `SUSPENDED`: its clients may read but not change its data.
    #[error("the company is suspended")]
    CompanySuspended,
    /// The actor's company is `CHURNED`: its clients have no access.
    #[error("the company's account is closed")]
    CompanyClosed,
    /// Storage cannot answer for now (connection lost, pool exhausted, statement timeout,
    /// database read-only or shutting down): nothing was changed and a retry may succeed. The
    /// message is for logs; clients get a generic answer.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// Storage or the password hasher failed, or stored data is corrupt. The message is for logs;
    /// clients get a generic answer.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ServiceError {
    /// The stable machine code, part of the public API.
    ///
    /// | variant | code |
    /// | --- | --- |
    /// | `NotFound` | `not_found` |
    /// | `Forbidden` | `forbidden` |
    /// | `Unauthenticated` | `unauthenticated` |
    /// | `InvalidCredentials` | `invalid_credentials` |
    /// | `Conflict(c)` | [`Conflict::code`], e.g. `email_taken`, `stale_state` |
    /// | `Domain(e)` | [`DomainError::code`], e.g. `validation_failed`, `invalid_transition` |
    /// | `InvalidCursor` | `invalid_cursor` |
    /// | `PreconditionFailed` | `precondition_failed` |
    /// | `TooManyAttempts` | `too_many_requests` |
    /// | `CompanySuspended` | `company_suspended` |
    /// | `CompanyClosed` | `company_closed` |
    /// | `Unavailable` | `unavailable` |
    /// | `Internal` | `internal` |
    pub const fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::Forbidden => "forbidden",
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Conflict(conflict) => conflict.code(),
            Self::Domain(error) => error.code(),
            Self::InvalidCursor => "invalid_cursor",
            Self::PreconditionFailed => "precondition_failed",
            Self::TooManyAttempts { .. } => "too_many_requests",
            Self::CompanySuspended => "company_suspended",
            Self::CompanyClosed => "company_closed",
            Self::Unavailable(_) => "unavailable",
            Self::Internal(_) => "internal",
        }
    }
}

impl From<RepositoryError> for ServiceError {
    fn from(error: RepositoryError) -> Self {
        match error {
            RepositoryError::NotFound => Self::NotFound,
            RepositoryError::Conflict(conflict) => Self::Conflict(conflict),
            RepositoryError::InvalidCursor => Self::InvalidCursor,
            RepositoryError::PreconditionFailed => Self::PreconditionFailed,
            RepositoryError::Rejected(error) => Self::Domain(error),
            corrupt @ RepositoryError::Corrupt(_) => Self::Internal(corrupt.to_string()),
            RepositoryError::Unavailable(message) => Self::Unavailable(message),
            RepositoryError::Failed(message) => Self::Internal(message),
        }
    }
}

impl From<HasherError> for ServiceError {
    fn from(error: HasherError) -> Self {
        Self::Internal(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use prosektor_domain::ValidationReason;

    use super::*;

    #[test]
    fn repository_errors_map_to_their_meaning() {
        let corrupt = DomainError::invalid("amount_total", ValidationReason::Mismatch);
        let cases = [
            (RepositoryError::NotFound, ServiceError::NotFound),
            (
                RepositoryError::Conflict(Conflict::StaleState),
                ServiceError::Conflict(Conflict::StaleState),
            ),
            (RepositoryError::InvalidCursor, ServiceError::InvalidCursor),
            (
                RepositoryError::PreconditionFailed,
                ServiceError::PreconditionFailed,
            ),
            (
                RepositoryError::Rejected(DomainError::Overflow { field: "visitors" }),
                ServiceError::Domain(DomainError::Overflow { field: "visitors" }),
            ),
            (
                RepositoryError::Corrupt(corrupt),
                ServiceError::Internal(
                    "stored data violates the domain: amount_total does not match the related values"
                        .into(),
                ),
            ),
            (
                RepositoryError::Unavailable("pool timed out".into()),
                ServiceError::Unavailable("pool timed out".into()),
            ),
            (
                RepositoryError::Failed("no row".into()),
                ServiceError::Internal("no row".into()),
            ),
        ];
        for (repository, service) in cases {
            assert_eq!(ServiceError::from(repository), service);
        }
    }

    #[test]
    fn hasher_failures_are_internal() {
        assert_eq!(
            ServiceError::from(HasherError("bad params".into())),
            ServiceError::Internal("password hashing failed: bad params".into())
        );
    }

    #[test]
    fn codes_are_stable_and_delegate_to_the_inner_error() {
        let cases = [
            (ServiceError::NotFound, "not_found"),
            (ServiceError::Forbidden, "forbidden"),
            (ServiceError::Unauthenticated, "unauthenticated"),
            (ServiceError::InvalidCredentials, "invalid_credentials"),
            (ServiceError::Conflict(Conflict::EmailTaken), "email_taken"),
            (ServiceError::Conflict(Conflict::StaleState), "stale_state"),
            (ServiceError::Domain(DomainError::NotDeleted), "not_deleted"),
            (ServiceError::InvalidCursor, "invalid_cursor"),
            (ServiceError::PreconditionFailed, "precondition_failed"),
            (
                ServiceError::TooManyAttempts {
                    retry_after_secs: 3,
                },
                "too_many_requests",
            ),
            (ServiceError::CompanySuspended, "company_suspended"),
            (ServiceError::CompanyClosed, "company_closed"),
            (ServiceError::Internal("x".into()), "internal"),
        ];
        for (error, code) in cases {
            assert_eq!(error.code(), code, "{error:?}");
        }
    }
}
