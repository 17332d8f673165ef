//! [`CompanyDetails`]: a company's address, hazard class and contacts (`company_details`, 1:1 with
//! the company), with its [`Address`] and [`City`] value objects.

use crate::email::Email;
use crate::ids::CompanyId;
use crate::phone::Phone;
use crate::text::bounded_text;
use crate::version::RowVersion;

use super::{DangerClass, NaceCode};

bounded_text! {
    /// A postal address, trimmed, 1..=500 characters.
    Address { field: "address", max: 500 }
}

bounded_text! {
    /// A city name, trimmed, 1..=100 characters.
    City { field: "city", max: 100 }
}

/// The details of one company. Every field is optional and independently valid, so the fields are
/// public: no combination can break an invariant.
///
/// Clients may change the contact fields (`address`, `city`, `contact_email`, `contact_phone`);
/// `danger_class` and `nace_code` are admin-only (SPEC §5). That rule lives in the application layer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct CompanyDetails {
    /// The company these details belong to (also the row's primary key).
    pub company_id: CompanyId,
    /// Postal address.
    pub address: Option<Address>,
    /// City.
    pub city: Option<City>,
    /// Occupational-safety hazard class.
    pub danger_class: Option<DangerClass>,
    /// Economic activity code.
    pub nace_code: Option<NaceCode>,
    /// Contact e-mail address.
    pub contact_email: Option<Email>,
    /// Contact phone number.
    pub contact_phone: Option<Phone>,
    /// The version the details were stored at (see [`RowVersion`]).
    pub version: RowVersion,
}

impl CompanyDetails {
    /// Details with nothing filled in yet.
    pub const fn empty(company_id: CompanyId) -> Self {
        Self {
            company_id,
            address: None,
            city: None,
            danger_class: None,
            nace_code: None,
            contact_email: None,
            contact_phone: None,
            version: RowVersion::FIRST,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DomainError, ValidationReason};

    #[test]
    fn empty_has_nothing() {
        let id = CompanyId::new_v7();
        let details = CompanyDetails::empty(id);
        assert_eq!(details.company_id, id);
        assert!(
            details.address.is_none() && details.city.is_none() && details.danger_class.is_none()
        );
        assert!(
            details.nace_code.is_none()
                && details.contact_email.is_none()
                && details.contact_phone.is_none()
        );
    }

    #[test]
    fn address_and_city_are_trimmed_and_bounded() {
        assert_eq!(
            Address::parse("  Atatürk Cad. No:1 ").unwrap().as_str(),
            "Atatürk Cad. No:1"
        );
        assert!(Address::parse(&"ş".repeat(500)).is_ok());
        assert_eq!(
            Address::parse(&"ş".repeat(501)),
            Err(DomainError::invalid(
                "address",
                ValidationReason::TooLong { max: 500 }
            ))
        );
        assert_eq!(City::parse(" İstanbul ").unwrap().to_string(), "İstanbul");
        assert_eq!(
            City::parse(""),
            Err(DomainError::invalid("city", ValidationReason::Empty))
        );
        assert_eq!(
            City::parse(&"a".repeat(101)),
            Err(DomainError::invalid(
                "city",
                ValidationReason::TooLong { max: 100 }
            ))
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_validates_every_field() {
        let id = CompanyId::new_v7();
        let mut details = CompanyDetails::empty(id);
        details.city = Some(City::parse("Ankara").unwrap());
        details.danger_class = Some(DangerClass::VeryDangerous);
        details.contact_phone = Some(Phone::parse("0532 123 45 67").unwrap());
        let json = serde_json::to_value(&details).unwrap();
        assert_eq!(json["danger_class"], "VERY_DANGEROUS");
        assert_eq!(json["contact_phone"], "+905321234567");
        assert_eq!(
            serde_json::from_value::<CompanyDetails>(json.clone()).unwrap(),
            details
        );
        for (key, bad) in [
            ("city", " "),
            ("danger_class", "tehlikeli"),
            ("contact_email", "x"),
            ("nace_code", "1"),
        ] {
            let mut invalid = json.clone();
            invalid[key] = bad.into();
            assert!(
                serde_json::from_value::<CompanyDetails>(invalid).is_err(),
                "{key}"
            );
        }
    }
}
