//! [`Text`]: a JSON string and nothing else. poem-openapi's `String` also accepts JSON numbers and
//! booleans (turning `12.5` into `"12.5"`), which would let a client send money as a float or a
//! name as `false`; every string field of a request body is a `Text` instead.

use poem_openapi::registry::MetaSchema;

/// Declares `$name`, a request string type that accepts only JSON strings, with the OpenAPI
/// schema `$schema` (named `$schema_name`); other JSON values answer `400` saying `$expected`.
macro_rules! json_string {
    ($(#[$meta:meta])* $name:ident, $schema_name:literal, $schema:expr, $expected:literal) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct $name(pub String);

        impl std::ops::Deref for $name {
            type Target = str;

            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl poem_openapi::types::Type for $name {
            const IS_REQUIRED: bool = true;

            type RawValueType = Self;

            type RawElementValueType = Self;

            fn name() -> std::borrow::Cow<'static, str> {
                $schema_name.into()
            }

            fn schema_ref() -> poem_openapi::registry::MetaSchemaRef {
                poem_openapi::registry::MetaSchemaRef::Inline(Box::new($schema))
            }

            fn as_raw_value(&self) -> Option<&Self::RawValueType> {
                Some(self)
            }

            fn raw_element_iter<'a>(
                &'a self,
            ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
                Box::new(self.as_raw_value().into_iter())
            }

            fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl poem_openapi::types::ParseFromJSON for $name {
            fn parse_from_json(
                value: Option<serde_json::Value>,
            ) -> poem_openapi::types::ParseResult<Self> {
                match value.unwrap_or_default() {
                    serde_json::Value::String(text) => Ok(Self(text)),
                    other => Err(poem_openapi::types::ParseError::custom(format!(
                        "expected {}, found {other}",
                        $expected
                    ))),
                }
            }
        }

        impl poem_openapi::types::ToJSON for $name {
            fn to_json(&self) -> Option<serde_json::Value> {
                Some(serde_json::Value::String(self.0.clone()))
            }
        }
    };
}

pub(crate) use json_string;

json_string! {
    /// A string that was a JSON string in the request.
    Text, "string", MetaSchema::new("string"), "a string"
}

#[cfg(test)]
mod tests {
    use poem_openapi::types::ParseFromJSON;
    use serde_json::json;

    use super::*;

    #[test]
    fn only_json_strings_are_text() {
        assert_eq!(
            Text::parse_from_json(Some(json!("12.50"))).ok(),
            Some(Text("12.50".into()))
        );
        for value in [
            json!(12.5),
            json!(false),
            json!(null),
            json!(["a"]),
            json!({"a": 1}),
        ] {
            assert!(
                Text::parse_from_json(Some(value.clone())).is_err(),
                "{value}"
            );
        }
    }
}
