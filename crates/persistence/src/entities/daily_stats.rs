//! SeaORM model of `daily_stats` and its mapping to and from [`DailyStats`]. The breakdown is a
//! `JSONB` object `{dimension: {key: count}}`; a `NULL` one is an empty breakdown.

use super::mapping::IntoDomain;
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
        self.into_parts().and_then(DailyStats::from_parts)
    }
}

impl Model {
    fn into_parts(self) -> DomainResult<DailyStatsParts> {
        let count = |field, value: i32| {
            u32::try_from(value)
                .map_err(|_| DomainError::invalid(field, ValidationReason::OutOfRange))
        };
        Ok(DailyStatsParts {
            id: self.id.into(),
            project_id: self.project_id.into(),
            date: self.date,
            visitors: count("visitors", self.visitors)?,
            page_views: count("page_views", self.page_views)?,
            breakdown: read_breakdown(self.meta_breakdown)?,
        })
    }
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

fn read_breakdown(json: Option<Json>) -> DomainResult<Breakdown> {
    let Some(json) = json else {
        return Ok(Breakdown::default());
    };
    let map: BreakdownMap = serde_json::from_value(json)
        .map_err(|_| DomainError::invalid("meta_breakdown", ValidationReason::Format))?;
    Breakdown::new(map)
}
