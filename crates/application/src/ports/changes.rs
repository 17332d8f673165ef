//! What a partial update changes, field by field, for the repositories that apply it in one
//! statement: only the fields named are written, so two concurrent updates of different fields
//! both survive (the last writer wins per field, never per row).
//!
//! For each optional field `None` keeps it, `Some(None)` clears it and `Some(Some(value))` sets it.

use prosektor_domain::{
    Address, AvatarUrl, City, CompanyName, CompanyStatus, DangerClass, DomainName, Email, NaceCode,
    PersonName, Phone, Preferences, ProjectName, TaxId, UserProfile,
};

/// A status change from the status it was decided on: applied only while the stored status is
/// still `from`, so that of two concurrent changes from one status exactly one wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition<S> {
    /// The status the change was decided from (the domain checked `from -> to`).
    pub from: S,
    /// The new status.
    pub to: S,
}

/// Changes to a company.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompanyChanges {
    /// A new name.
    pub name: Option<CompanyName>,
    /// A new (or no) tax id.
    pub tax_id: Option<Option<TaxId>>,
    /// A status change.
    pub status: Option<Transition<CompanyStatus>>,
}

/// Changes to a company's details.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DetailsChanges {
    /// Postal address.
    pub address: Option<Option<Address>>,
    /// City.
    pub city: Option<Option<City>>,
    /// Contact email.
    pub contact_email: Option<Option<Email>>,
    /// Contact phone.
    pub contact_phone: Option<Option<Phone>>,
    /// Occupational-safety hazard class.
    pub danger_class: Option<Option<DangerClass>>,
    /// Economic activity code.
    pub nace_code: Option<Option<NaceCode>>,
}

/// Changes to a web project's name and domain (its status changes through a [`Transition`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectChanges {
    /// A new name.
    pub name: Option<ProjectName>,
    /// A new (or no) domain.
    pub domain: Option<Option<DomainName>>,
}

/// Changes to a profile; `preferences` is merged (keys set in it overwrite, others stay).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfilePatch {
    /// Given name.
    pub first_name: Option<Option<PersonName>>,
    /// Middle name.
    pub middle_name: Option<Option<PersonName>>,
    /// Family name.
    pub last_name: Option<Option<PersonName>>,
    /// Phone number.
    pub phone: Option<Option<Phone>>,
    /// Profile picture.
    pub avatar_url: Option<Option<AvatarUrl>>,
    /// Preference keys to overwrite.
    pub preferences: Preferences,
}

impl ProfilePatch {
    /// Applies the changes to `profile` (a profile being built, before it is stored).
    pub fn apply_to(self, profile: &mut UserProfile) {
        patch(&mut profile.first_name, self.first_name);
        patch(&mut profile.middle_name, self.middle_name);
        patch(&mut profile.last_name, self.last_name);
        patch(&mut profile.phone, self.phone);
        patch(&mut profile.avatar_url, self.avatar_url);
        profile.preferences = profile.preferences.merge(self.preferences);
    }
}

/// Applies one field of a patch: `None` keeps `field`, `Some(value)` replaces it (`Some(None)`
/// clears it).
fn patch<T>(field: &mut Option<T>, change: Option<Option<T>>) {
    if let Some(value) = change {
        *field = value;
    }
}
