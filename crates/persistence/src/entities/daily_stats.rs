//! SeaORM model of `daily_stats` and its mapping to and from [`DailyStats`]. The breakdown is a
//! `JSONB` object `{dimension: {key: count}}`; a `NULL` one is an empty breakdown.

use super::mapping::IntoDomain;
use super::positional::Positional;
use crate::error::map_db_err;
use prosektor_application::{RepositoryError, RepositoryResult};
use prosektor_domain::{
    Breakdown, BreakdownMap, DailyStats, DailyStatsParts, DomainError, DomainResult,
    ValidationReason,
};
use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;
use serde_json::{Map, Value};

/// One row of `daily_stats`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "daily_stats")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub project_id: Uuid,
    pub date: Date,
    pub visitors: i32,
    pub page_views: i32,
    #[sea_orm(column_type = "JsonBinary", nullable)]
    pub meta_breakdown: Option<Json>,
}

/// A day belongs to a project.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The project measured (and, through it, the tenant).
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
    type Domain = DailyStats;

    /// The domain day; a row the domain rejects (a malformed breakdown, say) fails with the domain's error.
    fn into_domain(self) -> DomainResult<DailyStats> {
        let breakdown = self
            .meta_breakdown
            .map(serde_json::from_value)
            .transpose()
            .map_err(|_| unreadable_breakdown())?;
        StoredDay {
            id: self.id,
            project_id: self.project_id,
            date: self.date,
            visitors: self.visitors,
            page_views: self.page_views,
            breakdown,
        }
        .into_domain()
    }
}

/// A stored day with its breakdown decoded into its map: what a [`Model`] and a row read by
/// position both become.
pub(crate) struct StoredDay {
    id: Uuid,
    project_id: Uuid,
    date: Date,
    visitors: i32,
    page_views: i32,
    breakdown: Option<BreakdownMap>,
}

impl StoredDay {
    /// The day in `row`, whose first six columns are the table's own, in its order (`id`,
    /// `project_id`, `date`, `visitors`, `page_views`, `meta_breakdown`); `None` when `id` is
    /// `NULL` (an outer join that found no day). Columns are read by position and the breakdown
    /// straight from its JSON into its map: a range of days is the reads that return most rows,
    /// and a [`Model`] would look each column up by name and build the breakdown's JSON value
    /// first.
    ///
    /// # Errors
    /// The driver's error for a column of another type; `Corrupt` for a breakdown that is not an
    /// object of objects of counts.
    pub(crate) fn by_position(row: &QueryResult) -> RepositoryResult<Option<Self>> {
        let Some(id) = row.at::<Option<Uuid>>(0).map_err(map_db_err)? else {
            return Ok(None);
        };
        Ok(Some(Self {
            id,
            project_id: row.at(1).map_err(map_db_err)?,
            date: row.at(2).map_err(map_db_err)?,
            visitors: row.at(3).map_err(map_db_err)?,
            page_views: row.at(4).map_err(map_db_err)?,
            breakdown: row
                .try_get_by_index(5)
                .map_err(|_| RepositoryError::Corrupt(unreadable_breakdown()))?,
        }))
    }
}

impl IntoDomain for StoredDay {
    type Domain = DailyStats;

    fn into_domain(self) -> DomainResult<DailyStats> {
        let count = |field, value: i32| {
            u32::try_from(value)
                .map_err(|_| DomainError::invalid(field, ValidationReason::OutOfRange))
        };
        DailyStats::from_parts(DailyStatsParts {
            id: self.id.into(),
            project_id: self.project_id.into(),
            date: self.date,
            visitors: count("visitors", self.visitors)?,
            page_views: count("page_views", self.page_views)?,
            breakdown: self
                .breakdown
                .map_or_else(|| Ok(Breakdown::default()), Breakdown::new)?,
        })
    }
}

/// A stored breakdown that is not an object of objects of counts.
fn unreadable_breakdown() -> DomainError {
    DomainError::invalid("meta_breakdown", ValidationReason::Format)
}

/// The whole row of `day`, for importing it.
pub(crate) fn new_row(day: &DailyStats) -> ActiveModel {
    ActiveModel {
        id: Set(day.id().as_uuid()),
        project_id: Set(day.project_id().as_uuid()),
        date: Set(day.date()),
        visitors: Set(i32::try_from(day.visitors()).unwrap_or(i32::MAX)),
        page_views: Set(i32::try_from(day.page_views()).unwrap_or(i32::MAX)),
        meta_breakdown: Set(Some(breakdown_json(day.breakdown()))),
    }
}

/// `breakdown` as the stored JSON object (an empty one for no counts).
pub(crate) fn breakdown_json(breakdown: &Breakdown) -> Json {
    let dimension = |keys: &std::collections::BTreeMap<String, u64>| {
        Value::Object(
            keys.iter()
                .map(|(key, &count)| (key.clone(), Value::from(count)))
                .collect::<Map<_, _>>(),
        )
    };
    Value::Object(
        breakdown
            .as_map()
            .iter()
            .map(|(name, keys)| (name.clone(), dimension(keys)))
            .collect(),
    )
}
