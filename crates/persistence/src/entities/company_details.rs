//! SeaORM model of `company_details` (one-to-one with `companies`) and its mapping to and from
//! [`CompanyDetails`].

use prosektor_domain::{
    Address, City, CompanyDetails, CompanyId, DangerClass, DomainResult, Email, NaceCode, Phone,
    RowVersion,
};
use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;

use super::mapping::{IntoDomain, optional, text};

/// A row of `company_details`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "company_details")]
pub struct Model {
    /// The company these details belong to.
    #[sea_orm(primary_key, auto_increment = false)]
    pub company_id: Uuid,
    /// Postal address.
    pub address: Option<String>,
    /// City.
    pub city: Option<String>,
    /// `LESS_DANGEROUS`, `DANGEROUS` or `VERY_DANGEROUS`.
    pub danger_class: Option<String>,
    /// `NN.NN` or `NN.NN.NN`.
    pub nace_code: Option<String>,
    /// Contact e-mail address.
    pub contact_email: Option<String>,
    /// Contact phone, E.164.
    pub contact_phone: Option<String>,
    /// The row version, bumped by a trigger on every update.
    pub version: i64,
}

/// Reached by primary key only.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl IntoDomain for Model {
    type Domain = CompanyDetails;

    fn into_domain(self) -> DomainResult<CompanyDetails> {
        Ok(CompanyDetails {
            company_id: CompanyId::from_uuid(self.company_id),
            address: optional(self.address, Address::parse)?,
            city: optional(self.city, City::parse)?,
            danger_class: optional(self.danger_class, DangerClass::parse)?,
            nace_code: optional(self.nace_code, NaceCode::parse)?,
            contact_email: optional(self.contact_email, Email::parse)?,
            contact_phone: optional(self.contact_phone, Phone::parse)?,
            version: RowVersion::new(self.version)?,
        })
    }
}

impl From<&CompanyDetails> for ActiveModel {
    fn from(details: &CompanyDetails) -> Self {
        Self {
            company_id: Set(details.company_id.as_uuid()),
            address: Set(text(details.address.as_ref())),
            city: Set(text(details.city.as_ref())),
            danger_class: Set(details.danger_class.map(|class| class.as_str().to_owned())),
            nace_code: Set(text(details.nace_code.as_ref())),
            contact_email: Set(text(details.contact_email.as_ref())),
            contact_phone: Set(text(details.contact_phone.as_ref())),
            version: Set(details.version.get()),
        }
    }
}
