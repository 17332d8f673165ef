//! SeaORM model of `pipeline_run_pages` (the pages of the site a run generated) and its mapping
//! to and from [`SitePage`].

use super::mapping::IntoDomain;
use prosektor_domain::{DomainError, DomainResult, RunId, ValidationReason};
use prosektor_domain::{PagePath, SitePage};
use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;

/// One row of `pipeline_run_pages`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pipeline_run_pages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub run_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub path: String,
    pub title: String,
    pub body: String,
}

/// Pages are read by run (or through a project's published run); no relation is navigated.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl IntoDomain for Model {
    type Domain = SitePage;

    /// The stored page; a path the site rules refuse fails as a `Format` error on `path`.
    fn into_domain(self) -> DomainResult<SitePage> {
        let path = PagePath::parse(&self.path)
            .map_err(|_| DomainError::invalid("path", ValidationReason::Format))?;
        Ok(SitePage::new(path, self.title, self.body))
    }
}

/// The row of `page`, a page of run `run_id`.
pub(crate) fn new_row(run_id: RunId, page: &SitePage) -> ActiveModel {
    ActiveModel {
        run_id: Set(run_id.as_uuid()),
        path: Set(page.path().as_str().to_owned()),
        title: Set(page.title().to_owned()),
        body: Set(page.body().to_owned()),
    }
}
