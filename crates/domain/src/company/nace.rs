//! [`NaceCode`]: an economic activity code (NACE Rev. 2, as used in Turkey).

use crate::error::{DomainError, DomainResult, ValidationReason};
use crate::text::string_value;

string_value! {
    /// A NACE activity code, `NN.NN` (class) or `NN.NN.NN` (the Turkish six-digit sub-class), digits
    /// only. It determines a workplace's [`DangerClass`](crate::DangerClass).
    ///
    /// ```
    /// use prosektor_domain::NaceCode;
    ///
    /// assert_eq!(NaceCode::parse(" 86.21 ").unwrap().as_str(), "86.21");
    /// assert!(NaceCode::parse("86.21.01").is_ok());
    /// assert!(NaceCode::parse("8621").is_err());
    /// ```
    NaceCode
}

impl NaceCode {
    /// Trims and checks the `NN.NN` / `NN.NN.NN` shape.
    ///
    /// # Errors
    ///
    /// [`DomainError::Validation`] on field `nace_code`: `Empty`, or `Format` for any other shape.
    pub fn parse(input: &str) -> DomainResult<Self> {
        let code = input.trim();
        if code.is_empty() {
            return Err(DomainError::invalid("nace_code", ValidationReason::Empty));
        }
        let groups: Vec<&str> = code.split('.').collect();
        let pair = |group: &&str| group.len() == 2 && group.bytes().all(|b| b.is_ascii_digit());
        if !(2..=3).contains(&groups.len()) || !groups.iter().all(pair) {
            return Err(DomainError::invalid("nace_code", ValidationReason::Format));
        }
        Ok(Self(code.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_both_lengths() {
        assert_eq!(NaceCode::parse("86.21").unwrap().as_str(), "86.21");
        assert_eq!(
            NaceCode::parse("\t01.11.07\n").unwrap().as_str(),
            "01.11.07"
        );
    }

    #[test]
    fn rejects_other_shapes() {
        assert_eq!(
            NaceCode::parse(" "),
            Err(DomainError::invalid("nace_code", ValidationReason::Empty))
        );
        for input in [
            "86",
            "8621",
            "86.2",
            "86.211",
            "86.21.",
            ".86.21",
            "86.21.01.01",
            "8a.21",
            "86,21",
            "86. 21",
        ] {
            assert_eq!(
                NaceCode::parse(input),
                Err(DomainError::invalid("nace_code", ValidationReason::Format)),
                "{input}"
            );
        }
    }
}
