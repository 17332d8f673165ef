//! Translating driver errors into [`RepositoryError`]: unique violations become the conflict they
//! mean, foreign-key violations become `NotFound` (the referenced row does not exist), a number out
//! of its column's range becomes `Rejected(Overflow)`, a CHECK constraint that guards a domain rule
//! only SQL can see (a merge's result) becomes `Rejected` with that rule's error, everything else
//! is `Unavailable` when the database cannot answer for now (a lost connection, no free connection
//! in time, a statement timeout, read-only, shutting down) and `Failed` otherwise,
//! both with the driver's message (for logs). An error that shows a broken session also marks the
//! pool's older connections for discarding ([`crate::connection_health`]). Nothing of sea-orm
//! leaks upward.

use prosektor_application::{Conflict, RepositoryError};
use prosektor_domain::{Breakdown, DomainError, ValidationReason};
use sea_orm::{DbErr, RuntimeErr, TransactionError, sqlx};

use crate::connection_health::{note_broken, note_read_only};

/// Which unique constraint means which conflict.
const UNIQUE_CONFLICTS: [(&str, Conflict); 4] = [
    ("users_email_active_key", Conflict::EmailTaken),
    ("companies_tax_id_key", Conflict::TaxIdTaken),
    ("web_projects_domain_key", Conflict::DomainTaken),
    (
        "pipeline_runs_one_active_per_project",
        Conflict::ActiveRunExists,
    ),
];

/// Which CHECK constraint stands for which domain refusal (constraints that only guard against
/// bugs are not listed: violating them is `Unavailable`).
fn check_refusal(constraint: &str) -> Option<DomainError> {
    let too_many = |max| DomainError::invalid(Breakdown::FIELD, ValidationReason::TooMany { max });
    match constraint {
        "daily_stats_breakdown_dimensions" => Some(too_many(Breakdown::MAX_DIMENSIONS)),
        "daily_stats_breakdown_keys" => Some(too_many(Breakdown::MAX_KEYS)),
        _ => None,
    }
}

/// SQLSTATE of a CHECK violation.
const CHECK_VIOLATION: &str = "23514";
/// SQLSTATE of a unique violation.
const UNIQUE_VIOLATION: &str = "23505";
/// SQLSTATE of a foreign-key violation.
const FOREIGN_KEY_VIOLATION: &str = "23503";
/// SQLSTATE of a number out of its type's range (a counter sum past `INT`).
const NUMERIC_OUT_OF_RANGE: &str = "22003";

/// SQLSTATE of a write refused because the transaction is read-only.
const READ_ONLY_TRANSACTION: &str = "25006";

/// SQLSTATEs (or classes, by their first two characters) after which the session is unusable:
/// connection exceptions, the server shutting down or starting, a session left read-only.
const BREAKING_STATES: [&str; 5] = ["08", "57P01", "57P02", "57P03", READ_ONLY_TRANSACTION];
/// SQLSTATEs (or classes) that a later retry may not meet, on a sound connection: a statement or
/// lock timeout or a cancel, insufficient resources (too many connections), a serialization failure or deadlock,
/// a system I/O error.
const PASSING_STATES: [&str; 6] = ["57014", "55P03", "53", "40001", "40P01", "58"];

/// How bad a driver error is for the caller and for the connection it happened on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Severity {
    /// The session is gone or unusable: the database cannot answer for now.
    Breaking,
    /// The database cannot answer for now, but the connection is fine.
    Passing,
    /// Neither: a bug or an unexpected answer.
    Lasting,
}

fn severity(error: &DbErr) -> Severity {
    let sqlx_error = match error {
        DbErr::ConnectionAcquire(_) => return Severity::Passing,
        DbErr::Conn(RuntimeErr::SqlxError(error))
        | DbErr::Exec(RuntimeErr::SqlxError(error))
        | DbErr::Query(RuntimeErr::SqlxError(error)) => error.as_ref(),
        DbErr::Conn(_) => return Severity::Breaking,
        _ => return Severity::Lasting,
    };
    driver_severity(sqlx_error)
}

/// Whether `error`, met on a server, says the server cannot answer for now (it is gone, broken,
/// or short of connections), rather than that the statement failed there.
pub(crate) fn server_unavailable(error: &DbErr) -> bool {
    severity(error) == Severity::Breaking || matches!(error, DbErr::ConnectionAcquire(_))
}

/// Whether a connection that answered `error` is broken: it must not be used again.
pub(crate) fn breaks_connection(error: &sqlx::Error) -> bool {
    driver_severity(error) == Severity::Breaking
}

fn driver_severity(sqlx_error: &sqlx::Error) -> Severity {
    match sqlx_error {
        sqlx::Error::Database(database) => {
            let code = database.code().unwrap_or_default();
            let listed = |states: &[&str]| states.iter().any(|state| code.starts_with(state));
            if listed(&BREAKING_STATES) {
                Severity::Breaking
            } else if listed(&PASSING_STATES) {
                Severity::Passing
            } else {
                Severity::Lasting
            }
        }
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::WorkerCrashed => Severity::Breaking,
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => Severity::Passing,
        _ => Severity::Lasting,
    }
}

/// The repository meaning of a driver error.
pub(crate) fn map_db_err(error: DbErr) -> RepositoryError {
    if let Some(database) = database_error(&error) {
        let constraint = database.constraint().unwrap_or_default();
        match database.code().as_deref() {
            Some(UNIQUE_VIOLATION) => {
                if let Some((_, conflict)) = UNIQUE_CONFLICTS
                    .iter()
                    .find(|(name, _)| *name == constraint)
                {
                    return RepositoryError::Conflict(*conflict);
                }
            }
            Some(FOREIGN_KEY_VIOLATION) => return RepositoryError::NotFound,
            Some(CHECK_VIOLATION) => {
                if let Some(refusal) = check_refusal(constraint) {
                    return RepositoryError::Rejected(refusal);
                }
            }
            Some(NUMERIC_OUT_OF_RANGE) => {
                return RepositoryError::Rejected(DomainError::Overflow { field: "counter" });
            }
            _ => {}
        }
    }
    let severity = severity(&error);
    if severity == Severity::Breaking {
        let code = database_error(&error).and_then(|database| database.code());
        if code.as_deref() == Some(READ_ONLY_TRANSACTION) {
            note_read_only();
        } else {
            note_broken();
        }
    }
    if severity == Severity::Lasting {
        RepositoryError::Failed(error.to_string())
    } else {
        RepositoryError::Unavailable(error.to_string())
    }
}

/// The repository meaning of a failed transaction (its body's error is already mapped).
pub(crate) fn map_transaction_err(error: TransactionError<RepositoryError>) -> RepositoryError {
    match error {
        TransactionError::Connection(error) => map_db_err(error),
        TransactionError::Transaction(error) => error,
    }
}

fn database_error(error: &DbErr) -> Option<&dyn sqlx::error::DatabaseError> {
    match error {
        DbErr::Exec(RuntimeErr::SqlxError(error)) | DbErr::Query(RuntimeErr::SqlxError(error)) => {
            match error.as_ref() {
                sqlx::Error::Database(database) => Some(database.as_ref()),
                _ => None,
            }
        }
        _ => None,
    }
}
