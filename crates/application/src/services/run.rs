//! [`RunService`]: pipeline runs as users see them: start one for a project, list and read runs,
//! cancel, page through a run's log, and read the pages of a generated or published site.
//!
//! One active run per project: a second [`start`](RunService::start) while a run is `QUEUED` or
//! `RUNNING` answers `Conflict(ActiveRunExists)` (HTTP 409) instead of returning the active run,
//! so a client never mistakes an older run, started with another input, for the one it asked for;
//! it can list the project's runs to find the active one.

use std::sync::Arc;

use prosektor_domain::{LogLine, PipelineRun, ProjectId, RunId, RunInput, RunStatus, SitePage};

use super::actor::Actor;
use super::error::{ServiceError, ServiceResult};
use crate::ports::clock::Clock;
use crate::ports::error::{Conflict, RepositoryError};
use crate::ports::ids::IdGenerator;
use crate::ports::pages::PageRepository;
use crate::ports::paging::{Page, PageRequest};
use crate::ports::pipeline::PipelineRunRepository;
use crate::ports::project::WebProjectRepository;

/// Attempts a started run may make before it fails for good.
pub const RUN_MAX_ATTEMPTS: u32 = 3;
/// The most log lines one [`RunService::logs`] call returns.
pub const MAX_LOG_LINES: u32 = 500;

/// Pipeline runs and their artifacts.
#[derive(Clone)]
pub struct RunService {
    runs: Arc<dyn PipelineRunRepository>,
    pages: Arc<dyn PageRepository>,
    projects: Arc<dyn WebProjectRepository>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
}

impl RunService {
    /// A service over these ports.
    pub fn new(
        runs: Arc<dyn PipelineRunRepository>,
        pages: Arc<dyn PageRepository>,
        projects: Arc<dyn WebProjectRepository>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Self {
        Self {
            runs,
            pages,
            projects,
            clock,
            ids,
        }
    }

    /// Queues a run of `project_id` with `input` (admin, or a client of the project's company),
    /// with [`RUN_MAX_ATTEMPTS`] attempts, runnable at once.
    ///
    /// # Errors
    /// `NotFound` (also another tenant's project); `CompanySuspended`;
    /// `Conflict(ActiveRunExists)` while the project has a queued or running run; `Internal`.
    pub async fn start(
        &self,
        actor: &Actor,
        project_id: ProjectId,
        input: RunInput,
    ) -> ServiceResult<PipelineRun> {
        self.project(actor, project_id).await?;
        actor.require_write_access()?;
        let id = RunId::from_uuid(self.ids.new_id());
        let run = PipelineRun::queue(id, project_id, input, RUN_MAX_ATTEMPTS, self.clock.now())?;
        self.runs.enqueue(&run).await?;
        Ok(run)
    }

    /// A run of the actor's tenancy (the repository scopes the read through the run's project).
    ///
    /// # Errors
    /// `NotFound` (also another tenant's); `Internal`.
    pub async fn get(&self, actor: &Actor, id: RunId) -> ServiceResult<PipelineRun> {
        Ok(self.runs.get(actor.scope(), id).await?)
    }

    /// The project's runs, newest first.
    ///
    /// # Errors
    /// `NotFound` for another tenant's or a missing project; `InvalidCursor`; `Internal`.
    pub async fn list_for_project(
        &self,
        actor: &Actor,
        project_id: ProjectId,
        page: &PageRequest,
    ) -> ServiceResult<Page<PipelineRun>> {
        self.project(actor, project_id).await?;
        Ok(self
            .runs
            .list_for_project(actor.scope(), project_id, page)
            .await?)
    }

    /// Cancels a queued or running run (admin, or a client of its company). A running run's
    /// worker notices at its next heartbeat and stops. Cancelling a cancelled run (or racing
    /// another cancel) answers the cancelled run: that is the end state asked for.
    ///
    /// # Errors
    /// `NotFound`; `CompanySuspended`; `Domain(InvalidTransition)` once the run has succeeded or
    /// failed; `Conflict(StaleState)` when the run changed status meanwhile to anything but
    /// cancelled (say, a worker claimed or finished it: try again); `Internal`.
    pub async fn cancel(&self, actor: &Actor, id: RunId) -> ServiceResult<PipelineRun> {
        let mut run = self.get(actor, id).await?;
        actor.require_write_access()?;
        if run.status() == RunStatus::Cancelled {
            return Ok(run);
        }
        let expected = run.status();
        run.cancel(self.clock.now())?;
        match self.runs.save(&run, expected).await {
            Ok(()) => Ok(run),
            Err(RepositoryError::Conflict(Conflict::StaleState)) => {
                // Another cancel may have won: that is the end state asked for.
                let current = self.get(actor, id).await?;
                if current.status() == RunStatus::Cancelled {
                    Ok(current)
                } else {
                    Err(ServiceError::Conflict(Conflict::StaleState))
                }
            }
            Err(other) => Err(other.into()),
        }
    }

    /// The run's log lines with `seq > after_seq`, in order, at most `limit` of them (clamped to
    /// 1..=[`MAX_LOG_LINES`]). Following a live run is polling with the last `seq` seen.
    ///
    /// # Errors
    /// `NotFound` (also another tenant's run); `Internal`.
    pub async fn logs(
        &self,
        actor: &Actor,
        id: RunId,
        after_seq: i64,
        limit: u32,
    ) -> ServiceResult<Vec<LogLine>> {
        let limit = limit.clamp(1, MAX_LOG_LINES);
        Ok(self
            .runs
            .logs(actor.scope(), id, after_seq.max(0), limit)
            .await?)
    }

    /// The page at `path` of the project's published site.
    ///
    /// # Errors
    /// `NotFound` (no such project or page, nothing published yet, or another tenant's);
    /// `Internal`.
    pub async fn site_page(
        &self,
        actor: &Actor,
        project_id: ProjectId,
        path: &str,
    ) -> ServiceResult<SitePage> {
        Ok(self
            .pages
            .published_page(actor.scope(), project_id, path)
            .await?)
    }

    /// The page at `path` of the project's published site, for anyone, while the project is
    /// `LIVE`: that is the company's public website (nothing unpublished, no run's draft, no
    /// paused or archived project's site is reachable this way).
    ///
    /// # Errors
    /// `NotFound` (no such project or page, not `LIVE`, or nothing published yet); `Internal`.
    pub async fn public_site_page(
        &self,
        project_id: ProjectId,
        path: &str,
    ) -> ServiceResult<SitePage> {
        Ok(self.pages.live_page(project_id, path).await?)
    }

    /// The page at `path` of the site run `id` generated.
    ///
    /// # Errors
    /// `NotFound` (no such run or page, or another tenant's); `Internal`.
    pub async fn run_page(&self, actor: &Actor, id: RunId, path: &str) -> ServiceResult<SitePage> {
        Ok(self.pages.run_page(actor.scope(), id, path).await?)
    }

    /// Checks that the project exists within the actor's tenancy.
    async fn project(&self, actor: &Actor, project_id: ProjectId) -> ServiceResult<()> {
        let project = self.projects.get(actor.scope(), project_id).await?;
        // The repository scopes the read; checking again keeps the decision in this layer.
        actor.check_tenant(project.company_id())
    }
}

#[cfg(test)]
mod tests;
