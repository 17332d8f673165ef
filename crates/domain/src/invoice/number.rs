//! [`InvoiceNo`]: the human invoice number `YYYY-NNN`, gapless per calendar year.

use std::fmt;
use std::str::FromStr;

use crate::error::{DomainError, DomainResult, ValidationReason};

const FIELD: &str = "invoice_no";

/// An invoice number: a 4-digit year and a sequence number starting at 1, written `YYYY-NNN` with the
/// sequence zero-padded to at least 3 digits. Ordered by year, then sequence.
///
/// The persistence adapter assigns `seq` so that numbers are gapless per year; the domain only
/// guarantees the shape.
///
/// ```
/// use prosektor_domain::InvoiceNo;
///
/// let no = InvoiceNo::parse("2024-001").unwrap();
/// assert_eq!((no.year(), no.seq()), (2024, 1));
/// assert_eq!(no.next().unwrap().to_string(), "2024-002");
/// assert_eq!(InvoiceNo::new(2024, 1234).unwrap().to_string(), "2024-1234");
/// assert!(InvoiceNo::parse("2024-0001").is_err()); // padding beyond 3 digits
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "String", into = "String"))]
pub struct InvoiceNo {
    year: i32,
    seq: u32,
}

impl InvoiceNo {
    /// The accepted years.
    pub const YEARS: std::ops::RangeInclusive<i32> = 1000..=9999;

    /// Builds a number from its parts.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `invoice_no` with `OutOfRange` for a year outside
    /// 1000..=9999 or a sequence of 0.
    pub fn new(year: i32, seq: u32) -> DomainResult<Self> {
        if !Self::YEARS.contains(&year) || seq == 0 {
            return Err(DomainError::invalid(FIELD, ValidationReason::OutOfRange));
        }
        Ok(Self { year, seq })
    }

    /// The first number of `year` (`YYYY-001`).
    ///
    /// # Errors
    ///
    /// As [`InvoiceNo::new`].
    pub fn first_of(year: i32) -> DomainResult<Self> {
        Self::new(year, 1)
    }

    /// Parses `YYYY-NNN`: exactly 4 digits, a dash, and at least 3 digits with no zero padding
    /// beyond 3 digits (`2024-001` and `2024-1000` are valid, `2024-0001` is not). Surrounding
    /// whitespace is ignored.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `invoice_no`: `Format` for any other shape,
    /// `OutOfRange` for sequence 0 or one that does not fit in a `u32`.
    pub fn parse(input: &str) -> DomainResult<Self> {
        let format = || DomainError::invalid(FIELD, ValidationReason::Format);
        let (year, seq) = input.trim().split_once('-').ok_or_else(format)?;
        let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if year.len() != 4 || !digits(year) || seq.len() < 3 || !digits(seq) {
            return Err(format());
        }
        if seq.len() > 3 && seq.starts_with('0') {
            return Err(format());
        }
        let out_of_range = |_| DomainError::invalid(FIELD, ValidationReason::OutOfRange);
        Self::new(
            year.parse().map_err(out_of_range)?,
            seq.parse().map_err(out_of_range)?,
        )
    }

    /// The calendar year.
    pub const fn year(self) -> i32 {
        self.year
    }

    /// The sequence number within the year, from 1.
    pub const fn seq(self) -> u32 {
        self.seq
    }

    /// The following number in the same year.
    ///
    /// # Errors
    ///
    /// [`DomainError::Overflow`] on field `invoice_no` after sequence `u32::MAX`.
    pub fn next(self) -> DomainResult<Self> {
        let seq = self
            .seq
            .checked_add(1)
            .ok_or(DomainError::Overflow { field: FIELD })?;
        Ok(Self { seq, ..self })
    }
}

impl fmt::Display for InvoiceNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:03}", self.year, self.seq)
    }
}

impl FromStr for InvoiceNo {
    type Err = DomainError;

    fn from_str(input: &str) -> DomainResult<Self> {
        Self::parse(input)
    }
}

impl TryFrom<String> for InvoiceNo {
    type Error = DomainError;

    fn try_from(input: String) -> DomainResult<Self> {
        Self::parse(&input)
    }
}

impl From<InvoiceNo> for String {
    fn from(no: InvoiceNo) -> Self {
        no.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn reason(input: &str) -> ValidationReason {
        match InvoiceNo::parse(input) {
            Err(DomainError::Validation {
                field: "invoice_no",
                reason,
            }) => reason,
            other => panic!("expected an invoice_no validation error for {input:?}, got {other:?}"),
        }
    }

    #[test]
    fn parses_and_pads() {
        for (input, year, seq, shown) in [
            ("2024-001", 2024, 1, "2024-001"),
            (" 2024-999 ", 2024, 999, "2024-999"),
            ("2024-1000", 2024, 1000, "2024-1000"),
            ("1000-010", 1000, 10, "1000-010"),
            ("9999-4294967295", 9999, u32::MAX, "9999-4294967295"),
        ] {
            let no = InvoiceNo::parse(input).unwrap();
            assert_eq!(
                (no.year(), no.seq(), no.to_string().as_str()),
                (year, seq, shown)
            );
        }
    }

    #[test]
    fn rejects_other_shapes() {
        for input in [
            "2024-01",
            "2024-0001",
            "2024-0100",
            "24-001",
            "02024-001",
            "2024001",
            "2024_001",
            "2024-00a",
            "2024--001",
            "+024-001",
            "2024-+01",
            "",
        ] {
            assert_eq!(reason(input), ValidationReason::Format, "{input}");
        }
        for input in ["2024-000", "0999-001", "2024-4294967296"] {
            assert_eq!(reason(input), ValidationReason::OutOfRange, "{input}");
        }
    }

    #[test]
    fn new_checks_ranges() {
        assert!(InvoiceNo::new(999, 1).is_err());
        assert!(InvoiceNo::new(10_000, 1).is_err());
        assert!(InvoiceNo::new(2024, 0).is_err());
        assert_eq!(InvoiceNo::first_of(2025).unwrap().to_string(), "2025-001");
    }

    #[test]
    fn orders_by_year_then_seq_and_counts_up() {
        let a = InvoiceNo::new(2024, 999).unwrap();
        let b = a.next().unwrap();
        assert_eq!(b.to_string(), "2024-1000");
        assert!(a < b && b < InvoiceNo::new(2025, 1).unwrap());
        assert_eq!(
            InvoiceNo::new(2024, u32::MAX).unwrap().next(),
            Err(DomainError::Overflow {
                field: "invoice_no"
            })
        );
    }

    proptest! {
        #[test]
        fn display_parse_round_trip(year in 1000i32..=9999, seq in 1u32..) {
            let no = InvoiceNo::new(year, seq).unwrap();
            prop_assert_eq!(InvoiceNo::parse(&no.to_string()), Ok(no));
        }
    }
}
