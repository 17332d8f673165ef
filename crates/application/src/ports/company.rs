//! [`CompanyRepository`]: tenants and their details, listing, search (access pattern 4) and
//! autocomplete.

use async_trait::async_trait;
use prosektor_domain::{
    Company, CompanyDetails, CompanyId, CompanySuggestion, RowVersion, SearchText,
};

use super::changes::{CompanyChanges, DetailsChanges};
use super::error::RepositoryResult;
use super::paging::{Page, PageRequest};
use super::scope::TenantScope;

/// Stores companies (the tenants) and their one-to-one details.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait CompanyRepository: Send + Sync {
    /// Stores a new company with its details, atomically.
    ///
    /// # Errors
    /// `Conflict(TaxIdTaken)`; `Unavailable`.
    async fn create(&self, company: &Company, details: &CompanyDetails) -> RepositoryResult<()>;

    /// The company `id`, if visible in `scope`.
    ///
    /// # Errors
    /// `NotFound` (also outside `scope`); `Corrupt`; `Unavailable`.
    async fn get(&self, scope: TenantScope, id: CompanyId) -> RepositoryResult<Company>;

    /// Applies `changes` to company `id` in one statement, writing only the fields they name, and
    /// answers the stored company. A status change applies only while the status is still its
    /// `from`; with `if_match`, nothing applies unless the version is still that one.
    ///
    /// # Errors
    /// `NotFound`; `PreconditionFailed` when `if_match` is not the stored version;
    /// `Conflict(StaleState)` when the status changed meanwhile; `Conflict(TaxIdTaken)`;
    /// `Corrupt`; `Unavailable`.
    async fn update(
        &self,
        id: CompanyId,
        changes: &CompanyChanges,
        if_match: Option<RowVersion>,
    ) -> RepositoryResult<Company>;

    /// The details of company `id`, if visible in `scope`.
    ///
    /// # Errors
    /// `NotFound`; `Corrupt`; `Unavailable`.
    async fn get_details(
        &self,
        scope: TenantScope,
        id: CompanyId,
    ) -> RepositoryResult<CompanyDetails>;

    /// Applies `changes` to company `id`'s details in one statement, writing only the fields they
    /// name (two concurrent changes of different fields both survive), and answers the stored
    /// details; with `if_match`, nothing applies unless the version is still that one.
    ///
    /// # Errors
    /// `NotFound` when the company does not exist; `PreconditionFailed`; `Corrupt`; `Unavailable`.
    async fn update_details(
        &self,
        id: CompanyId,
        changes: &DetailsChanges,
        if_match: Option<RowVersion>,
    ) -> RepositoryResult<CompanyDetails>;

    /// Companies in `scope`, by name then id.
    ///
    /// # Errors
    /// `InvalidCursor`; `Corrupt`; `Unavailable`.
    async fn list(&self, scope: TenantScope, page: &PageRequest)
    -> RepositoryResult<Page<Company>>;

    /// Companies whose name or tax id starts with or contains `text` (case- and
    /// Turkish-letter-insensitive), by name then id.
    ///
    /// # Errors
    /// `InvalidCursor`; `Corrupt`; `Unavailable`.
    async fn search(
        &self,
        text: &SearchText,
        page: &PageRequest,
    ) -> RepositoryResult<Page<Company>>;

    /// The first `limit` companies whose name starts with `prefix`, ignoring case and Turkish
    /// letters (`sis` finds `ŞİŞLİ OSGB`), in the order of their folded names, then ids:
    /// autocomplete, answered from one index range however many companies match.
    ///
    /// # Errors
    /// `Corrupt`; `Unavailable`.
    async fn autocomplete(
        &self,
        prefix: &SearchText,
        limit: u32,
    ) -> RepositoryResult<Vec<CompanySuggestion>>;
}
