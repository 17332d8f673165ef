//! `/api/v1/projects/{id}/runs` and `/api/v1/runs/*`: start a site generation run, follow its
//! status and log, cancel it, and view the generated site (HTML). Tenancy as everywhere: a client
//! works with its own company's projects only.

use poem_openapi::param::{Path, Query};
use poem_openapi::payload::{Html, Json};
use poem_openapi::{ApiResponse, OpenApi};
use prosektor_domain::{ProjectId, RunId, RunInput};
use uuid::Uuid;

use super::responses::Created;
use crate::auth::bearer::BearerAuth;
use crate::context::ApiContext;
use crate::convert::field;
use crate::dto::page::PageDto;
use crate::dto::run::{LogLineDto, LogPageDto, RunDto, StartRunDto};
use crate::dto::text::TextParam;
use crate::error::{ApiError, ApiResult};
use crate::pagination::{PageCursor, PageLimit, page_request};
use crate::payload::Serialized;
use crate::tags::ApiTags;

/// Pipeline run endpoints.
#[derive(Debug)]
pub struct RunsApi {
    context: ApiContext,
}

impl RunsApi {
    /// The endpoints over `context`.
    pub fn new(context: ApiContext) -> Self {
        Self { context }
    }
}

/// A page of a generated site.
#[derive(Debug, ApiResponse)]
enum SitePageResponse {
    /// The page, `text/html; charset=utf-8`.
    #[oai(status = 200)]
    Page(Html<String>),
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Runs")]
impl RunsApi {
    /// Start generating the project's website (admin, or a client of the project's company). The
    /// run is queued and a worker picks it up; while a run is queued or running, another start
    /// answers `409 active_run_exists`.
    #[oai(
        path = "/projects/:id/runs",
        method = "post",
        operation_id = "startRun"
    )]
    async fn start(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
        body: Json<StartRunDto>,
    ) -> ApiResult<Created<RunDto>> {
        let actor = auth.actor();
        let input = serde_json::to_string(&body.0.input.unwrap_or_default())
            .map_err(|error| ApiError::bad_request("bad_request", error.to_string()))?;
        let input = field("input", RunInput::parse(&input))?;
        let run = self
            .context
            .services
            .runs
            .start(&actor, ProjectId::from_uuid(id.0), input)
            .await?;
        Ok(Created::Created(Json((&run).into())))
    }

    /// The project's runs, newest first.
    #[oai(path = "/projects/:id/runs", method = "get", operation_id = "listRuns")]
    async fn list(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
        limit: Query<Option<PageLimit>>,
        cursor: Query<Option<PageCursor>>,
    ) -> ApiResult<Serialized<PageDto<RunDto>>> {
        let actor = auth.actor();
        let page = page_request(limit.0, cursor.0)?;
        let runs = self
            .context
            .services
            .runs
            .list_for_project(&actor, ProjectId::from_uuid(id.0), &page)
            .await?;
        Ok(Serialized(PageDto::from_page(runs, |run| {
            RunDto::from(&run)
        })))
    }

    /// A run.
    #[oai(path = "/runs/:id", method = "get", operation_id = "getRun")]
    async fn get(&self, auth: BearerAuth, id: Path<Uuid>) -> ApiResult<Serialized<RunDto>> {
        let actor = auth.actor();
        let run = self
            .context
            .services
            .runs
            .get(&actor, RunId::from_uuid(id.0))
            .await?;
        Ok(Serialized((&run).into()))
    }

    /// Cancel a queued or running run; a running one stops at its next step.
    #[oai(path = "/runs/:id/cancel", method = "post", operation_id = "cancelRun")]
    async fn cancel(&self, auth: BearerAuth, id: Path<Uuid>) -> ApiResult<Json<RunDto>> {
        let actor = auth.actor();
        let run = self
            .context
            .services
            .runs
            .cancel(&actor, RunId::from_uuid(id.0))
            .await?;
        Ok(Json((&run).into()))
    }

    /// The run's log lines after `after_seq` (default 0), at most `limit` (default 100, at most
    /// 500). Follow a running run by polling with `after_seq = next_after_seq`.
    #[oai(path = "/runs/:id/logs", method = "get", operation_id = "getRunLogs")]
    async fn logs(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
        /// Only lines with a greater `seq`.
        #[oai(validator(minimum(value = "0")))]
        after_seq: Query<Option<i64>>,
        /// Most lines to return, 1 to 500.
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u32>>,
    ) -> ApiResult<Serialized<LogPageDto>> {
        let actor = auth.actor();
        let after = after_seq.0.unwrap_or(0);
        let lines = self
            .context
            .services
            .runs
            .logs(
                &actor,
                RunId::from_uuid(id.0),
                after,
                limit.0.unwrap_or(100),
            )
            .await?;
        let next_after_seq = lines.last().map_or(after, |line| line.seq());
        Ok(Serialized(LogPageDto {
            lines: lines.iter().map(LogLineDto::from).collect(),
            next_after_seq,
        }))
    }

    /// A page of the project's published website (`index.html`, `hizmetler.html`,
    /// `hakkimizda.html`, `iletisim.html`), as HTML.
    #[oai(
        path = "/projects/:id/site/:page",
        method = "get",
        operation_id = "getSitePage"
    )]
    async fn site_page(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
        page: Path<TextParam>,
    ) -> ApiResult<SitePageResponse> {
        let actor = auth.actor();
        let page = self
            .context
            .services
            .runs
            .site_page(&actor, ProjectId::from_uuid(id.0), &page.0)
            .await?;
        Ok(SitePageResponse::Page(Html(page.body().to_owned())))
    }

    /// A page of the project's published website, public (no token): the company's website as
    /// visitors see it. Relative links between its pages work from here, so it opens in a browser.
    #[oai(
        path = "/sites/:id/:page",
        method = "get",
        operation_id = "getPublicSitePage"
    )]
    async fn public_site_page(
        &self,
        id: Path<Uuid>,
        page: Path<TextParam>,
    ) -> ApiResult<SitePageResponse> {
        let page = self
            .context
            .services
            .runs
            .public_site_page(ProjectId::from_uuid(id.0), &page.0)
            .await?;
        Ok(SitePageResponse::Page(Html(page.body().to_owned())))
    }

    /// A page of the website a run generated, as HTML.
    #[oai(
        path = "/runs/:id/site/:page",
        method = "get",
        operation_id = "getRunSitePage"
    )]
    async fn run_site_page(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
        page: Path<TextParam>,
    ) -> ApiResult<SitePageResponse> {
        let actor = auth.actor();
        let page = self
            .context
            .services
            .runs
            .run_page(&actor, RunId::from_uuid(id.0), &page.0)
            .await?;
        Ok(SitePageResponse::Page(Html(page.body().to_owned())))
    }
}
