//! [`ActivityFeed`]: the recent-activity feed, newest first.

use async_trait::async_trait;
use prosektor_domain::Activity;

use super::error::RepositoryResult;
use super::paging::{Page, PageRequest};
use super::scope::TenantScope;

/// Reads the business events the storage recorded as they happened (see
/// [`Activity`] for which ones).
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait ActivityFeed: Send + Sync {
    /// One page of the events visible in `scope`, newest first (by when they happened, ties
    /// broken by id), starting after the request's cursor. A page is consistent in itself; an
    /// event recorded while a client pages appears on the first page, not between later ones.
    ///
    /// # Errors
    /// `InvalidCursor` for a cursor this listing did not issue; `Corrupt`; `Unavailable`.
    async fn recent(
        &self,
        scope: TenantScope,
        page: &PageRequest,
    ) -> RepositoryResult<Page<Activity>>;
}
