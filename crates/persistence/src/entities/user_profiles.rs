//! SeaORM model of `user_profiles` (one-to-one with `users`) and its mapping to and from
//! [`UserProfile`], including the `preferences` JSON object.

use prosektor_domain::{
    AvatarUrl, DomainError, DomainResult, Locale, PersonName, Phone, Preferences, RowVersion,
    Theme, UserId, UserProfile, ValidationReason,
};
use sea_orm::ActiveValue::Set;
use sea_orm::entity::prelude::*;
use serde_json::{Map, Value};

use super::mapping::{IntoDomain, optional, text};
use super::positional::Positional;

/// A row of `user_profiles`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_profiles")]
pub struct Model {
    /// The user this profile belongs to.
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Phone, E.164.
    pub phone: Option<String>,
    /// An https URL.
    pub avatar_url: Option<String>,
    /// A JSON object of known keys (`theme`, `notifications`, `locale`).
    pub preferences: Json,
    /// Middle name (added by the "adding a field" evolution).
    pub middle_name: Option<String>,
    /// The row version, bumped by a trigger on every update.
    pub version: i64,
}

impl Model {
    /// The profile in `row`, whose columns are this struct's in its order (as
    /// `crate::repositories::user::PROFILE_SQL` selects them): read by position, not looked up by
    /// name.
    ///
    /// # Errors
    /// The driver's error for a column of another type.
    pub(crate) fn by_position(row: &QueryResult) -> Result<Self, DbErr> {
        Ok(Self {
            user_id: row.at(0)?,
            first_name: row.at(1)?,
            last_name: row.at(2)?,
            phone: row.at(3)?,
            avatar_url: row.at(4)?,
            preferences: row.at(5)?,
            middle_name: row.at(6)?,
            version: row.at(7)?,
        })
    }
}

/// Reached by primary key only.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

impl IntoDomain for Model {
    type Domain = UserProfile;

    fn into_domain(self) -> DomainResult<UserProfile> {
        Ok(UserProfile {
            user_id: UserId::from_uuid(self.user_id),
            first_name: optional(self.first_name, PersonName::parse)?,
            middle_name: optional(self.middle_name, PersonName::parse)?,
            last_name: optional(self.last_name, PersonName::parse)?,
            phone: optional(self.phone, Phone::parse)?,
            avatar_url: optional(self.avatar_url, AvatarUrl::parse)?,
            preferences: preferences_from_json(&self.preferences)?,
            version: RowVersion::new(self.version)?,
        })
    }
}

impl From<&UserProfile> for ActiveModel {
    fn from(profile: &UserProfile) -> Self {
        Self {
            user_id: Set(profile.user_id.as_uuid()),
            first_name: Set(text(profile.first_name.as_ref())),
            last_name: Set(text(profile.last_name.as_ref())),
            phone: Set(text(profile.phone.as_ref())),
            avatar_url: Set(text(profile.avatar_url.as_ref())),
            preferences: Set(preferences_to_json(&profile.preferences)),
            middle_name: Set(text(profile.middle_name.as_ref())),
            version: Set(profile.version.get()),
        }
    }
}

/// The keys of `preferences` that are set, as a JSON object (`{}` when none is).
pub(crate) fn preferences_to_json(preferences: &Preferences) -> Json {
    let mut object = Map::new();
    if let Some(theme) = preferences.theme {
        object.insert("theme".into(), theme.as_str().into());
    }
    if let Some(notifications) = preferences.notifications {
        object.insert("notifications".into(), notifications.into());
    }
    if let Some(locale) = preferences.locale {
        object.insert("locale".into(), locale.as_str().into());
    }
    Value::Object(object)
}

/// Reads the stored object, refusing anything but the known keys with values of their type.
fn preferences_from_json(json: &Json) -> DomainResult<Preferences> {
    let object = json.as_object().ok_or_else(malformed)?;
    let mut preferences = Preferences::default();
    for (key, value) in object {
        match key.as_str() {
            "theme" => preferences.theme = Some(Theme::parse(json_str(value)?)?),
            "locale" => preferences.locale = Some(Locale::parse(json_str(value)?)?),
            "notifications" => {
                preferences.notifications = Some(value.as_bool().ok_or_else(malformed)?)
            }
            _ => {
                return Err(DomainError::invalid(
                    "preferences",
                    ValidationReason::UnknownValue,
                ));
            }
        }
    }
    Ok(preferences)
}

/// A JSON string's text.
fn json_str(value: &Value) -> DomainResult<&str> {
    value.as_str().ok_or_else(malformed)
}

/// `preferences` is not an object of the expected value types.
fn malformed() -> DomainError {
    DomainError::invalid("preferences", ValidationReason::Format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preferences_round_trip_through_json() {
        let preferences = Preferences {
            theme: Some(Theme::Dark),
            notifications: Some(false),
            locale: Some(Locale::Tr),
        };
        let json = preferences_to_json(&preferences);
        assert_eq!(
            json,
            serde_json::json!({"theme": "dark", "notifications": false, "locale": "tr"})
        );
        assert_eq!(preferences_from_json(&json), Ok(preferences));
        assert_eq!(
            preferences_to_json(&Preferences::default()),
            serde_json::json!({})
        );
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_refused() {
        for json in [
            serde_json::json!([]),
            serde_json::json!({"font": "big"}),
            serde_json::json!({"theme": 1}),
            serde_json::json!({"theme": "blue"}),
            serde_json::json!({"notifications": "yes"}),
        ] {
            assert!(preferences_from_json(&json).is_err(), "{json}");
        }
    }
}
