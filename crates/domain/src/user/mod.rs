//! Users: the [`User`] entity (credentials, role, session version, soft delete) with its [`Role`],
//! [`SessionVersion`] and [`PasswordHash`], and the one-to-one [`UserProfile`] with its
//! [`Preferences`].

mod parts;
mod password;
mod plain_password;
mod preferences;
mod profile;
mod role;
mod session;

pub use parts::UserParts;
pub use password::PasswordHash;
pub use plain_password::PlainPassword;
pub use preferences::{Locale, Preferences, Theme};
pub use profile::{AvatarUrl, PersonName, UserProfile};
pub use role::Role;
pub use session::SessionVersion;

use chrono::{DateTime, Utc};

use crate::email::Email;
use crate::error::{DomainError, DomainResult};
use crate::ids::{CompanyId, UserId};

/// Someone who can log in.
///
/// Invariants: an `ADMIN` has no company and a `CLIENT` has one. Logging out everywhere, changing
/// the password, changing the role and soft deletion each bump the [`SessionVersion`], which
/// invalidates every token issued before. A deleted user accepts no session.
///
/// ```
/// use chrono::Utc;
/// use prosektor_domain::{CompanyId, Email, PasswordHash, User, UserId};
///
/// let hash = PasswordHash::parse("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA").unwrap();
/// let mut user = User::new_client(
///     UserId::new_v7(),
///     Email::parse("ayse@example.com").unwrap(),
///     hash,
///     CompanyId::new_v7(),
///     Utc::now(),
/// );
/// let token_version = user.session_version();
/// assert!(user.accepts_session(token_version));
///
/// user.log_out_everywhere().unwrap();
/// assert!(!user.accepts_session(token_version));
/// assert!(user.accepts_session(user.session_version()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "UserParts", into = "UserParts"))]
pub struct User {
    id: UserId,
    email: Email,
    password_hash: PasswordHash,
    role: Role,
    company_id: Option<CompanyId>,
    session_version: SessionVersion,
    created_at: DateTime<Utc>,
    deleted_at: Option<DateTime<Utc>>,
}

impl User {
    /// A new platform admin (no company), at session version 1.
    pub const fn new_admin(
        id: UserId,
        email: Email,
        password_hash: PasswordHash,
        created_at: DateTime<Utc>,
    ) -> Self {
        Self::fresh(id, email, password_hash, Role::Admin, None, created_at)
    }

    /// A new client user of `company_id`, at session version 1.
    pub const fn new_client(
        id: UserId,
        email: Email,
        password_hash: PasswordHash,
        company_id: CompanyId,
        created_at: DateTime<Utc>,
    ) -> Self {
        Self::fresh(
            id,
            email,
            password_hash,
            Role::Client,
            Some(company_id),
            created_at,
        )
    }

    const fn fresh(
        id: UserId,
        email: Email,
        password_hash: PasswordHash,
        role: Role,
        company_id: Option<CompanyId>,
        created_at: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            email,
            password_hash,
            role,
            company_id,
            session_version: SessionVersion::INITIAL,
            created_at,
            deleted_at: None,
        }
    }

    /// Invalidates every issued token.
    ///
    /// # Errors
    ///
    /// [`DomainError::Overflow`] when the session version is at its maximum.
    pub fn log_out_everywhere(&mut self) -> DomainResult<()> {
        self.session_version = self.session_version.next()?;
        Ok(())
    }

    /// Replaces the password hash and invalidates every issued token.
    ///
    /// # Errors
    ///
    /// [`DomainError::Overflow`] when the session version is at its maximum.
    pub fn change_password(&mut self, password_hash: PasswordHash) -> DomainResult<()> {
        let version = self.session_version.next()?;
        self.password_hash = password_hash;
        self.session_version = version;
        Ok(())
    }

    /// Changes role and company together and invalidates every issued token. Setting the same role
    /// and company is a no-op that keeps sessions alive.
    ///
    /// # Errors
    ///
    /// [`DomainError::RoleCompanyMismatch`] for an `ADMIN` with a company or a `CLIENT` without one;
    /// [`DomainError::Overflow`] when the session version is at its maximum.
    pub fn change_role(&mut self, role: Role, company_id: Option<CompanyId>) -> DomainResult<()> {
        role.check_company(company_id)?;
        if (role, company_id) == (self.role, self.company_id) {
            return Ok(());
        }
        self.session_version = self.session_version.next()?;
        self.role = role;
        self.company_id = company_id;
        Ok(())
    }

    /// Soft-deletes the user at `at` and invalidates every issued token.
    ///
    /// # Errors
    ///
    /// [`DomainError::AlreadyDeleted`] if already deleted; [`DomainError::Overflow`] when the session
    /// version is at its maximum.
    pub fn soft_delete(&mut self, at: DateTime<Utc>) -> DomainResult<()> {
        if self.is_deleted() {
            return Err(DomainError::AlreadyDeleted);
        }
        self.session_version = self.session_version.next()?;
        self.deleted_at = Some(at);
        Ok(())
    }

    /// Undoes a soft delete. The session version is not reset, so tokens from before the deletion
    /// stay invalid.
    ///
    /// # Errors
    ///
    /// [`DomainError::NotDeleted`] if the user is not deleted.
    pub fn restore(&mut self) -> DomainResult<()> {
        if self.deleted_at.take().is_none() {
            return Err(DomainError::NotDeleted);
        }
        Ok(())
    }

    /// Whether the user is soft-deleted.
    pub const fn is_deleted(&self) -> bool {
        self.deleted_at.is_some()
    }

    /// Whether a token issued under `version` is still good: the user is not deleted and the
    /// version is the current one.
    pub fn accepts_session(&self, version: SessionVersion) -> bool {
        !self.is_deleted() && self.session_version == version
    }

    /// The user's id.
    pub const fn id(&self) -> UserId {
        self.id
    }

    /// The login e-mail.
    pub const fn email(&self) -> &Email {
        &self.email
    }

    /// The argon2id hash of the password.
    pub const fn password_hash(&self) -> &PasswordHash {
        &self.password_hash
    }

    /// The role.
    pub const fn role(&self) -> Role {
        self.role
    }

    /// The company of a `CLIENT`; `None` for an `ADMIN`.
    pub const fn company_id(&self) -> Option<CompanyId> {
        self.company_id
    }

    /// The current session version.
    pub const fn session_version(&self) -> SessionVersion {
        self.session_version
    }

    /// When the user was created.
    pub const fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }

    /// When the user was soft-deleted, if they are.
    pub const fn deleted_at(&self) -> Option<DateTime<Utc>> {
        self.deleted_at
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn hash(tag: &str) -> PasswordHash {
        PasswordHash::parse(&format!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA${tag}")).unwrap()
    }

    pub(crate) fn client() -> User {
        let email = Email::parse("ayse@example.com").unwrap();
        User::new_client(
            UserId::new_v7(),
            email,
            hash("one"),
            CompanyId::new_v7(),
            Utc::now(),
        )
    }

    fn version(n: i32) -> SessionVersion {
        SessionVersion::new(n).unwrap()
    }

    #[test]
    fn constructors_set_role_company_and_version() {
        let admin = User::new_admin(
            UserId::new_v7(),
            Email::parse("a@b.io").unwrap(),
            hash("x"),
            Utc::now(),
        );
        assert_eq!((admin.role(), admin.company_id()), (Role::Admin, None));
        let client = client();
        assert_eq!(client.role(), Role::Client);
        assert!(client.company_id().is_some());
        assert_eq!(client.session_version(), SessionVersion::INITIAL);
        assert!(!client.is_deleted() && client.accepts_session(version(1)));
    }

    #[test]
    fn every_session_invalidating_change_bumps_the_version() {
        let mut user = client();
        user.log_out_everywhere().unwrap();
        assert_eq!(user.session_version(), version(2));
        user.change_password(hash("two")).unwrap();
        assert_eq!(
            (user.session_version(), user.password_hash()),
            (version(3), &hash("two"))
        );
        user.change_role(Role::Admin, None).unwrap();
        assert_eq!(
            (user.session_version(), user.role(), user.company_id()),
            (version(4), Role::Admin, None)
        );
        user.soft_delete(Utc::now()).unwrap();
        assert_eq!(user.session_version(), version(5));
        assert!(!user.accepts_session(version(5)));
        assert!(!user.accepts_session(version(4)));
    }

    #[test]
    fn change_role_checks_the_company_and_skips_no_ops() {
        let mut user = client();
        let company = user.company_id();
        assert_eq!(
            user.change_role(Role::Client, None),
            Err(DomainError::RoleCompanyMismatch)
        );
        assert_eq!(
            user.change_role(Role::Admin, company),
            Err(DomainError::RoleCompanyMismatch)
        );
        user.change_role(Role::Client, company).unwrap();
        assert_eq!(user.session_version(), version(1));
        user.change_role(Role::Client, Some(CompanyId::new_v7()))
            .unwrap();
        assert_eq!(user.session_version(), version(2));
    }

    #[test]
    fn soft_delete_and_restore() {
        let mut user = client();
        let at = Utc::now();
        assert_eq!(user.restore(), Err(DomainError::NotDeleted));
        user.soft_delete(at).unwrap();
        assert_eq!((user.is_deleted(), user.deleted_at()), (true, Some(at)));
        assert_eq!(user.soft_delete(at), Err(DomainError::AlreadyDeleted));
        assert_eq!(user.session_version(), version(2));
        user.restore().unwrap();
        assert!(!user.is_deleted());
        assert_eq!(user.session_version(), version(2));
        assert!(!user.accepts_session(version(1)));
        assert!(user.accepts_session(version(2)));
    }

    #[test]
    fn overflowing_version_changes_nothing() {
        let mut user = User::from_parts(UserParts {
            session_version: version(i32::MAX),
            ..UserParts::from(client())
        })
        .unwrap();
        let overflow = Err(DomainError::Overflow {
            field: "session_version",
        });
        assert_eq!(user.change_password(hash("two")), overflow);
        assert_eq!(user.password_hash(), &hash("one"));
        assert_eq!(user.change_role(Role::Admin, None), overflow);
        assert_eq!(user.role(), Role::Client);
        assert_eq!(user.soft_delete(Utc::now()), overflow);
        assert!(!user.is_deleted());
        assert_eq!(user.log_out_everywhere(), overflow);
    }
}
