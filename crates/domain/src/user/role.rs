//! [`Role`]: what a user may do, and the role/company rule that comes with it.

use crate::enums::string_enum;
use crate::error::{DomainError, DomainResult};
use crate::ids::CompanyId;

string_enum! {
    /// A user's role.
    pub enum Role {
        /// Platform staff: sees every company, belongs to none.
        Admin => "ADMIN",
        /// A customer's user: belongs to exactly one company and sees only its data.
        Client => "CLIENT",
    }
    field = "role";
}

impl Role {
    /// Checks the role/company rule: an `ADMIN` has no company, a `CLIENT` has one.
    ///
    /// # Errors
    ///
    /// [`DomainError::RoleCompanyMismatch`] when the rule is broken.
    pub const fn check_company(self, company_id: Option<CompanyId>) -> DomainResult<()> {
        match (self, company_id) {
            (Self::Admin, None) | (Self::Client, Some(_)) => Ok(()),
            _ => Err(DomainError::RoleCompanyMismatch),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_have_no_company_and_clients_have_one() {
        let company = Some(CompanyId::new_v7());
        assert_eq!(Role::Admin.check_company(None), Ok(()));
        assert_eq!(Role::Client.check_company(company), Ok(()));
        assert_eq!(
            Role::Admin.check_company(company),
            Err(DomainError::RoleCompanyMismatch)
        );
        assert_eq!(
            Role::Client.check_company(None),
            Err(DomainError::RoleCompanyMismatch)
        );
    }

    #[test]
    fn wire_names() {
        assert_eq!(
            (Role::Admin.as_str(), Role::Client.as_str()),
            ("ADMIN", "CLIENT")
        );
        assert_eq!(Role::parse("CLIENT"), Ok(Role::Client));
        assert!(Role::parse("OWNER").is_err());
    }
}
