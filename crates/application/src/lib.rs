//! # prosektor-application
//!
//! The inner ring around the domain: **ports** ([`ports`]), the async-trait interfaces through
//! which use cases reach the outside world (repositories, password hashing, the clock, ids,
//! health), and the **use-case services** ([`services`]) that orchestrate them and decide tenancy
//! and permissions, reporting every refusal as one [`ServiceError`], and the pipeline's
//! [`Worker`] and [`Housekeeper`]. Adapters implement the ports in their own crates (the site
//! generator, the security adapters, persistence).
//!
//! May depend on: `prosektor-domain` and plain Rust crates. Never on sea-orm, poem or any other
//! adapter: adapters depend on this crate, not the other way round. With the `mocks` feature every
//! port the services use has a mockall mock in the `mocks` module for unit tests of services (ours
//! and embedders'); `ConnectionScope`, which only the API's middleware uses, has none.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod digest;
pub mod ports;
pub mod services;
pub mod worker;

pub use ports::activity::ActivityFeed;
pub use ports::changes::{
    CompanyChanges, DetailsChanges, ProfilePatch, ProjectChanges, Transition,
};
pub use ports::clock::{Clock, SystemClock};
pub use ports::company::CompanyRepository;
pub use ports::connection_scope::{ConnectionScope, Intent, ScopedWork};
pub use ports::dashboard::{CompanyFigures, DashboardFigures, InvoiceSummary};
pub use ports::error::{Conflict, RepositoryError, RepositoryResult};
pub use ports::idempotency::{
    Caller, IDEMPOTENCY_WINDOW, IdempotencyStore, Idempotent, IdempotentRequest,
    InvalidIdempotencyKey, StoredResponse, Work,
};
pub use ports::ids::{IdGenerator, UuidV7Generator};
pub use ports::invoice::{InvoiceFilter, InvoiceRepository, NewInvoice};
pub use ports::pages::PageRepository;
pub use ports::paging::{Cursor, Page, PageRequest};
pub use ports::password::{HasherError, PasswordHasher};
pub use ports::pipeline::{LogRetention, PipelineRunRepository, QueueDepth};
pub use ports::project::WebProjectRepository;
pub use ports::readiness::{NotReady, ReadinessProbe};
pub use ports::scope::TenantScope;
pub use ports::site_generator::{GeneratorError, SiteBrief, SiteGenerator};
pub use ports::stats::DailyStatsRepository;
pub use ports::throttle::{Throttle, ThrottleDecision, ThrottleKey, ThrottleRule};
pub use ports::token::{InvalidToken, TokenClaims, TokenCodec};
pub use ports::user::{SessionRecord, UserFilter, UserRepository};
pub use services::{
    ActivityService, Actor, AuthService, CompanyService, DashboardService, InvoiceService, Ports,
    ProjectService, RunService, ServiceError, ServiceResult, Services, StatsService, UserService,
};
pub use worker::{Housekeeper, Worker};

/// mockall mocks of every port the services use (feature `mocks`; always built for this crate's own
/// tests).
#[cfg(any(test, feature = "mocks"))]
pub mod mocks {
    pub use crate::ports::activity::MockActivityFeed;
    pub use crate::ports::clock::MockClock;
    pub use crate::ports::company::MockCompanyRepository;
    pub use crate::ports::dashboard::MockDashboardFigures;
    pub use crate::ports::idempotency::MockIdempotencyStore;
    pub use crate::ports::ids::MockIdGenerator;
    pub use crate::ports::invoice::MockInvoiceRepository;
    pub use crate::ports::pages::MockPageRepository;
    pub use crate::ports::password::MockPasswordHasher;
    pub use crate::ports::pipeline::MockPipelineRunRepository;
    pub use crate::ports::project::MockWebProjectRepository;
    pub use crate::ports::readiness::MockReadinessProbe;
    pub use crate::ports::site_generator::MockSiteGenerator;
    pub use crate::ports::stats::MockDailyStatsRepository;
    pub use crate::ports::throttle::MockThrottle;
    pub use crate::ports::token::MockTokenCodec;
    pub use crate::ports::user::MockUserRepository;
}
