//! `/api/v1/invoices`: admins create, edit (drafts), send, pay and void invoices; every tenant
//! reads its own. Of two racing transitions exactly one wins; the other answers `409`.

use poem_openapi::OpenApi;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use prosektor_application::InvoiceFilter;
use prosektor_application::services::Actor;
use prosektor_domain::{CompanyId, InvoiceId, RowVersion};
use uuid::Uuid;

use crate::auth::bearer::BearerAuth;
use crate::context::ApiContext;
use crate::dto::date::ApiDate;
use crate::dto::enums::InvoiceStatusDto;
use crate::dto::invoice::{InvoiceDraftDto, InvoiceDto, NewInvoiceDto};
use crate::dto::page::PageDto;
use crate::error::ApiResult;
use crate::pagination::{PageCursor, PageLimit, page_request};
use crate::payload::Serialized;
use crate::tags::ApiTags;
use crate::versioning::{IfMatch, Tagged, TaggedCreated};

/// The status changes of an invoice; their endpoints differ only in which one they ask for.
#[derive(Debug, Clone, Copy)]
enum StatusChange {
    Send,
    Pay,
    Void,
}

/// Invoice endpoints.
#[derive(Debug)]
pub struct InvoicesApi {
    context: ApiContext,
}

impl InvoicesApi {
    /// The endpoints over `context`.
    pub fn new(context: ApiContext) -> Self {
        Self { context }
    }
}

#[OpenApi(prefix_path = "/api/v1", tag = "ApiTags::Invoices")]
impl InvoicesApi {
    /// Create a draft invoice for a company (admins); its number (`YYYY-NNN`, gapless per year)
    /// is assigned now. Give the tax as a KDV `tax_rate` or as a `tax_amount`.
    #[oai(path = "/invoices", method = "post", operation_id = "createInvoice")]
    async fn create(
        &self,
        auth: BearerAuth,
        body: Json<NewInvoiceDto>,
    ) -> ApiResult<TaggedCreated<InvoiceDto>> {
        let actor = auth.actor();
        let (company_id, draft) = body.0.into_parts()?;
        let invoice = self
            .context
            .services
            .invoices
            .create(&actor, CompanyId::from_uuid(company_id), draft)
            .await?;
        Ok(TaggedCreated::new((&invoice).into()))
    }

    /// An invoice (clients: of their own company only).
    #[oai(path = "/invoices/:id", method = "get", operation_id = "getInvoice")]
    async fn get(&self, auth: BearerAuth, id: Path<Uuid>) -> ApiResult<Tagged<InvoiceDto>> {
        let actor = auth.actor();
        let invoice = self
            .context
            .services
            .invoices
            .get(&actor, InvoiceId::from_uuid(id.0))
            .await?;
        Ok(Tagged::new((&invoice).into()))
    }

    /// Invoices, newest first, one page at a time; every filter narrows the list. Clients see
    /// only their own company's invoices.
    #[oai(path = "/invoices", method = "get", operation_id = "listInvoices")]
    #[allow(clippy::too_many_arguments)]
    async fn list(
        &self,
        auth: BearerAuth,
        limit: Query<Option<PageLimit>>,
        cursor: Query<Option<PageCursor>>,
        /// Only this company's invoices.
        company_id: Query<Option<Uuid>>,
        /// Only invoices in this status.
        status: Query<Option<InvoiceStatusDto>>,
        /// Only invoices due on or after this day.
        due_from: Query<Option<ApiDate>>,
        /// Only invoices due on or before this day.
        due_to: Query<Option<ApiDate>>,
        /// Only invoices issued (sent) on or after this day.
        issued_from: Query<Option<ApiDate>>,
        /// Only invoices issued (sent) on or before this day.
        issued_to: Query<Option<ApiDate>>,
    ) -> ApiResult<Serialized<PageDto<InvoiceDto>>> {
        let actor = auth.actor();
        let page = page_request(limit.0, cursor.0)?;
        let filter = InvoiceFilter {
            company_id: company_id.0.map(CompanyId::from_uuid),
            status: status.0.map(Into::into),
            due_from: due_from.0.map(ApiDate::get),
            due_to: due_to.0.map(ApiDate::get),
            issued_from: issued_from.0.map(ApiDate::get),
            issued_to: issued_to.0.map(ApiDate::get),
        };
        let invoices = self
            .context
            .services
            .invoices
            .list(&actor, &filter, &page)
            .await?;
        Ok(Serialized(PageDto::from_page(invoices, |item| {
            InvoiceDto::from(&item)
        })))
    }

    /// Replace a draft's amounts and due date (admins); `409 not_editable` once it is sent.
    #[oai(
        path = "/invoices/:id",
        method = "put",
        operation_id = "updateInvoiceDraft"
    )]
    async fn edit_draft(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] if_match: IfMatch,
        body: Json<InvoiceDraftDto>,
    ) -> ApiResult<Tagged<InvoiceDto>> {
        let actor = auth.actor();
        let draft = body.0.into_draft()?;
        let invoice = self
            .context
            .services
            .invoices
            .edit_draft(&actor, InvoiceId::from_uuid(id.0), draft, if_match.0)
            .await?;
        Ok(Tagged::new((&invoice).into()))
    }

    /// Send a draft (`DRAFT -> SENT`, admins); its issue date is today.
    #[oai(
        path = "/invoices/:id/send",
        method = "post",
        operation_id = "sendInvoice"
    )]
    async fn send(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] if_match: IfMatch,
    ) -> ApiResult<Tagged<InvoiceDto>> {
        self.change_status(&auth.actor(), id.0, if_match.0, StatusChange::Send)
            .await
    }

    /// Mark a sent invoice paid (`SENT -> PAID`, admins). Of concurrent calls exactly one
    /// succeeds; the others answer `409` (`stale_state` or `invalid_transition`).
    #[oai(
        path = "/invoices/:id/pay",
        method = "post",
        operation_id = "payInvoice"
    )]
    async fn pay(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] if_match: IfMatch,
    ) -> ApiResult<Tagged<InvoiceDto>> {
        self.change_status(&auth.actor(), id.0, if_match.0, StatusChange::Pay)
            .await
    }

    /// Void a draft or sent invoice (`-> VOID`, admins); paid and void invoices are final.
    #[oai(
        path = "/invoices/:id/void",
        method = "post",
        operation_id = "voidInvoice"
    )]
    async fn void(
        &self,
        auth: BearerAuth,
        id: Path<Uuid>,
        #[oai(name = "If-Match")] if_match: IfMatch,
    ) -> ApiResult<Tagged<InvoiceDto>> {
        self.change_status(&auth.actor(), id.0, if_match.0, StatusChange::Void)
            .await
    }
}

impl InvoicesApi {
    /// Applies `change` to invoice `id` for the caller, at the `If-Match` version when given.
    async fn change_status(
        &self,
        actor: &Actor,
        id: Uuid,
        if_match: Option<RowVersion>,
        change: StatusChange,
    ) -> ApiResult<Tagged<InvoiceDto>> {
        let (id, invoices) = (InvoiceId::from_uuid(id), &self.context.services.invoices);
        let invoice = match change {
            StatusChange::Send => invoices.send(actor, id, if_match).await,
            StatusChange::Pay => invoices.pay(actor, id, if_match).await,
            StatusChange::Void => invoices.void(actor, id, if_match).await,
        }?;
        Ok(Tagged::new((&invoice).into()))
    }
}
