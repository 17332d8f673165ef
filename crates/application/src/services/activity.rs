//! [`ActivityService`]: the recent-activity feed (an admin's of every company or of one, a
//! client's of its own).

use std::sync::Arc;

use prosektor_domain::{Activity, CompanyId};

use super::actor::Actor;
use super::error::ServiceResult;
use crate::ports::activity::ActivityFeed;
use crate::ports::paging::{Page, PageRequest};
use crate::ports::scope::TenantScope;

/// The activity feed.
#[derive(Clone)]
pub struct ActivityService {
    feed: Arc<dyn ActivityFeed>,
}

impl ActivityService {
    /// A service over the feed.
    pub fn new(feed: Arc<dyn ActivityFeed>) -> Self {
        Self { feed }
    }

    /// The newest events first: of `company_id` when given, else of every company the actor
    /// sees (an admin: all; a client: its own).
    ///
    /// # Errors
    /// `NotFound` when a client names another company; `InvalidCursor`; `Internal`.
    pub async fn recent(
        &self,
        actor: &Actor,
        company_id: Option<CompanyId>,
        page: &PageRequest,
    ) -> ServiceResult<Page<Activity>> {
        let scope = match company_id {
            Some(company) => {
                actor.check_tenant(company)?;
                TenantScope::Company(company)
            }
            None => actor.scope(),
        };
        Ok(self.feed.recent(scope, page).await?)
    }
}

#[cfg(test)]
mod tests;
