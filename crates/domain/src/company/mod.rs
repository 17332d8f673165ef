//! Companies, the tenants: the [`Company`] entity with its [`CompanyName`] and [`CompanyStatus`],
//! and the one-to-one [`CompanyDetails`] with their value objects.

mod danger_class;
mod details;
mod nace;
mod status;
mod suggestion;

pub use danger_class::DangerClass;
pub use details::{Address, City, CompanyDetails};
pub use nace::NaceCode;
pub use status::{ClientAccess, CompanyStatus};
pub use suggestion::CompanySuggestion;

use chrono::{DateTime, Utc};

use crate::error::DomainResult;
use crate::ids::CompanyId;
use crate::tax_id::TaxId;
use crate::text::bounded_text;
use crate::version::RowVersion;

bounded_text! {
    /// A company's name, trimmed, 1..=255 characters.
    CompanyName { field: "name", max: 255 }
}

/// A customer company (an OSGB client) and the tenant boundary of all other data.
///
/// The status changes only along [`CompanyStatus`]'s documented transitions.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Company {
    id: CompanyId,
    name: CompanyName,
    tax_id: Option<TaxId>,
    status: CompanyStatus,
    created_at: DateTime<Utc>,
    version: RowVersion,
}

impl Company {
    /// A new company, starting as a `LEAD`.
    pub const fn new(
        id: CompanyId,
        name: CompanyName,
        tax_id: Option<TaxId>,
        created_at: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            name,
            tax_id,
            status: CompanyStatus::Lead,
            created_at,
            version: RowVersion::FIRST,
        }
    }

    /// Rebuilds a stored company at `version`. Every combination of valid fields is a valid
    /// company.
    pub const fn restore(
        id: CompanyId,
        name: CompanyName,
        tax_id: Option<TaxId>,
        status: CompanyStatus,
        created_at: DateTime<Utc>,
        version: RowVersion,
    ) -> Self {
        Self {
            id,
            name,
            tax_id,
            status,
            created_at,
            version,
        }
    }

    /// Renames the company.
    pub fn rename(&mut self, name: CompanyName) {
        self.name = name;
    }

    /// Sets or clears the tax number. Uniqueness across companies is the repository's job.
    pub fn set_tax_id(&mut self, tax_id: Option<TaxId>) {
        self.tax_id = tax_id;
    }

    /// Moves to `to` along the documented transitions.
    ///
    /// # Errors
    ///
    /// [`DomainError::InvalidTransition`](crate::DomainError::InvalidTransition) for any other move,
    /// including to the current status.
    pub fn change_status(&mut self, to: CompanyStatus) -> DomainResult<()> {
        self.status = self.status.transition_to(to)?;
        Ok(())
    }

    /// The company's id.
    pub const fn id(&self) -> CompanyId {
        self.id
    }

    /// The company's name.
    pub const fn name(&self) -> &CompanyName {
        &self.name
    }

    /// The company's VKN or TCKN, if known.
    pub const fn tax_id(&self) -> Option<&TaxId> {
        self.tax_id.as_ref()
    }

    /// The current status.
    pub const fn status(&self) -> CompanyStatus {
        self.status
    }

    /// When the company was created.
    pub const fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// The version it was stored at (see [`RowVersion`]).
    pub const fn version(&self) -> RowVersion {
        self.version
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DomainError, ValidationReason};

    fn company() -> Company {
        Company::new(
            CompanyId::new_v7(),
            CompanyName::parse("Acme OSGB").unwrap(),
            None,
            Utc::now(),
        )
    }

    #[test]
    fn name_is_trimmed_and_bounded() {
        assert_eq!(
            CompanyName::parse("  ŞİŞLİ OSGB ").unwrap().as_str(),
            "ŞİŞLİ OSGB"
        );
        assert_eq!(
            CompanyName::parse(" "),
            Err(DomainError::invalid("name", ValidationReason::Empty))
        );
        assert!(CompanyName::parse(&"Ç".repeat(255)).is_ok());
        assert_eq!(
            CompanyName::parse(&"Ç".repeat(256)),
            Err(DomainError::invalid(
                "name",
                ValidationReason::TooLong { max: 255 }
            ))
        );
    }

    #[test]
    fn starts_as_lead_and_follows_transitions() {
        let mut company = company();
        assert_eq!(company.status(), CompanyStatus::Lead);
        company.change_status(CompanyStatus::Active).unwrap();
        company.change_status(CompanyStatus::Suspended).unwrap();
        company.change_status(CompanyStatus::Churned).unwrap();
        company.change_status(CompanyStatus::Active).unwrap();
        assert_eq!(
            company.change_status(CompanyStatus::Active),
            Err(DomainError::InvalidTransition {
                entity: "company",
                from: "ACTIVE",
                to: "ACTIVE"
            })
        );
        assert_eq!(
            company.change_status(CompanyStatus::Lead),
            Err(DomainError::InvalidTransition {
                entity: "company",
                from: "ACTIVE",
                to: "LEAD"
            })
        );
        assert_eq!(company.status(), CompanyStatus::Active);
    }

    #[test]
    fn rename_and_tax_id() {
        let mut company = company();
        company.rename(CompanyName::parse("Beta").unwrap());
        let vkn = TaxId::parse("4540536920").unwrap();
        company.set_tax_id(Some(vkn.clone()));
        assert_eq!(
            (company.name().as_str(), company.tax_id()),
            ("Beta", Some(&vkn))
        );
        company.set_tax_id(None);
        assert_eq!(company.tax_id(), None);
    }

    #[test]
    fn restore_keeps_every_field() {
        let original = company();
        let restored = Company::restore(
            original.id(),
            original.name().clone(),
            None,
            CompanyStatus::Churned,
            original.created_at(),
            RowVersion::new(4).unwrap(),
        );
        assert_eq!(
            (restored.id(), restored.status()),
            (original.id(), CompanyStatus::Churned)
        );
    }
}
