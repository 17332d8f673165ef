//! Request bodies of user administration (admins): a new user, a role change.

use poem_openapi::Object;
use prosektor_application::services::NewUser;
use prosektor_domain::{CompanyId, Email, PlainPassword};
use uuid::Uuid;

use super::enums::RoleDto;
use super::text::Text;
use super::user::ProfilePatchDto;
use crate::convert::field;
use crate::error::ApiResult;

/// A user to create: an `ADMIN` (no company) or a `CLIENT` of `company_id`.
#[derive(Debug, Object)]
#[oai(rename = "CreateUser", deny_unknown_fields)]
pub struct CreateUserDto {
    /// Login email; stored trimmed and lower-cased, unique among users not deleted.
    #[oai(validator(max_length = 255))]
    pub email: Text,
    /// Initial password: 10 to 128 characters, not only whitespace. Never returned.
    #[oai(validator(max_length = 1024))]
    pub password: Text,
    /// `ADMIN` or `CLIENT`.
    pub role: RoleDto,
    /// The client's company; must be absent for an `ADMIN`.
    pub company_id: Option<Uuid>,
    /// Initial profile fields; absent ones stay empty.
    pub profile: Option<ProfilePatchDto>,
}

impl CreateUserDto {
    /// The use case's input, with every value validated.
    ///
    /// # Errors
    /// `422` naming the first refused field (`email`, `password`, or a profile field).
    pub fn into_new_user(self) -> ApiResult<NewUser> {
        Ok(NewUser {
            email: field("email", Email::parse(&self.email))?,
            password: field("password", PlainPassword::new(&self.password))?,
            role: self.role.into(),
            company_id: self.company_id.map(CompanyId::from_uuid),
            profile: self.profile.unwrap_or_default().into_patch()?,
        })
    }
}

/// A new role: `ADMIN` without a company, or `CLIENT` of `company_id`. The user's existing tokens
/// stop working.
#[derive(Debug, Object)]
#[oai(rename = "ChangeRole", deny_unknown_fields)]
pub struct ChangeRoleDto {
    /// The new role.
    pub role: RoleDto,
    /// The company of a `CLIENT`; must be absent for an `ADMIN`.
    pub company_id: Option<Uuid>,
}
