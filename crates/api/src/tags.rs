//! The tags that group operations in the OpenAPI document.

use poem_openapi::Tags;

/// Operation groups of the API.
#[derive(Debug, Tags)]
pub enum ApiTags {
    /// Liveness and readiness probes.
    Health,
    /// Login, sessions and one's own profile.
    Auth,
    /// User administration (admins).
    Users,
    /// Companies (tenants), their details, search and dashboard.
    Companies,
    /// Invoices.
    Invoices,
    /// Web projects.
    Projects,
    /// Analytics.
    Stats,
    /// Website generation runs, their logs and the generated sites.
    Runs,
    /// The recent-activity feed.
    Activity,
}
