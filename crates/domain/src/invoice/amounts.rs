//! [`InvoiceAmounts`]: subtotal, tax and a total that is always their exact sum.

use crate::error::{DomainError, DomainResult, ValidationReason};
use crate::money::{Money, TaxRate};

/// An invoice's three amounts, with `total == subtotal + tax` guaranteed by construction.
///
/// ```
/// use prosektor_domain::{InvoiceAmounts, Money, TaxRate};
///
/// let amounts = InvoiceAmounts::from_rate(Money::parse("1250").unwrap(), TaxRate::STANDARD).unwrap();
/// assert_eq!(amounts.tax().to_string(), "250.00");
/// assert_eq!(amounts.total().to_string(), "1500.00");
///
/// // Rows read back from storage are checked, not trusted.
/// let wrong_total = Money::parse("1499.99").unwrap();
/// assert!(InvoiceAmounts::from_stored(amounts.subtotal(), amounts.tax(), wrong_total).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(
    feature = "serde",
    serde(try_from = "StoredAmounts", into = "StoredAmounts")
)]
pub struct InvoiceAmounts {
    subtotal: Money,
    tax: Money,
    total: Money,
}

impl InvoiceAmounts {
    /// Builds the amounts from a subtotal and a tax, computing the total.
    ///
    /// # Errors
    ///
    /// [`DomainError::Overflow`] on field `amount_total` when the total passes [`Money::MAX`].
    pub fn new(subtotal: Money, tax: Money) -> DomainResult<Self> {
        let total = subtotal
            .checked_add(tax)
            .map_err(|_| DomainError::Overflow {
                field: "amount_total",
            })?;
        Ok(Self {
            subtotal,
            tax,
            total,
        })
    }

    /// Builds the amounts from a subtotal and a KDV rate (tax rounded half-up to the kuruş).
    ///
    /// # Errors
    ///
    /// As [`InvoiceAmounts::new`].
    pub fn from_rate(subtotal: Money, rate: TaxRate) -> DomainResult<Self> {
        Self::new(subtotal, rate.tax_on(subtotal)?)
    }

    /// Rebuilds stored amounts, checking the total.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `amount_total` with `Mismatch` when
    /// `total != subtotal + tax` (including a sum that would not fit).
    pub fn from_stored(subtotal: Money, tax: Money, total: Money) -> DomainResult<Self> {
        match Self::new(subtotal, tax) {
            Ok(amounts) if amounts.total == total => Ok(amounts),
            _ => Err(DomainError::invalid(
                "amount_total",
                ValidationReason::Mismatch,
            )),
        }
    }

    /// The amount before tax (`amount_subtotal`).
    pub const fn subtotal(&self) -> Money {
        self.subtotal
    }

    /// The tax (`amount_tax`).
    pub const fn tax(&self) -> Money {
        self.tax
    }

    /// `subtotal + tax` (`amount_total`).
    pub const fn total(&self) -> Money {
        self.total
    }
}

/// The serialized shape: the three stored amounts, checked on the way in.
#[cfg(feature = "serde")]
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct StoredAmounts {
    subtotal: Money,
    tax: Money,
    total: Money,
}

#[cfg(feature = "serde")]
impl TryFrom<StoredAmounts> for InvoiceAmounts {
    type Error = DomainError;

    fn try_from(stored: StoredAmounts) -> DomainResult<Self> {
        Self::from_stored(stored.subtotal, stored.tax, stored.total)
    }
}

#[cfg(feature = "serde")]
impl From<InvoiceAmounts> for StoredAmounts {
    fn from(amounts: InvoiceAmounts) -> Self {
        Self {
            subtotal: amounts.subtotal,
            tax: amounts.tax,
            total: amounts.total,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::tests::money;
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    fn m(input: &str) -> Money {
        Money::parse(input).unwrap()
    }

    #[test]
    fn new_sums_exactly() {
        let amounts = InvoiceAmounts::new(m("100.10"), m("20.02")).unwrap();
        assert_eq!(
            (amounts.subtotal(), amounts.tax(), amounts.total()),
            (m("100.10"), m("20.02"), m("120.12"))
        );
    }

    #[test]
    fn new_rejects_a_total_that_does_not_fit() {
        assert_eq!(
            InvoiceAmounts::new(Money::MAX, m("0.01")),
            Err(DomainError::Overflow {
                field: "amount_total"
            })
        );
    }

    #[test]
    fn from_rate_uses_half_up_tax() {
        let amounts = InvoiceAmounts::from_rate(m("0.25"), TaxRate::parse("18").unwrap()).unwrap();
        assert_eq!((amounts.tax(), amounts.total()), (m("0.05"), m("0.30")));
        assert_eq!(
            InvoiceAmounts::from_rate(m("9000000000"), TaxRate::STANDARD),
            Err(DomainError::Overflow {
                field: "amount_total"
            })
        );
    }

    #[test]
    fn from_stored_checks_the_total() {
        assert!(InvoiceAmounts::from_stored(m("10"), m("2"), m("12")).is_ok());
        let mismatch = Err(DomainError::invalid(
            "amount_total",
            ValidationReason::Mismatch,
        ));
        assert_eq!(
            InvoiceAmounts::from_stored(m("10"), m("2"), m("12.01")),
            mismatch
        );
        assert_eq!(
            InvoiceAmounts::from_stored(Money::MAX, m("1"), Money::MAX),
            mismatch
        );
    }

    #[cfg(feature = "serde")]
    #[test]
    fn serde_round_trips_and_checks_the_total() {
        let amounts = InvoiceAmounts::new(m("10"), m("2")).unwrap();
        let json = serde_json::to_string(&amounts).unwrap();
        assert_eq!(json, r#"{"subtotal":"10.00","tax":"2.00","total":"12.00"}"#);
        assert_eq!(
            serde_json::from_str::<InvoiceAmounts>(&json).unwrap(),
            amounts
        );
        let wrong = r#"{"subtotal":"10.00","tax":"2.00","total":"13.00"}"#;
        assert!(serde_json::from_str::<InvoiceAmounts>(wrong).is_err());
    }

    proptest! {
        #[test]
        fn total_is_the_exact_sum(subtotal in money(), tax in money()) {
            match InvoiceAmounts::new(subtotal, tax) {
                Ok(amounts) => prop_assert_eq!(amounts.total().amount(), subtotal.amount() + tax.amount()),
                Err(_) => prop_assert!(subtotal.amount() + tax.amount() > Money::MAX.amount()),
            }
        }

        #[test]
        fn from_rate_matches_integer_half_up(cents in 0u64..500_000_000_000, hundredths in 0u64..=10_000) {
            let subtotal = Money::new(Decimal::from(cents) / Decimal::ONE_HUNDRED).unwrap();
            let rate = TaxRate::new(Decimal::from(hundredths) / Decimal::ONE_HUNDRED).unwrap();
            let amounts = InvoiceAmounts::from_rate(subtotal, rate).unwrap();
            // tax in kuruş = cents * hundredths / 10_000, rounded half-up.
            let expected_tax = (u128::from(cents) * u128::from(hundredths) + 5_000) / 10_000;
            prop_assert!(amounts.tax().amount().normalize().scale() <= 2);
            prop_assert_eq!(amounts.tax().amount() * Decimal::ONE_HUNDRED, Decimal::from(expected_tax));
            prop_assert_eq!(amounts.total().amount(), amounts.subtotal().amount() + amounts.tax().amount());
        }
    }
}
