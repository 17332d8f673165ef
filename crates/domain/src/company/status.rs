//! [`CompanyStatus`] and its state machine.

use crate::enums::string_enum;

string_enum! {
    /// Where a company is in the customer life cycle.
    ///
    /// | from | allowed to |
    /// | --- | --- |
    /// | `LEAD` | `ACTIVE`, `CHURNED` |
    /// | `ACTIVE` | `SUSPENDED`, `CHURNED` |
    /// | `SUSPENDED` | `ACTIVE`, `CHURNED` |
    /// | `CHURNED` | `ACTIVE` (win-back) |
    ///
    /// Staying in the same status is not a transition.
    pub enum CompanyStatus {
        /// A prospect; the initial status.
        Lead => "LEAD",
        /// A paying customer.
        Active => "ACTIVE",
        /// Temporarily suspended (e.g. unpaid invoices).
        Suspended => "SUSPENDED",
        /// No longer a customer.
        Churned => "CHURNED",
    }
    field = "status";
    lifecycle = "company";
}

/// What a company's `CLIENT` users may do, by the company's status:
///
/// | status | client access |
/// | --- | --- |
/// | `LEAD`, `ACTIVE` | [`ClientAccess::Full`] |
/// | `SUSPENDED` | [`ClientAccess::ReadOnly`] |
/// | `CHURNED` | [`ClientAccess::Closed`] |
///
/// Admins are platform staff, not a company's users: their access never depends on a company.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ClientAccess {
    /// Everything SPEC §5 allows a client.
    Full,
    /// Read the company's data; change none of it. Their own profile, password and sessions stay
    /// theirs to manage.
    ReadOnly,
    /// No access: logging in and every request with an earlier token are refused.
    Closed,
}

impl CompanyStatus {
    /// What the company's `CLIENT` users may do while it is in this status.
    pub const fn client_access(self) -> ClientAccess {
        match self {
            Self::Lead | Self::Active => ClientAccess::Full,
            Self::Suspended => ClientAccess::ReadOnly,
            Self::Churned => ClientAccess::Closed,
        }
    }

    /// Whether the table above allows moving from `self` to `to`.
    pub const fn can_transition_to(self, to: Self) -> bool {
        matches!(
            (self, to),
            (Self::Lead, Self::Active | Self::Churned)
                | (Self::Active, Self::Suspended | Self::Churned)
                | (Self::Suspended, Self::Active | Self::Churned)
                | (Self::Churned, Self::Active)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_exactly_the_documented_edges() {
        use CompanyStatus::*;
        let allowed = [
            (Lead, Active),
            (Lead, Churned),
            (Active, Suspended),
            (Active, Churned),
            (Suspended, Active),
            (Suspended, Churned),
            (Churned, Active),
        ];
        for &from in CompanyStatus::ALL {
            for &to in CompanyStatus::ALL {
                assert_eq!(
                    from.can_transition_to(to),
                    allowed.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn suspended_clients_may_read_and_churned_ones_nothing() {
        assert_eq!(CompanyStatus::Lead.client_access(), ClientAccess::Full);
        assert_eq!(CompanyStatus::Active.client_access(), ClientAccess::Full);
        assert_eq!(
            CompanyStatus::Suspended.client_access(),
            ClientAccess::ReadOnly
        );
        assert_eq!(CompanyStatus::Churned.client_access(), ClientAccess::Closed);
    }

    #[test]
    fn wire_names() {
        let names: Vec<_> = CompanyStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["LEAD", "ACTIVE", "SUSPENDED", "CHURNED"]);
        assert!(CompanyStatus::parse("lead").is_err());
    }
}
