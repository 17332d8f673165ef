//! SeaORM model of `pipeline_run_logs` (append-only, numbered per run by `seq`) and its mapping to
//! and from [`LogLine`].

use prosektor_application::{RepositoryError, RepositoryResult};
use prosektor_domain::{LogLevel, LogLine};
use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;

/// One row of `pipeline_run_logs`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pipeline_run_logs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub run_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    pub at: DateTimeUtc,
    pub level: String,
    pub message: String,
}

/// Logs are read by run id; no relation is navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl Model {
    /// The domain line; a row the domain rejects (say, a blank message) is `Corrupt`.
    pub(crate) fn into_domain(self) -> RepositoryResult<LogLine> {
        LogLevel::parse(&self.level)
            .and_then(|level| {
                LogLine::new(self.run_id.into(), self.seq, self.at, level, &self.message)
            })
            .map_err(RepositoryError::Corrupt)
    }
}

/// The row of `line`, for appending it.
pub(crate) fn new_row(line: &LogLine) -> ActiveModel {
    ActiveModel {
        run_id: Set(line.run_id().as_uuid()),
        seq: Set(line.seq()),
        at: Set(line.at()),
        level: Set(line.level().as_str().to_owned()),
        message: Set(line.message().to_owned()),
    }
}
