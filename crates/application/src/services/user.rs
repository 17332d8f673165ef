//! [`UserService`]: user administration (admins) and the self-service profile (everyone).

use std::sync::Arc;

use prosektor_domain::{
    CompanyId, Email, PlainPassword, Role, RowVersion, User, UserId, UserProfile,
};

use super::actor::Actor;
use super::error::{ServiceError, ServiceResult};
use crate::ports::changes::ProfilePatch;
use crate::ports::clock::Clock;
use crate::ports::company::CompanyRepository;
use crate::ports::ids::IdGenerator;
use crate::ports::paging::{Page, PageRequest};
use crate::ports::password::PasswordHasher;
use crate::ports::scope::TenantScope;
use crate::ports::user::{UserFilter, UserRepository};

/// A user together with their profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserAccount {
    /// Credentials, role and session.
    pub user: User,
    /// Personal data and preferences.
    pub profile: UserProfile,
}

/// A user to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Login email (normalised by `Email::parse`).
    pub email: Email,
    /// Initial password; hashed before it goes anywhere.
    pub password: PlainPassword,
    /// `ADMIN` (no company) or `CLIENT` (of `company_id`).
    pub role: Role,
    /// The client's company; `None` for an admin.
    pub company_id: Option<CompanyId>,
    /// The initial profile, applied to an empty one.
    pub profile: ProfilePatch,
}

/// Users and profiles. Everything but [`me`](Self::me) and [`update_me`](Self::update_me) is
/// admin-only (SPEC §5: create/delete/restore users, change roles).
#[derive(Clone)]
pub struct UserService {
    users: Arc<dyn UserRepository>,
    companies: Arc<dyn CompanyRepository>,
    hasher: Arc<dyn PasswordHasher>,
    clock: Arc<dyn Clock>,
    ids: Arc<dyn IdGenerator>,
}

impl UserService {
    /// A service over these ports.
    pub fn new(
        users: Arc<dyn UserRepository>,
        companies: Arc<dyn CompanyRepository>,
        hasher: Arc<dyn PasswordHasher>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn IdGenerator>,
    ) -> Self {
        Self {
            users,
            companies,
            hasher,
            clock,
            ids,
        }
    }

    /// Creates a user and their profile (admin).
    ///
    /// # Errors
    /// `Forbidden` for a client; `Domain(RoleCompanyMismatch)`; `NotFound` when the company does
    /// not exist; `Conflict(EmailTaken)`; `Internal`.
    pub async fn create_user(&self, actor: &Actor, new: NewUser) -> ServiceResult<UserAccount> {
        actor.require_admin()?;
        self.check_role_company(new.role, new.company_id).await?;
        let hash = self.hasher.hash(&new.password).await?;
        let id = UserId::from_uuid(self.ids.new_id());
        let now = self.clock.now();
        let user = match new.company_id {
            None => User::new_admin(id, new.email, hash, now),
            Some(company) => User::new_client(id, new.email, hash, company, now),
        };
        let mut profile = UserProfile::empty(id);
        new.profile.apply_to(&mut profile);
        self.users.create(&user, &profile).await?;
        Ok(UserAccount { user, profile })
    }

    /// A user that is not deleted, with their profile (admin).
    ///
    /// # Errors
    /// `Forbidden` for a client; `NotFound`; `Internal`.
    pub async fn get(&self, actor: &Actor, id: UserId) -> ServiceResult<UserAccount> {
        actor.require_admin()?;
        let user = self.users.get(TenantScope::All, id, false).await?;
        let profile = self.users.get_profile(id).await?;
        Ok(UserAccount { user, profile })
    }

    /// Users matching `filter`, newest first (admin).
    ///
    /// # Errors
    /// `Forbidden` for a client; `InvalidCursor`; `Internal`.
    pub async fn list(
        &self,
        actor: &Actor,
        filter: &UserFilter,
        page: &PageRequest,
    ) -> ServiceResult<Page<User>> {
        actor.require_admin()?;
        Ok(self.users.list(TenantScope::All, filter, page).await?)
    }

    /// Changes a user's role and company, logging them out everywhere (admin; not one's own: an
    /// admin who demoted themselves would end their own session and could leave no admin).
    ///
    /// # Errors
    /// `Forbidden` for a client or for one's own role; `Domain(RoleCompanyMismatch)`; `NotFound` for the user or the
    /// company; `Conflict(StaleState)`; `Internal`.
    pub async fn change_role(
        &self,
        actor: &Actor,
        id: UserId,
        role: Role,
        company_id: Option<CompanyId>,
    ) -> ServiceResult<User> {
        actor.require_admin()?;
        if id == actor.id() {
            return Err(ServiceError::Forbidden);
        }
        self.check_role_company(role, company_id).await?;
        let mut user = self.users.get(TenantScope::All, id, false).await?;
        let expected = user.session_version();
        user.change_role(role, company_id)?;
        self.users.save(&user, expected).await?;
        Ok(user)
    }

    /// Soft-deletes a user, logging them out everywhere (admin; not oneself).
    ///
    /// # Errors
    /// `Forbidden` for a client or for deleting oneself; `NotFound` (also for a user already
    /// deleted); `Conflict(StaleState)`; `Internal`.
    pub async fn soft_delete(&self, actor: &Actor, id: UserId) -> ServiceResult<User> {
        actor.require_admin()?;
        if id == actor.id() {
            return Err(ServiceError::Forbidden);
        }
        let mut user = self.users.get(TenantScope::All, id, false).await?;
        let expected = user.session_version();
        user.soft_delete(self.clock.now())?;
        self.users.save(&user, expected).await?;
        Ok(user)
    }

    /// Restores a soft-deleted user; tokens from before the deletion stay invalid (admin).
    ///
    /// # Errors
    /// `Forbidden` for a client; `NotFound`; `Domain(NotDeleted)`; `Conflict(EmailTaken)` when the
    /// email was taken meanwhile; `Conflict(StaleState)`; `Internal`.
    pub async fn restore(&self, actor: &Actor, id: UserId) -> ServiceResult<User> {
        actor.require_admin()?;
        let mut user = self.users.get(TenantScope::All, id, true).await?;
        let expected = user.session_version();
        user.restore()?;
        self.users.save(&user, expected).await?;
        Ok(user)
    }

    /// The account of `user`, the authenticated caller (as `AuthService::authenticate` read
    /// it): the user with its profile.
    ///
    /// # Errors
    /// `NotFound` when the user's profile vanished; `Internal`.
    pub async fn me(&self, user: User) -> ServiceResult<UserAccount> {
        let profile = self.users.get_profile(user.id()).await?;
        Ok(UserAccount { user, profile })
    }

    /// Changes the actor's own profile and preferences, only the fields and preference keys
    /// named (concurrent changes of other fields or keys survive); returns the stored profile.
    ///
    /// # Errors
    /// `NotFound` when the actor's profile vanished; `PreconditionFailed` when `if_match` is
    /// stale; `Internal`.
    pub async fn update_me(
        &self,
        actor: &Actor,
        changes: ProfilePatch,
        if_match: Option<RowVersion>,
    ) -> ServiceResult<UserProfile> {
        Ok(self
            .users
            .update_profile(actor.id(), &changes, if_match)
            .await?)
    }

    /// Checks the role/company rule and that a client's company exists (before any hashing).
    async fn check_role_company(
        &self,
        role: Role,
        company: Option<CompanyId>,
    ) -> ServiceResult<()> {
        role.check_company(company)?;
        if let Some(company) = company {
            self.companies.get(TenantScope::All, company).await?;
        }
        Ok(())
    }
}

/// The actor's own user, within the actor's scope.
pub(crate) async fn load_self(users: &dyn UserRepository, actor: &Actor) -> ServiceResult<User> {
    Ok(users.get(actor.scope(), actor.id(), false).await?)
}

#[cfg(test)]
mod tests;
