//! Money and tax rates: [`Money`] (an amount that fits `NUMERIC(12,2)`), the plain-decimal parser
//! shared with [`TaxRate`] (a KDV percentage, in its own file with its half-up rounding).

mod tax_rate;

pub use tax_rate::TaxRate;

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

use crate::error::{DomainError, DomainResult, ValidationReason};

/// Decimal places of an amount (kuruş).
const MONEY_SCALE: u32 = 2;

/// Parses a plain decimal string: optional `-`, digits, optionally `.` and digits. No exponent, no
/// `+`, no separators. Trailing fractional zeros don't count against `max_places`.
fn parse_plain_decimal(
    field: &'static str,
    input: &str,
    max_places: usize,
) -> DomainResult<Decimal> {
    let invalid = |reason| DomainError::invalid(field, reason);
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(invalid(ValidationReason::Empty));
    }
    let (sign, unsigned) = match trimmed.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", trimmed),
    };
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let all_digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !all_digits(int) || !all_digits(frac) || unsigned.ends_with('.') {
        return Err(invalid(ValidationReason::Format));
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > max_places {
        return Err(invalid(ValidationReason::Precision));
    }
    let int = match int.trim_start_matches('0') {
        "" => "0",
        digits => digits,
    };
    // Our ranges need at most 10 integer digits; longer input is out of range, not a parse error.
    if int.len() > 12 {
        return Err(invalid(ValidationReason::OutOfRange));
    }
    Decimal::from_str_exact(&format!("{sign}{int}.{frac}0"))
        .map_err(|_| invalid(ValidationReason::Format))
}

/// Whether `value` has at most `places` decimal places once trailing zeros are ignored.
fn fits_places(value: Decimal, places: u32) -> bool {
    value.normalize().scale() <= places
}

/// A non-negative amount of Turkish lira with at most 2 decimal places, below 10^10: exactly what
/// a `NUMERIC(12,2)` column holds. Always stored and displayed with 2 decimals.
///
/// ```
/// use prosektor_domain::Money;
/// use rust_decimal::Decimal;
///
/// let price = Money::parse("1250.5").unwrap();
/// assert_eq!(price.to_string(), "1250.50");
/// let total = price.checked_add(Money::new(Decimal::new(99, 2)).unwrap()).unwrap();
/// assert_eq!(total.to_string(), "1251.49");
/// assert!(Money::parse("-1").is_err());
/// assert!(Money::parse("1.005").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
pub struct Money(Decimal);

impl Money {
    /// Zero lira.
    pub const ZERO: Self = Self(Decimal::from_parts(0, 0, 0, false, MONEY_SCALE));
    /// The largest amount, `9999999999.99`.
    pub const MAX: Self = Self(Decimal::from_parts(
        3_567_587_327,
        232,
        0,
        false,
        MONEY_SCALE,
    ));

    /// Validates an amount and normalises it to 2 decimal places.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `amount`: `OutOfRange` when negative or above
    /// [`Money::MAX`], `Precision` with more than 2 significant decimal places.
    pub fn new(amount: Decimal) -> DomainResult<Self> {
        if (amount.is_sign_negative() && !amount.is_zero()) || amount > Self::MAX.0 {
            return Err(DomainError::invalid("amount", ValidationReason::OutOfRange));
        }
        if !fits_places(amount, MONEY_SCALE) {
            return Err(DomainError::invalid("amount", ValidationReason::Precision));
        }
        let mut amount = amount;
        amount.set_sign_positive(true);
        amount.rescale(MONEY_SCALE);
        Ok(Self(amount))
    }

    /// Parses a plain decimal string such as `"1250.5"` (no sign, exponent or separators).
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `amount`: `Empty`, `Format`, `Precision`, `OutOfRange`.
    pub fn parse(input: &str) -> DomainResult<Self> {
        Self::new(parse_plain_decimal("amount", input, MONEY_SCALE as usize)?)
    }

    /// The amount, with scale 2.
    pub const fn amount(self) -> Decimal {
        self.0
    }

    /// `self + other`.
    ///
    /// # Errors
    ///
    /// [`DomainError::Overflow`] on field `amount` when the sum passes [`Money::MAX`].
    pub fn checked_add(self, other: Self) -> DomainResult<Self> {
        // Both are below 10^10, so the Decimal sum itself cannot overflow.
        let sum = self.0 + other.0;
        if sum > Self::MAX.0 {
            return Err(DomainError::Overflow { field: "amount" });
        }
        Ok(Self(sum))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2}", self.0)
    }
}

impl FromStr for Money {
    type Err = DomainError;

    fn from_str(input: &str) -> DomainResult<Self> {
        Self::parse(input)
    }
}

impl TryFrom<String> for Money {
    type Error = DomainError;

    fn try_from(input: String) -> DomainResult<Self> {
        Self::parse(&input)
    }
}

impl From<Money> for String {
    fn from(money: Money) -> Self {
        money.to_string()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    /// Any valid amount, generated from its number of kuruş.
    pub(crate) fn money() -> impl Strategy<Value = Money> {
        (0i64..1_000_000_000_000).prop_map(|cents| Money::new(Decimal::new(cents, 2)).unwrap())
    }

    fn reason(result: DomainResult<Money>) -> ValidationReason {
        match result {
            Err(DomainError::Validation {
                field: "amount",
                reason,
            }) => reason,
            other => panic!("expected an amount validation error, got {other:?}"),
        }
    }

    #[test]
    fn constants_are_what_they_say() {
        assert_eq!(Money::ZERO.amount(), dec!(0.00));
        assert_eq!(Money::MAX.amount(), dec!(9999999999.99));
        assert_eq!(Money::MAX.to_string(), "9999999999.99");
    }

    #[test]
    fn new_normalises_and_validates() {
        assert_eq!(Money::new(dec!(1.500)).unwrap().to_string(), "1.50");
        assert_eq!(Money::new(dec!(-0.00)).unwrap(), Money::ZERO);
        assert_eq!(Money::new(dec!(7)).unwrap().amount().scale(), 2);
        assert_eq!(
            reason(Money::new(dec!(-0.01))),
            ValidationReason::OutOfRange
        );
        assert_eq!(
            reason(Money::new(dec!(10000000000))),
            ValidationReason::OutOfRange
        );
        assert_eq!(reason(Money::new(dec!(0.001))), ValidationReason::Precision);
    }

    #[test]
    fn parse_accepts_plain_decimals_only() {
        for (input, shown) in [
            ("1250.5", "1250.50"),
            (" 0 ", "0.00"),
            ("007.10", "7.10"),
            ("1.000", "1.00"),
        ] {
            assert_eq!(input.parse::<Money>().unwrap().to_string(), shown);
        }
        for input in [
            "1e3", "+1", "1,5", "1_000", ".5", "5.", "1.2.3", "abc", "--1", "1 000",
        ] {
            assert_eq!(
                reason(Money::parse(input)),
                ValidationReason::Format,
                "{input}"
            );
        }
        assert_eq!(reason(Money::parse("")), ValidationReason::Empty);
        assert_eq!(reason(Money::parse("-1")), ValidationReason::OutOfRange);
        assert_eq!(
            reason(Money::parse("10000000000")),
            ValidationReason::OutOfRange
        );
        assert_eq!(
            reason(Money::parse(&"9".repeat(40))),
            ValidationReason::OutOfRange
        );
        assert_eq!(reason(Money::parse("1.001")), ValidationReason::Precision);
        assert_eq!(
            reason(Money::parse(&format!("1.{}1", "0".repeat(40)))),
            ValidationReason::Precision
        );
        assert_eq!(Money::parse("-0").unwrap(), Money::ZERO);
    }

    #[test]
    fn checked_add_overflows_past_max() {
        let cent = Money::parse("0.01").unwrap();
        assert_eq!(Money::MAX.checked_add(Money::ZERO), Ok(Money::MAX));
        assert_eq!(
            Money::MAX.checked_add(cent),
            Err(DomainError::Overflow { field: "amount" })
        );
    }

    proptest! {
        #[test]
        fn display_parse_round_trip(m in money()) {
            let shown = m.to_string();
            prop_assert_eq!(shown.split_once('.').map(|(_, frac)| frac.len()), Some(2));
            prop_assert_eq!(Money::parse(&shown), Ok(m));
        }

        #[test]
        fn addition_commutes(a in money(), b in money()) {
            prop_assert_eq!(a.checked_add(b), b.checked_add(a));
        }

        #[test]
        fn addition_associates_within_range(a in money(), b in money(), c in money()) {
            let left = a.checked_add(b).and_then(|ab| ab.checked_add(c));
            let right = b.checked_add(c).and_then(|bc| a.checked_add(bc));
            let exact = a.amount() + b.amount() + c.amount();
            if exact <= Money::MAX.amount() {
                prop_assert_eq!(&left, &right);
                prop_assert_eq!(left.map(Money::amount), Ok(exact));
            } else {
                prop_assert!(left.is_err() && right.is_err());
            }
        }
    }
}
