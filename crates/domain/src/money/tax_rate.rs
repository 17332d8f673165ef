//! [`TaxRate`]: a KDV (VAT) percentage and the half-up rounding of tax to the kuruş.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};

use super::{MONEY_SCALE, Money, fits_places, parse_plain_decimal};
use crate::error::{DomainError, DomainResult, ValidationReason};

/// A KDV (VAT) rate in percent, 0..=100 with at most 2 decimal places.
///
/// ```
/// use prosektor_domain::{Money, TaxRate};
///
/// let tax = TaxRate::STANDARD.tax_on(Money::parse("99.99").unwrap()).unwrap();
/// assert_eq!(tax.to_string(), "20.00"); // 19.998 rounds half-up to 20.00
/// assert_eq!(TaxRate::parse("8.5").unwrap().to_string(), "8.5");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
pub struct TaxRate(Decimal);

impl TaxRate {
    /// The standard KDV rate, 20% (since July 2023).
    pub const STANDARD: Self = Self(Decimal::from_parts(20, 0, 0, false, 0));
    /// The reduced KDV rate, 10%.
    pub const REDUCED: Self = Self(Decimal::from_parts(10, 0, 0, false, 0));
    /// The super-reduced KDV rate, 1%.
    pub const SUPER_REDUCED: Self = Self(Decimal::from_parts(1, 0, 0, false, 0));

    /// Validates a percentage.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `tax_rate`: `OutOfRange` outside 0..=100, `Precision`
    /// with more than 2 decimal places.
    pub fn new(percent: Decimal) -> DomainResult<Self> {
        if (percent.is_sign_negative() && !percent.is_zero()) || percent > Decimal::ONE_HUNDRED {
            return Err(DomainError::invalid(
                "tax_rate",
                ValidationReason::OutOfRange,
            ));
        }
        if !fits_places(percent, 2) {
            return Err(DomainError::invalid(
                "tax_rate",
                ValidationReason::Precision,
            ));
        }
        let mut percent = percent.normalize();
        percent.set_sign_positive(true);
        Ok(Self(percent))
    }

    /// Parses a plain decimal percentage such as `"20"` or `"8.5"`.
    ///
    /// # Errors
    ///
    /// As [`TaxRate::new`], plus `Empty` and `Format` for text that is not a plain decimal.
    pub fn parse(input: &str) -> DomainResult<Self> {
        Self::new(parse_plain_decimal("tax_rate", input, 2)?)
    }

    /// The rate in percent (`20` for 20%).
    pub const fn percent(self) -> Decimal {
        self.0
    }

    /// The tax on `subtotal`: `subtotal * rate / 100`, rounded half-up (away from zero at the
    /// midpoint) to the kuruş.
    ///
    /// # Errors
    ///
    /// None in practice (the tax never exceeds the subtotal); the result still goes through
    /// [`Money::new`].
    pub fn tax_on(self, subtotal: Money) -> DomainResult<Money> {
        let exact = subtotal.amount() * self.0 / Decimal::ONE_HUNDRED;
        Money::new(
            exact.round_dp_with_strategy(MONEY_SCALE, RoundingStrategy::MidpointAwayFromZero),
        )
    }
}

impl fmt::Display for TaxRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl FromStr for TaxRate {
    type Err = DomainError;

    fn from_str(input: &str) -> DomainResult<Self> {
        Self::parse(input)
    }
}

impl TryFrom<String> for TaxRate {
    type Error = DomainError;

    fn try_from(input: String) -> DomainResult<Self> {
        Self::parse(&input)
    }
}

impl From<TaxRate> for String {
    fn from(rate: TaxRate) -> Self {
        rate.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn constants_are_what_they_say() {
        assert_eq!(TaxRate::STANDARD.percent(), dec!(20));
        assert_eq!(TaxRate::REDUCED.percent(), dec!(10));
        assert_eq!(TaxRate::SUPER_REDUCED.percent(), dec!(1));
    }

    #[test]
    fn tax_rate_validates() {
        assert_eq!(
            TaxRate::parse("8.50").unwrap(),
            TaxRate::new(dec!(8.5)).unwrap()
        );
        assert_eq!(TaxRate::parse("100").unwrap().to_string(), "100");
        assert_eq!(TaxRate::parse("0").unwrap().to_string(), "0");
        let rate_reason = |input| match TaxRate::parse(input) {
            Err(DomainError::Validation {
                field: "tax_rate",
                reason,
            }) => reason,
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(rate_reason("100.01"), ValidationReason::OutOfRange);
        assert_eq!(rate_reason("-1"), ValidationReason::OutOfRange);
        assert_eq!(rate_reason("1.125"), ValidationReason::Precision);
        assert_eq!(rate_reason("20%"), ValidationReason::Format);
    }

    #[test]
    fn tax_rounds_half_up_to_the_kurus() {
        let tax = |rate: TaxRate, subtotal: &str| {
            rate.tax_on(Money::parse(subtotal).unwrap())
                .unwrap()
                .to_string()
        };
        assert_eq!(tax(TaxRate::STANDARD, "1250.00"), "250.00");
        assert_eq!(tax(TaxRate::SUPER_REDUCED, "0.50"), "0.01"); // 0.005 -> 0.01
        assert_eq!(tax(TaxRate::SUPER_REDUCED, "0.49"), "0.00"); // 0.0049 -> 0.00
        assert_eq!(tax(TaxRate::parse("18").unwrap(), "0.25"), "0.05"); // 0.045 -> 0.05
        assert_eq!(
            tax(TaxRate::parse("100").unwrap(), "9999999999.99"),
            "9999999999.99"
        );
    }
}
