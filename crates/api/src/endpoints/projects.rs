//! `/api/v1/projects` and a company's active projects: clients create and rename their own
//! company's websites; publishing, pausing and archiving (status changes) are for admins.

use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use prosektor_domain::{CompanyId, ProjectId};
use uuid::Uuid;

use super::responses::Created;
use crate::auth::bearer::BearerAuth;
use crate::context::ApiContext;
use crate::dto::page::PageDto;
use crate::dto::project::{
    IngestKeyDto, NewProjectDto, ProjectDto, ProjectPatchDto, ProjectStatusChangeDto,
};
use crate::error::ApiResult;
use crate::pagination::{PageCursor, PageLimit, page_request};
use crate::payload::Serialized;
use crate::tags::ApiTags;
use crate::versioning::{IfMatch, Tagged, TaggedCreated};

/// Web project endpoints.
#[derive(Debug)]
pub struct ProjectsApi {
    context: ApiContext,
}

impl ProjectsApi {
    /// The endpoints over `context`.
    pub fn new(context: ApiContext) -> Self {
        Self { context }
    }
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Projects")]
impl ProjectsApi {
    /// Create a web project in `DRAFT` (admins, or a client for its own company).
    #[oai(path = "/projects", method = "post", operation_id = "createProject")]
    async fn create(
        &self,
        auth: BearerAuth,
        body: Json<NewProjectDto>,
    ) -> ApiResult<TaggedCreated<ProjectDto>> {
        let actor = auth.actor();
        let (name, domain) = body.parse()?;
        let company_id = CompanyId::from_uuid(body.company_id);
        let project = self
            .context
            .services
            .projects
            .create(&actor, company_id, name, domain)
            .await?;
        Ok(TaggedCreated::new((&project).into()))
    }

    /// A web project (clients: of their own company only).
    #[oai(path = "/projects/:id", method = "get", operation_id = "getProject")]
    async fn get(&self, auth: BearerAuth, id: Path<Uuid>) -> ApiResult<Tagged<ProjectDto>> {
        let actor = auth.actor();
        let project = self
            .context
            .services
            .projects
            .get(&actor, ProjectId::from_uuid(id.0))
            .await?;
        Ok(Tagged::new((&project).into()))
    }

    /// Web projects, newest first, one page at a time (clients: their own company's only).
    #[oai(path = "/projects", method = "get", operation_id = "listProjects")]
    async fn list(
        &self,
        auth: BearerAuth,
        limit: Query<Option<PageLimit>>,
        cursor: Query<Option<PageCursor>>,
        /// Only this company's projects.
        company_id: Query<Option<Uuid>>,
    ) -> ApiResult<Serialized<PageDto<ProjectDto>>> {
        let actor = auth.actor();
        let page = page_request(limit.0, cursor.0)?;
        let company_id = company_id.0.map(CompanyId::from_uuid);
        let projects = self
            .context
            .services
            .projects
            .list(&actor, company_id, &page)
            .await?;
        Ok(Serialized(PageDto::from_page(projects, |item| {
            ProjectDto::from(&item)
        })))
    }

    /// A company's active projects (neither `DRAFT` nor `ARCHIVED`), newest first: the
    /// dashboard's "Active Projects" widget.
    #[oai(
        path = "/companies/:company_id/projects/active",
        method = "get",
        operation_id = "listActiveProjects"
    )]
    async fn list_active(
        &self,
        auth: BearerAuth,
        company_id: Path<Uuid>,
        limit: Query<Option<PageLimit>>,
        cursor: Query<Option<PageCursor>>,
    ) -> ApiResult<Serialized<PageDto<ProjectDto>>> {
        let actor = auth.actor();
        let page = page_request(limit.0, cursor.0)?;
        let projects = self
            .context
            .services
            .projects
            .list_active(&actor, CompanyId::from_uuid(company_id.0), &page)
            .await?;
        Ok(Serialized(PageDto::from_page(projects, |item| {
            ProjectDto::from(&item)
        })))
    }

    /// Rename a web project and/or set or remove its domain (admins, or a client of its company),
    /// in one write of the fields named: a change of another field made meanwhile is kept.
    #[oai(
        path = "/projects/:id",
        method = "patch",
        operation_id = "updateProject"
    )]
    async fn update(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] if_match: IfMatch,
        body: Json<ProjectPatchDto>,
    ) -> ApiResult<Tagged<ProjectDto>> {
        let actor = auth.actor();
        let changes = body.0.into_patch()?;
        let project = self
            .context
            .services
            .projects
            .update(&actor, ProjectId::from_uuid(id.0), changes, if_match.0)
            .await?;
        Ok(Tagged::new((&project).into()))
    }

    /// Move a web project along its status machine (admins): `DRAFT -> BUILDING -> LIVE <->
    /// PAUSED`, `BUILDING -> DRAFT`, and any status but `ARCHIVED` `-> ARCHIVED`.
    #[oai(
        path = "/projects/:id/status",
        method = "post",
        operation_id = "changeProjectStatus"
    )]
    async fn change_status(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] if_match: IfMatch,
        body: Json<ProjectStatusChangeDto>,
    ) -> ApiResult<Tagged<ProjectDto>> {
        let actor = auth.actor();
        let project = self
            .context
            .services
            .projects
            .change_status(
                &actor,
                ProjectId::from_uuid(id.0),
                body.status.into(),
                if_match.0,
            )
            .await?;
        Ok(Tagged::new((&project).into()))
    }

    /// Create a new ingestion key for the project's website (admin or the project's own client),
    /// replacing the previous key, which stops working. The key is shown only in this response;
    /// the website sends it as `X-Ingest-Key` to `POST /api/v1/ingest/events`.
    #[oai(
        path = "/projects/:id/ingest-key",
        method = "post",
        operation_id = "rotateProjectIngestKey"
    )]
    async fn rotate_ingest_key(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<Created<IngestKeyDto>> {
        let actor = auth.actor();
        let key = self
            .context
            .services
            .projects
            .rotate_ingest_key(&actor, ProjectId::from_uuid(id.0))
            .await?;
        Ok(Created::Created(Json(IngestKeyDto {
            ingest_key: key.expose().to_owned(),
        })))
    }
}
