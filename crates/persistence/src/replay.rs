//! The SQL the repositories send for the benchmark's read patterns, with the helpers that build
//! their arguments, exactly as the repositories use them (feature `replay`). The benchmark sends
//! the same statements through pgbench, so that its "API against raw PostgreSQL" ratio compares
//! like with like and a change to a repository's SQL changes both sides. Nothing here is part of
//! the adapter's API: production builds leave the feature off.

/// The recent-activity feed: the first page's statement.
pub mod activity {
    pub use crate::repositories::activity::feed_page;
}

/// Company search and autocomplete.
pub mod company {
    pub use crate::repositories::company::{AUTOCOMPLETE_SQL, SEARCH_SQL, may_be_tax_id};
}

/// A company's dashboard figures.
pub mod dashboard {
    pub use crate::repositories::dashboard::{DASHBOARD_SQL, dashboard_arguments};
}

/// A company's active projects.
pub mod project {
    pub use crate::repositories::project::ACTIVE_PROJECTS_SQL;
}

/// A project's daily analytics over a range.
pub mod stats {
    pub use crate::repositories::stats::{STATS_RANGE_SQL, stats_range_arguments};
}

/// The session check of every request and the caller's profile.
pub mod user {
    pub use crate::repositories::user::{PROFILE_SQL, SESSION_SQL};
}
