//! # prosektor-dataset
//!
//! Deterministic bulk data for the benchmarks and the index proof: [`load`] fills an empty,
//! migrated database at a [`Scale`] with `generate_series` inserts (one statement per table, no
//! round trip per row). The same scale always gives the same rows: every id and value is a
//! function of the row number. Constraints hold for every row, so the data is what the API could
//! have written (its test reads every table back through the repositories).
//!
//! A tool crate: no production crate depends on it. May depend on: sea-orm (to send the script),
//! `prosektor-progress`. Not on the adapters: it writes SQL against the migrated schema.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

use prosektor_progress::Progress;
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, Statement, TransactionTrait};

/// How much data to load (SPEC §6 and the benchmarks issue).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// About 1k companies, 100k invoices, 365k daily_stats rows.
    Small,
    /// About 10k companies, 50k users, 1M invoices, 30k projects, 3.65M daily_stats rows.
    Medium,
    /// About five times medium.
    Large,
}

impl std::fmt::Display for Scale {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for Scale {
    type Err = UnknownScale;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|scale| scale.name() == name)
            .ok_or_else(|| UnknownScale(name.to_owned()))
    }
}

/// A name that is no [`Scale`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scale {0:?}: small, medium or large")]
pub struct UnknownScale(pub String);

/// The row counts of a scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Volumes {
    /// Companies (each with a details row).
    pub companies: u64,
    /// Client users, spread over the companies.
    pub users: u64,
    /// Invoices, spread over the companies, in every status.
    pub invoices: u64,
    /// Web projects, in every status.
    pub projects: u64,
    /// Projects with a full year of daily stats (365 rows each).
    pub stats_projects: u64,
}

impl Scale {
    /// Every scale, smallest first.
    pub const ALL: [Self; 3] = [Self::Small, Self::Medium, Self::Large];

    /// The scale's name on command lines and in database names: `small`, `medium`, `large`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Small => "small",
            Self::Medium => "medium",
            Self::Large => "large",
        }
    }

    /// The row counts of this scale.
    pub const fn volumes(self) -> Volumes {
        let factor = match self {
            Self::Small => 1,
            Self::Medium => 10,
            Self::Large => 50,
        };
        Volumes {
            companies: 1_000 * factor,
            users: 5_000 * factor,
            invoices: 100_000 * factor,
            projects: 3_000 * factor,
            stats_projects: 1_000 * factor,
        }
    }
}

impl Volumes {
    /// Rows of `daily_stats`.
    pub const fn daily_stats(&self) -> u64 {
        self.stats_projects * 365
    }

    /// Rows the load writes into `table` (0 for a table it does not fill).
    pub fn rows_of(&self, table: &str) -> u64 {
        match table {
            "companies" | "company_details" => self.companies,
            "users" | "user_profiles" => self.users,
            "invoices" => self.invoices,
            "web_projects" => self.projects,
            "daily_stats" => self.daily_stats(),
            _ => 0,
        }
    }

    /// Rows the load writes in all.
    pub fn total_rows(&self) -> u64 {
        2 * self.companies + 2 * self.users + self.invoices + self.projects + self.daily_stats()
    }
}

/// The seed's SQL.
const VOLUMES_SQL: &str = include_str!("volumes.sql");

/// Eight hex digits that change whenever the seed's SQL changes (FNV-1a of it): tools that keep
/// seeded databases between runs, such as the benchmark, name them with it so that a changed seed
/// never meets data of an older one.
pub fn fingerprint() -> String {
    let hash = VOLUMES_SQL.bytes().fold(0x811c_9dc5_u32, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    });
    format!("{hash:08x}")
}

/// Whether `db` already holds seeded data (whose deterministic ids a second load would collide with).
///
/// # Errors
/// The driver's error.
pub async fn is_seeded(db: &DatabaseConnection) -> Result<bool, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT EXISTS (SELECT 1 FROM companies WHERE id = md5('company1')::uuid)",
        ))
        .await?;
    match row {
        Some(row) => row.try_get_by_index(0),
        None => Ok(false),
    }
}

/// What a load is doing, for a progress display.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadEvent<'a> {
    /// `rows` rows are being written into `table`.
    Writing {
        /// The table.
        table: &'a str,
        /// How many rows.
        rows: u64,
    },
    /// They are written.
    Wrote {
        /// How many rows.
        rows: u64,
    },
    /// Every row is written; `VACUUM ANALYZE` runs.
    Vacuuming,
}

/// Loads `scale`'s data into `db` (migrated, without data of its own) in one transaction, telling
/// `observe` about each table, then `VACUUM ANALYZE`s so that plans and index-only scans are those
/// of a settled database.
///
/// # Errors
/// The driver's error; nothing is written then.
pub async fn load(
    db: &DatabaseConnection,
    scale: Scale,
    observe: &mut (dyn FnMut(LoadEvent<'_>) + Send),
) -> Result<Volumes, DbErr> {
    let volumes = scale.volumes();
    let sql = VOLUMES_SQL
        .replace("{companies}", &volumes.companies.to_string())
        .replace("{users}", &volumes.users.to_string())
        .replace("{invoices}", &volumes.invoices.to_string())
        .replace("{projects}", &volumes.projects.to_string())
        .replace("{stats_projects}", &volumes.stats_projects.to_string());
    // One transaction, so one session: the script's `SET` and temporary function hold throughout.
    let transaction = db.begin().await?;
    // The script's statements are a blank line apart.
    for statement in sql.split(";\n\n") {
        let table = inserted_table(statement);
        let rows = table.map_or(0, |table| volumes.rows_of(table));
        if let Some(table) = table {
            observe(LoadEvent::Writing { table, rows });
        }
        transaction.execute_unprepared(statement).await?;
        if table.is_some() {
            observe(LoadEvent::Wrote { rows });
        }
    }
    transaction.commit().await?;
    observe(LoadEvent::Vacuuming);
    // Outside a transaction block: VACUUM sets the visibility map that index-only scans need.
    db.execute_unprepared("VACUUM ANALYZE").await?;
    Ok(volumes)
}

/// [`load`], showing its progress as `job` (a bar on a terminal, lines otherwise): the table being
/// written, the share of rows done and an estimate of the time left.
///
/// # Errors
/// As [`load`].
pub async fn load_showing_progress(
    db: &DatabaseConnection,
    scale: Scale,
    job: &str,
) -> Result<Volumes, DbErr> {
    let mut progress = Progress::new(job, scale.volumes().total_rows());
    let volumes = load(db, scale, &mut |event| match event {
        LoadEvent::Writing { table, rows } => {
            progress.doing(&format!("writing {rows} rows into {table}"));
        }
        LoadEvent::Wrote { rows } => progress.advance(rows),
        LoadEvent::Vacuuming => progress.doing("VACUUM ANALYZE"),
    })
    .await?;
    progress.finish();
    Ok(volumes)
}

/// The table a statement of the script inserts into, if it is an insert.
fn inserted_table(statement: &str) -> Option<&str> {
    let after = statement.split("INSERT INTO ").nth(1)?;
    after.split_whitespace().next()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_is_eight_hex_digits_of_the_seed() {
        let fingerprint = fingerprint();
        assert_eq!(fingerprint.len(), 8);
        assert!(fingerprint.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(fingerprint, super::fingerprint(), "stable");
    }

    #[test]
    fn a_scale_is_read_by_its_name_and_nothing_else() {
        for scale in Scale::ALL {
            assert_eq!(scale.name().parse(), Ok(scale));
            assert_eq!(scale.to_string(), scale.name());
        }
        assert_eq!(
            "Medium".parse::<Scale>(),
            Err(UnknownScale("Medium".to_owned()))
        );
    }

    #[test]
    fn medium_is_the_volume_of_spec_section_6() {
        let medium = Scale::Medium.volumes();
        assert_eq!(
            (
                medium.companies,
                medium.users,
                medium.invoices,
                medium.projects
            ),
            (10_000, 50_000, 1_000_000, 30_000)
        );
        assert_eq!(medium.daily_stats(), 3_650_000);
        assert_eq!(Scale::Large.volumes().invoices, 5 * medium.invoices);
    }
}
