//! SeaORM model of `web_projects` and its mapping to and from [`WebProject`].

use super::mapping::IntoDomain;
use super::positional::Positional;
use prosektor_domain::{
    DomainName, DomainResult, ProjectName, ProjectStatus, RowVersion, WebProject,
};
use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;

/// One row of `web_projects`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "web_projects")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub company_id: Uuid,
    pub name: String,
    pub domain: Option<String>,
    pub status: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// The row version, bumped by a trigger on every update.
    pub version: i64,
}

/// Runs and stats point at projects; the adapter navigates from them (see their `Related`).
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl IntoDomain for Model {
    type Domain = WebProject;

    /// The domain project; a row the domain rejects fails with the domain's error.
    fn into_domain(self) -> DomainResult<WebProject> {
        self.try_into_domain()
    }
}

impl Model {
    /// The project in `row`'s first eight columns, in this struct's order (as
    /// `crate::repositories::project::ACTIVE_PROJECTS_SQL` selects them): read by position, not
    /// looked up by name.
    ///
    /// # Errors
    /// The driver's error for a column of another type.
    pub(crate) fn by_position(row: &QueryResult) -> Result<Self, DbErr> {
        Ok(Self {
            id: row.at(0)?,
            company_id: row.at(1)?,
            name: row.at(2)?,
            domain: row.at(3)?,
            status: row.at(4)?,
            created_at: row.at(5)?,
            updated_at: row.at(6)?,
            version: row.at(7)?,
        })
    }

    fn try_into_domain(self) -> DomainResult<WebProject> {
        Ok(WebProject::restore(
            self.id.into(),
            self.company_id.into(),
            ProjectName::parse(&self.name)?,
            self.domain.as_deref().map(DomainName::parse).transpose()?,
            ProjectStatus::parse(&self.status)?,
            self.created_at,
            self.updated_at,
            RowVersion::new(self.version)?,
        ))
    }
}

/// The whole row of `project`, for inserting it.
pub(crate) fn new_row(project: &WebProject) -> ActiveModel {
    ActiveModel {
        id: Set(project.id().as_uuid()),
        company_id: Set(project.company_id().as_uuid()),
        name: Set(project.name().as_str().to_owned()),
        domain: Set(project.domain().map(|domain| domain.as_str().to_owned())),
        status: Set(project.status().as_str().to_owned()),
        created_at: Set(project.created_at()),
        updated_at: Set(project.updated_at()),
        ..Default::default()
    }
}
