//! Use-case services: what the API calls, one service per area, each taking the acting user.
//!
//! Every method receives an [`Actor`] and decides, before touching storage, whether that actor may
//! act (SPEC §5): an admin-only action answers [`ServiceError::Forbidden`] to a client, and another
//! company's resource answers [`ServiceError::NotFound`], exactly like a missing one. Reads pass
//! the actor's [`TenantScope`](crate::TenantScope) to the repositories, which scope their SQL too.
//! State changes go through the domain, then a conditional save that names the status (or session
//! version) read, so a lost race surfaces as `Conflict(StaleState)`.
//!
//! Services hold their ports as `Arc<dyn Port>` and are cheap to clone. [`Services`] builds them
//! all from one [`Ports`] bundle, for the server's composition root.

mod activity;
mod actor;
mod auth;
mod company;
mod dashboard;
mod error;
mod ingest_key;
mod invoice;
mod limits;
mod project;
mod run;
mod stats;
mod user;

#[cfg(test)]
pub(crate) mod test_support;

use std::fmt;
use std::sync::Arc;

pub use crate::ports::changes::ProfilePatch;
pub use activity::ActivityService;
pub use actor::Actor;
pub use auth::{AuthService, Session};
pub use company::{CompanyService, CompanyUpdate, NewCompany};
pub use dashboard::{Dashboard, DashboardService, VISITOR_WINDOW_DAYS};
pub use error::{ServiceError, ServiceResult};
pub use ingest_key::IngestKey;
pub use invoice::{InvoiceDraft, InvoiceService, InvoiceTax};
pub use limits::{ACCOUNT_FAILURES, CLIENT_FAILURES, INGESTIONS_PER_MINUTE, LOGIN_WINDOW, Limits};
pub use project::ProjectService;
pub use run::{MAX_LOG_LINES, RUN_MAX_ATTEMPTS, RunService};
pub use stats::{StatsSeries, StatsService};
pub use user::{NewUser, UserAccount, UserService};

use crate::ports::activity::ActivityFeed;
use crate::ports::clock::Clock;
use crate::ports::company::CompanyRepository;
use crate::ports::dashboard::DashboardFigures;
use crate::ports::idempotency::IdempotencyStore;
use crate::ports::ids::IdGenerator;
use crate::ports::invoice::InvoiceRepository;
use crate::ports::pages::PageRepository;
use crate::ports::password::PasswordHasher;
use crate::ports::pipeline::PipelineRunRepository;
use crate::ports::project::WebProjectRepository;
use crate::ports::site_generator::SiteGenerator;
use crate::ports::stats::DailyStatsRepository;
use crate::ports::throttle::Throttle;
use crate::ports::token::TokenCodec;
use crate::ports::user::UserRepository;

/// Refuses a change decided on a resource read at `read` when the caller expected another version
/// (`If-Match` is evaluated before anything else, as HTTP says).
///
/// # Errors
/// [`ServiceError::PreconditionFailed`] when `if_match` is given and is not `read`.
fn check_version(
    read: prosektor_domain::RowVersion,
    if_match: Option<prosektor_domain::RowVersion>,
) -> ServiceResult<()> {
    match if_match {
        Some(expected) if expected != read => Err(ServiceError::PreconditionFailed),
        _ => Ok(()),
    }
}

/// Every port the services need, as the composition root hands them over.
#[derive(Clone)]
pub struct Ports {
    /// Users and profiles.
    pub users: Arc<dyn UserRepository>,
    /// Companies and their details.
    pub companies: Arc<dyn CompanyRepository>,
    /// Invoices.
    pub invoices: Arc<dyn InvoiceRepository>,
    /// Web projects.
    pub projects: Arc<dyn WebProjectRepository>,
    /// Daily analytics.
    pub stats: Arc<dyn DailyStatsRepository>,
    /// Dashboards' figures.
    pub dashboards: Arc<dyn DashboardFigures>,
    /// The recent-activity feed.
    pub activity: Arc<dyn ActivityFeed>,
    /// Pipeline runs, their queue and logs.
    pub runs: Arc<dyn PipelineRunRepository>,
    /// The pages runs generated and the sites projects publish.
    pub pages: Arc<dyn PageRepository>,
    /// What the pipeline workers generate sites with.
    pub generator: Arc<dyn SiteGenerator>,
    /// Password hashing.
    pub hasher: Arc<dyn PasswordHasher>,
    /// Bearer tokens: issued at login, verified on every request.
    pub tokens: Arc<dyn TokenCodec>,
    /// Attempt counters shared by every instance (login failures, ingestion).
    pub throttle: Arc<dyn Throttle>,
    /// Stored responses of requests sent with an idempotency key (the API's and the
    /// housekeeping's, not the services').
    pub idempotency: Arc<dyn IdempotencyStore>,
    /// The time.
    pub clock: Arc<dyn Clock>,
    /// New ids.
    pub ids: Arc<dyn IdGenerator>,
}

/// Every use-case service, built over one set of ports.
#[derive(Debug, Clone)]
pub struct Services {
    /// Login, sessions, password change.
    pub auth: AuthService,
    /// User administration and self-service profiles.
    pub users: UserService,
    /// Companies and their details.
    pub companies: CompanyService,
    /// Invoices.
    pub invoices: InvoiceService,
    /// Web projects.
    pub projects: ProjectService,
    /// Pipeline runs and their sites.
    pub runs: RunService,
    /// Analytics.
    pub stats: StatsService,
    /// Dashboards.
    pub dashboard: DashboardService,
    /// The recent-activity feed.
    pub activity: ActivityService,
}

impl Services {
    /// Builds every service over `ports`, with the default [`Limits`].
    pub fn new(ports: &Ports) -> Self {
        Self::with_limits(ports, Limits::default())
    }

    /// Builds every service over `ports`, limiting attempts as `limits` says.
    pub fn with_limits(ports: &Ports, limits: Limits) -> Self {
        let Ports {
            users,
            companies,
            invoices,
            projects,
            stats,
            dashboards,
            activity,
            runs,
            pages,
            generator: _,
            hasher,
            tokens,
            throttle,
            idempotency: _,
            clock,
            ids,
        } = ports;
        Self {
            auth: AuthService::new(
                users.clone(),
                hasher.clone(),
                tokens.clone(),
                throttle.clone(),
                clock.clone(),
                limits,
            ),
            users: UserService::new(
                users.clone(),
                companies.clone(),
                hasher.clone(),
                clock.clone(),
                ids.clone(),
            ),
            companies: CompanyService::new(companies.clone(), clock.clone(), ids.clone()),
            invoices: InvoiceService::new(invoices.clone(), clock.clone(), ids.clone()),
            projects: ProjectService::new(
                projects.clone(),
                companies.clone(),
                clock.clone(),
                ids.clone(),
            ),
            runs: RunService::new(
                runs.clone(),
                pages.clone(),
                projects.clone(),
                clock.clone(),
                ids.clone(),
            ),
            stats: StatsService::new(
                stats.clone(),
                projects.clone(),
                ids.clone(),
                throttle.clone(),
                clock.clone(),
                limits.ingestion,
            ),
            dashboard: DashboardService::new(dashboards.clone(), clock.clone()),
            activity: ActivityService::new(activity.clone()),
        }
    }
}

/// `Debug` for types holding `Arc<dyn Port>`s, which have none: the name only.
macro_rules! opaque_debug {
    ($($name:ty),+ $(,)?) => {$(
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name)).finish_non_exhaustive()
            }
        }
    )+};
}

opaque_debug!(
    Ports,
    AuthService,
    UserService,
    CompanyService,
    InvoiceService,
    ProjectService,
    RunService,
    StatsService,
    DashboardService,
    ActivityService,
);
