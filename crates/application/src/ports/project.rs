//! [`WebProjectRepository`]: the websites built for companies, and the active ones (access
//! pattern 2).

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use prosektor_domain::{CompanyId, ProjectId, ProjectStatus, RowVersion, WebProject};

use super::changes::{ProjectChanges, Transition};
use super::error::RepositoryResult;
use super::paging::{Page, PageRequest};
use super::scope::TenantScope;

/// Stores web projects.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait WebProjectRepository: Send + Sync {
    /// Stores a new project.
    ///
    /// # Errors
    /// `Conflict(DomainTaken)`; `NotFound` when the company does not exist; `Unavailable`.
    async fn create(&self, project: &WebProject) -> RepositoryResult<()>;

    /// The project `id`, if visible in `scope`.
    ///
    /// # Errors
    /// `NotFound`; `Corrupt`; `Unavailable`.
    async fn get(&self, scope: TenantScope, id: ProjectId) -> RepositoryResult<WebProject>;

    /// Projects in `scope` (optionally of one company), newest first.
    ///
    /// # Errors
    /// `InvalidCursor`; `Corrupt`; `Unavailable`.
    async fn list(
        &self,
        scope: TenantScope,
        company_id: Option<CompanyId>,
        page: &PageRequest,
    ) -> RepositoryResult<Page<WebProject>>;

    /// The company's active projects (not `DRAFT`, not `ARCHIVED`), newest first.
    ///
    /// # Errors
    /// `InvalidCursor`; `Corrupt`; `Unavailable`.
    async fn list_active(
        &self,
        company_id: CompanyId,
        page: &PageRequest,
    ) -> RepositoryResult<Page<WebProject>>;

    /// Stores the hash (SHA-256, lower-case hex) of the project's new ingestion key, replacing
    /// the previous one, which stops working.
    ///
    /// # Errors
    /// `NotFound`; `Unavailable`.
    async fn set_ingest_key_hash(&self, id: ProjectId, hash: &str) -> RepositoryResult<()>;

    /// The project whose ingestion key hashes to `hash`, if any.
    ///
    /// # Errors
    /// `Unavailable`.
    async fn find_by_ingest_key_hash(&self, hash: &str) -> RepositoryResult<Option<ProjectId>>;

    /// Applies `changes` to project `id` (if visible in `scope`) in one statement, writing only
    /// the fields they name and `updated_at = at`, and answers the stored project; with
    /// `if_match`, nothing applies unless the version is still that one.
    ///
    /// # Errors
    /// `NotFound` (also outside `scope`); `PreconditionFailed`; `Conflict(DomainTaken)`; `Corrupt`;
    /// `Unavailable`.
    async fn update(
        &self,
        scope: TenantScope,
        id: ProjectId,
        changes: &ProjectChanges,
        at: DateTime<Utc>,
        if_match: Option<RowVersion>,
    ) -> RepositoryResult<WebProject>;

    /// Moves project `id` along `transition` (only while its status is still `from`) with
    /// `updated_at = at`, and answers the stored project; with `if_match`, only while the version
    /// is still that one.
    ///
    /// # Errors
    /// `NotFound`; `PreconditionFailed`; `Conflict(StaleState)` when the status changed
    /// meanwhile; `Corrupt`; `Unavailable`.
    async fn change_status(
        &self,
        id: ProjectId,
        transition: Transition<ProjectStatus>,
        at: DateTime<Utc>,
        if_match: Option<RowVersion>,
    ) -> RepositoryResult<WebProject>;
}
