//! `/api/v1/companies`: the tenants. Admins create, search and update companies and classify them;
//! a client reads only its own company (another company answers `404`, exactly as a missing one),
//! and may update its contact details and read its dashboard.

use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use prosektor_application::DetailsChanges;
use prosektor_application::services::Actor;
use prosektor_domain::{CompanyId, RowVersion, SearchText};
use uuid::Uuid;

use crate::auth::bearer::BearerAuth;
use crate::context::ApiContext;
use crate::convert::field;
use crate::dto::company::{
    ClassificationDto, CompanyDetailsDto, CompanyDto, CompanyPatchDto, CompanySuggestionsDto,
    ContactDetailsDto, CreateCompanyDto, DetailsPatchDto,
};
use crate::dto::dashboard::DashboardDto;
use crate::dto::page::PageDto;
use crate::dto::text::TextParam;
use crate::error::ApiResult;
use crate::pagination::{PageCursor, PageLimit, page_request};
use crate::payload::Serialized;
use crate::tags::ApiTags;
use crate::versioning::{IfMatch, Tagged, TaggedCreated};

/// Company endpoints.
#[derive(Debug)]
pub struct CompaniesApi {
    context: ApiContext,
}

impl CompaniesApi {
    /// The endpoints over `context`.
    pub fn new(context: ApiContext) -> Self {
        Self { context }
    }

    /// Applies `changes` to company `id`'s details for `actor`; the answer of every details write.
    async fn update_details(
        &self,
        actor: &Actor,
        id: Uuid,
        changes: DetailsChanges,
        if_match: Option<RowVersion>,
    ) -> ApiResult<Tagged<CompanyDetailsDto>> {
        let details = self
            .context
            .services
            .companies
            .update_details(actor, CompanyId::from_uuid(id), changes, if_match)
            .await?;
        Ok(Tagged::new((&details).into()))
    }
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Companies")]
impl CompaniesApi {
    /// Create a company (admin); it starts as a `LEAD` with empty details. A taken tax id answers
    /// `409 tax_id_taken`.
    #[oai(path = "/companies", method = "post", operation_id = "createCompany")]
    async fn create_company(
        &self,
        auth: BearerAuth,
        body: Json<CreateCompanyDto>,
    ) -> ApiResult<TaggedCreated<CompanyDto>> {
        let actor = auth.actor();
        let new = body.0.into_new_company()?;
        let company = self.context.services.companies.create(&actor, new).await?;
        Ok(TaggedCreated::new((&company).into()))
    }

    /// List the companies the caller may see (a client: only its own), by name.
    #[oai(path = "/companies", method = "get", operation_id = "listCompanies")]
    async fn list_companies(
        &self,
        auth: BearerAuth,
        limit: Query<Option<PageLimit>>,
        cursor: Query<Option<PageCursor>>,
    ) -> ApiResult<Serialized<PageDto<CompanyDto>>> {
        let actor = auth.actor();
        let page = page_request(limit.0, cursor.0)?;
        let companies = self.context.services.companies.list(&actor, &page).await?;
        Ok(Serialized(PageDto::from_page(companies, |company| {
            (&company).into()
        })))
    }

    /// Search every company by name or tax id (admin): prefix and infix, ignoring case and
    /// Turkish letters (`sisli` finds `ŞİŞLİ OSGB`); `%` and `_` are literal. By name.
    #[oai(
        path = "/companies/search",
        method = "get",
        operation_id = "searchCompanies"
    )]
    async fn search_companies(
        &self,
        auth: BearerAuth,
        /// The text to look for, 1 to 100 characters after trimming.
        q: Query<TextParam>,
        limit: Query<Option<PageLimit>>,
        cursor: Query<Option<PageCursor>>,
    ) -> ApiResult<Serialized<PageDto<CompanyDto>>> {
        let actor = auth.actor();
        let text = field("q", SearchText::parse(&q.0))?;
        let page = page_request(limit.0, cursor.0)?;
        let companies = self
            .context
            .services
            .companies
            .search(&actor, &text, &page)
            .await?;
        Ok(Serialized(PageDto::from_page(companies, |company| {
            (&company).into()
        })))
    }

    /// Autocomplete company names (admin): the first `limit` companies whose name starts with
    /// `prefix`, ignoring case and Turkish letters (`sis` offers `ŞİŞLİ OSGB`), in name order.
    #[oai(
        path = "/companies/autocomplete",
        method = "get",
        operation_id = "autocompleteCompanies"
    )]
    async fn autocomplete_companies(
        &self,
        auth: BearerAuth,
        /// The beginning of a name, 1 to 100 characters after trimming.
        prefix: Query<TextParam>,
        /// How many companies, 1 to 50 (default 10).
        #[oai(validator(minimum(value = "1"), maximum(value = "50")))]
        limit: Query<Option<u32>>,
    ) -> ApiResult<Serialized<CompanySuggestionsDto>> {
        let actor = auth.actor();
        let prefix = field("prefix", SearchText::parse(&prefix.0))?;
        let suggestions = self
            .context
            .services
            .companies
            .autocomplete(&actor, &prefix, limit.0.unwrap_or(10))
            .await?;
        Ok(Serialized(suggestions.into()))
    }

    /// A company.
    #[oai(path = "/companies/:id", method = "get", operation_id = "getCompany")]
    async fn get_company(&self, auth: BearerAuth, id: Path<Uuid>) -> ApiResult<Tagged<CompanyDto>> {
        let actor = auth.actor();
        let company = self
            .context
            .services
            .companies
            .get(&actor, CompanyId::from_uuid(id.0))
            .await?;
        Ok(Tagged::new((&company).into()))
    }

    /// Change a company's name, tax id or status (admin). A status change outside the documented
    /// transitions answers `409 invalid_transition`; a taken tax id `409 tax_id_taken`.
    #[oai(
        path = "/companies/:id",
        method = "patch",
        operation_id = "updateCompany"
    )]
    async fn update_company(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] if_match: IfMatch,
        body: Json<CompanyPatchDto>,
    ) -> ApiResult<Tagged<CompanyDto>> {
        let actor = auth.actor();
        let update = body.0.into_update()?;
        let company = self
            .context
            .services
            .companies
            .update(&actor, CompanyId::from_uuid(id.0), update, if_match.0)
            .await?;
        Ok(Tagged::new((&company).into()))
    }

    /// A company's details: address, contacts and classification.
    #[oai(
        path = "/companies/:id/details",
        method = "get",
        operation_id = "getCompanyDetails"
    )]
    async fn get_details(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<Tagged<CompanyDetailsDto>> {
        let actor = auth.actor();
        let details = self
            .context
            .services
            .companies
            .get_details(&actor, CompanyId::from_uuid(id.0))
            .await?;
        Ok(Tagged::new((&details).into()))
    }

    /// Change the named fields of a company's details, and only those: an absent field is kept,
    /// `null` clears it. The company's own clients may change the contact fields; naming the
    /// classification answers them `403`. Answers the whole details.
    #[oai(
        path = "/companies/:id/details",
        method = "patch",
        operation_id = "patchCompanyDetails"
    )]
    async fn patch_details(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] if_match: IfMatch,
        body: Json<DetailsPatchDto>,
    ) -> ApiResult<Tagged<CompanyDetailsDto>> {
        let actor = auth.actor();
        let changes = body.0.into_changes()?;
        self.update_details(&actor, id.0, changes, if_match.0).await
    }

    /// Replace a company's contact details: address, city, contact email and phone (admin, or a
    /// client of the company); an absent field is cleared. Answers the whole details.
    #[oai(
        path = "/companies/:id/contact-details",
        method = "put",
        operation_id = "updateCompanyContactDetails"
    )]
    async fn update_contact_details(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] if_match: IfMatch,
        body: Json<ContactDetailsDto>,
    ) -> ApiResult<Tagged<CompanyDetailsDto>> {
        let actor = auth.actor();
        let changes = body.0.into_changes()?;
        self.update_details(&actor, id.0, changes, if_match.0).await
    }

    /// Replace a company's classification: danger class and NACE code (admin). Answers the whole
    /// details.
    #[oai(
        path = "/companies/:id/classification",
        method = "put",
        operation_id = "updateCompanyClassification"
    )]
    async fn update_classification(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] if_match: IfMatch,
        body: Json<ClassificationDto>,
    ) -> ApiResult<Tagged<CompanyDetailsDto>> {
        let actor = auth.actor();
        let changes = body.0.into_changes()?;
        self.update_details(&actor, id.0, changes, if_match.0).await
    }

    /// A company's dashboard as of today: paid total, unpaid count and sum, overdue count,
    /// active projects and visitors over the last 30 days.
    #[oai(
        path = "/companies/:id/dashboard",
        method = "get",
        operation_id = "getCompanyDashboard"
    )]
    async fn dashboard(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
    ) -> ApiResult<Serialized<DashboardDto>> {
        let actor = auth.actor();
        let dashboard = self
            .context
            .services
            .dashboard
            .dashboard(&actor, CompanyId::from_uuid(id.0))
            .await?;
        Ok(Serialized((&dashboard).into()))
    }
}
