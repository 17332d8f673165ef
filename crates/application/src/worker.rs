//! [`Worker`]: executes pipeline runs claimed from the queue, one at a time, through five named
//! steps, and [`Housekeeper`]: recovers runs whose worker died and purges old runs.
//!
//! The steps of a run, each logging lines and followed by a heartbeat (before which the step's
//! lines are written, in one batch; an attempt's log is capped by [`LogCap::DEFAULT`]):
//!
//! 1. `gather`: the project, its company and the company's details, as a [`SiteBrief`];
//! 2. `plan`: the site map ([`SiteGenerator::plan`]);
//! 3. `generate`: each planned page ([`SiteGenerator::generate_page`], a log line per page);
//! 4. `assemble`: the pages validated as one site ([`GeneratedSite::assemble`]);
//! 5. `publish`: the site stored as the run's artifact, published on its project, and the run
//!    finished `SUCCEEDED`, all in one transaction ([`PageRepository::publish_finished`]): a
//!    project never points at a run that then fails.
//!
//! Delivery is at least once: a run whose worker died is recovered and executed again. Every
//! step is safe to repeat (reads, a fresh plan and pages, and a publish that replaces the run's
//! pages). A heartbeat or publish answering `Conflict(StaleState)` means the run was cancelled or
//! recovered (and maybe claimed by another worker): the worker stops at once and finishes
//! nothing. The worker holds no async runtime types: the server polls [`Worker::run_once`].
//!
//! A failure the worker cannot record because storage does not answer (the database restarting
//! mid-run) is kept, and recorded by the next [`Worker::run_once`] before it claims anything, as
//! soon as storage answers again: the run is requeued (or failed) with the reason within seconds,
//! not when its heartbeat goes stale.

mod housekeeping;

pub use housekeeping::{Housekeeper, PURGE_BATCH};

use std::sync::{Arc, Mutex, PoisonError};

use prosektor_domain::{
    GeneratedSite, LogBuffer, LogCap, LogLevel, NewLogLine, PipelineRun, RunStatus,
};
use tracing::Instrument;

use crate::ports::clock::Clock;
use crate::ports::company::CompanyRepository;
use crate::ports::error::{Conflict, RepositoryError, RepositoryResult};
use crate::ports::pages::PageRepository;
use crate::ports::pipeline::PipelineRunRepository;
use crate::ports::project::WebProjectRepository;
use crate::ports::scope::TenantScope;
use crate::ports::site_generator::{GeneratorError, SiteBrief, SiteGenerator};
use crate::services::Ports;

/// Why a run's steps stopped before the end.
#[derive(Debug)]
enum Stop {
    /// The worker no longer holds the run (cancelled, recovered, deleted): finish nothing.
    Lost,
    /// The attempt failed with this message; `retry` says whether another attempt may help.
    Failed {
        /// For the log and the run's `error`.
        message: String,
        /// Whether to requeue while attempts remain ([`PipelineRun::fail_or_retry`]).
        retry: bool,
    },
}

impl From<RepositoryError> for Stop {
    fn from(error: RepositoryError) -> Self {
        match error {
            RepositoryError::Conflict(Conflict::StaleState) | RepositoryError::NotFound => {
                Self::Lost
            }
            other => Self::Failed {
                message: other.to_string(),
                retry: true,
            },
        }
    }
}

impl From<GeneratorError> for Stop {
    fn from(error: GeneratorError) -> Self {
        // A deterministic refusal would only repeat itself: fail at once.
        Self::Failed {
            retry: error.is_transient(),
            message: error.to_string(),
        }
    }
}

/// A run whose failed attempt storage did not let the worker record, with the reason.
#[derive(Debug, Clone)]
struct Unrecorded {
    run: PipelineRun,
    reason: String,
}

/// Executes claimed runs. Cheap to clone; each clone must get its own [`name`](Worker::named).
#[derive(Clone)]
pub struct Worker {
    name: String,
    /// This worker's failure still to record (shared by clones of one name only).
    unrecorded: Arc<Mutex<Option<Unrecorded>>>,
    /// The lines of the held run's attempt not written yet (shared by clones of one name only).
    pending_log: Arc<Mutex<LogBuffer>>,
    runs: Arc<dyn PipelineRunRepository>,
    pages: Arc<dyn PageRepository>,
    companies: Arc<dyn CompanyRepository>,
    projects: Arc<dyn WebProjectRepository>,
    generator: Arc<dyn SiteGenerator>,
    clock: Arc<dyn Clock>,
}

impl Worker {
    /// A worker called `name` (unique among live workers: heartbeats and finishes are accepted
    /// from the holding worker only) over the ports it needs.
    pub fn new(name: impl Into<String>, ports: &Ports) -> Self {
        Self {
            name: name.into(),
            unrecorded: Arc::default(),
            pending_log: Arc::new(Mutex::new(LogBuffer::new(LogCap::DEFAULT))),
            runs: ports.runs.clone(),
            pages: ports.pages.clone(),
            companies: ports.companies.clone(),
            projects: ports.projects.clone(),
            generator: ports.generator.clone(),
            clock: ports.clock.clone(),
        }
    }

    /// This worker under another name, sharing its ports.
    #[must_use]
    pub fn named(&self, name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            unrecorded: Arc::default(),
            pending_log: Arc::new(Mutex::new(LogBuffer::new(LogCap::DEFAULT))),
            ..self.clone()
        }
    }

    /// The worker's name, as recorded on the runs it holds.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Records the failure storage refused last time, if any; then claims the oldest runnable run
    /// and executes it to its end: `Ok(false)` when nothing was runnable, `Ok(true)` once a
    /// claimed run succeeded, failed, was requeued for a retry or was lost (cancelled or
    /// recovered meanwhile).
    ///
    /// # Errors
    /// The claim's errors; failing to record a run's failure (it is kept, and recorded by a later
    /// call; if this worker stops first, the run is recovered once its heartbeat is stale).
    pub async fn run_once(&self) -> RepositoryResult<bool> {
        self.record_unrecorded().await?;
        let Some(mut run) = self.runs.claim_next(&self.name, self.clock.now()).await? else {
            return Ok(false);
        };
        *self.buffer() = LogBuffer::new(LogCap::DEFAULT);
        let span = tracing::info_span!(
            "run",
            run_id = %run.id(),
            attempt = run.attempt(),
            worker = %self.name
        );
        let outcome = async {
            tracing::info!("run claimed");
            let outcome = match self.steps(&run).await {
                Ok(site) => {
                    timed("publish", self.succeed(&mut run, &site)).await?;
                    outcome_of(&run)
                }
                // Cancelled or recovered meanwhile: whoever changed it owns its state now.
                Err(Stop::Lost) => "lost",
                Err(Stop::Failed { message, retry }) => {
                    self.fail(&mut run, &message, retry).await?;
                    outcome_of(&run)
                }
            };
            tracing::info!(outcome, "run left");
            Ok::<_, RepositoryError>(outcome)
        }
        .instrument(span)
        .await?;
        metrics::counter!("runs_total", "outcome" => outcome).increment(1);
        Ok(true)
    }

    /// The steps up to the assembled site, which the last step publishes; `Err` says why they
    /// stopped.
    async fn steps(&self, run: &PipelineRun) -> Result<GeneratedSite, Stop> {
        let brief = timed("gather", async {
            let n = format!("attempt {} of {}", run.attempt(), run.max_attempts());
            self.log(LogLevel::Info, &format!("[1/5] gather: {n}"));
            let brief = self.gather(run).await?;
            self.log(LogLevel::Info, &brief_line(&brief));
            self.beat(run).await?;
            Ok::<_, Stop>(brief)
        })
        .await?;

        let plan = timed("plan", async {
            let plan = self.generator.plan(&brief).await?;
            let paths: Vec<&str> = plan.pages().iter().map(|p| p.path.as_str()).collect();
            let line = format!(
                "[2/5] plan: {} pages by generator {}: {}",
                paths.len(),
                self.generator.name(),
                paths.join(", ")
            );
            self.log(LogLevel::Info, &line);
            self.beat(run).await?;
            Ok::<_, Stop>(plan)
        })
        .await?;

        let pages = timed("generate", async {
            let mut pages = Vec::with_capacity(plan.pages().len());
            for planned in plan.pages() {
                let page = self.generator.generate_page(&brief, planned).await?;
                let line = format!(
                    "[3/5] generate: {} ({} bytes)",
                    page.path(),
                    page.body().len()
                );
                self.log(LogLevel::Info, &line);
                pages.push(page);
                self.beat(run).await?;
            }
            Ok::<_, Stop>(pages)
        })
        .await?;

        timed("assemble", async {
            let site = GeneratedSite::assemble(pages).map_err(GeneratorError::from)?;
            let line = format!(
                "[4/5] assemble: {} pages valid, {} bytes",
                site.pages().len(),
                site.total_bytes()
            );
            self.log(LogLevel::Info, &line);
            self.beat(run).await?;
            Ok(site)
        })
        .await
    }

    /// Step 1's reads, as the brief the generator works from.
    async fn gather(&self, run: &PipelineRun) -> Result<SiteBrief, Stop> {
        let project = self.projects.get(TenantScope::All, run.project_id()).await;
        let project = project.map_err(gone("the project"))?;
        let company_id = project.company_id();
        let company = self.companies.get(TenantScope::All, company_id).await;
        let company = company.map_err(gone("the company"))?;
        let details = self
            .companies
            .get_details(TenantScope::All, company_id)
            .await;
        let details = details.map_err(gone("the company's details"))?;
        Ok(SiteBrief::new(&company, &details, &project)?)
    }

    /// Step 5: publishes `site` and finishes the run `SUCCEEDED` in one transaction, logged before
    /// (a follower sees the last line first). A run lost meanwhile publishes nothing; a failure
    /// to store fails the attempt (retried while attempts remain).
    async fn succeed(&self, run: &mut PipelineRun, site: &GeneratedSite) -> RepositoryResult<()> {
        let line = format!("[5/5] publish: {} pages", site.pages().len());
        for line in [line.as_str(), "run succeeded"] {
            self.log(LogLevel::Info, line);
        }
        self.buffer().close(self.clock.now());
        if let Err(Stop::Failed { message, .. }) = self.flush(run).await {
            return self.fail(run, &message, true).await;
        }
        let mut finished = run.clone();
        finished
            .succeed(self.clock.now())
            .map_err(RepositoryError::Corrupt)?;
        match self
            .pages
            .publish_finished(&finished, &self.name, site)
            .await
        {
            Ok(()) => {
                *run = finished;
                Ok(())
            }
            Err(RepositoryError::Conflict(Conflict::StaleState) | RepositoryError::NotFound) => {
                Ok(())
            }
            Err(error) => self.fail(run, &error.to_string(), true).await,
        }
    }

    /// Logs `message` as an error and fails the attempt (requeued while attempts remain and
    /// `retry`). When storage refuses the record, the failure is kept for a later
    /// [`Worker::run_once`]; when it refused only the log line, the line is written late.
    async fn fail(
        &self,
        run: &mut PipelineRun,
        message: &str,
        retry: bool,
    ) -> RepositoryResult<()> {
        // A log that cannot be written must not keep the failure from being recorded.
        self.log(LogLevel::Error, message);
        self.buffer().close(self.clock.now());
        let logged = self.flush(run).await.is_ok();
        let now = self.clock.now();
        let failed = if retry {
            run.fail_or_retry(message, now)
        } else {
            run.fail(message, now)
        };
        failed.map_err(RepositoryError::Corrupt)?;
        if let Err(error) = self.finish(run).await {
            self.keep_unrecorded(Some(Unrecorded {
                run: run.clone(),
                reason: message.to_owned(),
            }));
            return Err(error);
        }
        if !logged {
            self.log_late(run, message).await;
        }
        Ok(())
    }

    /// Records the failure kept by an earlier call, and logs it on the run; the run is left alone
    /// if it was recovered or cancelled meanwhile.
    async fn record_unrecorded(&self) -> RepositoryResult<()> {
        let kept = self
            .unrecorded
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let Some(Unrecorded { run, reason }) = kept else {
            return Ok(());
        };
        self.finish(&run).await?;
        self.keep_unrecorded(None);
        self.log_late(&run, &reason).await;
        Ok(())
    }

    /// Logs, once storage answers again, why an attempt of `run` failed; the failure is recorded
    /// already, so a line that still cannot be written changes nothing.
    async fn log_late(&self, run: &PipelineRun, reason: &str) {
        let line = format!(
            "attempt {} failed: {reason} (logged once storage answered again)",
            run.attempt()
        );
        // The attempt is over: the line goes after the run's last, whoever holds it now.
        let _ = self
            .runs
            .append_log(run.id(), LogLevel::Error, &line, self.clock.now())
            .await;
    }

    fn keep_unrecorded(&self, unrecorded: Option<Unrecorded>) {
        *self
            .unrecorded
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = unrecorded;
    }

    /// Saves the run as this worker leaves it; a run lost meanwhile is left as it is.
    async fn finish(&self, run: &PipelineRun) -> RepositoryResult<()> {
        match self.runs.finish(run, &self.name).await {
            Ok(()) => Ok(()),
            Err(RepositoryError::Conflict(Conflict::StaleState) | RepositoryError::NotFound) => {
                Ok(())
            }
            Err(error) => Err(error),
        }
    }

    /// Logs a line on the held run, written with the step's batch.
    fn log(&self, level: LogLevel, message: &str) {
        self.buffer().push(self.line(level, message));
    }

    /// A line logged now; a message the log cannot hold (blank, too long) is logged as what it
    /// was instead, so that logging never stops a run.
    fn line(&self, level: LogLevel, message: &str) -> NewLogLine {
        let now = self.clock.now();
        NewLogLine::new(now, level, message).unwrap_or_else(|error| {
            let note = format!("a log line was refused: {error}");
            NewLogLine::new(now, level, &note).expect("a short, non-blank message")
        })
    }

    /// Writes the lines logged since the last batch; `Lost` when this worker no longer holds the
    /// run. Lines that storage refused stay buffered, before newer ones, for the next batch.
    async fn flush(&self, run: &PipelineRun) -> Result<(), Stop> {
        let batch = self.buffer().take();
        if let Err(error) = self.runs.append_logs(run, &self.name, &batch).await {
            let stop = Stop::from(error);
            if matches!(stop, Stop::Failed { .. }) {
                self.buffer().put_back(batch);
            }
            return Err(stop);
        }
        Ok(())
    }

    fn buffer(&self) -> std::sync::MutexGuard<'_, LogBuffer> {
        self.pending_log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Writes the step's lines and heartbeats the run; `Lost` when this worker no longer holds it.
    async fn beat(&self, run: &PipelineRun) -> Result<(), Stop> {
        self.flush(run).await?;
        self.runs
            .heartbeat(run.id(), &self.name, self.clock.now())
            .await?;
        Ok(())
    }
}

/// Runs step `name`, recording how long it took in `run_step_duration_seconds{step}`.
async fn timed<T>(name: &'static str, step: impl Future<Output = T>) -> T {
    let started = std::time::Instant::now();
    let result = step.await;
    metrics::histogram!("run_step_duration_seconds", "step" => name)
        .record(started.elapsed().as_secs_f64());
    result
}

/// How an attempt left the run, for `runs_total{outcome}`: `succeeded`, `retried` (requeued),
/// `failed`, or `lost` (cancelled or recovered meanwhile, so left as it was).
fn outcome_of(run: &PipelineRun) -> &'static str {
    match run.status() {
        RunStatus::Succeeded => "succeeded",
        RunStatus::Queued => "retried",
        RunStatus::Failed => "failed",
        RunStatus::Running | RunStatus::Cancelled => "lost",
    }
}

/// Maps a failed read of step 1: a missing row fails the run for good (a retry will not bring
/// it back), other errors are storage errors.
fn gone(what: &'static str) -> impl FnOnce(RepositoryError) -> Stop {
    move |error| match error {
        RepositoryError::NotFound => Stop::Failed {
            message: format!("{what} no longer exists"),
            retry: false,
        },
        other => Stop::from(other),
    }
}

/// The log line naming what step 1 gathered.
fn brief_line(brief: &SiteBrief) -> String {
    let city = brief.city.as_ref().map_or("-", |city| city.as_str());
    format!(
        "gathered company {:?} ({city}) and project {:?}",
        brief.company_name.as_str(),
        brief.project_name.as_str()
    )
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests;
