//! Users, profiles and preferences on the wire.

use chrono::{DateTime, Utc};
use poem_openapi::Object;
use poem_openapi::types::MaybeUndefined;
use prosektor_application::services::{ProfilePatch, UserAccount};
use prosektor_domain::{AvatarUrl, PersonName, Phone, Preferences, User, UserProfile};
use serde::Serialize;
use uuid::Uuid;

use super::enums::{LocaleDto, RoleDto, ThemeDto};
use super::text::Text;
use super::timestamp::{rfc3339, rfc3339_or_null};
use crate::convert::change;
use crate::error::ApiResult;
use crate::versioning::Versioned;

/// A user (never with a password or hash).
#[derive(Debug, Clone, Object, Serialize)]
#[oai(rename = "User")]
pub struct UserDto {
    /// The user's id.
    pub id: Uuid,
    /// Login email, lower-cased.
    pub email: String,
    /// `ADMIN` or `CLIENT`.
    pub role: RoleDto,
    /// The client's company; absent for an admin.
    pub company_id: Option<Uuid>,
    /// When the user was created.
    #[serde(serialize_with = "rfc3339")]
    pub created_at: DateTime<Utc>,
    /// When the user was soft-deleted; absent while active.
    #[serde(serialize_with = "rfc3339_or_null")]
    pub deleted_at: Option<DateTime<Utc>>,
}

impl From<&User> for UserDto {
    fn from(user: &User) -> Self {
        Self {
            id: user.id().as_uuid(),
            email: user.email().as_str().to_owned(),
            role: user.role().into(),
            company_id: user.company_id().map(|company| company.as_uuid()),
            created_at: user.created_at(),
            deleted_at: user.deleted_at(),
        }
    }
}

/// UI preferences; unknown keys are refused.
#[derive(Debug, Clone, Default, Object, Serialize)]
#[oai(rename = "Preferences", deny_unknown_fields)]
pub struct PreferencesDto {
    /// Colour scheme.
    pub theme: Option<ThemeDto>,
    /// Whether to send notifications.
    pub notifications: Option<bool>,
    /// Language.
    pub locale: Option<LocaleDto>,
}

impl From<&Preferences> for PreferencesDto {
    fn from(preferences: &Preferences) -> Self {
        Self {
            theme: preferences.theme.map(Into::into),
            notifications: preferences.notifications,
            locale: preferences.locale.map(Into::into),
        }
    }
}

impl From<PreferencesDto> for Preferences {
    fn from(dto: PreferencesDto) -> Self {
        Self {
            theme: dto.theme.map(Into::into),
            notifications: dto.notifications,
            locale: dto.locale.map(Into::into),
        }
    }
}

/// A user's profile.
#[derive(Debug, Clone, Object, Serialize)]
#[oai(rename = "Profile")]
pub struct ProfileDto {
    /// Given name.
    pub first_name: Option<String>,
    /// Middle name.
    pub middle_name: Option<String>,
    /// Family name.
    pub last_name: Option<String>,
    /// Phone number in E.164 (`+905321234567`).
    pub phone: Option<String>,
    /// Profile picture (https).
    pub avatar_url: Option<String>,
    /// UI preferences.
    pub preferences: PreferencesDto,
    /// Its version: one more after every change (also the `ETag` of `/me`, for `If-Match`).
    pub version: i64,
}

impl Versioned for ProfileDto {
    fn version(&self) -> i64 {
        self.version
    }
}

impl Versioned for AccountDto {
    fn version(&self) -> i64 {
        self.profile.version
    }
}

impl From<&UserProfile> for ProfileDto {
    fn from(profile: &UserProfile) -> Self {
        Self {
            first_name: profile
                .first_name
                .as_ref()
                .map(|name| name.as_str().to_owned()),
            middle_name: profile
                .middle_name
                .as_ref()
                .map(|name| name.as_str().to_owned()),
            last_name: profile
                .last_name
                .as_ref()
                .map(|name| name.as_str().to_owned()),
            phone: profile
                .phone
                .as_ref()
                .map(|phone| phone.as_str().to_owned()),
            avatar_url: profile
                .avatar_url
                .as_ref()
                .map(|url| url.as_str().to_owned()),
            preferences: (&profile.preferences).into(),
            version: profile.version.get(),
        }
    }
}

/// A user with their profile.
#[derive(Debug, Clone, Object, Serialize)]
#[oai(rename = "Account")]
pub struct AccountDto {
    /// The user.
    pub user: UserDto,
    /// Their profile.
    pub profile: ProfileDto,
}

impl From<&UserAccount> for AccountDto {
    fn from(account: &UserAccount) -> Self {
        Self {
            user: (&account.user).into(),
            profile: (&account.profile).into(),
        }
    }
}

/// Changes to a profile: an absent field is kept, `null` clears it, a value sets it;
/// `preferences` keys that are present overwrite, others are kept.
#[derive(Debug, Clone, Default, Object)]
#[oai(rename = "ProfilePatch", deny_unknown_fields)]
pub struct ProfilePatchDto {
    /// Given name (1 to 100 characters).
    #[oai(validator(max_length = 100, pattern = r"\S"))]
    pub first_name: MaybeUndefined<Text>,
    /// Middle name (1 to 100 characters).
    #[oai(validator(max_length = 100, pattern = r"\S"))]
    pub middle_name: MaybeUndefined<Text>,
    /// Family name (1 to 100 characters).
    #[oai(validator(max_length = 100, pattern = r"\S"))]
    pub last_name: MaybeUndefined<Text>,
    /// Phone; Turkish input such as `0532 123 45 67` is normalised to E.164.
    pub phone: MaybeUndefined<Text>,
    /// Profile picture, an https URL.
    pub avatar_url: MaybeUndefined<Text>,
    /// Preference keys to overwrite.
    pub preferences: Option<PreferencesDto>,
}

impl ProfilePatchDto {
    /// The domain patch, with every value validated.
    ///
    /// # Errors
    /// `422` naming the first refused field.
    pub fn into_patch(self) -> ApiResult<ProfilePatch> {
        Ok(ProfilePatch {
            first_name: change("first_name", self.first_name, PersonName::parse)?,
            middle_name: change("middle_name", self.middle_name, PersonName::parse)?,
            last_name: change("last_name", self.last_name, PersonName::parse)?,
            phone: change("phone", self.phone, Phone::parse)?,
            avatar_url: change("avatar_url", self.avatar_url, AvatarUrl::parse)?,
            preferences: self.preferences.unwrap_or_default().into(),
        })
    }
}
