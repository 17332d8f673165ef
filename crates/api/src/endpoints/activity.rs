//! `/api/v1/activity`: the recent-activity feed, newest first: an admin's of every company (or of
//! the one named), a client's of its own company.

use poem_openapi::OpenApi;
use poem_openapi::param::Query;
use prosektor_domain::CompanyId;
use uuid::Uuid;

use crate::auth::bearer::BearerAuth;
use crate::context::ApiContext;
use crate::dto::activity::ActivityDto;
use crate::dto::page::PageDto;
use crate::error::ApiResult;
use crate::pagination::{PageCursor, PageLimit, page_request};
use crate::payload::Serialized;
use crate::tags::ApiTags;

/// The activity feed's endpoint.
#[derive(Debug)]
pub struct ActivityApi {
    context: ApiContext,
}

impl ActivityApi {
    /// The endpoint over `context`.
    pub fn new(context: ApiContext) -> Self {
        Self { context }
    }
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Activity")]
impl ActivityApi {
    /// The newest business events first (invoices issued, paid and voided; projects gone live;
    /// runs finished), recorded as they happen. An event recorded while a client pages shows on
    /// the first page, never between later ones.
    #[oai(path = "/activity", method = "get", operation_id = "listActivity")]
    async fn list(
        &self,
        auth: BearerAuth,
        limit: Query<Option<PageLimit>>,
        cursor: Query<Option<PageCursor>>,
        /// Only this company's events (a client's feed is its own company's in any case).
        company_id: Query<Option<Uuid>>,
    ) -> ApiResult<Serialized<PageDto<ActivityDto>>> {
        let actor = auth.actor();
        let page = page_request(limit.0, cursor.0)?;
        let events = self
            .context
            .services
            .activity
            .recent(&actor, company_id.0.map(CompanyId::from_uuid), &page)
            .await?;
        Ok(Serialized(PageDto::from_page(events, |event| {
            ActivityDto::from(&event)
        })))
    }
}
