//! Shared mapping machinery: the [`IntoDomain`] conversion every row model implements, and the
//! helpers that turn a row that breaks a domain invariant into `RepositoryError::Corrupt`.

use prosektor_application::{RepositoryError, RepositoryResult};
use prosektor_domain::DomainResult;

/// A stored row that rebuilds a domain value, validating every field on the way.
pub(crate) trait IntoDomain {
    /// The domain value the row stores.
    type Domain;

    /// Rebuilds the domain value.
    ///
    /// # Errors
    /// The [`DomainError`](prosektor_domain::DomainError) of the first field (or combination of
    /// fields) that the domain refuses.
    fn into_domain(self) -> DomainResult<Self::Domain>;

    /// Rebuilds the domain value for a repository: a row the domain refuses is `Corrupt`.
    ///
    /// # Errors
    /// `Corrupt` with the domain's error.
    fn restore(self) -> RepositoryResult<Self::Domain>
    where
        Self: Sized,
    {
        self.into_domain().map_err(RepositoryError::Corrupt)
    }
}

/// Maps one row; a row the domain refuses is `Corrupt`.
pub(crate) fn to_domain<M: IntoDomain>(row: M) -> RepositoryResult<M::Domain> {
    row.restore()
}

/// Maps every row; the first row the domain refuses makes the whole answer `Corrupt`.
pub(crate) fn all_to_domain<M: IntoDomain>(rows: Vec<M>) -> RepositoryResult<Vec<M::Domain>> {
    rows.into_iter().map(to_domain).collect()
}

/// Parses a nullable column with a value object's parser (`NULL` stays `None`).
pub(crate) fn optional<T>(
    column: Option<String>,
    parse: impl FnOnce(&str) -> DomainResult<T>,
) -> DomainResult<Option<T>> {
    column.as_deref().map(parse).transpose()
}

/// The text of an optional value object, for a nullable column.
pub(crate) fn text<T: AsRef<str>>(value: Option<&T>) -> Option<String> {
    value.map(|value| value.as_ref().to_owned())
}

/// Maps the row a lookup found; no row is `NotFound`.
pub(crate) fn found<M: IntoDomain>(row: Option<M>) -> RepositoryResult<M::Domain> {
    to_domain(row.ok_or(RepositoryError::NotFound)?)
}
