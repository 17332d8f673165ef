//! SeaORM model of `companies` and its mapping to and from [`Company`].

use prosektor_domain::{
    Company, CompanyId, CompanyName, CompanyStatus, DomainResult, RowVersion, TaxId,
};
use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;

use super::mapping::{IntoDomain, optional, text};

/// A row of `companies`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "companies")]
pub struct Model {
    /// The company's id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The company's name.
    pub name: String,
    /// VKN or TCKN, unique.
    pub tax_id: Option<String>,
    /// `LEAD`, `ACTIVE`, `SUSPENDED` or `CHURNED`.
    pub status: String,
    /// When the company was created.
    pub created_at: DateTimeUtc,
    /// The row version, bumped by a trigger on every update.
    pub version: i64,
}

/// `companies` is only referenced; the adapter joins nothing through SeaORM relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl IntoDomain for Model {
    type Domain = Company;

    fn into_domain(self) -> DomainResult<Company> {
        Ok(Company::restore(
            CompanyId::from_uuid(self.id),
            CompanyName::parse(&self.name)?,
            optional(self.tax_id, TaxId::parse)?,
            CompanyStatus::parse(&self.status)?,
            self.created_at,
            RowVersion::new(self.version)?,
        ))
    }
}

impl From<&Company> for ActiveModel {
    fn from(company: &Company) -> Self {
        Self {
            id: Set(company.id().as_uuid()),
            name: Set(company.name().as_str().to_owned()),
            tax_id: Set(text(company.tax_id())),
            status: Set(company.status().as_str().to_owned()),
            created_at: Set(company.created_at()),
            version: Set(company.version().get()),
        }
    }
}
