//! # ProSektor's domain
//!
//! The business rules of ProSektor, an OSGB (occupational health and safety unit) platform: the
//! entities, their value objects and invariants, and the one error type that says what was refused.
//! The crate is pure: no IO, no async, no database or web types. `serde` support sits behind the
//! optional `serde` feature, and deserializing always goes through the same validation as the
//! constructors.
//!
//! ## A guided tour
//!
//! - [`error`]: [`DomainError`], whose [`code`](DomainError::code) is a stable machine code, and
//!   [`ValidationReason`]. Every fallible function returns [`DomainResult`].
//! - [`ids`]: one UUID newtype per entity ([`CompanyId`], [`UserId`], ...).
//! - Shared value objects: [`Email`], [`Phone`] (E.164 from Turkish input), [`TaxId`] (VKN/TCKN
//!   with check digits), [`DomainName`], and in [`money`] [`Money`] (`NUMERIC(12,2)`) and
//!   [`TaxRate`] (KDV).
//! - [`company`]: the tenant, [`Company`], its [`CompanyStatus`] machine and its one-to-one
//!   [`CompanyDetails`] and the [`CompanySuggestion`] autocomplete offers.
//! - [`search`]: [`SearchText`], what a search of companies or users looks for.
//! - [`user`]: [`User`] (role, soft delete, and the [`SessionVersion`] that logs out every token),
//!   and the one-to-one [`UserProfile`] with its [`Preferences`].
//! - [`invoice`]: [`Invoice`], with [`InvoiceNo`] (`2024-001`), [`InvoiceAmounts`] (the total is
//!   always `subtotal + tax`) and the `DRAFT -> SENT -> PAID` machine of [`InvoiceStatus`].
//! - [`project`]: [`WebProject`], a website built for a company, and its [`ProjectStatus`].
//! - [`site`]: the website a run generates: [`SitePlan`], [`SitePage`]s at [`PagePath`]s, and the
//!   [`GeneratedSite`] that passed the rules every site keeps.
//! - [`pipeline`]: [`PipelineRun`], an AI generation job with retries and heartbeats, and its
//!   [`LogLine`]s.
//! - [`stats`]: [`DailyStats`] with its [`Breakdown`] counters, [`DateRange`] and [`zero_fill`].
//! - [`activity`]: [`Activity`], one event of the recent-activity feed (an invoice issued, paid or
//!   voided, a project gone live, a run finished), about its [`ActivitySubject`].
//! - [`version`]: [`RowVersion`], the version every changeable resource carries for optimistic
//!   concurrency (`If-Match`).
//!
//! ## Conventions
//!
//! - Value objects are newtypes with private fields, built by a validating `new` or `parse`, and
//!   expose their normal form through `as_str`/getters. Text is trimmed first.
//! - Entities keep their fields private and change only through methods that uphold their
//!   invariants. Storage rebuilds them from a public `…Parts` struct through a checked `from_parts`
//!   (or an infallible `restore` where any combination of valid fields is valid).
//! - Status enums share one shape: `as_str`/`parse` with the stored wire name, `can_transition_to`
//!   with the documented table, and `transition_to`, which fails with
//!   [`DomainError::InvalidTransition`].
//! - The domain never reads the clock or generates ids: times and ids are arguments.
//!
//! ```
//! use chrono::Utc;
//! use prosektor_domain::{Company, CompanyId, CompanyName, CompanyStatus, DomainError, TaxId};
//!
//! let mut company = Company::new(
//!     CompanyId::new_v7(),
//!     CompanyName::parse("Şişli OSGB").unwrap(),
//!     Some(TaxId::parse("4540536920").unwrap()),
//!     Utc::now(),
//! );
//! company.change_status(CompanyStatus::Active).unwrap();
//! let refused = company.change_status(CompanyStatus::Lead).unwrap_err();
//! assert_eq!(refused.code(), "invalid_transition");
//! assert!(matches!(refused, DomainError::InvalidTransition { entity: "company", .. }));
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod enums;
mod text;

pub mod activity;
pub mod company;
pub mod domain_name;
pub mod email;
pub mod error;
pub mod ids;
pub mod invoice;
pub mod money;
pub mod phone;
pub mod pipeline;
pub mod project;
pub mod search;
pub mod site;
pub mod stats;
pub mod tax_id;
pub mod user;
pub mod version;

pub use activity::{Activity, ActivityKind, ActivitySubject};
pub use company::{
    Address, City, ClientAccess, Company, CompanyDetails, CompanyName, CompanyStatus,
    CompanySuggestion, DangerClass, NaceCode,
};
pub use domain_name::DomainName;
pub use email::Email;
pub use error::{DomainError, DomainResult, ValidationReason};
pub use ids::{ActivityId, CompanyId, InvoiceId, ProjectId, RunId, StatsId, UserId};
pub use invoice::{Buyer, Invoice, InvoiceAmounts, InvoiceNo, InvoiceParts, InvoiceStatus};
pub use money::{Money, TaxRate};
pub use phone::Phone;
pub use pipeline::{
    LogBuffer, LogCap, LogLevel, LogLine, LogVolume, NewLogLine, PipelineRun, PipelineRunParts,
    RunInput, RunStatus, retry_backoff,
};
pub use project::{ProjectName, ProjectStatus, WebProject};
pub use search::SearchText;
pub use site::{GeneratedSite, InvalidSite, PagePath, PlannedPage, SitePage, SitePlan};
pub use stats::{
    Breakdown, BreakdownMap, DailyStats, DailyStatsParts, DateRange, DayPoint, StatsIncrement,
    zero_fill,
};
pub use tax_id::{TaxId, TaxIdKind};
pub use user::{
    AvatarUrl, Locale, PasswordHash, PersonName, PlainPassword, Preferences, Role, SessionVersion,
    Theme, User, UserParts, UserProfile,
};
pub use version::RowVersion;
