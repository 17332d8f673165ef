//! SeaORM model of `pipeline_runs` and its mapping to and from [`PipelineRun`]. A run reaches its
//! tenant through its project, hence the relation to `web_projects`.

use super::mapping::IntoDomain;
use prosektor_domain::{
    DomainError, DomainResult, PipelineRun, PipelineRunParts, RunInput, RunStatus, ValidationReason,
};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::entity::prelude::*;

/// One row of `pipeline_runs`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pipeline_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub status: String,
    pub attempt: i32,
    pub max_attempts: i32,
    /// The `jsonb` input, read as its text and written from text, so that the domain checks what
    /// it reads (a driver decoding into a JSON value could fail on the whole row instead).
    #[sea_orm(column_type = "JsonBinary", select_as = "text", save_as = "jsonb")]
    pub input: String,
    pub error: Option<String>,
    pub created_at: DateTimeUtc,
    pub run_after: DateTimeUtc,
    pub started_at: Option<DateTimeUtc>,
    pub heartbeat_at: Option<DateTimeUtc>,
    pub finished_at: Option<DateTimeUtc>,
    /// Who holds the run while it is `RUNNING` (not part of the domain entity: the queue's
    /// bookkeeping).
    pub worker: Option<String>,
}

/// A run belongs to a project.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The project being generated (and, through it, the tenant).
    #[sea_orm(
        belongs_to = "super::web_projects::Entity",
        from = "Column::ProjectId",
        to = "super::web_projects::Column::Id"
    )]
    Project,
}

impl Related<super::web_projects::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Project.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}

impl IntoDomain for Model {
    type Domain = PipelineRun;

    /// The domain run; a row the domain rejects fails with the domain's error.
    fn into_domain(self) -> DomainResult<PipelineRun> {
        self.into_parts().and_then(PipelineRun::from_parts)
    }
}

impl Model {
    fn into_parts(self) -> DomainResult<PipelineRunParts> {
        Ok(PipelineRunParts {
            id: self.id.into(),
            project_id: self.project_id.into(),
            status: RunStatus::parse(&self.status)?,
            attempt: count("attempt", self.attempt)?,
            max_attempts: count("max_attempts", self.max_attempts)?,
            input: RunInput::parse(&self.input)?,
            error: self.error,
            created_at: self.created_at,
            run_after: self.run_after,
            started_at: self.started_at,
            heartbeat_at: self.heartbeat_at,
            finished_at: self.finished_at,
        })
    }
}

/// A non-negative `INT` column as the domain's `u32`.
fn count(field: &'static str, value: i32) -> DomainResult<u32> {
    u32::try_from(value).map_err(|_| DomainError::invalid(field, ValidationReason::OutOfRange))
}

/// The domain's `u32` as an `INT` column (the CHECK constraints keep it small; a value too big for
/// the column fails the same way as one the constraint refuses).
pub(crate) fn int_column(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// The whole row of `run`, for inserting it. The input is stored as `JSONB`, so it reads back in
/// PostgreSQL's canonical form (`{"pages": 4}`), not byte for byte; the domain's [`RunInput`]
/// admits only what reads back.
pub(crate) fn new_row(run: &PipelineRun) -> ActiveModel {
    ActiveModel {
        id: Set(run.id().as_uuid()),
        project_id: Set(run.project_id().as_uuid()),
        max_attempts: Set(int_column(run.max_attempts())),
        input: Set(run.input().as_str().to_owned()),
        created_at: Set(run.created_at()),
        ..changes(run)
    }
}

/// The columns a save may change: status, attempt, error and timestamps. A run that is not
/// `RUNNING` is held by no worker, so its `worker` is cleared; a running run keeps the one that
/// claimed it (see [`claimed_by`]).
pub(crate) fn changes(run: &PipelineRun) -> ActiveModel {
    ActiveModel {
        status: Set(run.status().as_str().to_owned()),
        attempt: Set(int_column(run.attempt())),
        error: Set(run.error().map(str::to_owned)),
        run_after: Set(run.run_after()),
        started_at: Set(run.started_at()),
        heartbeat_at: Set(run.heartbeat_at()),
        finished_at: Set(run.finished_at()),
        worker: if run.status() == RunStatus::Running {
            NotSet
        } else {
            Set(None)
        },
        ..Default::default()
    }
}

/// The changes of `run`, just started by `worker`, which now holds it.
pub(crate) fn claimed_by(run: &PipelineRun, worker: &str) -> ActiveModel {
    ActiveModel {
        worker: Set(Some(worker.to_owned())),
        ..changes(run)
    }
}
