//! Decimal numbers written as JSON strings: [`MoneyText`] (`"1250.00"`) and [`PercentText`]
//! (`"20"`).
//!
//! poem-openapi's `String` also accepts a JSON number (turning `12.5` into `"12.5"` after it went
//! through a binary float); these types accept only a JSON string, so no amount ever passes through
//! floating point. Their schemas carry the accepted pattern for generated clients; the value itself
//! is checked by the domain (`Money::parse`, `TaxRate::parse` via [`crate::convert::field`]), so a
//! mismatch answers `422` naming the request field.

use poem_openapi::registry::MetaSchema;
use prosektor_domain::Money;
use serde_json::Value;

use super::text::json_string;

/// The schema of a decimal string with `pattern`, shown with `example`.
fn decimal_schema(pattern: &str, example: &str) -> MetaSchema {
    MetaSchema {
        pattern: Some(pattern.to_owned()),
        example: Some(Value::String(example.to_owned())),
        ..MetaSchema::new_with_format("string", "decimal")
    }
}

json_string! {
    /// An amount of Turkish lira as a decimal string: at most 2 decimal places, at least 0, below
    /// 10^10 (`NUMERIC(12,2)`). Responses always show 2 places (`"1250.00"`).
    MoneyText,
    "string_money",
    decimal_schema(r"^(0|[1-9][0-9]{0,9})(\.[0-9]{1,2})?$", "1250.00"),
    "a decimal string such as \"1250.00\""
}

json_string! {
    /// A percentage as a decimal string, 0 to 100 with at most 2 decimal places (`"20"`, `"8.5"`).
    PercentText,
    "string_percent",
    decimal_schema(r"^(0|[1-9][0-9]{0,2})(\.[0-9]{1,2})?$", "20"),
    "a decimal string such as \"20\""
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
    fn money_is_shown_with_two_places() {
        let money = Money::parse("1250.5").expect("valid");
        assert_eq!(
            MoneyText::from(money).to_json(),
            Some(Value::from("1250.50"))
        );
    }
}
