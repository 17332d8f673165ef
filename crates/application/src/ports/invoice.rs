//! [`InvoiceRepository`]: invoices with gapless numbers, conditional transitions, and the dashboard
//! sums (access pattern 1).

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use prosektor_domain::{CompanyId, Invoice, InvoiceAmounts, InvoiceId, InvoiceStatus, RowVersion};

use super::error::RepositoryResult;
use super::paging::{Page, PageRequest};
use super::scope::TenantScope;

/// A draft to store; its number is assigned by the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInvoice {
    /// The new invoice's id.
    pub id: InvoiceId,
    /// The billed company.
    pub company_id: CompanyId,
    /// Subtotal, tax and total.
    pub amounts: InvoiceAmounts,
    /// When payment is due.
    pub due_date: Option<NaiveDate>,
    /// Creation time; its year is the numbering year.
    pub created_at: DateTime<Utc>,
}

/// Which invoices a listing returns (every field narrows it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceFilter {
    /// Only this company's.
    pub company_id: Option<CompanyId>,
    /// Only in this status.
    pub status: Option<InvoiceStatus>,
    /// Due on or after.
    pub due_from: Option<NaiveDate>,
    /// Due on or before.
    pub due_to: Option<NaiveDate>,
    /// Issued on or after.
    pub issued_from: Option<NaiveDate>,
    /// Issued on or before.
    pub issued_to: Option<NaiveDate>,
}

/// Stores invoices. Invoices are never deleted.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait InvoiceRepository: Send + Sync {
    /// Assigns the next number of the creation year and stores the draft, made out to the company
    /// as it is now (its [`Buyer`](prosektor_domain::Buyer) snapshot), in one transaction, so
    /// numbers are unique and gapless per year even under concurrent creation.
    ///
    /// # Errors
    /// `NotFound` when the company does not exist; `Unavailable`.
    async fn create_draft(&self, new: &NewInvoice) -> RepositoryResult<Invoice>;

    /// The invoice `id`, if visible in `scope`.
    ///
    /// # Errors
    /// `NotFound`; `Corrupt`; `Unavailable`.
    async fn get(&self, scope: TenantScope, id: InvoiceId) -> RepositoryResult<Invoice>;

    /// Invoices in `scope` matching `filter`, newest first.
    ///
    /// # Errors
    /// `InvalidCursor`; `Corrupt`; `Unavailable`.
    async fn list(
        &self,
        scope: TenantScope,
        filter: &InvoiceFilter,
        page: &PageRequest,
    ) -> RepositoryResult<Page<Invoice>>;

    /// Saves amounts, due date, status and its dates, if the stored status is still `expected`
    /// (of two concurrent transitions exactly one succeeds) and, with `if_match`, the version is
    /// still that one; answers the stored invoice.
    ///
    /// # Errors
    /// `NotFound`; `PreconditionFailed`; `Conflict(StaleState)`; `Corrupt`; `Unavailable`.
    async fn save(
        &self,
        invoice: &Invoice,
        expected: InvoiceStatus,
        if_match: Option<RowVersion>,
    ) -> RepositoryResult<Invoice>;
}
