//! Companies (the tenants) and their details on the wire: responses, and the bodies of create,
//! update (PATCH), details (PATCH), contact details (PUT) and classification (PUT).

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use prosektor_application::DetailsChanges;
use prosektor_application::services::{CompanyUpdate, NewCompany};
use prosektor_domain::{
    Address, City, Company, CompanyDetails, CompanyName, CompanySuggestion, Email, NaceCode, Phone,
    TaxId,
};
use serde::Serialize;
use uuid::Uuid;

use super::enums::{CompanyStatusDto, DangerClassDto};
use super::text::Text;
use super::timestamp::rfc3339;
use crate::convert::{change, field, optional};
use crate::error::ApiResult;
use crate::versioning::Versioned;

/// A company (a tenant).
#[derive(Debug, Clone, Object, Serialize)]
#[oai(rename = "Company")]
pub struct CompanyDto {
    /// The company's id.
    pub id: Uuid,
    /// The company's name.
    pub name: String,
    /// Its VKN (10 digits) or TCKN (11 digits), if known.
    pub tax_id: Option<String>,
    /// Where it is in the customer life cycle.
    pub status: CompanyStatusDto,
    /// When the company was created.
    #[serde(serialize_with = "rfc3339")]
    pub created_at: DateTime<Utc>,
    /// Its version: one more after every change (also its `ETag`, for `If-Match`).
    pub version: i64,
}

impl Versioned for CompanyDto {
    fn version(&self) -> i64 {
        self.version
    }
}

impl From<&Company> for CompanyDto {
    fn from(company: &Company) -> Self {
        Self {
            id: company.id().as_uuid(),
            name: company.name().as_str().to_owned(),
            tax_id: company.tax_id().map(|tax_id| tax_id.as_str().to_owned()),
            status: company.status().into(),
            created_at: company.created_at(),
            version: company.version().get(),
        }
    }
}

/// Companies offered by autocomplete, in the order of their names (case and Turkish letters
/// ignored).
#[derive(Debug, Clone, Object, Serialize)]
#[oai(rename = "CompanySuggestions")]
pub struct CompanySuggestionsDto {
    /// At most `limit` companies whose name starts with the prefix.
    pub items: Vec<CompanySuggestionDto>,
}

/// One company offered by autocomplete.
#[derive(Debug, Clone, Object, Serialize)]
#[oai(rename = "CompanySuggestion")]
pub struct CompanySuggestionDto {
    /// The company's id.
    pub id: Uuid,
    /// The company's name.
    pub name: String,
}

impl From<Vec<CompanySuggestion>> for CompanySuggestionsDto {
    fn from(suggestions: Vec<CompanySuggestion>) -> Self {
        Self {
            items: suggestions
                .into_iter()
                .map(|suggestion| CompanySuggestionDto {
                    id: suggestion.id.as_uuid(),
                    name: suggestion.name.as_str().to_owned(),
                })
                .collect(),
        }
    }
}

/// A company's details: address, contacts and classification.
#[derive(Debug, Clone, Object, Serialize)]
#[oai(rename = "CompanyDetails")]
pub struct CompanyDetailsDto {
    /// The company these details belong to.
    pub company_id: Uuid,
    /// Postal address.
    pub address: Option<String>,
    /// City.
    pub city: Option<String>,
    /// Occupational-safety hazard class.
    pub danger_class: Option<DangerClassDto>,
    /// Economic activity code, `NN.NN` or `NN.NN.NN`.
    pub nace_code: Option<String>,
    /// Contact email, lower-cased.
    pub contact_email: Option<String>,
    /// Contact phone in E.164 (`+905321234567`).
    pub contact_phone: Option<String>,
    /// Their version: one more after every change (also their `ETag`, for `If-Match`).
    pub version: i64,
}

impl Versioned for CompanyDetailsDto {
    fn version(&self) -> i64 {
        self.version
    }
}

impl From<&CompanyDetails> for CompanyDetailsDto {
    fn from(details: &CompanyDetails) -> Self {
        Self {
            company_id: details.company_id.as_uuid(),
            address: details.address.as_ref().map(|v| v.as_str().to_owned()),
            city: details.city.as_ref().map(|v| v.as_str().to_owned()),
            danger_class: details.danger_class.map(Into::into),
            nace_code: details.nace_code.as_ref().map(|v| v.as_str().to_owned()),
            contact_email: details
                .contact_email
                .as_ref()
                .map(|v| v.as_str().to_owned()),
            contact_phone: details
                .contact_phone
                .as_ref()
                .map(|v| v.as_str().to_owned()),
            version: details.version.get(),
        }
    }
}

/// A company to create; it starts as a `LEAD` with empty details.
#[derive(Debug, Object)]
#[oai(rename = "CreateCompany", deny_unknown_fields)]
pub struct CreateCompanyDto {
    /// The company's name, 1 to 255 characters after trimming.
    #[oai(validator(max_length = 1024))]
    pub name: Text,
    /// A VKN (10 digits) or TCKN (11 digits) with valid check digits; unique.
    #[oai(validator(max_length = 64))]
    pub tax_id: Option<Text>,
}

impl CreateCompanyDto {
    /// The use case's input, with every value validated.
    ///
    /// # Errors
    /// `422` naming `name` or `tax_id`.
    pub fn into_new_company(self) -> ApiResult<NewCompany> {
        Ok(NewCompany {
            name: field("name", CompanyName::parse(&self.name))?,
            tax_id: optional("tax_id", self.tax_id.as_deref(), TaxId::parse)?,
        })
    }
}

/// Admin changes to a company: an absent field is kept; `tax_id: null` clears the tax id.
#[derive(Debug, Object)]
#[oai(rename = "CompanyPatch", deny_unknown_fields)]
pub struct CompanyPatchDto {
    /// A new name, 1 to 255 characters after trimming.
    #[oai(validator(max_length = 1024))]
    pub name: Option<Text>,
    /// A new VKN or TCKN (unique), or `null` to clear it.
    #[oai(validator(max_length = 64))]
    pub tax_id: MaybeUndefined<Text>,
    /// A new status: `LEAD -> ACTIVE|CHURNED`, `ACTIVE -> SUSPENDED|CHURNED`,
    /// `SUSPENDED -> ACTIVE|CHURNED`, `CHURNED -> ACTIVE`; anything else answers `409`.
    pub status: Option<CompanyStatusDto>,
}

impl CompanyPatchDto {
    /// The use case's input, with every value validated.
    ///
    /// # Errors
    /// `422` naming `name` or `tax_id`.
    pub fn into_update(self) -> ApiResult<CompanyUpdate> {
        Ok(CompanyUpdate {
            name: optional("name", self.name.as_deref(), CompanyName::parse)?,
            tax_id: change("tax_id", self.tax_id, TaxId::parse)?,
            status: self.status.map(Into::into),
        })
    }
}

/// A company's contact details, replacing the stored ones: an absent or `null` field is cleared.
#[derive(Debug, Object)]
#[oai(rename = "ContactDetails", deny_unknown_fields)]
pub struct ContactDetailsDto {
    /// Postal address, 1 to 500 characters.
    #[oai(validator(max_length = 2048))]
    pub address: Option<Text>,
    /// City, 1 to 100 characters.
    #[oai(validator(max_length = 1024))]
    pub city: Option<Text>,
    /// Contact email.
    #[oai(validator(max_length = 255))]
    pub contact_email: Option<Text>,
    /// Contact phone; Turkish input such as `0532 123 45 67` is normalised to E.164.
    #[oai(validator(max_length = 64))]
    pub contact_phone: Option<Text>,
}

impl ContactDetailsDto {
    /// The changes (every contact field set or cleared), with every value validated.
    ///
    /// # Errors
    /// `422` naming the first refused field.
    pub fn into_changes(self) -> ApiResult<DetailsChanges> {
        Ok(DetailsChanges {
            address: Some(optional(
                "address",
                self.address.as_deref(),
                Address::parse,
            )?),
            city: Some(optional("city", self.city.as_deref(), City::parse)?),
            contact_email: Some(optional(
                "contact_email",
                self.contact_email.as_deref(),
                Email::parse,
            )?),
            contact_phone: Some(optional(
                "contact_phone",
                self.contact_phone.as_deref(),
                Phone::parse,
            )?),
            ..DetailsChanges::default()
        })
    }
}

/// A company's classification, replacing the stored one: an absent or `null` field is cleared.
#[derive(Debug, Object)]
#[oai(rename = "Classification", deny_unknown_fields)]
pub struct ClassificationDto {
    /// Occupational-safety hazard class.
    pub danger_class: Option<DangerClassDto>,
    /// Economic activity code, `NN.NN` or `NN.NN.NN`.
    #[oai(validator(max_length = 64))]
    pub nace_code: Option<Text>,
}

impl ClassificationDto {
    /// The changes (both fields set or cleared), with the NACE code validated.
    ///
    /// # Errors
    /// `422` naming `nace_code`.
    pub fn into_changes(self) -> ApiResult<DetailsChanges> {
        Ok(DetailsChanges {
            danger_class: Some(self.danger_class.map(Into::into)),
            nace_code: Some(optional(
                "nace_code",
                self.nace_code.as_deref(),
                NaceCode::parse,
            )?),
            ..DetailsChanges::default()
        })
    }
}

/// Changes to a company's details: an absent field is kept, `null` clears it, a value sets it.
/// The company's own clients may name the contact fields; naming `danger_class` or `nace_code`
/// is for admins.
#[derive(Debug, Default, Object)]
#[oai(rename = "DetailsPatch", deny_unknown_fields)]
pub struct DetailsPatchDto {
    /// Postal address, 1 to 500 characters.
    #[oai(validator(max_length = 2048))]
    pub address: MaybeUndefined<Text>,
    /// City, 1 to 100 characters.
    #[oai(validator(max_length = 1024))]
    pub city: MaybeUndefined<Text>,
    /// Contact email.
    #[oai(validator(max_length = 255))]
    pub contact_email: MaybeUndefined<Text>,
    /// Contact phone; Turkish input such as `0532 123 45 67` is normalised to E.164.
    #[oai(validator(max_length = 64))]
    pub contact_phone: MaybeUndefined<Text>,
    /// Occupational-safety hazard class (admins).
    pub danger_class: MaybeUndefined<DangerClassDto>,
    /// Economic activity code, `NN.NN` or `NN.NN.NN` (admins).
    #[oai(validator(max_length = 64))]
    pub nace_code: MaybeUndefined<Text>,
}

impl DetailsPatchDto {
    /// The changes of the fields named, with every value validated.
    ///
    /// # Errors
    /// `422` naming the first refused field.
    pub fn into_changes(self) -> ApiResult<DetailsChanges> {
        let danger_class = match self.danger_class {
            MaybeUndefined::Undefined => None,
            MaybeUndefined::Null => Some(None),
            MaybeUndefined::Value(class) => Some(Some(class.into())),
        };
        Ok(DetailsChanges {
            address: change("address", self.address, Address::parse)?,
            city: change("city", self.city, City::parse)?,
            contact_email: change("contact_email", self.contact_email, Email::parse)?,
            contact_phone: change("contact_phone", self.contact_phone, Phone::parse)?,
            danger_class,
            nace_code: change("nace_code", self.nace_code, NaceCode::parse)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::ParseFromJSON;
    use serde_json::json;

    use super::*;
    use crate::payload::tests::serializes_as_documented;

    fn patch(body: serde_json::Value) -> CompanyUpdate {
        let dto = CompanyPatchDto::parse_from_json(Some(body)).expect("a valid body");
        dto.into_update().expect("valid values")
    }

    #[tokio::test]
    async fn suggestions_answer_as_the_document_describes_them() {
        let suggestion = |name: &str| CompanySuggestionDto {
            id: Uuid::now_v7(),
            name: name.to_owned(),
        };
        serializes_as_documented(&CompanySuggestionsDto {
            items: vec![
                suggestion("Anadolu \"İSG\" Ltd. Şti."),
                suggestion("Ağrı OSGB\t7"),
            ],
        })
        .await;
        serializes_as_documented(&CompanySuggestionsDto { items: Vec::new() }).await;
    }

    #[test]
    fn in_a_patch_null_clears_the_tax_id_and_absence_keeps_it() {
        assert_eq!(patch(json!({"tax_id": null})).tax_id, Some(None));
        assert_eq!(patch(json!({})), CompanyUpdate::default());
        let set = patch(json!({"tax_id": "4540536920", "name": " Ege "}));
        assert_eq!(set.tax_id, Some(TaxId::parse("4540536920").ok()));
        assert_eq!(set.name, CompanyName::parse("Ege").ok());
    }
}
