//! Decimal numbers written as JSON strings: [`MoneyText`] (`"1250.00"`) and [`PercentText`]
//! (`"20"`).
//!
//! poem-openapi's `String` also accepts a JSON number (turning `12.5` into `"12.5"` after it went
//! through a binary float); these types accept only a JSON string, so no amount ever passes through
//! floating point. Their schemas carry the accepted pattern, and the text must match it (else
//! `400`, like any value its schema refuses: no spaces, no leading zeros, at most two decimals);
//! the value itself is then checked by the domain (`Money::parse`, `TaxRate::parse` via
//! `convert::field`), so a rule the schema cannot state answers `422` naming the field.

use poem_openapi::registry::MetaSchema;
use prosektor_domain::Money;
use serde_json::Value;

use super::text::json_string;

/// The schema of a plain decimal with at most `int_digits` integer digits and two decimals (the
/// pattern [`plain_decimal`] checks), shown with `example`.
fn decimal_schema(int_digits: usize, example: &str) -> MetaSchema {
    let more = int_digits - 1;
    MetaSchema {
        pattern: Some(format!(r"^(0|[1-9][0-9]{{0,{more}}})(\.[0-9]{{1,2}})?$")),
        example: Some(Value::String(example.to_owned())),
        ..MetaSchema::new_with_format("string", "decimal")
    }
}

/// Whether `text` is `0` or a number without leading zeros of at most `int_digits` digits,
/// optionally followed by `.` and one or two digits: exactly [`decimal_schema`]'s pattern.
fn plain_decimal(text: &str, int_digits: usize) -> Result<(), String> {
    let (int, fraction) = match text.split_once('.') {
        Some((int, fraction)) => (int, Some(fraction)),
        None => (text, None),
    };
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit());
    let int_ok = digits(int) && int.len() <= int_digits && (int == "0" || !int.starts_with('0'));
    let fraction_ok = fraction.is_none_or(|fraction| digits(fraction) && fraction.len() <= 2);
    if int_ok && fraction_ok {
        Ok(())
    } else {
        Err(format!(
            "expected a decimal with at most {int_digits} integer digits, no leading zeros and at \
             most two decimals, found {text:?}"
        ))
    }
}

fn money_text(text: &str) -> Result<(), String> {
    plain_decimal(text, MONEY_INT_DIGITS)
}

fn percent_text(text: &str) -> Result<(), String> {
    plain_decimal(text, PERCENT_INT_DIGITS)
}

/// Integer digits of an amount (`NUMERIC(12,2)`).
const MONEY_INT_DIGITS: usize = 10;
/// Integer digits of a percentage (at most 100).
const PERCENT_INT_DIGITS: usize = 3;

json_string! {
    /// An amount of Turkish lira as a decimal string: at most 2 decimal places, at least 0, below
    /// 10^10 (`NUMERIC(12,2)`). Responses always show 2 places (`"1250.00"`).
    MoneyText,
    "string_money",
    decimal_schema(MONEY_INT_DIGITS, "1250.00"),
    "a decimal string such as \"1250.00\"",
    money_text
}

json_string! {
    /// A percentage as a decimal string, 0 to 100 with at most 2 decimal places (`"20"`, `"8.5"`).
    PercentText,
    "string_percent",
    decimal_schema(PERCENT_INT_DIGITS, "20"),
    "a decimal string such as \"20\"",
    percent_text
}

impl From<Money> for MoneyText {
    fn from(money: Money) -> Self {
        Self(money.to_string())
    }
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::{ParseFromJSON, ToJSON};

    use super::*;

    #[test]
    fn only_json_strings_are_decimals() {
        let parsed = MoneyText::parse_from_json(Some(Value::String("12.50".into())));
        assert_eq!(parsed.ok(), Some(MoneyText("12.50".into())));
        for refused in [
            serde_json::json!(12.5),
            serde_json::json!(true),
            Value::Null,
        ] {
            assert!(MoneyText::parse_from_json(Some(refused)).is_err());
        }
        assert!(PercentText::parse_from_json(Some(serde_json::json!(20))).is_err());
    }

    #[test]
    fn decimals_match_their_schema_pattern_exactly() {
        let schema = decimal_schema(MONEY_INT_DIGITS, "1");
        assert_eq!(
            schema.pattern.as_deref(),
            Some(r"^(0|[1-9][0-9]{0,9})(\.[0-9]{1,2})?$")
        );
        for accepted in ["0", "0.5", "1250.00", "9999999999.99", "7"] {
            assert_eq!(money_text(accepted), Ok(()), "{accepted}");
        }
        for refused in [
            " 1.00",
            "1.00 ",
            "007.50",
            "00",
            "1.",
            ".5",
            "1.500",
            "10000000000",
            "-1",
            "1e3",
            "+1",
            "١٢",
            "",
        ] {
            assert!(money_text(refused).is_err(), "{refused:?}");
        }
        assert!(percent_text("100").is_ok() && percent_text("1000").is_err());
        let refused = MoneyText::parse_from_json(Some(Value::String("007.50".into())));
        assert!(refused.is_err());
    }

    #[test]
    fn money_is_shown_with_two_places() {
        let money = Money::parse("1250.5").expect("valid");
        assert_eq!(
            MoneyText::from(money).to_json(),
            Some(Value::from("1250.50"))
        );
    }
}
