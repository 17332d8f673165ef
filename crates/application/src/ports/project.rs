//! [`WebProjectRepository`]: the websites built for companies, and the active ones (access
//! pattern 2).

use async_trait::async_trait;
use prosektor_domain::{CompanyId, ProjectId, ProjectStatus, WebProject};

use super::error::RepositoryResult;
use super::page::{Page, PageRequest};
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

    /// How many active projects the company has.
    ///
    /// # Errors
    /// `Unavailable`.
    async fn count_active(&self, company_id: CompanyId) -> RepositoryResult<u64>;

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

    /// Saves name, domain, status and `updated_at`, if the stored status is still `expected`.
    ///
    /// # Errors
    /// `NotFound`; `Conflict(StaleState)`; `Conflict(DomainTaken)`; `Unavailable`.
    async fn save(&self, project: &WebProject, expected: ProjectStatus) -> RepositoryResult<()>;
}
