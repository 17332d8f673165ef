//! [`RepositoryError`]: what every repository method may answer besides success.

use prosektor_domain::DomainError;

/// A uniqueness rule or a concurrent change that refused a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// Another user that is not deleted has this email.
    EmailTaken,
    /// Another company has this tax id.
    TaxIdTaken,
    /// Another web project has this domain.
    DomainTaken,
    /// The project already has a queued or running pipeline run.
    ActiveRunExists,
    /// The row changed since it was read (its status or session version is no longer the expected
    /// one): a concurrent request won the race.
    StaleState,
}

impl Conflict {
    /// A stable machine code, for adapters' error documents.
    pub const fn code(self) -> &'static str {
        match self {
            Self::EmailTaken => "email_taken",
            Self::TaxIdTaken => "tax_id_taken",
            Self::DomainTaken => "domain_taken",
            Self::ActiveRunExists => "active_run_exists",
            Self::StaleState => "stale_state",
        }
    }
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// Why a repository call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RepositoryError {
    /// No such row within the caller's scope (a row of another tenant is not found either).
    #[error("not found")]
    NotFound,
    /// A write was refused by a uniqueness rule or lost a race.
    #[error("conflict: {0}")]
    Conflict(Conflict),
    /// A pagination cursor that this repository did not issue (or for another ordering).
    #[error("invalid pagination cursor")]
    InvalidCursor,
    /// The write named the version it expected (`If-Match`) and the stored one is another: the
    /// resource changed since the caller read it. Nothing was written.
    #[error("the resource's version is no longer the expected one")]
    PreconditionFailed,
    /// The store refused a value that the domain refuses too, but that only the store could check
    /// (a counter that would pass its column's maximum once added to the stored one).
    #[error("refused by the store: {0}")]
    Rejected(DomainError),
    /// A stored row violates a domain invariant (the row is reported, never half-mapped).
    #[error("stored data violates the domain: {0}")]
    Corrupt(DomainError),
    /// The store cannot answer for now: the connection was lost, no connection was free in time,
    /// the statement ran past its timeout, or the database refuses writes or is shutting down.
    /// Nothing was written; the same call may succeed later. The message is for logs.
    #[error("storage unavailable: {0}")]
    Unavailable(String),
    /// The store failed in a way a retry will not fix (an unexpected answer, a bug). The message
    /// is for logs, not for clients.
    #[error("storage failure: {0}")]
    Failed(String),
}

/// Shorthand for repository results.
pub type RepositoryResult<T> = Result<T, RepositoryError>;
