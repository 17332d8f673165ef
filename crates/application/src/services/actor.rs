//! [`Actor`]: the authenticated user on whose behalf a service acts, and the two permission
//! checks every service uses: [`Actor::require_admin`] and [`Actor::check_tenant`].
//!
//! The rule of SPEC §5 in two lines: an action that only `ADMIN`s may take answers `Forbidden` to a
//! client (before anything is read); a resource of another company answers `NotFound` to a client,
//! exactly as a missing one would. A third check, [`Actor::require_write_access`], refuses the
//! company's writes to the clients of a `SUSPENDED` company ([`ClientAccess::ReadOnly`]).

use prosektor_domain::{ClientAccess, CompanyId, CompanyStatus, Role, User, UserId};

use super::error::{ServiceError, ServiceResult};
use crate::ports::scope::TenantScope;

/// Who is acting: a user's id and the tenancy that comes with their role (an `ADMIN` sees every
/// company, a `CLIENT` only their own).
///
/// Built from an authenticated [`User`], normally by
/// [`AuthService::authenticate`](super::AuthService::authenticate), which has checked that the user
/// exists, is not deleted and that the token's session version is current.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Actor {
    id: UserId,
    scope: TenantScope,
    access: ClientAccess,
}

impl Actor {
    /// The actor `user` with the access its company's status gives it (`None` for an admin, whose
    /// access does not depend on a company).
    pub fn new(user: &User, company_status: Option<CompanyStatus>) -> Self {
        let access = match (user.role(), company_status) {
            (Role::Client, Some(status)) => status.client_access(),
            _ => ClientAccess::Full,
        };
        Self {
            access,
            ..Self::from(user)
        }
    }

    /// What the actor may do with its company's data.
    pub const fn access(&self) -> ClientAccess {
        self.access
    }

    /// The acting user's id.
    pub const fn id(&self) -> UserId {
        self.id
    }

    /// The acting user's role.
    pub const fn role(&self) -> Role {
        match self.scope {
            TenantScope::All => Role::Admin,
            TenantScope::Company(_) => Role::Client,
        }
    }

    /// The acting user's company (`None` for an `ADMIN`).
    pub const fn company(&self) -> Option<CompanyId> {
        self.scope.company()
    }

    /// Whether the actor is platform staff.
    pub const fn is_admin(&self) -> bool {
        matches!(self.scope, TenantScope::All)
    }

    /// The rows the actor's reads may return: `All` for an `ADMIN`, their company's for a `CLIENT`.
    pub const fn scope(&self) -> TenantScope {
        self.scope
    }

    /// Refuses a `CLIENT` an admin-only action.
    ///
    /// # Errors
    /// [`ServiceError::Forbidden`] unless the actor is an `ADMIN`.
    pub(crate) fn require_admin(&self) -> ServiceResult<()> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(ServiceError::Forbidden)
        }
    }

    /// Refuses a change of the company's data to a client whose company allows only reading
    /// (`SUSPENDED`).
    ///
    /// # Errors
    /// [`ServiceError::CompanySuspended`] for such a client.
    pub(crate) fn require_write_access(&self) -> ServiceResult<()> {
        match self.access {
            ClientAccess::Full => Ok(()),
            ClientAccess::ReadOnly | ClientAccess::Closed => Err(ServiceError::CompanySuspended),
        }
    }

    /// Refuses a `CLIENT` any resource of another company, exactly as if it did not exist.
    ///
    /// # Errors
    /// [`ServiceError::NotFound`] when `company` is outside the actor's scope.
    pub(crate) fn check_tenant(&self, company: CompanyId) -> ServiceResult<()> {
        if self.scope.allows(company) {
            Ok(())
        } else {
            Err(ServiceError::NotFound)
        }
    }
}

impl From<&User> for Actor {
    fn from(user: &User) -> Self {
        let scope = match user.company_id() {
            // The domain guarantees that a CLIENT has a company and an ADMIN has none.
            Some(company) if user.role() == Role::Client => TenantScope::Company(company),
            _ => TenantScope::All,
        };
        Self {
            id: user.id(),
            scope,
            access: ClientAccess::Full,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::test_support::{admin_user, client_user};

    #[test]
    fn an_admin_sees_everything_and_may_administer() {
        let user = admin_user();
        let actor = Actor::from(&user);
        assert_eq!((actor.id(), actor.role()), (user.id(), Role::Admin));
        assert_eq!((actor.company(), actor.scope()), (None, TenantScope::All));
        assert_eq!(actor.require_admin(), Ok(()));
        assert_eq!(actor.check_tenant(CompanyId::new_v7()), Ok(()));
    }

    #[test]
    fn a_suspended_company_s_clients_may_read_but_not_write() {
        let user = client_user(CompanyId::new_v7());
        let full = Actor::new(&user, Some(CompanyStatus::Active));
        assert_eq!(full.require_write_access(), Ok(()));
        let suspended = Actor::new(&user, Some(CompanyStatus::Suspended));
        assert_eq!(suspended.access(), ClientAccess::ReadOnly);
        assert_eq!(
            suspended.require_write_access(),
            Err(ServiceError::CompanySuspended)
        );
        let admin = Actor::new(&admin_user(), Some(CompanyStatus::Churned));
        assert_eq!(admin.access(), ClientAccess::Full);
    }

    #[test]
    fn a_client_sees_only_its_company_and_may_not_administer() {
        let own = CompanyId::new_v7();
        let user = client_user(own);
        let actor = Actor::from(&user);
        assert_eq!((actor.id(), actor.role()), (user.id(), Role::Client));
        assert_eq!(
            (actor.company(), actor.scope()),
            (Some(own), TenantScope::Company(own))
        );
        assert_eq!(actor.require_admin(), Err(ServiceError::Forbidden));
        assert_eq!(actor.check_tenant(own), Ok(()));
        assert_eq!(
            actor.check_tenant(CompanyId::new_v7()),
            Err(ServiceError::NotFound)
        );
    }
}
