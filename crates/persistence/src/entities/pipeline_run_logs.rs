//! SeaORM model of `pipeline_run_logs` (append-only, numbered per run by `seq`) and its mapping to
//! and from [`LogLine`].

use super::mapping::IntoDomain;
use prosektor_domain::{DomainResult, LogLevel, LogLine};
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

impl IntoDomain for Model {
    type Domain = LogLine;

    /// The domain line; a row the domain rejects (say, a blank message) fails with the domain's error.
    fn into_domain(self) -> DomainResult<LogLine> {
        LogLevel::parse(&self.level).and_then(|level| {
            LogLine::new(self.run_id.into(), self.seq, self.at, level, &self.message)
        })
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
