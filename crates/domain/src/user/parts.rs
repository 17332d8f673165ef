//! [`UserParts`]: a user taken apart for storage, and the checked way back.

use chrono::{DateTime, Utc};

use super::{PasswordHash, Role, SessionVersion, User};
use crate::email::Email;
use crate::error::{DomainError, DomainResult};
use crate::ids::{CompanyId, UserId};

/// Every field of a [`User`], unchecked: what storage hands back. Turn it into a user with
/// [`User::from_parts`] (or `TryFrom`), and back with `UserParts::from(user)`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct UserParts {
    /// See [`User::id`].
    pub id: UserId,
    /// See [`User::email`].
    pub email: Email,
    /// See [`User::password_hash`].
    pub password_hash: PasswordHash,
    /// See [`User::role`].
    pub role: Role,
    /// See [`User::company_id`].
    pub company_id: Option<CompanyId>,
    /// See [`User::session_version`].
    pub session_version: SessionVersion,
    /// See [`User::created_at`].
    pub created_at: DateTime<Utc>,
    /// See [`User::deleted_at`].
    pub deleted_at: Option<DateTime<Utc>>,
}

impl User {
    /// Rebuilds a stored user, checking the role/company rule.
    ///
    /// # Errors
    ///
    /// [`DomainError::RoleCompanyMismatch`] for an `ADMIN` with a company or a `CLIENT` without one.
    pub fn from_parts(parts: UserParts) -> DomainResult<Self> {
        parts.role.check_company(parts.company_id)?;
        let UserParts {
            id,
            email,
            password_hash,
            role,
            company_id,
            session_version,
            created_at,
            deleted_at,
        } = parts;
        Ok(Self {
            id,
            email,
            password_hash,
            role,
            company_id,
            session_version,
            created_at,
            deleted_at,
        })
    }
}

impl From<User> for UserParts {
    fn from(user: User) -> Self {
        let User {
            id,
            email,
            password_hash,
            role,
            company_id,
            session_version,
            created_at,
            deleted_at,
        } = user;
        Self {
            id,
            email,
            password_hash,
            role,
            company_id,
            session_version,
            created_at,
            deleted_at,
        }
    }
}

impl TryFrom<UserParts> for User {
    type Error = DomainError;

    fn try_from(parts: UserParts) -> DomainResult<Self> {
        Self::from_parts(parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::user::tests::client;

    #[test]
    fn round_trips_a_valid_user() {
        let parts = UserParts {
            deleted_at: Some(Utc::now()),
            ..UserParts::from(client())
        };
        let user = User::from_parts(parts.clone()).unwrap();
        assert!(user.is_deleted());
        assert_eq!(UserParts::from(user), parts);
    }

    #[test]
    fn rejects_a_broken_role_company_pair() {
        let client = UserParts::from(client());
        let company = client.company_id;
        let clientless = UserParts {
            company_id: None,
            ..client.clone()
        };
        let admin_with_company = UserParts {
            role: Role::Admin,
            company_id: company,
            ..client
        };
        assert_eq!(
            User::try_from(clientless),
            Err(DomainError::RoleCompanyMismatch)
        );
        assert_eq!(
            User::try_from(admin_with_company),
            Err(DomainError::RoleCompanyMismatch)
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_goes_through_the_checks() {
        let user = client();
        let json = serde_json::to_value(&user).unwrap();
        assert_eq!(
            (json["role"].as_str(), json["session_version"].as_i64()),
            (Some("CLIENT"), Some(1))
        );
        assert_eq!(serde_json::from_value::<User>(json.clone()).unwrap(), user);
        for (key, bad) in [
            ("company_id", serde_json::Value::Null),
            ("session_version", 0.into()),
            ("password_hash", "plain".into()),
            ("email", "nope".into()),
        ] {
            let mut invalid = json.clone();
            invalid[key] = bad;
            assert!(serde_json::from_value::<User>(invalid).is_err(), "{key}");
        }
    }
}
