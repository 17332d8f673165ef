//! Decimal numbers written as JSON strings: [`MoneyText`] (`"1250.00"`) and [`PercentText`]
//! (`"20"`).
//!
//! poem-openapi's `String` also accepts a JSON number (turning `12.5` into `"12.5"` after it went
//! through a binary float); these types accept only a JSON string, so no amount ever passes through
//! floating point. Their schemas carry the accepted pattern for generated clients; the value itself
//! is checked by the domain (`Money::parse`, `TaxRate::parse` via [`crate::convert::field`]), so a
//! mismatch answers `422` naming the request field.

use std::borrow::Cow;

use poem_openapi::registry::{MetaSchema, MetaSchemaRef};
use poem_openapi::types::{ParseError, ParseFromJSON, ParseResult, ToJSON, Type};
use prosektor_domain::Money;
use serde_json::Value;

/// Declares a string-only decimal type named `$schema` in the spec, with `$pattern`.
macro_rules! decimal_text {
    ($(#[$meta:meta])* $name:ident, $schema:literal, $pattern:literal, $example:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $name(pub String);

        impl $name {
            /// The decimal's text, as sent.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Type for $name {
            const IS_REQUIRED: bool = true;
            type RawValueType = Self;
            type RawElementValueType = Self;

            fn name() -> Cow<'static, str> {
                $schema.into()
            }

            fn schema_ref() -> MetaSchemaRef {
                MetaSchemaRef::Inline(Box::new(MetaSchema {
                    pattern: Some($pattern.to_owned()),
                    example: Some(Value::String($example.to_owned())),
                    ..MetaSchema::new_with_format("string", "decimal")
                }))
            }

            fn as_raw_value(&self) -> Option<&Self::RawValueType> {
                Some(self)
            }

            fn raw_element_iter<'a>(
                &'a self,
            ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
                Box::new(self.as_raw_value().into_iter())
            }
        }

        impl ParseFromJSON for $name {
            fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
                match value.unwrap_or_default() {
                    Value::String(text) => Ok(Self(text)),
                    other => Err(ParseError::custom(format!(
                        "expected a decimal string such as \"{}\", found {other}",
                        $example
                    ))),
                }
            }
        }

        impl ToJSON for $name {
            fn to_json(&self) -> Option<Value> {
                Some(Value::String(self.0.clone()))
            }
        }
    };
}

decimal_text! {
    /// An amount of Turkish lira as a decimal string: at most 2 decimal places, at least 0, below
    /// 10^10 (`NUMERIC(12,2)`). Responses always show 2 places (`"1250.00"`).
    MoneyText, "string_money", r"^(0|[1-9][0-9]{0,9})(\.[0-9]{1,2})?$", "1250.00"
}

decimal_text! {
    /// A percentage as a decimal string, 0 to 100 with at most 2 decimal places (`"20"`, `"8.5"`).
    PercentText, "string_percent", r"^(0|[1-9][0-9]{0,2})(\.[0-9]{1,2})?$", "20"
}

impl From<Money> for MoneyText {
    fn from(money: Money) -> Self {
        Self(money.to_string())
    }
}

#[cfg(test)]
mod tests {
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
