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

impl CompanyStatus {
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
    fn wire_names() {
        let names: Vec<_> = CompanyStatus::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["LEAD", "ACTIVE", "SUSPENDED", "CHURNED"]);
        assert!(CompanyStatus::parse("lead").is_err());
    }
}
