//! [`InvoiceStatus`] and its state machine.

use crate::enums::string_enum;

string_enum! {
    /// Where an invoice is in its life.
    ///
    /// ```text
    /// DRAFT ──send──▶ SENT ──pay──▶ PAID
    ///   │               │
    ///   └────void──▶ VOID ◀──void──┘
    /// ```
    ///
    /// `PAID` and `VOID` are final. Amounts and the due date change only in `DRAFT`.
    pub enum InvoiceStatus {
        /// Being prepared; editable, not yet visible as a claim.
        Draft => "DRAFT",
        /// Sent to the company; awaiting payment.
        Sent => "SENT",
        /// Paid (final).
        Paid => "PAID",
        /// Cancelled (final).
        Void => "VOID",
    }
    field = "status";
    lifecycle = "invoice";
}

impl InvoiceStatus {
    /// Whether the state machine allows moving from `self` to `to`.
    pub const fn can_transition_to(self, to: Self) -> bool {
        matches!(
            (self, to),
            (Self::Draft, Self::Sent | Self::Void) | (Self::Sent, Self::Paid | Self::Void)
        )
    }

    /// Whether no transition leaves this status (`PAID`, `VOID`).
    pub const fn is_final(self) -> bool {
        matches!(self, Self::Paid | Self::Void)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::DomainError;

    #[test]
    fn allows_exactly_the_documented_edges() {
        use InvoiceStatus::*;
        let allowed = [(Draft, Sent), (Draft, Void), (Sent, Paid), (Sent, Void)];
        for &from in InvoiceStatus::ALL {
            for &to in InvoiceStatus::ALL {
                assert_eq!(
                    from.can_transition_to(to),
                    allowed.contains(&(from, to)),
                    "{from} -> {to}"
                );
            }
        }
    }

    #[test]
    fn final_statuses_have_no_way_out() {
        for &from in InvoiceStatus::ALL {
            let has_exit = InvoiceStatus::ALL
                .iter()
                .any(|&to| from.can_transition_to(to));
            assert_eq!(from.is_final(), !has_exit);
        }
    }

    #[test]
    fn wire_names_and_errors() {
        assert_eq!(InvoiceStatus::parse("SENT"), Ok(InvoiceStatus::Sent));
        assert_eq!(InvoiceStatus::Paid.as_str(), "PAID");
        assert_eq!(
            InvoiceStatus::Paid.transition_to(InvoiceStatus::Draft),
            Err(DomainError::InvalidTransition {
                entity: "invoice",
                from: "PAID",
                to: "DRAFT"
            })
        );
    }
}
