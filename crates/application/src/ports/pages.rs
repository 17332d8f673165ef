//! [`PageRepository`]: the pages runs generated (their artifacts) and the site each project
//! publishes.
//!
//! A separate port from [`PipelineRunRepository`](super::pipeline::PipelineRunRepository): the
//! queue moves runs through their states, this port stores what a run produced. Publishing is
//! idempotent (it replaces the run's pages), so a run delivered twice stores one site.

use async_trait::async_trait;
use prosektor_domain::{GeneratedSite, PipelineRun, ProjectId, RunId, SitePage};

use super::error::RepositoryResult;
use super::scope::TenantScope;

/// Stores generated sites and serves their pages.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait PageRepository: Send + Sync {
    /// In one transaction, if `worker` still holds `run`'s attempt (`RUNNING`, its worker):
    /// replaces the run's pages with `site`'s, makes the run its project's published site, and
    /// saves `run` as it finished (`SUCCEEDED`). So a project never points at a run that did not
    /// succeed, and a run never succeeds without its site.
    ///
    /// # Errors
    /// `Conflict(StaleState)` when the run is not running or held by another worker or attempt
    /// (cancelled or recovered meanwhile: nothing is stored); `NotFound`; `Unavailable`.
    async fn publish_finished(
        &self,
        run: &PipelineRun,
        worker: &str,
        site: &GeneratedSite,
    ) -> RepositoryResult<()>;

    /// The page at `path` of the site run `run_id` generated, if the run's project's company is
    /// visible in `scope`.
    ///
    /// # Errors
    /// `NotFound` (no such run, page, or another tenant's); `Corrupt`; `Unavailable`.
    async fn run_page(
        &self,
        scope: TenantScope,
        run_id: RunId,
        path: &str,
    ) -> RepositoryResult<SitePage>;

    /// The page at `path` of the project's published site, if its company is visible in `scope`.
    ///
    /// # Errors
    /// `NotFound` (no such project, no published site, no such page, or another tenant's);
    /// `Corrupt`; `Unavailable`.
    async fn published_page(
        &self,
        scope: TenantScope,
        project_id: ProjectId,
        path: &str,
    ) -> RepositoryResult<SitePage>;

    /// The page at `path` of the project's published site while the project is `LIVE` (its
    /// public website; a paused or archived project serves nothing), for anyone.
    ///
    /// # Errors
    /// `NotFound` (no such project, not `LIVE`, no published site, no such page); `Corrupt`;
    /// `Unavailable`.
    async fn live_page(&self, project_id: ProjectId, path: &str) -> RepositoryResult<SitePage>;
}
